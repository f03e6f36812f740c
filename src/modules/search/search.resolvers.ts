import { FemtoError } from '../../errors.js';
import { datasetNode, type GraphQLContext, type GraphQLModule } from '../../graphql/context.js';
import { graphqlStatus } from '../datasets/datasets.resolvers.js';
import { FACETS, searchQuery } from './search.schema.js';

interface DatasetsArgs {
  query?: string | null;
  filter?: Record<string, unknown> | null;
  first?: number | null;
  after?: string | null;
}

export const searchGraphQL: GraphQLModule = {
  resolvers: {
    Query: {
      /** The REST search, arguments checked by the same zod schema; records come batched from the search service. */
      datasets: async (_: unknown, args: DatasetsArgs, ctx: GraphQLContext) => {
        const filter = Object.fromEntries(Object.entries(args.filter ?? {}).filter(([, v]) => v != null));
        const parsed = searchQuery.safeParse({
          q: args.query ?? undefined,
          ...filter,
          ...(typeof filter.status === 'string' ? { status: graphqlStatus.in(filter.status) } : {}),
          limit: args.first ?? undefined,
          cursor: args.after ?? undefined,
        });
        if (!parsed.success) {
          const argName = (key: PropertyKey) => ({ q: 'query', limit: 'first', cursor: 'after' })[String(key)] ?? `filter/${String(key)}`;
          const errors = parsed.error.issues.map((i) => ({ pointer: `args/${argName(i.path[0] ?? '')}`, message: i.message }));
          throw new FemtoError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
        }
        const result = await ctx.femto.search.search(ctx.actor, parsed.data);
        return {
          edges: result.items.map((i) => ({ cursor: i.cursor, node: datasetNode(i.pk, i.record) })),
          pageInfo: { hasNextPage: result.nextCursor !== null, endCursor: result.items.at(-1)?.cursor ?? null },
          totalCount: result.total,
          facets: FACETS.map((name) => ({
            name,
            values: name === 'status' ? result.facets.status.map((f) => ({ ...f, value: graphqlStatus.out(f.value) })) : result.facets[name],
          })),
        };
      },
    },
  },
};
