import type { GraphQLContext, GraphQLModule, LoaderQuery } from '../../graphql/context.js';
import { datasetNodes } from '../datasets/datasets.resolvers.js';
import type { Direction, LineageFilter, LineageNode } from './lineage.schema.js';

interface LineageArgs {
  id: string;
  direction: Direction;
  depth: number | null;
  version?: number | null;
  filter?: LineageFilter | null;
}

export const lineageGraphQL: GraphQLModule = {
  resolvers: {
    Query: {
      lineage: (_: unknown, { filter, ...args }: LineageArgs, ctx: GraphQLContext) => ctx.femto.lineage.lineage(ctx.actor, { ...args, filter: filter ?? {} }),
      path: (_: unknown, { from, to }: { from: string; to: string }, ctx: GraphQLContext) => ctx.femto.lineage.path(ctx.actor, from, to),
      impact: (_: unknown, { id }: { id: string }, ctx: GraphQLContext) => ctx.femto.lineage.impact(ctx.actor, id),
    },
  },
  loaders: {
    LineageNode: {
      /** The exact version the node stands for; placeholders and activities have no pk and stay null. */
      async dataset(queries: LoaderQuery<LineageNode>[], ctx) {
        const pks = queries.map((q) => q.obj.pk).filter((pk): pk is number => pk !== null);
        const nodes = new Map((await datasetNodes(ctx, pks)).map((n, i) => [pks[i], n]));
        return queries.map((q) => (q.obj.pk === null ? null : (nodes.get(q.obj.pk) ?? null)));
      },
      /** One gate-status computation for every dataset node of the answer. */
      async gateStatus(queries: LoaderQuery<LineageNode>[], ctx) {
        const status = await ctx.femto.gates.gateStatusFor(queries.flatMap((q) => (q.obj.pk === null ? [] : [q.obj.pk])));
        return queries.map((q) => (q.obj.pk === null ? null : (status.get(q.obj.pk) ?? null)));
      },
      async activity(queries: LoaderQuery<LineageNode>[], ctx) {
        const ids = queries.map((q) => q.obj.activity).filter((id): id is string => id !== null);
        const records = await ctx.femto.provenance.records(ctx.actor, [...new Set(ids)]);
        return queries.map((q) => (q.obj.activity === null ? null : (records.get(q.obj.activity) ?? null)));
      },
    },
  },
};
