import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { toFemtoError } from '../../errors.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { DoiRow } from '../../db/schema/index.js';
import { FemtoError } from '../../errors.js';
import { doiRepresentations } from './identifiers.representations.js';
import { doiAttributesInput } from './identifiers.schema.js';
import type { DoiInput, DoiPage, IdentifiersService } from './identifiers.service.js';

export const JSON_API = 'application/vnd.api+json';

const doiBody = z.object({
  data: z.object({
    type: z.literal('dois'),
    id: z.string().max(300).optional(),
    attributes: doiAttributesInput,
  }),
});

const DOI_STATES = ['draft', 'registered', 'findable'] as const;

const resource = z
  .object({
    id: z.string(),
    type: z.literal('dois'),
    attributes: z
      .object({
        doi: z.string(),
        state: z.enum(DOI_STATES),
        url: z.string().optional(),
        publicationYear: z.string().optional(),
      })
      .describe('DataCite attributes (kernel-4 JSON) plus state and femto registration status')
      .loose(),
    relationships: z.record(z.string(), z.unknown()).optional(),
    links: z.record(z.string(), z.string()).optional(),
  })
  .loose();
const one = z.object({ data: resource });
const jsonApiErrors = z.object({
  errors: z.array(z.object({ status: z.string(), code: z.string(), title: z.string(), source: z.string().optional(), detail: z.string().optional() })),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const listQuery = z.object({
  query: z
    .string()
    .max(500)
    .optional()
    .describe(
      'DataCite query syntax: plain terms and field:value (titles.title, creators.name, publisher, publicationYear, types.resourceTypeGeneral, doi), all required',
    ),
  state: z.string().max(100).optional().describe('draft, registered, findable (comma-separated); callers who may not write see findable DOIs only'),
  'page[size]': z.coerce.number().int().min(0).max(1000).default(25),
  'page[number]': z.coerce.number().int().min(1).max(1_000_000).default(1),
  'page[cursor]': z.string().max(500).optional().describe('cursor paging: 1 to start, then the next link'),
});
const listAnswer = z.object({
  data: z.array(resource),
  meta: z.object({ total: z.number(), totalPages: z.number(), page: z.number().optional() }),
  links: z.object({ self: z.string(), next: z.string().optional(), prev: z.string().optional() }),
});
const formatQuery = z.object({ format: z.string().max(50).optional() });
const prefixSuffix = z.object({ prefix: z.string().min(1).max(100), suffix: z.string().min(1).max(1000) });
const wildcard = z.object({ '*': z.string().min(1).max(1000) });

const tags = ['dois'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { basic: [] }];
const errorsOf = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, jsonApiErrors]));

/** Methods a registered or findable DOI answers: it is permanent, so no DELETE. */
const PERMANENT_DOI_METHODS = 'GET, HEAD, PUT';

/**
 * DataCite's errors are JSON:API error objects, not problem+json: DataCite clients read
 * `errors[].source` and `errors[].title`. The femto code stays alongside.
 */
