import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { toFemtoError } from '../../errors.js';
import type { DoiRow } from '../../db/schema/index.js';
import { doiRepresentations } from './identifiers.representations.js';
import type { DoiInput, IdentifiersService } from './identifiers.service.js';
import { doiEvent } from './identifiers.schema.js';
import { allowedUrl } from '../../lib/urls.js';

export const JSON_API = 'application/vnd.api+json';

const doiBody = z.object({
  data: z.object({
    type: z.literal('dois'),
    id: z.string().optional(),
    attributes: z
      .object({
        doi: z.string().optional(),
        prefix: z.string().optional(),
        event: doiEvent.nullable().optional(),
        url: allowedUrl.nullable().optional(),
      })
      .loose(),
  }),
});

const resource = z.object({ id: z.string(), type: z.literal('dois'), attributes: z.record(z.string(), z.unknown()) }).loose();
const listQuery = z.object({
  query: z.string().max(500).optional(),
  'page[size]': z.coerce.number().int().min(1).max(1000).default(25),
  'page[cursor]': z.string().max(500).optional(),
  format: z.string().max(50).optional(),
});
const formatQuery = z.object({ format: z.string().max(50).optional() });
const wildcard = z.object({ '*': z.string().min(1).max(1000) });

const tags = ['dois'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { basic: [] }];

/**
 * DataCite's errors are JSON:API error objects, not problem+json: DataCite clients read
 * `errors[].source` and `errors[].title`. The femto code stays alongside.
 */
function sendJsonApiError(reply: FastifyReply, err: Error) {
  const e = toFemtoError(err);
  const status = String(e.status);
  const errors = e.errors.length
    ? e.errors.map((fe) => ({ status, code: e.code, source: fe.pointer.replace(/^\/data\/attributes\//, '').replace(/^\//, '') || undefined, title: fe.message === "can't be blank" ? "Can't be blank" : fe.message, detail: e.message }))
    : [{ status, code: e.code, title: e.message }];
  if (e.code === 'UNAUTHENTICATED' || e.code === 'INVALID_TOKEN') reply.header('WWW-Authenticate', 'Basic realm="femto", Bearer realm="femto"');
  const meta = { ...(e.extra.doi ? { doi: e.extra.doi } : {}), ...(e.extra.gates ? { gates: e.extra.gates } : {}) };
  return reply.status(e.status).type(JSON_API).serializer(JSON.stringify).send({ errors, ...(Object.keys(meta).length ? { meta } : {}) });
}

export function identifiersRoutes({ identifiers, config, urls }: { identifiers: IdentifiersService; config: Config; urls: SiteUrls }): FastifyPluginAsyncZod {
  const representations = doiRepresentations();

  /** Negotiated before any write, so a request whose answer cannot be produced changes nothing. */
  function representationFor(request: FastifyRequest, format?: string) {
    const r = representations.choose(request.headers.accept, format);
    if (!r) throw representations.notAcceptable(format);
    return r;
  }

  function send(request: FastifyRequest, reply: FastifyReply, row: DoiRow, format?: string, status = 200, r = representationFor(request, format)) {
    const body = r.render({ resource: identifiers.resource(row), attributes: identifiers.effective(row), key: row.doi });
    return reply.status(status).header('Vary', 'Accept').type(r.mediaType).serializer((p: unknown) => p as string).send(body);
  }

  const attributesOf = (body: z.infer<typeof doiBody>) => body.data.attributes as DoiInput;

  return async (app) => {
    app.setErrorHandler((err, _request, reply) => sendJsonApiError(reply, err as Error));

    app.post(
      '/dois',
      {
        schema: {
          tags,
          security,
          summary: 'Create a DOI (DataCite REST API): no event = draft, "register" = registered, "publish" = findable',
          description: `Body {data:{type:"dois", attributes:{...}}}: a full doi, or a prefix (${config.doiPrefix}) for a random suffix. A url of ${config.baseUrl}/datasets/{id} binds the DOI to that dataset's current published version and fills the metadata the payload omits.`,
          body: doiBody,
          response: { 201: z.object({ data: resource }) },
        },
      },
      async (request, reply) => {
        const representation = representationFor(request);
        const row = identifiers.create(request.actor, attributesOf(request.body));
        reply.header('Location', urls.doi(row.doi));
        return send(request, reply, row, undefined, 201, representation);
      },
    );

    app.get(
      '/dois',
      {
        schema: {
          tags,
          summary: 'List DOIs (query matches the DOI or the title; cursor paging)',
          querystring: listQuery,
          response: { 200: z.object({ data: z.array(resource), meta: z.object({ size: z.number() }), links: z.object({ next: z.string().optional() }) }) },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const page = identifiers.list(request.actor, { query: q.query, size: q['page[size]'], cursor: q['page[cursor]'] });
        const next = page.next
          ? `${urls.dois}?${new URLSearchParams({ ...(q.query ? { query: q.query } : {}), 'page[size]': String(q['page[size]']), 'page[cursor]': page.next })}`
          : undefined;
        reply.type(JSON_API);
        return { data: page.rows.map(identifiers.resource), meta: { size: page.rows.length }, links: next ? { next } : {} };
      },
    );

    // The DOI keeps its slash in the path (/dois/10.5072/abcd-1234), as in DataCite's API.
    app.get(
      '/dois/*',
      { schema: { tags, summary: 'One DOI: JSON:API by default; DataCite XML/JSON, BibTeX, CSL-JSON, RIS by Accept', params: wildcard, querystring: formatQuery } },
      async (request, reply) => send(request, reply, identifiers.get(request.actor, request.params['*']), request.query.format),
    );

    app.put(
      '/dois/*',
      { schema: { tags, security, summary: 'Update a DOI; events publish, register, hide (femto: an optional withdrawalReason with hide is shown on the tombstone)', params: wildcard, body: doiBody, response: { 200: z.object({ data: resource }) } } },
      async (request, reply) => {
        const representation = representationFor(request);
        return send(request, reply, identifiers.update(request.actor, request.params['*'], attributesOf(request.body)), undefined, 200, representation);
      },
    );

    app.delete(
      '/dois/*',
      { schema: { tags, security, summary: 'Delete a draft DOI (registered and findable DOIs are permanent: 405)', params: wildcard } },
      async (request, reply) => {
        identifiers.delete(request.actor, request.params['*']);
        return reply.status(204).send();
      },
    );
  };
}
