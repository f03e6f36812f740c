import fp from 'fastify-plugin';
import mercurius from 'mercurius';
import Negotiator from 'negotiator';
import type { FastifyRequest } from 'fastify';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import type { Container } from '../container.js';
import type { GraphQLContext, GraphQLModule } from '../graphql/context.js';
import { projectPath } from '../paths.js';
import { datasetsGraphQL } from '../modules/datasets/datasets.resolvers.js';
import { provenanceGraphQL } from '../modules/provenance/provenance.resolvers.js';
import { identifiersGraphQL } from '../modules/identifiers/identifiers.resolvers.js';
import { gatesGraphQL } from '../modules/gates/gates.resolvers.js';
import { modelsGraphQL } from '../modules/models/models.resolvers.js';
import { hepdataGraphQL } from '../modules/hepdata/hepdata.resolvers.js';

import { searchGraphQL } from '../modules/search/search.resolvers.js';
import { lineageGraphQL } from '../modules/lineage/lineage.resolvers.js';
import { databaseFault, FemtoError } from '../errors.js';
import { queryLimits } from '../graphql/limits.js';
import { checkDocument, checkGetOperation, documentCacheEntries } from '../graphql/document-limits.js';

/** Every module's resolvers and loaders; their SDL is every file in schema/graphql/, in name order. */
const modules: GraphQLModule[] = [
  datasetsGraphQL,
  provenanceGraphQL,
  searchGraphQL,
  lineageGraphQL,
  identifiersGraphQL,
  gatesGraphQL,
  modelsGraphQL,
  hepdataGraphQL,
];

/**
 * A coded error from a service keeps its code in `extensions`, as REST keeps it in problem+json.
 * The original error is not passed on: mercurius would take FemtoError's `errors` (field errors)
 * for a list of GraphQL errors. An error no code explains (a bug) says no more than REST's 500.
 */
function withCode(error: GraphQLError, log: FastifyRequest['log']): GraphQLError {
  const original = error.originalError;
  const e = original instanceof FemtoError || !original ? original : (databaseFault(original) ?? original);
  if (e instanceof FemtoError) {
    return new GraphQLError(e.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: e.code, status: e.status, ...(e.errors.length ? { errors: e.errors } : {}), ...e.extra },
    });
  }
  if (!e || e instanceof GraphQLError || typeof (e as { statusCode?: unknown }).statusCode === 'number') return error;
  log.error({ err: e }, 'GraphQL resolver failed');
  return new GraphQLError('An unexpected error occurred; the request id is in the log', {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: 'INTERNAL', status: 500 },
  });
}

/** The HTTP status of a request that failed before execution, from the error that stopped it. */
function statusBeforeExecution(error: GraphQLError): number {
  const e = error.originalError as (Error & { statusCode?: number }) | undefined;
  if (e instanceof FemtoError) return e.status;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  // graphql-jit's errors may have no extensions at all.
  if (typeof error.extensions?.status === 'number') return error.extensions.status;
  return e && !(e instanceof GraphQLError) ? 500 : 400;
}

/**
 * GraphQL over HTTP: a request that fails before execution (unparsable, invalid, refused by a
 * limit, unauthenticated) has no `data` entry and a 4xx status; an executed one has `data` (null
 * only when a non-null root field failed) and 200, errors or not.
 */
