import fp from 'fastify-plugin';
import mercurius from 'mercurius';
import { GraphQLError } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from '../container.js';
import type { GraphQLContext, GraphQLModule } from '../graphql/context.js';
import { projectPath } from '../paths.js';
import { datasetsGraphQL } from '../modules/datasets/datasets.resolvers.js';
import { provenanceGraphQL } from '../modules/provenance/provenance.resolvers.js';
import { identifiersGraphQL } from '../modules/identifiers/identifiers.resolvers.js';
import { gatesGraphQL } from '../modules/gates/gates.resolvers.js';

import { searchGraphQL } from '../modules/search/search.resolvers.js';
import { lineageGraphQL } from '../modules/lineage/lineage.resolvers.js';
import { FemtoError } from '../errors.js';
import { queryLimits } from '../graphql/limits.js';

/** Every module's resolvers and loaders; their SDL is every file in schema/graphql/, in name order. */
const modules: GraphQLModule[] = [datasetsGraphQL, provenanceGraphQL, searchGraphQL, lineageGraphQL, identifiersGraphQL, gatesGraphQL];

/**
 * A coded error from a service keeps its code in `extensions`, as REST keeps it in problem+json.
 * The original error is not passed on: mercurius would take FemtoError's `errors` (field errors)
 * for a list of GraphQL errors.
 */
function withCode(error: GraphQLError): GraphQLError {
  const e = error.originalError;
  if (!(e instanceof FemtoError)) return error;
  return new GraphQLError(e.message, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: e.code, status: e.status, ...(e.errors.length ? { errors: e.errors } : {}), ...e.extra },
  });
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
    await app.register(mercurius, {
      schema: loadSchema(),
      resolvers: merge(modules.map((m) => m.resolvers)) as never,
      loaders: merge(modules.map((m) => m.loaders ?? {})) as never,
      graphiql: false,
      path: '/graphql',
      // Compiles a document to JS on its second run (graphql-jit): the hot lineage queries skip graphql-js's interpreter.
      jit: 1,
      validationRules: [queryLimits(opts.container.config.graphql)],
      errorFormatter: (execution, ctx) => mercurius.defaultErrorFormatter({ ...execution, errors: execution.errors?.map(withCode) }, ctx),
      context: (request): GraphQLContext => ({ actor: request.actor, femto: opts.container }),
    });
  },
  { name: 'graphql', dependencies: ['auth'] },
);
