import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LineageService } from './lineage.service.js';
import { lineageQuery, lineageResponse } from './lineage.schema.js';

export function lineageRoutes({ lineage }: { lineage: LineageService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/datasets/:id/lineage',
      {
        schema: {
          tags: ['lineage'],
          summary: 'The derivation graph around a dataset version (the same structure as GraphQL `lineage`)',
          description:
            'Breadth-first over exact versions. `truncated` is true exactly when the depth bound or the node budget left reachable nodes out. Versions the caller may not see, and steps whose every input and output it may not see, appear as opaque `hidden:<n>` placeholders. Each dataset node carries its validation gate status; `failedGate=true` selects the upstream (or downstream) versions that failed a gate and the paths to them.',
          params: z.object({ id: z.string().min(1).max(200) }),
          querystring: lineageQuery,
          response: { 200: lineageResponse },
        },
      },
      async (request) => {
        const { direction, depth, version, tier, dataType, activityKind, failedGate } = request.query;
        const l = lineage.lineage(request.actor, { id: request.params.id, direction, depth, version, filter: { tier, dataType, activityKind, failedGate } });
        const nodes = lineage.withGateStatus(l.nodes);
        return { ...l, nodes, root: nodes.find((n) => n.id === l.root.id)! };
      },
    );
  };
}
