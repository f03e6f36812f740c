import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RepresentationRegistry } from '../../lib/negotiation.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { negotiate, type Exportable } from '../prov/prov.formats.js';
import type { ProvGraphs } from '../prov/prov.graph.js';
import type { LineageService } from './lineage.service.js';
import { lineageQuery, lineageResponse } from './lineage.schema.js';

const asIs = (body: unknown) => body as string;

/** The lineage query an export describes: the URL asked, without the choice of format. */
function lineageUrl(urls: SiteUrls, id: string, requested: string): string {
  const params = new URLSearchParams(requested.split('?')[1] ?? '');
  params.delete('format');
  const query = params.toString();
  return `${urls.dataset(id)}/lineage${query ? `?${query}` : ''}`;
}

export function lineageRoutes({
  lineage,
  provGraphs,
  provFormats,
  urls,
}: {
  lineage: LineageService;
  provGraphs: ProvGraphs;
  provFormats: RepresentationRegistry<Exportable>;
  urls: SiteUrls;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/datasets/:id/lineage',
      {
        schema: {
          tags: ['lineage'],
          summary: 'The derivation graph around a dataset version (the same structure as GraphQL `lineage`)',
          description:
            'Breadth-first over exact versions. `truncated` is true exactly when the depth bound or the node budget left reachable nodes out. Versions the caller may not see, and steps whose every input and output it may not see, appear as opaque `hidden:<n>` placeholders. Each dataset node carries its validation gate status; `failedGate=true` selects the upstream (or downstream) versions that failed a gate and the paths to them.\n\n' +
            'The same subgraph in exchange formats, by `Accept` or `?format=`: `prov-json` (PROV-JSON), `prov-xml` (PROV-XML, application/provenance+xml), `prov-o` (PROV-O in Turtle), `prov-o-jsonld` (PROV-O in JSON-LD), `rocrate` / `rocrate-1.2` (a Workflow Run Crate following the Provenance Run Crate profile, RO-Crate 1.1 or 1.2). Those name only the versions the caller may see.',
          params: z.object({ id: z.string().min(1).max(200) }),
          querystring: lineageQuery.extend({
            format: z.string().max(50).optional().describe('json (default), prov-json, prov-xml, prov-o, prov-o-jsonld, rocrate, rocrate-1.2'),
          }),
          response: { 200: lineageResponse },
        },
      },
      async (request, reply) => {
        const { direction, depth, version, tier, dataType, activityKind, failedGate, format } = request.query;
        const l = await lineage.lineage(request.actor, {
          id: request.params.id,
          direction,
          depth,
          version,
          filter: { tier, dataType, activityKind, failedGate },
        });
        const answer: Exportable = {
          json: async () => {
            const nodes = await lineage.withGateStatus(l.nodes);
            return JSON.stringify(lineageResponse.parse({ ...l, nodes, root: nodes.find((n) => n.id === l.root.id)! }));
          },
          graph: () => provGraphs.ofLineage(request.actor, l, lineageUrl(urls, request.params.id, request.url)),
        };
        const { mediaType, body } = await negotiate(provFormats, { accept: request.headers.accept, format }, answer);
        return reply
          .header('Vary', 'Accept')
          .type(mediaType === 'application/json' ? 'application/json; charset=utf-8' : mediaType)
          .serializer(asIs)
          .send(body as never);
      },
    );
  };
}
