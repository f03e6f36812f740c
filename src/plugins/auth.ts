import fp from 'fastify-plugin';
import type { Actor } from '../modules/auth/auth.schema.js';
import type { Container } from '../container.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

/** Resolves the caller once per request; routes ask the services, which enforce roles. */
export default fp(
  async (app, opts: { container: Container }) => {
    app.decorateRequest('actor', null as unknown as Actor);
    app.addHook('onRequest', async (request) => {
      request.actor = opts.container.auth.authenticate(request.headers.authorization);
    });
  },
  { name: 'auth', dependencies: ['problem-details'] },
);
