import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SiteUrls } from '../../lib/site-urls.js';
import { addReplicaBody, locationsOut, removeReplicaQuery, resolvedOut, resolveQuery, siteBody, siteId, siteOut } from './locations.schema.js';
import type { LocationsService } from './locations.service.js';

const security = [{ bearer: [] }];
const siteParams = z.object({ id: siteId });

/** JSON when the client asks for it by name (`Accept: application/json`); a redirect for browsers and download tools. */
const wantsJson = (accept: string | undefined) => !!accept && /(^|,)\s*application\/json\s*(;|,|$)/i.test(accept);

export function locationsRoutes(deps: { locations: LocationsService; urls: SiteUrls }): FastifyPluginAsyncZod {
  const { locations, urls } = deps;
  return async (app) => {
    app.get(
      '/sites',
      { schema: { tags: ['locations'], summary: 'The named sites replicas are kept at', response: { 200: z.object({ items: z.array(siteOut) }) } } },
      async () => ({
        items: await locations.sites(),
      }),
    );
    app.get('/sites/:id', { schema: { tags: ['locations'], summary: 'One site', params: siteParams, response: { 200: siteOut } } }, async (request) =>
      locations.site(request.params.id),
    );
    app.put(
      '/sites/:id',
      {
        schema: {
          tags: ['locations'],
          security,
          summary: 'Add or change a site (admin); 201 when new',
          params: siteParams,
          body: siteBody,
          response: { 200: siteOut, 201: siteOut },
        },
      },
      async (request, reply) => {
        const { site, created } = await locations.putSite(request.actor, request.params.id, request.body);
        if (created) reply.status(201).header('Location', `${urls.base}/sites/${site.id}`);
        return site;
      },
    );
    app.delete(
      '/sites/:id',
      {
        schema: {
          tags: ['locations'],
          security,
          summary: 'Remove a site no replica is recorded at (admin; 409 SITE_IN_USE otherwise)',
          params: siteParams,
          response: { 204: z.null().describe('Removed') },
        },
      },
      async (request, reply) => {
        await locations.deleteSite(request.actor, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/datasets/:id/locations',
      {
        schema: {
          tags: ['locations'],
          summary: 'Where the files of a published version are: every replica with its site, protocol, checksum and last check',
          description:
            'The latest published version, or `?version=`. No replica is listed while the caller may not get the files (restricted, or under an active embargo).',
          params: z.object({ id: z.string().min(1).max(200) }),
          querystring: z.object({ version: z.coerce.number().int().positive().optional() }).strict(),
          response: { 200: locationsOut },
        },
      },
      async (request) => locations.locations(request.actor, { dataset: request.params.id, version: request.query.version }),
    );

    const versionParams = z.object({ id: z.string().min(1).max(200), n: z.coerce.number().int().positive() });
    app.post(
      '/datasets/:id/versions/:n/replicas',
      {
        schema: {
          tags: ['locations'],
          security,
          summary: "Record another replica of a published version's file (curators of the record); its checksum must agree with the others'",
          params: versionParams,
          body: addReplicaBody,
          response: { 201: locationsOut },
        },
      },
      async (request, reply) => {
        const answer = await locations.addReplica(request.actor, { dataset: request.params.id, version: request.params.n }, request.body);
        return reply
          .status(201)
          .header('Location', `${urls.dataset(request.params.id)}/locations?version=${request.params.n}`)
          .send(answer);
      },
    );
    app.delete(
      '/datasets/:id/versions/:n/replicas',
      {
        schema: {
          tags: ['locations'],
          security,
          summary: 'Record that a replica is gone (curators of the record); a distribution keeps at least one',
          params: versionParams,
          querystring: removeReplicaQuery,
          response: { 204: z.null().describe('Removed') },
        },
      },
      async (request, reply) => {
        await locations.removeReplica(request.actor, { dataset: request.params.id, version: request.params.n }, request.query);
        return reply.status(204).send(null);
      },
    );

    // A DOI keeps its slashes in the path (/resolve/10.5072/abcd-1234): documented as {identifier}, served by a hidden wildcard too.
    const resolveRoute = (hide: boolean) =>
      app.get(
        hide ? '/resolve/*' : '/resolve/:identifier',
        {
          schema: {
            hide,
            tags: ['locations'],
            summary: 'The best replica of a file of a record named by DOI or dataset id: 302 to it, or JSON with Accept: application/json',
            description:
              'The identifier is a DOI (10.1234/abc, doi:…, https://doi.org/…; its slashes stay as they are) or a dataset id. The preferred `site` first, then replicas whose last check passed (the latest checked first), then unchecked ones; never one whose last check failed. 404 for an unknown or hidden record, 410 for a withdrawn one, 404 `NO_REPLICA` when no replica matches, 403 `FILES_WITHHELD` when the caller may not get the files.',
            params: hide ? z.object({ '*': z.string().min(1).max(1000) }) : z.object({ identifier: z.string().min(1).max(1000) }),
            querystring: resolveQuery,
            response: { 200: resolvedOut, 302: z.null().describe('Location: the replica URL') },
          },
        },
        async (request, reply) => {
          const params = request.params as { identifier?: string; '*'?: string };
          const resolved = await locations.resolve(request.actor, params.identifier ?? params['*']!, request.query);
          // The choice follows the replicas' checks: a cache must ask again.
          reply.header('Vary', 'Accept').header('Cache-Control', 'no-cache');
          if (wantsJson(request.headers.accept)) return resolved;
          return reply.redirect(resolved.replica.url, 302);
        },
      );
    resolveRoute(false);
    resolveRoute(true);
  };
}
