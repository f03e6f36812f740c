import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { notFound } from '../../errors.js';
import { RepresentationRegistry } from '../../lib/negotiation.js';
import type { DatasetReader, VersionRef } from '../datasets/read.js';
import { holds } from '../datasets/visibility.js';
import type { PoliciesService } from '../policies/policies.service.js';
import { fairAssessment, fairReport } from './fair.js';
import { harvestItem, type HarvestService } from './harvest.service.js';
import { CONTEXT_FILES, contextDocument, toTurtle, type ContextFile } from './jsonld.js';
import type { OaiService } from './oai.service.js';
import { DCAT_JSONLD, JSONLD } from './representations.js';
import { catalogJson, dcatCatalog, schemaOrgCatalog, type CatalogPage } from './serializers/catalog.js';
import { DCAT_PROFILE, dcatNode } from './serializers/dcat.js';
import { schemaOrgNode } from './serializers/schemaorg.js';
import { sitemapIndex, urlset } from './serializers/sitemap.js';
import { linkset, signposts } from './signposting.js';

const tags = ['harvest'];
const text = z.string().describe('the document, in the media type negotiated');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO-8601 date or date-time');
const seconds = (iso: string) => `${iso.slice(0, 19)}Z`;

const linksetAnswer = z.object({
  linkset: z.array(z.object({ anchor: z.string() }).catchall(z.array(z.object({ href: z.string(), type: z.string().optional() })))),
});

const catalogQuery = z.object({
  page: z.coerce.number().int().positive().default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  modified_since: isoDate
    .optional()
    .describe('only records modified at or after this instant (a version published, a DOI changed or withdrawn, a gate judged, a derivation step added)'),
  format: z.enum(['jsonld', 'dcat', 'ttl']).optional(),
});

/** A fixed string body sent as-is in the given media type. */
const raw = (body: string) => body;

