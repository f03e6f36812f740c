import type { DatasetNode, GraphQLContext, GraphQLModule, LoaderQuery } from '../../graphql/context.js';
import { versionViews } from '../provenance/provenance.resolvers.js';
import { cardCompleteness, type ModelCardInput } from './model-card.schema.js';
import type { EvaluationRecord, Manifest } from './models.schema.js';

type ManifestDataset = Manifest['lineage']['datasets'][number] & { role?: string | null; via?: string | null };
type ManifestStep = Manifest['trainingSteps'][number];

const stepsOf = async (ctx: GraphQLContext, steps: ManifestStep[]) => {
  const records = await ctx.femto.provenance.records(
    ctx.actor,
    steps.map((s) => s.id),
  );
  return steps.map((s) => ({ ...s, activity: records.get(s.id) ?? null }));
};

export const modelsGraphQL: GraphQLModule = {
  resolvers: {
    Query: {
      leaderboard: (_: unknown, a: { dataset: string; metric: string; version?: number | null; split?: string | null }, ctx: GraphQLContext) =>
        ctx.femto.models.leaderboard(ctx.actor, a.dataset, { metric: a.metric, version: a.version ?? undefined, split: a.split ?? undefined }),
      metrics: (_: unknown, __: unknown, ctx: GraphQLContext) => ctx.femto.ontology.metrics(),
    },
    Dataset: {
      modelCard: (d: DatasetNode) => d.modelCard,
    },
    ModelCard: {
      completeness: (card: ModelCardInput) => cardCompleteness(card),
    },
    Evaluation: {
      activity: async (e: EvaluationRecord, _: unknown, ctx: GraphQLContext) =>
        (await ctx.femto.provenance.records(ctx.actor, [e.activity])).get(e.activity) ?? null,
    },
    ManifestDataset: {
      datasetId: (d: ManifestDataset) => d.dataset,
      doi: (d: ManifestDataset) => d.doi?.doi ?? null,
      withdrawnAt: (d: ManifestDataset) => d.withdrawn?.at ?? null,
      withdrawalReason: (d: ManifestDataset) => d.withdrawn?.reason ?? null,
      datasheet: (d: ManifestDataset) => (d.dataset === null ? null : (d.datasheet ?? {})),
    },
    TrainingSetManifest: {
      trainingSteps: (m: Manifest, _: unknown, ctx: GraphQLContext) => stepsOf(ctx, m.trainingSteps),
      upstream: (m: Manifest) => m.lineage.datasets,
      steps: (m: Manifest, _: unknown, ctx: GraphQLContext) => stepsOf(ctx, m.lineage.steps),
      edges: (m: Manifest) => m.lineage.edges,
      truncated: (m: Manifest) => m.lineage.truncated,
    },
  },
  loaders: {
    Dataset: {
      async evaluations(queries: LoaderQuery<DatasetNode>[], ctx) {
        const pks = queries.filter((q) => q.obj.resourceType === 'Model').map((q) => q.obj.__pk);
        const all = await ctx.femto.models.evaluationsOfVersions(ctx.actor, pks);
        return queries.map((q) => all.get(q.obj.__pk) ?? []);
      },
      async trainingSetManifest(queries: LoaderQuery<DatasetNode>[], ctx) {
        const manifests = await ctx.femto.models.manifestsOf(
          ctx.actor,
          queries.filter((q) => q.obj.resourceType === 'Model').map((q) => q.obj.__pk),
        );
        return queries.map((q) => manifests.get(q.obj.__pk) ?? null);
      },
    },
    ManifestDataset: {
      async dataset(queries: LoaderQuery<ManifestDataset>[], ctx) {
        return versionViews(
          ctx,
          queries.map((q) => q.obj),
        );
      },
    },
  },
};
