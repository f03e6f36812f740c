import { FemtoError } from '../../errors.js';
import { datasetNode, type DatasetNode, type GraphQLContext, type GraphQLModule, type LoaderQuery } from '../../graphql/context.js';
import type { PublishedVersionRow } from './datasets.repository.js';
import type { DatasetRecord } from './datasets.schema.js';
import { datasheetCompleteness } from './datasheet.js';
import type { Datasheet } from './datasheet.schema.js';

/** GraphQL enum names cannot hold '-': in-preparation is in_preparation there. */
export const graphqlStatus = {
  out: (s: string) => s.replace('-', '_'),
  in: (s: string) => s.replace('_', '-'),
};

interface VersionNode {
  datasetId: string;
  pk: number;
  version: number;
  versionLabel: string | null;
  title: string;
  publishedAt: string;
}

const versionNode = (r: PublishedVersionRow): VersionNode => ({
  datasetId: r.datasetId,
  pk: r.pk,
  version: r.versionNumber,
  versionLabel: r.versionLabel,
  title: r.title,
  publishedAt: r.publishedAt,
});

/** Dataset views for version pks, in the order asked, null where the caller may not see it. */
export async function datasetNodes(ctx: GraphQLContext, pks: number[]): Promise<(DatasetNode | null)[]> {
  const records = await ctx.femto.datasets.recordsFor(ctx.actor, pks);
  return pks.map((pk) => {
    const r = records.get(pk);
    return r ? datasetNode(pk, r) : null;
  });
}

export const datasetsGraphQL: GraphQLModule = {
  resolvers: {
    Query: {
      dataset: async (_: unknown, { id }: { id: string }, ctx: GraphQLContext) => {
        let v;
        try {
          // The read pipeline: a withdrawn record is GONE here as in REST.
          v = await ctx.femto.reader.open(ctx.actor, { dataset: id, draft: 'fallback' });
        } catch (err) {
          if (err instanceof FemtoError && err.code === 'NOT_FOUND') return null;
          throw err;
        }
        return (await datasetNodes(ctx, [v.pk]))[0];
      },
    },
    Dataset: {
      status: (r: DatasetNode) => graphqlStatus.out(r.status),
      domainLabel: (r: DatasetNode, _: unknown, ctx: GraphQLContext) => (r.domain ? (ctx.femto.ontology.domain(r.domain)?.label ?? null) : null),
      datasheet: (d: DatasetNode): Datasheet => d.datasheet ?? {},
    },
    Datasheet: {
      notes: (d: Datasheet) => (d.notes && Object.keys(d.notes).length ? JSON.stringify(d.notes) : null),
      completeness: (d: Datasheet) => datasheetCompleteness(d),
    },
    Contributor: {
      agent: (c: DatasetRecord['creators'][number]) => ({
        id: c.agentId,
        type: c.type,
        name: c.name,
        orcid: c.orcid,
        ror: c.ror,
        url: null,
        affiliation: c.affiliation,
      }),
    },
  },
  loaders: {
    Dataset: {
      async versions(queries: LoaderQuery<DatasetNode>[], ctx) {
        const rows = await ctx.femto.datasets.publishedOf(
          ctx.actor,
          queries.map((q) => q.obj.id),
        );
        return queries.map((q) => rows.filter((r) => r.datasetId === q.obj.id).map(versionNode));
      },
      async latestVersion(queries: LoaderQuery<DatasetNode>[], ctx) {
        const rows = await ctx.femto.datasets.publishedOf(
          ctx.actor,
          queries.map((q) => q.obj.id),
        );
        return queries.map((q) => {
          const mine = rows.filter((r) => r.datasetId === q.obj.id);
          return mine.length ? versionNode(mine[mine.length - 1]) : null;
        });
      },
    },
    DatasetVersion: {
      async dataset(queries: LoaderQuery<VersionNode>[], ctx) {
        return datasetNodes(
          ctx,
          queries.map((q) => q.obj.pk),
        );
      },
    },
  },
};
