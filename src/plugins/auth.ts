import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { Actor } from '../modules/auth/auth.schema.js';
import type { Container } from '../container.js';
import { FemtoError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller once per request, before the body is parsed or validated; routes ask the
 * services, which enforce roles. Two things are settled here already:
 * - an anonymous write (a route that declares a security requirement, by a method that changes
 *   something) is 401 at once: nobody without a token learns the body schema from a 400;
 * - a client that presented FEMTO_AUTH_FAILURES_MAX bad credentials within the window is answered
 *   429 with Retry-After on every authenticated request until the window ends, so tokens cannot
 *   be guessed at network speed. Only failures count (@fastify/rate-limit, peeked otherwise).
 */
export default fp(
  async (app, opts: { container: Container }) => {
    const { auth, config } = opts.container;
    await app.register(rateLimit, { global: false });
    const failures = app.createRateLimit({ max: config.authFailures.max, timeWindow: config.authFailures.windowMs });

    app.decorateRequest('actor', null as unknown as Actor);
    app.addHook('onRequest', async (request, reply) => {
      const { authorization } = request.headers;
      if (authorization) {
        const seen = await failures(request, { increment: false });
        if (!seen.isAllowed && seen.remaining === 0) {
          reply.header('Retry-After', String(seen.ttlInSeconds));
          throw new FemtoError('RATE_LIMITED', `Too many failed authentications from this client; retry in ${seen.ttlInSeconds} s`, [], {
            retryAfter: seen.ttlInSeconds,
          });
        }
      }
      try {
        request.actor = await auth.authenticate(authorization);
      } catch (err) {
        if (err instanceof FemtoError && err.code === 'INVALID_TOKEN') await failures(request);
        throw err;
      }
      if (request.actor.role === 'anonymous' && !SAFE_METHODS.has(request.method) && request.routeOptions.schema?.security?.length) {
        throw new FemtoError('UNAUTHENTICATED', `${request.method} ${request.routeOptions.url} needs a token`);
      }
    });
  },
  { name: 'auth', dependencies: ['problem-details'] },
);
