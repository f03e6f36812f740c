import { mapInOrder } from '../../lib/in-order.js';
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DatasetReader } from '../datasets/read.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { HarvestService } from '../harvest/harvest.service.js';
import type { LineageService } from '../lineage/lineage.service.js';
import type { ModelsService } from '../models/models.service.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { ProvenanceService } from '../provenance/provenance.service.js';
import type { SearchService } from '../search/search.service.js';
import { FemtoError } from '../../errors.js';
import { projectPath } from '../../paths.js';
import { searchQuery } from '../search/search.schema.js';
import { searchPage } from './views/search.js';
import { lineagePage } from './views/lineage.js';
import { modelPage } from './views/model.js';
import { layoutLineage, type GraphNode } from './lineage-layout.js';
import { DIRECTIONS } from '../lineage/lineage.schema.js';

const staticFiles: Record<string, { type: string; body: string }> = {
  'femto.css': { type: 'text/css; charset=utf-8', body: readFileSync(projectPath('schema/static/femto.css'), 'utf8') },
};

/** The discovery portal: server-rendered pages over the same services as the API. */
export function portalRoutes({
  search,
  lineage,
  datasets,
  reader,
  provenance,
  harvest,
  models,
  urls,
}: {
  models: ModelsService;
  urls: SiteUrls;
  search: SearchService;
  lineage: LineageService;
  datasets: DatasetsService;
  reader: DatasetReader;
  provenance: ProvenanceService;
  harvest: HarvestService;
}): FastifyPluginAsyncZod {
  const labels = {
    observable: (iri: string) => harvest.serializerContext.describeObservable(iri).name,
    domain: (iri: string) => harvest.serializerContext.describeDomain(iri).label,
  };
  return async (app) => {
    app.get(
      '/',
      { schema: { hide: true, querystring: searchQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(20) }) } },
      async (request, reply) =>
        reply.type('text/html; charset=utf-8').send(searchPage(request.query, await search.search(request.actor, request.query), labels)),
    );

    app.get(
      '/portal/lineage/:id',
      {
        schema: {
          hide: true,
          params: z.object({ id: z.string().min(1).max(200) }),
          querystring: z.object({ direction: z.enum(DIRECTIONS).default('BOTH'), depth: z.coerce.number().int().min(1).max(50).default(5) }),
        },
      },
      async (request, reply) => {
        const { actor } = request;
        // The read pipeline: hidden records are 404, withdrawn ones 410, as on every channel.
        const rootVersion = await reader.open(actor, { dataset: request.params.id, draft: 'fallback' });
        const root = (await datasets.recordsFor(actor, [rootVersion.pk])).get(rootVersion.pk)!;
        const answer = await lineage.lineage(actor, { id: request.params.id, direction: request.query.direction, depth: request.query.depth });
        const records = await datasets.recordsFor(
          actor,
          answer.nodes.flatMap((n) => (n.pk != null ? [n.pk] : [])),
        );
        const steps = await provenance.records(
          actor,
          answer.nodes.flatMap((n) => (n.activity ? [n.activity] : [])),
        );
        const status = new Map((await lineage.withGateStatus(answer.nodes)).map((n) => [n.id, n.gateStatus]));
        const nodes: GraphNode[] = answer.nodes.map((n) => {
          // A placeholder says only that something the caller may not see is there.
          if (n.hidden) return { id: n.id, label: 'hidden dataset', kind: 'placeholder', root: false };
          if (n.kind === 'ACTIVITY') {
            const a = steps.get(n.activity!);
            const name = a?.name ?? `${a?.kind ?? 'step'} ${n.activity}`;
            return {
              id: n.id,
              label: a?.implied ? `${name} (implied)` : name,
              kind: 'activity',
              root: n.id === answer.root.id,
              href: `/activities/${encodeURIComponent(n.activity!)}`,
            };
          }
          const r = n.pk != null ? records.get(n.pk) : undefined;
          return {
            id: n.id,
            label: `${r?.title ?? n.dataset} v${n.version}`,
            kind: 'dataset',
            root: n.id === answer.root.id,
            href: `/datasets/${encodeURIComponent(n.dataset!)}/versions/${n.version}`,
            status: status.get(n.id) ?? null,
          };
        });
        // PROV edges (step USED input, output WAS_GENERATED_BY step) point against the data flow drawn here.
        const flow = answer.edges.map((e) => ({ from: e.to, to: e.from }));
        const view = {
          datasetId: root.id,
          title: root.title,
          direction: request.query.direction,
          depth: request.query.depth,
          truncated: answer.truncated,
          truncatedReason: answer.truncatedReason,
          layout: layoutLineage(nodes, flow),
        };
        return reply.type('text/html; charset=utf-8').send(lineagePage(view));
      },
    );

    app.get(
      '/portal/models/:id',
      {
        schema: {
          hide: true,
          params: z.object({ id: z.string().min(1).max(200) }),
          querystring: z.object({ version: z.coerce.number().int().positive().optional() }),
        },
      },
      async (request, reply) => {
        const { actor } = request;
        const { id } = request.params;
        const card = await models.card(actor, id, request.query.version);
        // One leaderboard per benchmark version and metric the model was measured on.
        const boards = new Map<string, { dataset: string; version: number; metric: string }>();
        for (const e of card.evaluations) {
          if (e.kind !== 'measurement' || !e.benchmark?.dataset || e.benchmark.version == null || !e.metric.id) continue;
          boards.set(JSON.stringify([e.benchmark.dataset, e.benchmark.version, e.metric.id]), {
            dataset: e.benchmark.dataset,
            version: e.benchmark.version,
            metric: e.metric.id,
          });
        }
        const leaderboards = await mapInOrder(boards.values(), (b) => models.leaderboard(actor, b.dataset, { metric: b.metric, version: b.version }));
        const v = card.model.version;
        const manifest = v != null ? urls.manifest(id, v) : null;
        const links = {
          card: `${urls.modelCard(id)}${v != null ? `?version=${v}` : ''}`,
          manifest,
          provJson: manifest && `${manifest}&format=prov-json`,
          landing: urls.version(id, v),
          lineage: `/portal/lineage/${encodeURIComponent(id)}`,
        };
        return reply.type('text/html; charset=utf-8').send(modelPage({ card, manifest: card.trainingSetManifest, leaderboards, links }));
      },
    );

    app.get('/static/:file', { schema: { hide: true, params: z.object({ file: z.string() }) } }, async (request, reply) => {
      const file = staticFiles[request.params.file];
      if (!file) throw new FemtoError('NOT_FOUND', `No static file '${request.params.file}'`);
      return reply.type(file.type).header('Cache-Control', 'public, max-age=3600').send(file.body);
    });
  };
}
