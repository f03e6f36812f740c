import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { GatesService } from './gates.service.js';
import { measurementBody, measurementOut } from './gates.schema.js';

const tags = ['gates'];
const security = [{ bearer: [] }];
const idParams = z.object({ id: z.string().min(1).max(200) });

export function gatesRoutes({ gates, urls }: { gates: GatesService; urls: SiteUrls }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/datasets/:id/measurements',
      {
        schema: {
          tags,
          security,
          summary: 'Record a measured observable of a dataset version and judge its validation gates',
          description:
            "Converts the value to the observable's QUDT unit (422 for a unit of another dimension), judges every gate on the observable and any gate named, " +
            'and records the evaluation as a validation activity that used the version. Gates the seed states without a number answer passed: null, verdict not-evaluable.',
          params: idParams,
          body: measurementBody,
          response: { 201: measurementOut },
        },
      },
      async (request, reply) => {
        const m = await gates.record(request.actor, request.params.id, request.body);
        reply.status(201).header('Location', urls.measurement(m.dataset, m.id));
        return m;
      },
    );

    app.get(
      '/datasets/:id/measurements',
      {
        schema: {
          tags,
          summary: 'Measurements recorded on a dataset (all published versions, or one)',
          params: idParams,
          querystring: z.object({ version: z.coerce.number().int().positive().optional() }),
          response: { 200: z.object({ items: z.array(measurementOut) }) },
        },
      },
      async (request) => ({ items: await gates.list(request.actor, request.params.id, request.query.version) }),
    );

    app.get(
      '/datasets/:id/measurements/:mid',
      {
        schema: {
          tags,
          summary: 'One measurement with its gate results',
          params: idParams.extend({ mid: z.string().min(1).max(100) }),
          response: { 200: measurementOut },
        },
      },
      async (request) => gates.get(request.actor, request.params.id, request.params.mid),
    );
  };
}