function formatErrors(execution: ExecutionResult & { errors: readonly GraphQLError[] }, context: { reply: { request: FastifyRequest } }) {
  const log = context.reply.request.log;
  const executed = 'data' in execution;
  // mercurius wraps parse and validation errors in one error whose `errors` are the real ones.
  const errors = execution.errors
    .flatMap((error) => {
      const wrapped = (error.originalError as { errors?: unknown } | undefined)?.errors;
      return Array.isArray(wrapped) && !(error.originalError instanceof FemtoError)
        ? (wrapped as Error[]).map((w) => (w instanceof GraphQLError ? w : new GraphQLError(w.message, { originalError: w })))
        : [error];
    })
    .map((error) => withCode(error, log).toJSON());
  if (executed) {
    // graphql-js gives a field error locations, graphql-jit (a document's later runs) none: an answer that
    // changed with how often a document was asked would tell a caller what others asked.
    const uniform = errors.map(({ locations: _locations, ...error }) => error);
    return { statusCode: 200, response: { data: execution.data, errors: uniform } };
  }
  return { statusCode: statusBeforeExecution(execution.errors[0]), response: { errors } };
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/**
 * A response's entries in one order whatever path answered it: mercurius builds a document's first run (graphql-js)
 * `errors` first and its later, cached runs (graphql-jit) `data` first, so the raw bytes told a caller whether someone
 * had sent the same query text recently. The order is the one the spec suggests (Response Format, a note: when `errors`
 * is present, it may be helpful for it to appear first when serialised): errors, data, extensions.
 */
function inSpecOrder(response: unknown): unknown {
  if (Array.isArray(response)) return response.map(inSpecOrder);
  if (!response || typeof response !== 'object' || !('data' in response || 'errors' in response)) return response;
  const { errors, data, extensions, ...rest } = response as Record<string, unknown>;
  return {
    ...('errors' in response ? { errors } : {}),
    ...('data' in response ? { data } : {}),
    ...('extensions' in response ? { extensions } : {}),
    ...rest,
  };
}

/** `application/graphql-response+json` when the client asks for it; application/json (the legacy default) otherwise. */
const wantsGraphQLResponse = (request: FastifyRequest) =>
  new Negotiator({ headers: { accept: request.headers.accept ?? 'application/json' } }).mediaType(['application/json', GRAPHQL_RESPONSE]) === GRAPHQL_RESPONSE;

/** The GraphQL documents of a request: one, or one per operation of a batch (a JSON array). */
function documentsOf(request: FastifyRequest): unknown[] {
  const source = request.method === 'GET' ? request.query : request.body;
  return (Array.isArray(source) ? source : [source]).map((r) => (r && typeof r === 'object' ? (r as { query?: unknown }).query : undefined));
}

function merge(parts: Record<string, Record<string, unknown>>[]) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) {
      for (const field of Object.keys(fields)) {
        if (out[type]?.[field]) throw new Error(`GraphQL ${type}.${field} is defined by two modules`);
      }
      out[type] = { ...out[type], ...fields };
    }
  }
  return out;
}

export function loadSchema(dir = projectPath('schema', 'graphql')): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

export default fp(
  async (app, opts: { container: Container }) => {
    const limits = opts.container.config.graphql;
    // graphql-jit compiles each document with `new Function`, and V8 keeps every such source in its
    // compilation cache until memory runs short: the heap would grow with every distinct document
    // whatever mercurius evicts. femto compiles no source twice (mercurius keeps the compiled query),
    // so the V8 cache buys nothing here.
    setFlagsFromString('--no-compilation-cache');
    // With batching on, mercurius gives POST /graphql no response schema (one answer or a list of
    // them): the OpenAPI document still says what comes back, and JSON.stringify writes it.
    app.addHook('onRoute', (route) => {
      if (route.url !== '/graphql' || route.method !== 'POST') return;
      route.schema = { ...route.schema, response: { 200: { description: 'A GraphQL response, or a list of them for a batch', type: ['object', 'array'] } } };
      route.serializerCompiler = () => JSON.stringify;
    });
    await app.register(mercurius, {
      schema: loadSchema(),
      resolvers: merge(modules.map((m) => m.resolvers)) as never,
      loaders: merge(modules.map((m) => m.loaders ?? {})) as never,
      graphiql: false,
      path: '/graphql',
      // Compiles a document to JS on its second run (graphql-jit): the hot lineage queries skip graphql-js's interpreter.
      jit: 1,
      // Parsed and compiled documents are cached by their text: bounded in bytes through the entry count.
      cache: documentCacheEntries(limits),
      allowBatchedQueries: true,
      validationRules: [queryLimits(limits)],
      errorFormatter: formatErrors as never,
      additionalRouteOptions: {
        // Before mercurius parses anything: the batch size, then each document's size, tokens, aliases and nesting.
        preHandler: async (request) => {
          const documents = documentsOf(request);
          if (documents.length > limits.maxBatch) {
            throw new FemtoError(
              'BATCH_TOO_LARGE',
              `The batch holds ${documents.length} operations; the limit is ${limits.maxBatch} (FEMTO_GRAPHQL_MAX_BATCH)`,
              [],
              { limit: limits.maxBatch },
            );
          }
          for (const document of documents) {
            const refusal = typeof document === 'string' ? checkDocument(document, limits) : null;
            if (refusal) throw refusal;
          }
          const get = request.method === 'GET' ? (request.query as { query?: unknown; operationName?: string | null }) : undefined;
          const unknownOperation = typeof get?.query === 'string' ? checkGetOperation(get.query, get.operationName) : null;
          if (unknownOperation) throw unknownOperation;
        },
        preSerialization: async (_request, _reply, payload: unknown) => inSpecOrder(payload),
        onSend: async (request, reply) => {
          if (wantsGraphQLResponse(request)) reply.type(`${GRAPHQL_RESPONSE}; charset=utf-8`);
        },
      },
      context: (request): GraphQLContext => ({ actor: request.actor, femto: opts.container }),
    });
  },
  { name: 'graphql', dependencies: ['auth'] },
);
