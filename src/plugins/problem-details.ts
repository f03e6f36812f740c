import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { errorCatalog, FemtoError, toFemtoError, type ErrorCode } from '../errors.js';

export const PROBLEM_TYPE = 'application/problem+json';

/** The problem type URI of a code: resolvable, since /problems/{code} documents each one. */
export const problemTypeUri = (baseUrl: string, code: ErrorCode) => `${baseUrl}/problems/${code}`;

export function problemBody(e: FemtoError, baseUrl: string, request: FastifyRequest) {
  return {
    type: problemTypeUri(baseUrl, e.code),
    title: e.title,
    status: e.status,
    detail: e.message,
    instance: request.url,
    code: e.code,
    ...(e.errors.length ? { errors: e.errors } : {}),
    ...e.extra,
    requestId: request.id,
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, e: FemtoError, baseUrl: string) {
  if (e.code === 'UNAUTHENTICATED' || e.code === 'INVALID_TOKEN') reply.header('WWW-Authenticate', 'Bearer realm="femto"');
  return reply.status(e.status).type(PROBLEM_TYPE).serializer(JSON.stringify).send(problemBody(e, baseUrl, request));
}

export default fp(
  async (app, opts: { baseUrl: string }) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (isResponseSerializationError(err)) request.log.error({ err, issues: err.cause }, 'response did not match its schema');
      const problem = toFemtoError(err);
      if (problem.status >= 500) request.log.error({ err }, 'request failed');
      return sendProblem(reply, request, problem, opts.baseUrl);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, request, new FemtoError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`), opts.baseUrl),
    );

    // Each problem type URI resolves to its description.
    app.get('/problems', { schema: { hide: true } }, async () =>
      Object.entries(errorCatalog).map(([code, spec]) => ({ code, ...spec, type: problemTypeUri(opts.baseUrl, code as ErrorCode) })),
    );
    app.get<{ Params: { code: string } }>('/problems/:code', { schema: { hide: true } }, async (request) => {
      const spec = errorCatalog[request.params.code as ErrorCode];
      if (!spec) throw new FemtoError('NOT_FOUND', `No problem type '${request.params.code}'`);
      return { code: request.params.code, ...spec };
    });
  },
  { name: 'problem-details' },
);
