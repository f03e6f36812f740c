import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { errorCatalog, FemtoError, type ErrorCode, type FieldError } from '../errors.js';
import { faultCode } from '../db/faults.js';

export const PROBLEM_TYPE = 'application/problem+json';

/** The problem type URI of a code: resolvable, since /problems/{code} documents each one. */
export const problemTypeUri = (baseUrl: string, code: ErrorCode) => `${baseUrl}/problems/${code}`;

const fastifyCodeMap: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/** Zod issue paths become JSON pointers; the first segment says where (body, querystring, params, headers). */
function pointerOf(context: string | undefined, instancePath: string): string {
  if (context === 'body' || context === undefined) return instancePath || '/';
  return `${context}${instancePath || ''}`;
}

export function toFemtoError(err: FastifyError | Error): FemtoError {
  if (err instanceof FemtoError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors: FieldError[] = err.validation.map((v) => ({
      pointer: pointerOf(err.validationContext, v.instancePath),
      message: v.message ?? 'is not valid',
    }));
    return new FemtoError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
  }
  const code = (err as FastifyError).code;
  if (code && fastifyCodeMap[code]) return new FemtoError(fastifyCodeMap[code], err.message);
  if (err instanceof SyntaxError) return new FemtoError('MALFORMED_BODY', err.message);
  const status = (err as FastifyError).statusCode;
  if (status === 413) return new FemtoError('PAYLOAD_TOO_LARGE', err.message);
  if (status === 415) return new FemtoError('UNSUPPORTED_MEDIA_TYPE', err.message);
  if (status && status >= 400 && status < 500) return new FemtoError('VALIDATION_FAILED', err.message);
  // The database's own faults are the operator's to fix, not bugs: say which, and that nothing was written (every write is one transaction).
  const fault = faultCode(err);
  if (fault === 'SQLITE_FULL') return new FemtoError('STORAGE_FULL', 'The database has no space left (disk full or FEMTO_DB_MAX_BYTES reached); nothing was written');
  if (fault.startsWith('SQLITE_READONLY') || fault.startsWith('SQLITE_BUSY')) return new FemtoError('STORAGE_UNAVAILABLE', 'The database cannot be written now; nothing was written, retry later');
  return new FemtoError('INTERNAL', 'An unexpected error occurred; the request id is in the log');
}

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
      socket.write(`HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status]}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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