export function harvestRoutes(deps: {
  harvest: HarvestService;
  oai: OaiService;
  reader: DatasetReader;
  policies: Pick<PoliciesService, 'compliance'>;
  config: Config;
  metadataFormats: () => { mediaType: string; format: string }[];
}): FastifyPluginAsyncZod {
  const { harvest, oai, reader, config, policies } = deps;
  const ctx = harvest.serializerContext;

  /** Catalog pages: their dataset nodes come rendered from the read pipeline's cache, as JSON texts. */
  interface RenderedPage {
    page: CatalogPage;
    nodes: string[];
  }
  const catalogFormats = new RepresentationRegistry<RenderedPage>();
  catalogFormats.register({ mediaType: JSONLD, format: 'jsonld', render: ({ page, nodes }) => catalogJson(schemaOrgCatalog(page, ctx, []), nodes) });
  catalogFormats.register({
    mediaType: DCAT_JSONLD,
    format: 'dcat',
    profile: DCAT_PROFILE,
    render: ({ page, nodes }) => catalogJson(dcatCatalog(page, ctx, []), nodes),
  });
  catalogFormats.register({
    mediaType: 'text/turtle',
    format: 'ttl',
    render: ({ page, nodes }) =>
      toTurtle(
        [
          dcatCatalog(
            page,
            ctx,
            nodes.map((n) => JSON.parse(n) as unknown),
          ),
        ],
        ctx.urls.base,
      ),
  });

  return async (app) => {
    // OAI-PMH harvesters may POST their arguments as a form (§3.1.1.2); only these routes parse forms.
    await app.register(formbody);

    app.get(
      '/contexts/:name',
      {
        schema: {
          tags,
          summary: 'A JSON-LD context femto uses (served from local files)',
          params: z.object({ name: z.enum(CONTEXT_FILES) }),
          produces: ['application/ld+json'],
          response: { 200: z.object({ '@context': z.unknown() }).describe('the JSON-LD context document') },
        },
      },
      async (request, reply) =>
        reply
          .type('application/ld+json')
          .serializer(JSON.stringify)
          .header('Cache-Control', 'public, max-age=86400')
          .header('Access-Control-Allow-Origin', '*')
          .send(contextDocument(request.params.name as ContextFile)),
    );

    /** The Signposting links of a landing page as an RFC 9264 linkset, anchored at that landing page (read through the read pipeline). */
    async function sendLinkset(request: FastifyRequest, reply: FastifyReply, ref: VersionRef, landing: string) {
      const v = await reader.open(request.actor, ref);
      const links = signposts(harvestItem(request.actor, await reader.item(request.actor, v)), ctx, deps.metadataFormats(), landing);
      return reply
        .type('application/linkset+json')
        .serializer(raw)
        .send(JSON.stringify(linkset(landing, links)));
    }

    app.get(
      '/datasets/:id/linkset',
      {
        schema: {
          tags,
          summary: 'FAIR Signposting level 2: the links of /datasets/{id} as an RFC 9264 linkset',
          params: z.object({ id: z.string().min(1).max(200) }),
          response: { 200: linksetAnswer },
        },
      },
      async (request, reply) => sendLinkset(request, reply, { dataset: request.params.id, draft: 'fallback' }, ctx.urls.dataset(request.params.id)),
    );

    app.get(
      '/datasets/:id/versions/:n/linkset',
      {
        schema: {
          tags,
          summary: "FAIR Signposting level 2: the links of one version's landing page as an RFC 9264 linkset",
          params: z.object({ id: z.string().min(1).max(200), n: z.coerce.number().int().min(1) }),
          response: { 200: linksetAnswer },
        },
      },
      async (request, reply) =>
        sendLinkset(request, reply, { dataset: request.params.id, version: request.params.n }, ctx.urls.version(request.params.id, request.params.n)),
    );

    app.get(
      '/datasets/:id/fair',
      {
        schema: {
          tags,
          summary: "FAIR self-assessment after F-UJI's metrics, with the evidence femto used, and compliance with the publication policies",
          params: z.object({ id: z.string().min(1).max(200) }),
          response: { 200: fairReport },
        },
      },
      async (request) => {
        const v = await reader.open(request.actor, { dataset: request.params.id, draft: 'fallback' });
        const item = await reader.item(request.actor, v);
        return fairAssessment(
          harvestItem(request.actor, item),
          ctx,
          reader.representations.all(),
          await policies.compliance(item, holds(request.actor, item.holders)),
        );
      },
    );

    app.get(
      '/catalog',
      {
        schema: {
          tags,
          summary: 'The catalog as schema:DataCatalog / dcat:Catalog, paged with a Hydra PartialCollectionView',
          description:
            'Negotiates application/ld+json (schema.org), application/ld+json with the DCAT profile, and text/turtle; `?format=` as a fallback. Pages keep their content as records are added (new records go to the end).',
          querystring: catalogQuery,
          response: { 200: text },
        },
      },
      async (request, reply) => {
        const { page, limit, modified_since: modifiedSince, format } = request.query;
        const representation = catalogFormats.choose(request.headers.accept, format);
        if (!representation) throw catalogFormats.notAcceptable(format);
        const since = modifiedSince ? new Date(modifiedSince).toISOString() : undefined;
        const { total, rows } = await harvest.catalogPage(request.actor, { page, limit, modifiedSince: since });
        const dcat = representation.format !== 'jsonld';
        const nodes = (
          await harvest.fragments(request.actor, rows, dcat ? 'catalog:dcat' : 'catalog:schemaorg', async (items) =>
            items.map((i) => {
              const h = harvestItem(request.actor, i);
              return JSON.stringify(dcat ? dcatNode(h, ctx) : schemaOrgNode(h, ctx));
            }),
          )
        ).filter((n) => n !== undefined);
        const pageUrl = (n: number) => {
          const params = new URLSearchParams({ page: String(n), limit: String(limit) });
          if (modifiedSince) params.set('modified_since', modifiedSince);
          if (format) params.set('format', format);
          return `${ctx.urls.catalog}?${params}`;
        };
        const body = await representation.render({ page: { total, page, lastPage: Math.max(1, Math.ceil(total / limit)), pageUrl }, nodes });
        return reply.header('Vary', 'Accept').type(representation.mediaType).serializer(raw).send(body);
      },
    );

    app.get(
      '/sitemap.xml',
      { schema: { tags, summary: 'Sitemap of public landing pages (an index of sitemaps past the per-file limit)', response: { 200: text } } },
      async (_request, reply) => {
        const max = config.harvest.sitemapMaxUrls;
        const { total, rows } = await harvest.publicIndex(0, max);
        let body: string;
        if (total <= max) {
          body = urlset(rows.map((r) => ({ loc: ctx.urls.dataset(r.id), lastmod: seconds(r.datestamp) })));
        } else {
          // One chunk at a time: a chunk is up to FEMTO_SITEMAP_MAX_URLS rows.
          const maps: { loc: string; lastmod: string | undefined }[] = [];
          for (let n = 0; n < Math.ceil(total / max); n++) {
            const chunk = n === 0 ? rows : (await harvest.publicIndex(n, max)).rows;
            maps.push({
              loc: `${ctx.urls.base}/sitemaps/${n + 1}.xml`,
              lastmod: chunk.length ? seconds(chunk.reduce((a, r) => (r.datestamp > a ? r.datestamp : a), chunk[0].datestamp)) : undefined,
            });
          }
          body = sitemapIndex(maps);
        }
        return reply.type('application/xml').serializer(raw).send(body);
      },
    );

    app.get(
      '/sitemaps/:n.xml',
      { schema: { tags, summary: 'One sitemap of the sitemap index', params: z.object({ n: z.coerce.number().int().positive() }), response: { 200: text } } },
      async (request, reply) => {
        const { rows } = await harvest.publicIndex(request.params.n - 1, config.harvest.sitemapMaxUrls);
        if (!rows.length) throw notFound('Sitemap', String(request.params.n));
        return reply
          .type('application/xml')
          .serializer(raw)
          .send(urlset(rows.map((r) => ({ loc: ctx.urls.dataset(r.id), lastmod: seconds(r.datestamp) }))));
      },
    );

    app.get('/robots.txt', { schema: { tags, summary: 'Crawling rules and the sitemap', response: { 200: text } } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .serializer(raw)
        .send(`User-agent: *\nAllow: /datasets/\nAllow: /catalog\nAllow: /oai\nDisallow: /graphql\nDisallow: /graphiql\n\nSitemap: ${ctx.urls.sitemap}\n`),
    );

    // Unknown or repeated arguments must reach the OAI service, which answers them with badArgument.
    const oaiValue = z.union([z.string(), z.array(z.string())]);
    const oaiArgs = z
      .object(Object.fromEntries(['verb', 'identifier', 'metadataPrefix', 'from', 'until', 'set', 'resumptionToken'].map((k) => [k, oaiValue.optional()])))
      .catchall(oaiValue);
    const sendOai = (args: Record<string, unknown>) => oai.respond(args);
    app.get(
      '/oai',
      { schema: { tags, summary: 'OAI-PMH 2.0 (all six verbs; oai_dc and oai_datacite)', querystring: oaiArgs, response: { 200: text } } },
      async (request, reply) =>
        reply
          .type('text/xml; charset=utf-8')
          .serializer(raw)
          .send(await sendOai(request.query)),
    );
    app.post(
      '/oai',
      { schema: { tags, summary: 'OAI-PMH 2.0 with the arguments as application/x-www-form-urlencoded', body: oaiArgs.optional(), response: { 200: text } } },
      async (request, reply) =>
        reply
          .type('text/xml; charset=utf-8')
          .serializer(raw)
          .send(await sendOai(request.body ?? {})),
    );
  };
}
