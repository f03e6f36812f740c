import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RepresentationRegistry } from '../../lib/negotiation.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { negotiate, type Exportable } from '../prov/prov.formats.js';
import type { ProvGraphs } from '../prov/prov.graph.js';
import type { ProvenanceService } from './provenance.service.js';
import { activityRecord, agentInput, agentRecord, createActivityBody } from './provenance.schema.js';

const idParams = z.object({ id: z.string().min(1).max(200) });
const security = [{ bearer: [] }];

const asIs = (body: unknown) => body as string;

export function provenanceRoutes(deps: {
  provenance: ProvenanceService;
  urls: SiteUrls;
  provGraphs: ProvGraphs;
  provFormats: RepresentationRegistry<Exportable>;
}): FastifyPluginAsyncZod {
  const { provenance, urls, provGraphs, provFormats } = deps;
  return async (app) => {
    app.post(
      '/activities',
      {
        schema: {
          tags: ['provenance'],
          security,
          summary: 'Record a derivation step (prov:Activity) between exact dataset versions',
          description: 'Unknown datasets: 422. A step that would close a derivation cycle: 409.',
          body: createActivityBody,
          response: { 201: activityRecord },
        },
      },
      async (request, reply) => {
        const record = await provenance.create(request.actor, request.body);
        reply.status(201).header('Location', urls.activity(record.id));
        return record;
      },
    );

    app.get(
      '/activities/:id',
      {
        schema: {
          tags: ['provenance'],
          summary: 'A derivation step with its inputs, outputs and agents',
          description:
            'The same step in exchange formats, by `Accept` or `?format=`: `prov-json`, `prov-xml`, `prov-o` (Turtle), `prov-o-jsonld`, `rocrate` / `rocrate-1.2` (a Process Run Crate). Those name only the versions the caller may see.',
          params: idParams,
          querystring: z
            .object({ format: z.string().max(50).optional().describe('json (default), prov-json, prov-xml, prov-o, prov-o-jsonld, rocrate, rocrate-1.2') })
            .strict(),
          response: { 200: activityRecord },
        },
      },
      async (request, reply) => {
        const { actor } = request;
        const record = await provenance.get(actor, request.params.id);
        const answer: Exportable = { json: async () => JSON.stringify(activityRecord.parse(record)), graph: () => provGraphs.ofActivity(actor, record.id) };
        const { mediaType, body } = await negotiate(provFormats, { accept: request.headers.accept, format: request.query.format }, answer);
        return reply
          .header('Vary', 'Accept')
          .type(mediaType === 'application/json' ? 'application/json; charset=utf-8' : mediaType)
          .serializer(asIs)
          .send(body as never);
      },
    );

    app.get(
      '/agents',
      {
        schema: {
          tags: ['provenance'],
          summary: 'People, organisations and software named by the records and steps the caller may see',
          querystring: z
            .object({
              type: z.enum(['Person', 'Organization', 'Software']).optional(),
              limit: z.coerce.number().int().min(1).max(500).default(50),
              cursor: z.string().max(200).optional(),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(agentRecord), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => provenance.listAgents(request.actor, request.query),
    );

    app.post(
      '/agents',
      { schema: { tags: ['provenance'], security, summary: 'Register an agent', body: agentInput, response: { 201: agentRecord } } },
      async (request, reply) => {
        const record = await provenance.createAgent(request.actor, request.body);
        reply.status(201).header('Location', urls.agent(record.id));
        return record;
      },
    );

    app.get('/agents/:id', { schema: { tags: ['provenance'], summary: 'One agent', params: idParams, response: { 200: agentRecord } } }, async (request) =>
      provenance.getAgent(request.actor, request.params.id),
    );
  };
}
