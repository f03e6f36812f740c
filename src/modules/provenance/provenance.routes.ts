import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { ProvenanceService } from './provenance.service.js';
import { activityRecord, agentInput, agentRecord, createActivityBody } from './provenance.schema.js';

const idParams = z.object({ id: z.string().min(1).max(200) });
const security = [{ bearer: [] }];

export function provenanceRoutes({ provenance, urls }: { provenance: ProvenanceService; urls: SiteUrls }): FastifyPluginAsyncZod {
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
        const record = provenance.create(request.actor, request.body);
        reply.status(201).header('Location', urls.activity(record.id));
        return record;
      },
    );

    app.get(
      '/activities/:id',
      { schema: { tags: ['provenance'], summary: 'A derivation step with its inputs, outputs and agents', params: idParams, response: { 200: activityRecord } } },
      async (request) => provenance.get(request.actor, request.params.id),
    );

    app.get(
      '/agents',
      {
        schema: {
          tags: ['provenance'],
          summary: 'People, organisations and software named by the records and steps the caller may see',
          querystring: z.object({
            type: z.enum(['Person', 'Organization', 'Software']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            cursor: z.string().max(200).optional(),
          }).strict(),
          response: { 200: z.object({ items: z.array(agentRecord), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => provenance.listAgents(request.actor, request.query),
    );

    app.post(
      '/agents',
      { schema: { tags: ['provenance'], security, summary: 'Register an agent', body: agentInput, response: { 201: agentRecord } } },
      async (request, reply) => {
        const record = provenance.createAgent(request.actor, request.body);
        reply.status(201).header('Location', urls.agent(record.id));
        return record;
      },
    );

    app.get(
      '/agents/:id',
      { schema: { tags: ['provenance'], summary: 'One agent', params: idParams, response: { 200: agentRecord } } },
      async (request) => provenance.getAgent(request.actor, request.params.id),
    );
  };
}
