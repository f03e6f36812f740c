import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sha256 } from '../../lib/digest.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { datasheetCompleteness } from './datasheet.js';
import { datasheetAnswer, datasheetSchema, type Datasheet } from './datasheet.schema.js';
import type { DatasetsService } from './datasets.service.js';
import { draftEtag, type ResolvedVersion } from './read.js';

const idParams = z.object({ id: z.string().min(1).max(200) });
const versionParams = idParams.extend({ n: z.coerce.number().int().positive() });
const tags = ['datasets'];

/** GET/PUT /datasets/{id}/datasheet: a version's datasheet with how complete it is. */
export function datasheetRoutes(deps: { datasets: DatasetsService; urls: SiteUrls }): FastifyPluginAsyncZod {
  const { datasets, urls } = deps;

  function send(reply: FastifyReply, { version: v, datasheet }: { version: ResolvedVersion; datasheet: Datasheet }) {
    const self = v.state === 'draft' ? `${urls.dataset(v.datasetId)}/datasheet` : `${urls.version(v.datasetId, v.versionNumber)}/datasheet`;
    const body = {
      dataset: v.datasetId,
      version: v.versionNumber,
      state: v.state,
      datasheet,
      completeness: datasheetCompleteness(datasheet),
      links: { record: urls.version(v.datasetId, v.versionNumber), self },
    };
    // A draft's ETag is the one PATCH and PUT compare; a published version's is a digest of what is sent.
    return reply.header('ETag', v.state === 'draft' ? draftEtag(v) : `"${sha256(JSON.stringify(body)).slice(0, 32)}"`).send(body);
  }

  return async (app) => {
    app.get(
      '/datasets/:id/datasheet',
      {
        schema: {
          tags,
          summary: "A dataset's datasheet (Gebru et al.): the open draft's for curators, else the latest published version's",
          params: idParams,
          response: { 200: datasheetAnswer },
        },
      },
      async (request, reply) => send(reply, await datasets.datasheetOf(request.actor, request.params.id)),
    );

    app.get(
      '/datasets/:id/versions/:n/datasheet',
      { schema: { tags, summary: "One published version's datasheet", params: versionParams, response: { 200: datasheetAnswer } } },
      async (request, reply) => send(reply, await datasets.datasheetOf(request.actor, request.params.id, request.params.n)),
    );

    app.put(
      '/datasets/:id/datasheet',
      {
        schema: {
          tags,
          security: [{ bearer: [] }],
          summary: "Replace the draft's datasheet (If-Match with the draft's ETag, required: 428 without it, 412 when it changed meanwhile)",
          params: idParams,
          headers: z.object({ 'if-match': z.string().optional() }).loose(),
          body: datasheetSchema,
          response: { 200: datasheetAnswer },
        },
      },
      async (request, reply) => send(reply, await datasets.putDatasheet(request.actor, request.params.id, request.body, request.headers['if-match'])),
    );
  };
}
