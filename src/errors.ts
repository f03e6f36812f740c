import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { faultCode } from './db/faults.js';

/**
 * The one catalog of coded errors. Every error femto answers with is created here, so a code
 * means the same status and title everywhere (REST problem+json, GraphQL extensions, CLI).
 */

export interface FieldError {
  /** JSON pointer (RFC 6901) into the request body, or a query/header name prefixed by its location. */
  pointer: string;
  message: string;
}

interface ErrorSpec {
  status: number;
  title: string;
}

export const errorCatalog = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  ARCHIVE_INVALID: { status: 400, title: 'The archive cannot be read' },
  BODY_TOO_DEEP: { status: 400, title: 'The request body nests deeper than allowed' },
  MALFORMED_URL: { status: 400, title: 'The request URL could not be decoded' },
  MALFORMED_REQUEST: { status: 400, title: 'The request is not well-formed HTTP' },
  QUERY_TOO_LARGE: { status: 400, title: 'The GraphQL document is larger than allowed' },
  QUERY_TOO_MANY_ALIASES: { status: 400, title: 'The GraphQL document has more aliases than allowed' },
  QUERY_NOT_GRAPHQL: { status: 400, title: 'The GraphQL document is not GraphQL text' },
  UNKNOWN_OPERATION: { status: 400, title: 'The GraphQL document has no operation by that name' },
  BATCH_TOO_LARGE: { status: 400, title: 'The GraphQL batch holds more operations than allowed' },
  QUERY_TOO_DEEP: { status: 400, title: 'The GraphQL document nests deeper than allowed' },
  QUERY_TOO_COMPLEX: { status: 400, title: 'The GraphQL document asks for more than allowed' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_TOKEN: { status: 401, title: 'The token is not valid' },
  FORBIDDEN: { status: 403, title: 'The token does not grant this operation' },
  FILES_WITHHELD: { status: 403, title: 'The files of this record are not open to the caller (restricted, or under embargo)' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  NO_REPLICA: { status: 404, title: 'No replica of the file matches the request' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'The method is not allowed on this resource' },
  NOT_ACCEPTABLE: { status: 406, title: 'None of the requested media types can be produced' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  ID_TAKEN: { status: 409, title: 'The identifier is already in use' },
  SITE_IN_USE: { status: 409, title: 'Replicas are recorded at this site' },
  VERSION_IMMUTABLE: { status: 409, title: 'A published version cannot be changed' },
  DERIVATION_CYCLE: { status: 409, title: 'The derivation step would create a cycle' },
  TARGET_NOT_EMPTY: { status: 409, title: 'The target database is not empty' },
  GONE: { status: 410, title: 'The resource was withdrawn' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource changed since it was read' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  ARCHIVE_TOO_LARGE: { status: 413, title: 'The archive is larger than allowed (its size, its entries, or what they inflate to)' },
  URI_TOO_LONG: { status: 414, title: 'The request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body media type is not supported' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  ARCHIVE_ENTRY_REFUSED: { status: 422, title: 'The archive holds an entry femto does not read (a link, a device, a path leaving the archive)' },
  POLICY_UNMET: { status: 422, title: 'The record does not meet the publication policies' },
  UNKNOWN_REFERENCE: { status: 422, title: 'The request refers to something that does not exist' },
  MARKOV_CHAIN_NOT_OWN: { status: 422, title: 'A record may be identical only to the Markov chain of its own ensemble block' },
  REPLICA_CHECKSUM_CONFLICT: { status: 422, title: 'The replicas of a distribution state different checksums' },
  NOT_PUBLISHED: { status: 422, title: 'The dataset has no published version' },
  DOI_INVALID: { status: 422, title: 'The DOI is not valid' },
  DOI_TAKEN: { status: 422, title: 'This DOI has already been taken' },
  DOI_MISSING_PROPERTIES: { status: 422, title: 'Mandatory DataCite properties are missing' },
  DOI_RECORD_NOT_AVAILABLE: { status: 422, title: 'Only a record whose data is available may get a findable DOI' },
  DOI_ALREADY_IDENTIFIED: { status: 422, title: 'The record already has a DOI of its own' },
  DOI_INVALID_METADATA: { status: 422, title: 'The DataCite metadata is not valid' },
  DOI_NOT_DELETABLE: { status: 405, title: 'Only draft DOIs can be deleted' },
  DOI_INVALID_TRANSITION: { status: 422, title: 'The DOI cannot move to that state' },
  PRECONDITION_REQUIRED: { status: 428, title: 'The request must be conditional (If-Match)' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request header fields are too large' },
  INTERNAL: { status: 500, title: 'Internal server error' },
  COPY_MISMATCH: { status: 500, title: 'The copied database differs from its source' },
  UPSTREAM_FAILED: { status: 502, title: 'An upstream service failed' },
  TIMEOUT: { status: 503, title: 'The request took too long' },
  STORAGE_UNAVAILABLE: { status: 503, title: 'The database cannot be written now' },
  NOT_READY: { status: 503, title: 'The server cannot take writes' },
  STORAGE_FULL: { status: 507, title: 'The database has no space left' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalog;

export class FemtoError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? errorCatalog[code].title);
    this.name = 'FemtoError';
    this.status = errorCatalog[code].status;
    this.title = errorCatalog[code].title;
  }
}

export const notFound = (what: string, id: string) => new FemtoError('NOT_FOUND', `${what} '${id}' does not exist`);

export const invalid = (pointer: string, message: string) => new FemtoError('VALIDATION_FAILED', message, [{ pointer, message }]);

const fastifyCodeMap: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  // A compressed body that does not decompress (lib/content-coding.ts).
  Z_DATA_ERROR: 'MALFORMED_BODY',
  Z_BUF_ERROR: 'MALFORMED_BODY',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/** Zod issue paths become JSON pointers; the first segment says where (body, querystring, params, headers). */
function pointerOf(context: string | undefined, instancePath: string): string {
  if (context === 'body' || context === undefined) return instancePath || '/';
  return `${context}${instancePath || ''}`;
}

/** Any error thrown while answering, as the coded error femto answers with (problem+json, JSON:API errors, GraphQL extensions). */
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
  return databaseFault(err) ?? new FemtoError('INTERNAL', 'An unexpected error occurred; the request id is in the log');
}

/**
 * The database's own faults are the operator's to fix, not bugs: say which, and that nothing was written (every write
 * is one transaction); undefined for any other error. REST and GraphQL answer them alike.
 */
export function databaseFault(err: unknown): FemtoError | undefined {
  const fault = faultCode(err);
  if (fault === 'SQLITE_FULL' || fault === '53100')
    return new FemtoError('STORAGE_FULL', 'The database has no space left (disk full or FEMTO_DB_MAX_BYTES reached); nothing was written');
  // PostgreSQL text cannot hold U+0000 (SQLite's can): such a value is the client's to change, not a server fault.
  if (fault === '22021' || fault === '22P05')
    return new FemtoError('VALIDATION_FAILED', 'A text value holds the character U+0000 (NUL), which this database cannot store or look up');
  // PostgreSQL: a standby's read-only transaction, a server shutting down or starting, a connection lost or refused, a
  // transaction ended for sitting idle (its writer stalled).
  if (fault.startsWith('SQLITE_READONLY') || fault.startsWith('SQLITE_BUSY') || /^(25006|25P03|57P0[1-3]|08...|ECONNREFUSED|ECONNRESET)$/.test(fault))
    return new FemtoError('STORAGE_UNAVAILABLE', 'The database cannot be written now; nothing was written, retry later');
  return undefined;
}
