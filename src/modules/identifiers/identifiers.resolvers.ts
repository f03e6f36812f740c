import type { DatasetNode, GraphQLModule, LoaderQuery } from '../../graphql/context.js';

export const identifiersGraphQL: GraphQLModule = {
  resolvers: {},
  loaders: {
    Dataset: {
      /** The version's DOI: findable, or in any state for those who may edit the record (with the registrar's last error, redacted). */
      async doi(queries: LoaderQuery<DatasetNode>[], ctx) {
        const byPk = await ctx.femto.identifiers.forVersions(queries.map((q) => q.obj.__pk));
        const editable = await ctx.femto.datasets.editableRecords(
          ctx.actor,
          queries.map((q) => q.obj.id),
        );
        return queries.map((q) => {
          const row = byPk.get(q.obj.__pk);
          const editor = editable.has(q.obj.id);
          if (!row || (row.state !== 'findable' && !editor)) return null;
          return {
            doi: row.doi,
            url: row.url,
            state: row.state,
            withdrawnAt: row.withdrawnAt,
            ...ctx.femto.identifiers.registration(row, editor),
            registrationStatus: row.registrationStatus,
          };
        });
      },
    },
  },
};
