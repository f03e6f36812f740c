import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
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
  return reply
    .status(e.status)
    .type(PROBLEM_TYPE)
    .serializer(JSON.stringify)
    .send(problemBody(e, baseUrl, request));
}

/** Errors the router raises before any route runs (an undecodable URL, a path parameter past its length): problem+json too. */
export function frameworkErrorHandler(baseUrl: string): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (err, request, reply) => {
    sendProblem(reply as FastifyReply, request as FastifyRequest, toFemtoError(err), baseUrl);
  };
}

const connectionErrors: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (header fields past
 * maxHeaderSize, a malformed request line, a request that took too long to arrive): the answer is
 * written straight to the socket, as problem+json like every other error.
 */
export function clientErrorHandler(baseUrl: string) {
  return (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const code = connectionErrors[err.code ?? ''] ?? 'MALFORMED_REQUEST';
    const spec = errorCatalog[code];
    const body = JSON.stringify({ type: problemTypeUri(baseUrl, code), title: spec.title, status: spec.status, detail: spec.title, code });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status]}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
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