function sendJsonApiError(reply: FastifyReply, err: Error) {
  let e = toFemtoError(err);
  // Metadata the body schema refused is DataCite's 422, not a malformed request.
  if (e.code === 'VALIDATION_FAILED' && e.errors.length && e.errors.every((fe) => fe.pointer.startsWith('/data/attributes/'))) {
    const onlyTheDoi = e.errors.every((fe) => fe.pointer === '/data/attributes/doi');
    e = new FemtoError(onlyTheDoi ? 'DOI_INVALID' : 'DOI_INVALID_METADATA', e.message, e.errors);
  }
  const status = String(e.status);
  const errors = e.errors.length
    ? e.errors.map((fe) => ({
        status,
        code: e.code,
        source: fe.pointer.replace(/^\/data\/attributes\//, '').replace(/^\//, '') || undefined,
        title: fe.message === "can't be blank" ? "Can't be blank" : fe.message,
        detail: e.message,
      }))
    : [{ status, code: e.code, title: e.message }];
  if (e.code === 'UNAUTHENTICATED' || e.code === 'INVALID_TOKEN') reply.header('WWW-Authenticate', 'Basic realm="femto", Bearer realm="femto"');
  if (e.code === 'DOI_NOT_DELETABLE') reply.header('Allow', PERMANENT_DOI_METHODS);
  const meta = {
    ...(e.extra.doi ? { doi: e.extra.doi } : {}),
    ...(e.extra.gates ? { gates: e.extra.gates } : {}),
    ...(e.extra.policy ? { policy: e.extra.policy } : {}),
  };
  return reply
    .status(e.status)
    .type(JSON_API)
    .serializer(JSON.stringify)
    .send({ errors, ...(Object.keys(meta).length ? { meta } : {}) });
}

export function identifiersRoutes({ identifiers, config, urls }: { identifiers: IdentifiersService; config: Config; urls: SiteUrls }): FastifyPluginAsyncZod {
  const representations = doiRepresentations();

  /** Negotiated before any write, so a request whose answer cannot be produced changes nothing. */
  function representationFor(request: FastifyRequest, format?: string) {
    const r = representations.choose(request.headers.accept, format);
    if (!r) throw representations.notAcceptable(format);
    return r;
  }

  async function send(request: FastifyRequest, reply: FastifyReply, row: DoiRow, format?: string, status = 200, r = representationFor(request, format)) {
    const body = await r.render({ resource: await identifiers.resource(request.actor, row), attributes: await identifiers.effective(row), key: row.doi });
    return reply
      .status(status)
      .header('Vary', 'Accept')
      .type(r.mediaType)
      .serializer((p: unknown) => p as string)
      .send(body);
  }

  const attributesOf = (body: z.infer<typeof doiBody>) => body.data.attributes as DoiInput;

  /** links.self/next/prev of a page, keeping the caller's filters (DataCite keeps them in `next` too). */
  function pageLinks(q: z.infer<typeof listQuery>, page: DoiPage) {
    const url = (paging: Record<string, string>) =>
      `${urls.dois}?${new URLSearchParams({ ...(q.query ? { query: q.query } : {}), ...(q.state ? { state: q.state } : {}), ...paging, 'page[size]': String(q['page[size]']) })}`;
    if (q['page[cursor]'] !== undefined) {
      return { self: url({ 'page[cursor]': q['page[cursor]'] }), ...(page.nextCursor ? { next: url({ 'page[cursor]': page.nextCursor }) } : {}) };
    }
    const n = q['page[number]'];
    return {
      self: url({ 'page[number]': String(n) }),
      ...(page.more ? { next: url({ 'page[number]': String(n + 1) }) } : {}),
      ...(n > 1 ? { prev: url({ 'page[number]': String(Math.min(n - 1, Math.max(page.totalPages, 1))) }) } : {}),
    };
  }

  return async (app) => {
    app.setErrorHandler((err, _request, reply) => sendJsonApiError(reply, err as Error));

    app.post(
      '/dois',
      {
        schema: {
          tags,
          security,
          summary: 'Create a DOI (DataCite REST API): no event = draft, "register" = registered, "publish" = findable',
          description: `Body {data:{type:"dois", attributes:{...}}}: a full doi, or a prefix (${config.doiPrefix}) for a random suffix; DataCite XML may come base64 in attributes.xml. A url of ${config.baseUrl}/datasets/{id} binds the DOI to that dataset's current published version and fills the metadata the payload omits.`,
          body: doiBody,
          response: { 201: one, ...errorsOf(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const representation = representationFor(request);
        const row = await identifiers.create(request.actor, attributesOf(request.body));
        reply.header('Location', urls.doi(row.doi));
        return send(request, reply, row, undefined, 201, representation);
      },
    );

    app.get(
      '/dois',
      {
        schema: {
          tags,
          summary: 'List DOIs: DataCite query syntax, state filter, paging by page[number] or page[cursor]',
          querystring: listQuery,
          response: { 200: listAnswer, ...errorsOf(400) },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const states = q.state?.split(',').map((s) => s.trim());
        const unknown = states?.filter((s) => !(DOI_STATES as readonly string[]).includes(s));
        if (unknown?.length)
          throw new FemtoError('VALIDATION_FAILED', `state: ${unknown.join(', ')} is not a DOI state`, [
            { pointer: 'querystring/state', message: `must be among ${DOI_STATES.join(', ')}` },
          ]);
        const page = await identifiers.list(request.actor, {
          query: q.query,
          states: states as DoiRow['state'][] | undefined,
          size: q['page[size]'],
          number: q['page[number]'],
          cursor: q['page[cursor]'],
        });
        // Serialized as the single-DOI answers are: the attributes are DataCite's open-ended JSON.
        return reply
          .type(JSON_API)
          .serializer(JSON.stringify)
          .send({
            data: await identifiers.resources(request.actor, page.rows),
            meta: { total: page.total, totalPages: page.totalPages, ...(page.number !== undefined ? { page: page.number } : {}) },
            links: pageLinks(q, page),
          });
      },
    );

    // A DOI keeps its slash in the path (/dois/10.5072/abcd-1234), as in DataCite's API: documented as
    // {prefix}/{suffix}; the hidden wildcard takes the URL-encoded form and suffixes with more slashes.
    const doiRoutes = (doiOf: (params: never) => string, params: z.ZodType, hide: boolean) => {
      app.get(
        hide ? '/dois/*' : '/dois/:prefix/:suffix',
        {
          schema: {
            hide,
            tags,
            summary: 'One DOI: JSON:API by default; DataCite XML/JSON, BibTeX, CSL-JSON, RIS by Accept or ?format=',
            params,
            querystring: formatQuery,
            response: { 200: one, ...errorsOf(404, 406) },
          },
        },
        async (request, reply) => send(request, reply, await identifiers.get(request.actor, doiOf(request.params as never)), request.query.format),
      );
      app.put(
        hide ? '/dois/*' : '/dois/:prefix/:suffix',
        {
          schema: {
            hide,
            tags,
            security,
            summary:
              'Update a DOI, or create it when it does not exist yet (201); events publish, register, hide (femto: an optional withdrawalReason with hide is shown on the tombstone)',
            params,
            body: doiBody,
            response: { 200: one, 201: one, ...errorsOf(400, 401, 403, 404, 422) },
          },
        },
        async (request, reply) => {
          const representation = representationFor(request);
          const { row, created } = await identifiers.upsert(request.actor, doiOf(request.params as never), attributesOf(request.body));
          if (created) reply.header('Location', urls.doi(row.doi));
          return send(request, reply, row, undefined, created ? 201 : 200, representation);
        },
      );
      app.delete(
        hide ? '/dois/*' : '/dois/:prefix/:suffix',
        {
          schema: {
            hide,
            tags,
            security,
            summary: `Delete a draft DOI; registered and findable DOIs are permanent: 405 with Allow: ${PERMANENT_DOI_METHODS}`,
            params,
            response: { 204: z.null().describe('Deleted'), ...errorsOf(401, 403, 404, 405) },
          },
        },
        async (request, reply) => {
          await identifiers.delete(request.actor, doiOf(request.params as never));
          return reply.status(204).send(null);
        },
      );
    };
    doiRoutes((p: z.infer<typeof prefixSuffix>) => `${p.prefix}/${p.suffix}`, prefixSuffix, false);
    doiRoutes((p: z.infer<typeof wildcard>) => p['*'], wildcard, true);
  };
}
