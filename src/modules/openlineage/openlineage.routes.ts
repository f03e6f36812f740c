import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FemtoError, type ErrorCode } from '../../errors.js';
import { decodeContent } from '../../lib/content-coding.js';
import { isRefused } from '../imports/imports.schema.js';
import type { ImportsService } from '../imports/imports.service.js';
import { eventUnit } from './openlineage.import.js';
import type { EventValidator } from './openlineage.schema.js';
import { RUN_STATES } from './openlineage.schema.js';
import type { OpenLineageService } from './openlineage.service.js';

const ingested = z.object({
  status: z.enum(['created', 'updated', 'unchanged']),
  message: z.string(),
  location: z.string().optional().describe('the derivation step a COMPLETE run made, else the run'),
});

const runOut = z.object({
  runId: z.string(),
  jobNamespace: z.string(),
  jobName: z.string(),
  state: z.enum(RUN_STATES),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  activityId: z.string().nullable(),
  activityLocation: z.string().nullable(),
  events: z.number().int(),
  updatedAt: z.string(),
});

/**
 * The OpenLineage HTTP endpoint, where Marquez has it (`POST /api/v1/lineage`), so the OpenLineage
 * HTTP transport (Airflow, Spark, dbt, Flink integrations) needs only femto's URL and a curator
 * token as its `api_key` (sent as `Authorization: Bearer`).
 */
export function openLineageRoutes({
  openlineage,
  openlineageEvents,
  imports,
}: {
  openlineage: OpenLineageService;
  openlineageEvents: EventValidator;
  imports: ImportsService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/lineage',
      {
        // The HTTP transport may compress its events (`compression: gzip`).
        preParsing: decodeContent,
        schema: {
          tags: ['lineage'],
          security: [{ bearer: [] }],
          summary: 'Receive an OpenLineage event (RunEvent, DatasetEvent or JobEvent), as Marquez does (curator)',
          description:
            'Validated against the OpenLineage JSON Schema and its standard facet schemas (400 problem+json with the JSON pointer of the field at fault). A COMPLETE run becomes a derivation step between exact dataset versions; a replayed event changes nothing (200).',
          body: z.record(z.string(), z.unknown()).describe('an OpenLineage event (https://openlineage.io/spec/2-0-2/OpenLineage.json)'),
          response: { 200: ingested, 201: ingested },
        },
      },
      async (request, reply) => {
        openlineage.requireWriter(request.actor);
        const unit = eventUnit(openlineageEvents, request.body, 'request');
        if (isRefused(unit)) throw unit.refused;
        // Through the import framework's group commit: concurrent senders share one transaction commit (each event still all or nothing).
        const result = await imports.submit(request.actor, imports.registry.get('openlineage'), unit);
        if (result.status === 'refused') throw new FemtoError((result.code ?? 'UNPROCESSABLE') as ErrorCode, result.message, result.errors ?? []);
        reply.status(result.status === 'unchanged' ? 200 : 201);
        if (result.location) reply.header('Location', result.location);
        return { status: result.status, message: result.message, ...(result.location ? { location: result.location } : {}) };
      },
    );

    app.get(
      '/api/v1/lineage/runs/:runId',
      {
        schema: {
          tags: ['lineage'],
          security: [{ bearer: [] }],
          summary: 'An OpenLineage run as its events told it: state (START, RUNNING, COMPLETE, FAIL, ABORT), times, and the step it made (curator)',
          params: z.object({ runId: z.string().min(1).max(200) }),
          response: { 200: runOut },
        },
      },
      async (request) => openlineage.run(request.actor, request.params.runId),
    );
  };
}
