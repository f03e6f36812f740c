import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { searchQuery, facetCounts } from '../search/search.schema.js';
import { createDatasetBody, datasetRecord, patchDatasetBody, type DatasetRecord } from './datasets.schema.js';
import type { VersionedRecord } from './datasets.service.js';

const idParams = z.object({ id: z.string().min(1).max(200) });
const versionParams = idParams.extend({ n: z.coerce.number().int().positive() });
const formatQuery = z.object({ format: z.string().max(50).optional() });

/** A record as REST returns it: extension modules (DOI, gates) add their fields, hence loose. */
export const datasetResponse = datasetRecord.extend({ links: z.record(z.string(), z.string()) }).loose();

const tags = ['datasets'];
const security = [{ bearer: [] }];

export function datasetsRoutes(container: Container): FastifyPluginAsyncZod {
  const { datasets, search, config } = container;

  function withLinks(record: DatasetRecord) {
    const self = `${config.baseUrl}/datasets/${encodeURIComponent(record.id)}`;
    return {
      ...record,
      links: {
        self,
        ...(record.version != null ? { version: `${self}/versions/${record.version}` } : { draft: `${self}/draft` }),
        versions: `${self}/versions`,
      },
    };
  }

  function extend(request: FastifyRequest, items: { pk: number; record: DatasetRecord }[]) {
    for (const ext of container.recordExtensions) ext(request.actor, items);
    return items.map((i) => withLinks(i.record));
  }

  /** JSON by default; any other registered representation by Accept or ?format=; 406 otherwise. */
  async function sendNegotiated(request: FastifyRequest, reply: FastifyReply, v: VersionedRecord, format?: string) {
    const representation = container.datasetRepresentations.choose(request.headers.accept, format);
    const answer = container.guardRead(v, representation);
    if (answer) return reply.status(answer.status).header('Vary', 'Accept').type(answer.mediaType).serializer((p: unknown) => p as string).send(answer.body);
    reply.header('ETag', v.etag).header('Vary', 'Accept');
    if (!representation) throw container.datasetRepresentations.notAcceptable(format);
    const served = `${config.baseUrl}${request.url.split('?')[0]}`;
    for (const headers of container.datasetHeaders) reply.headers(headers({ record: v.record, pk: v.pk, actor: request.actor }, served));
    if (representation.format === 'json') return extend(request, [v])[0];
    const body = await representation.render({ record: v.record, pk: v.pk, actor: request.actor });
    return reply.type(representation.mediaType).serializer((p: unknown) => p as string).send(body);
  }

  return async (app) => {
    app.get(
      '/datasets',
      {
        schema: {
          tags,
          summary: 'Search datasets (full text, filters, facets)',
          querystring: searchQuery,
          response: { 200: z.object({ items: z.array(datasetResponse), nextCursor: z.string().nullable(), total: z.number().int(), facets: facetCounts }) },
        },
      },
      async (request) => {
        const result = search.search(request.actor, request.query);
        return { ...result, items: extend(request, result.items) };
      },
    );

    app.post(
      '/datasets',
      { schema: { tags, security, summary: 'Create a dataset (as a draft)', body: createDatasetBody, response: { 201: datasetResponse } } },
      async (request, reply) => {
        const v = datasets.create(request.actor, request.body);
        reply.status(201).header('ETag', v.etag).header('Location', `${config.baseUrl}/datasets/${v.record.id}`);
        return extend(request, [v])[0];
      },
    );

    app.get(
      '/datasets/:id',
      {
        schema: {
          tags,
          summary: 'A dataset: its latest published version, in the representation asked for',
          description: 'Content negotiation: application/json (default) and every media type listed in a 406 answer; `?format=` as a fallback.',
          params: idParams,
          querystring: formatQuery,
          response: { 200: datasetResponse },
        },
      },
      async (request, reply) => sendNegotiated(request, reply, datasets.get(request.actor, request.params.id), request.query.format),
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
      async (request, reply) => {
        const v = datasets.patch(request.actor, request.params.id, request.body, request.headers['if-match']);
        reply.header('ETag', v.etag);
        return extend(request, [v])[0];
      },
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
      async (request, reply) => sendNegotiated(request, reply, datasets.getDraft(request.actor, request.params.id), request.query.format),
    );

    app.post(
      '/datasets/:id/publish',
      { schema: { tags, security, summary: 'Freeze the draft as the next immutable version', params: idParams, response: { 200: datasetResponse } } },
      async (request, reply) => {
        const v = datasets.publish(request.actor, request.params.id);
        reply.header('ETag', v.etag).header('Content-Location', `${config.baseUrl}/datasets/${v.record.id}/versions/${v.record.version}`);
        return extend(request, [v])[0];
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
              items: z.array(z.object({ version: z.number().int(), versionLabel: z.string().nullable(), title: z.string(), publishedAt: z.string(), accessLevel: z.string() })),
            }),
          },
        },
      },
      async (request) => ({ items: datasets.listVersions(request.actor, request.params.id) }),
    );

    app.post(
      '/datasets/:id/versions',
      { schema: { tags, security, summary: 'Open a new draft from the latest published version', params: idParams, response: { 201: datasetResponse } } },
      async (request, reply) => {
        const v = datasets.openDraft(request.actor, request.params.id);
        reply.status(201).header('ETag', v.etag).header('Location', `${config.baseUrl}/datasets/${v.record.id}/draft`);
        return extend(request, [v])[0];
      },
    );

    app.get(
      '/datasets/:id/versions/:n',
      { schema: { tags, summary: 'One published version, in the representation asked for', params: versionParams, querystring: formatQuery, response: { 200: datasetResponse } } },
      async (request, reply) => sendNegotiated(request, reply, datasets.getVersion(request.actor, request.params.id, request.params.n), request.query.format),
    );
  };
}
