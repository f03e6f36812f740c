import type { DatasetNode, GraphQLModule, LoaderQuery } from '../../graphql/context.js';

export const identifiersGraphQL: GraphQLModule = {
  resolvers: {},
  loaders: {
    Dataset: {
      async doi(queries: LoaderQuery<DatasetNode>[], ctx) {
        const byPk = ctx.femto.identifiers.forVersions(queries.map((q) => q.obj.__pk));
        return queries.map((q) => {
          const row = byPk.get(q.obj.__pk);
          if (!row) return null;
          return { doi: row.doi, url: row.url, state: row.state, withdrawnAt: row.withdrawnAt, ...ctx.femto.identifiers.registration(row), registrationStatus: row.registrationStatus };
        });
      },
    },
  },
};
