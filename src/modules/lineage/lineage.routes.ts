import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { lineageQuery, lineageResponse } from './lineage.schema.js';

export function lineageRoutes({ lineage }: Container): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/datasets/:id/lineage',
      {
        schema: {
          tags: ['lineage'],
          summary: 'The derivation graph around a dataset version (the same structure as GraphQL `lineage`)',
          description:
            'Breadth-first over exact versions. `truncated` is true exactly when the depth bound or the node budget left reachable nodes out. Records the caller may not see appear as opaque `restricted:<n>` nodes.',
          params: z.object({ id: z.string().min(1).max(200) }),
          querystring: lineageQuery,
          response: { 200: lineageResponse },
        },
      },
      async (request) => {
        const { direction, depth, version, tier, dataType, activityKind } = request.query;
        return lineage.lineage(request.actor, { id: request.params.id, direction, depth, version, filter: { tier, dataType, activityKind } });
      },
    );
  };
}
