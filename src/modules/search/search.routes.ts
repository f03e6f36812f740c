import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { datasetResponse } from '../datasets/datasets.schema.js';
import type { DatasetReader } from '../datasets/read.js';
import { facetCounts, searchQuery } from './search.schema.js';
import type { SearchService } from './search.service.js';

/** The page is assembled from cached JSON texts; Fastify sends it as it is. */
const sendJson = (reply: FastifyReply, body: string) =>
  reply
    .type('application/json; charset=utf-8')
    .serializer((p: unknown) => p as string)
    .send(body);

export function searchRoutes(deps: { search: SearchService; reader: DatasetReader }): FastifyPluginAsyncZod {
  const { search, reader } = deps;
  return async (app) => {
    app.get(
      '/datasets',
      {
        schema: {
          tags: ['datasets'],
          summary: 'Search datasets (full text, filters, facets)',
          querystring: searchQuery,
          response: { 200: z.object({ items: z.array(datasetResponse), nextCursor: z.string().nullable(), total: z.number().int(), facets: facetCounts }) },
        },
      },
      async (request, reply) => {
        const body = await search.pageText(request.actor, request.query, async (page) => {
          // Each record's JSON comes from the read pipeline's cache, as GET /datasets/{id} sends it.
          const items = (await reader.jsonMany(request.actor, page.hits)).filter((j) => j !== undefined);
          return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)},"total":${page.total},"facets":${JSON.stringify(page.facets)}}`;
        });
        return sendJson(reply, body);
      },
    );
  };
}
