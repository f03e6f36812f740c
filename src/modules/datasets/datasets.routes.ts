import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { Actor } from '../auth/auth.schema.js';
import { createDatasetBody, datasetResponse, patchDatasetBody, sharingBody, sharingRecord } from './datasets.schema.js';
import type { DatasetsService } from './datasets.service.js';
import type { DatasetReader, ResolvedVersion, VersionRef } from './read.js';

const idParams = z.object({ id: z.string().min(1).max(200) });
const versionParams = idParams.extend({ n: z.coerce.number().int().positive() });
const formatQuery = z.object({ format: z.string().max(50).optional() });

const tags = ['datasets'];
const security = [{ bearer: [] }];

/** JSON bodies are rendered (and cached) by the read pipeline; Fastify sends them as they are. */
const asIs = (body: unknown) => body as string;

export function datasetsRoutes(deps: { datasets: DatasetsService; reader: DatasetReader; urls: SiteUrls }): FastifyPluginAsyncZod {
  const { datasets, reader, urls } = deps;

  /** The JSON record a write left behind, with its ETag. */
  async function sendWritten(reply: FastifyReply, actor: Actor, v: ResolvedVersion, status = 200) {
    const { body, etag } = await reader.jsonOf(actor, v, urls.version(v.datasetId, v.versionNumber));
    return reply.status(status).header('ETag', etag).type('application/json; charset=utf-8').serializer(asIs).send(body);
  }

  /** Every negotiated read of a version goes through the read pipeline (policy, tombstone, cache, 304). */
  async function sendRead(
    request: FastifyRequest,
    reply: FastifyReply,
    format: string | undefined,
    ref: VersionRef,
    miss?: Parameters<DatasetReader['respond']>[3],
  ) {
    // The URL that serves the answer: Signposting links are relative to it.
    const served = `${urls.base}${request.url.split('?')[0]}`;
    const r = await reader.respond(request.actor, ref, { accept: request.headers.accept, format, ifNoneMatch: request.headers['if-none-match'], served }, miss);
    reply.status(r.status).header('Vary', 'Accept').headers(r.headers);
    if (r.etag) reply.header('ETag', r.etag);
    if (r.status === 304) return reply.send();
    return reply
      .type(r.mediaType === 'application/json' ? 'application/json; charset=utf-8' : r.mediaType)
      .serializer(asIs)
      .send(r.body);
  }

  return async (app) => {
    app.post(
      '/datasets',
      { schema: { tags, security, summary: 'Create a dataset (as a draft)', body: createDatasetBody, response: { 201: datasetResponse } } },
      async (request, reply) => {
        const v = await datasets.create(request.actor, request.body);
        reply.header('Location', urls.dataset(v.datasetId));
        return sendWritten(reply, request.actor, v, 201);
      },
    );

    app.get(
      '/datasets/:id',
      {
        schema: {
          tags,
          summary: 'A dataset: its latest published version, in the representation asked for',
          description:
            'Content negotiation: application/json (default) and every media type listed in a 406 answer; `?format=` as a fallback. A strong ETag per representation; `If-None-Match` answers 304.',
          params: idParams,
          querystring: formatQuery,
          response: { 200: datasetResponse },
        },
      },
      async (request, reply) => sendRead(request, reply, request.query.format, { dataset: request.params.id, draft: 'fallback' }),
    );

    app.patch(
      '/datasets/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Change the draft (If-Match with its ETag, required: 428 without it, 412 when it changed meanwhile)',
          params: idParams,
          headers: z.object({ 'if-match': z.string().optional() }).loose(),
          body: patchDatasetBody,
          response: { 200: datasetResponse },
        },
      },
      async (request, reply) =>
        sendWritten(reply, request.actor, await datasets.patch(request.actor, request.params.id, request.body, request.headers['if-match'])),
    );

    app.get(
      '/datasets/:id/draft',
      {
        schema: {
          tags,
          security,
          summary: 'The open draft of a dataset, negotiated like the published record (its Link header announces the formats)',
          params: idParams,
          querystring: formatQuery,
          response: { 200: datasetResponse },
        },
      },
      async (request, reply) => {
        const { miss, ...ref } = datasets.draftRef(request.params.id);
        return sendRead(request, reply, request.query.format, ref, miss);
      },
    );

    app.post(
      '/datasets/:id/publish',
      { schema: { tags, security, summary: 'Freeze the draft as the next immutable version', params: idParams, response: { 200: datasetResponse } } },
      async (request, reply) => {
        const v = await datasets.publish(request.actor, request.params.id);
        reply.header('Content-Location', urls.version(v.datasetId, v.versionNumber));
        return sendWritten(reply, request.actor, v);
      },
    );

    app.get(
      '/datasets/:id/versions',
      {
        schema: {
          tags,
          summary: 'Published versions of a dataset',
          params: idParams,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  version: z.number().int(),
                  versionLabel: z.string().nullable(),
                  title: z.string(),
                  publishedAt: z.string(),
                  accessLevel: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({ items: await datasets.listVersions(request.actor, request.params.id) }),
    );

    app.post(
      '/datasets/:id/versions',
      { schema: { tags, security, summary: 'Open a new draft from the latest published version', params: idParams, response: { 201: datasetResponse } } },
      async (request, reply) => {
        const v = await datasets.openDraft(request.actor, request.params.id);
        reply.header('Location', urls.version(v.datasetId, null));
        return sendWritten(reply, request.actor, v, 201);
      },
    );

    app.get(
      '/datasets/:id/sharing',
      {
        schema: {
          tags,
          security,
          summary: 'Who holds a record: its owner and the groups it is shared with (admin)',
          params: idParams,
          response: { 200: sharingRecord },
        },
      },
      async (request) => datasets.sharing(request.actor, request.params.id),
    );

    app.put(
      '/datasets/:id/sharing',
      {
        schema: {
          tags,
          security,
          summary: 'Give a record to an owner and share it with groups (admin): their members see it while private, their curators edit it',
          params: idParams,
          body: sharingBody,
          response: { 200: sharingRecord },
        },
      },
      async (request) => datasets.share(request.actor, request.params.id, request.body),
    );

    app.get(
      '/datasets/:id/versions/:n',
      {
        schema: {
          tags,
          summary: 'One published version, in the representation asked for',
          params: versionParams,
          querystring: formatQuery,
          response: { 200: datasetResponse },
        },
      },
      async (request, reply) => sendRead(request, reply, request.query.format, { dataset: request.params.id, version: request.params.n }),
    );
  };
}
