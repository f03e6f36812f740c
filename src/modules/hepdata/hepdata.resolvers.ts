import type { DatasetNode, GraphQLContext, GraphQLModule, LoaderQuery } from '../../graphql/context.js';
import type { HepdataKeyword } from './hepdata.schema.js';

export const hepdataGraphQL: GraphQLModule = {
  resolvers: {
    HepdataKeyword: {
      observable: (k: HepdataKeyword, _: unknown, ctx: GraphQLContext) => (k.observable ? (ctx.femto.ontology.observable(k.observable) ?? null) : null),
    },
  },
  loaders: {
    Dataset: {
      // The nodes are versions the caller may see (the datasets resolvers decided): their tables in one statement.
      async hepdataTables(queries: LoaderQuery<DatasetNode>[], ctx) {
        const tables = await ctx.femto.hepdata.tablesOf(queries.map((q) => q.obj.__pk));
        return queries.map((q) => tables.get(q.obj.__pk) ?? []);
      },
    },
  },
};
