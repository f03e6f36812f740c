import type { GraphQLContext, GraphQLModule, LoaderQuery, DatasetNode } from '../../graphql/context.js';
import { datasetNodes } from '../datasets/datasets.resolvers.js';
import type { ActivityRecord } from './provenance.schema.js';

type VersionLink = ActivityRecord['inputs'][number];

/** Dataset views of (dataset id, version number) references, in order, batched; null where there is none or the caller may not see it. */
export async function versionViews(ctx: GraphQLContext, ends: readonly { dataset: string | null; version: number | null }[]): Promise<(DatasetNode | null)[]> {
  const refs = ends.map((e) => (e.dataset && e.version != null ? { datasetId: e.dataset, version: e.version } : null));
  const pks = await ctx.femto.datasets.versionPksOf(refs.filter((r): r is NonNullable<typeof r> => r !== null));
  return datasetNodes(
    ctx,
    refs.map((r) => (r ? (pks.get(`${r.datasetId}@${r.version}`) ?? -1) : -1)),
  );
}

/** Activities touching the given versions, as full records, batched. */
async function activitiesFor(ctx: GraphQLContext, pks: number[], side: 'generatedBy' | 'usedBy') {
  const around = await ctx.femto.provenance.neighbourhood(ctx.actor, pks);
  return pks.map((pk) => around.get(pk)![side]);
}

export const provenanceGraphQL: GraphQLModule = {
  resolvers: {
    Query: {
      activity: async (_: unknown, { id }: { id: string }, ctx: GraphQLContext) => (await ctx.femto.provenance.records(ctx.actor, [id])).get(id) ?? null,
      agent: async (_: unknown, { id }: { id: string }, ctx: GraphQLContext) => (await ctx.femto.provenance.findAgent(ctx.actor, id)) ?? null,
    },
    Activity: {
      parameters: (a: ActivityRecord) => (a.parameters ? JSON.stringify(a.parameters) : null),
      agents: (a: ActivityRecord) => a.agents.map(({ role, ...agent }) => ({ agent, role })),
    },
  },
  loaders: {
    Dataset: {
      async generatedBy(queries: LoaderQuery<DatasetNode>[], ctx) {
        return (
          await activitiesFor(
            ctx,
            queries.map((q) => q.obj.__pk),
            'generatedBy',
          )
        ).map((list) => list[0] ?? null);
      },
      async usedBy(queries: LoaderQuery<DatasetNode>[], ctx) {
        return activitiesFor(
          ctx,
          queries.map((q) => q.obj.__pk),
          'usedBy',
        );
      },
    },
    VersionLink: {
      async dataset(queries: LoaderQuery<VersionLink>[], ctx) {
        return versionViews(
          ctx,
          queries.map((q) => q.obj),
        );
      },
    },
  },
};
