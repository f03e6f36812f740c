import type { DatasetRenderContext } from '../../container.js';
import type { RepresentationRegistry } from '../../lib/negotiation.js';
import type { HarvestService } from './harvest.service.js';
import { toTurtle } from './jsonld.js';
import { DCAT_PROFILE, dcatDocument } from './serializers/dcat.js';
import { landingPage } from './serializers/html.js';
import { schemaOrgDocument } from './serializers/schemaorg.js';
import { linkHeader, signposts } from './signposting.js';

export const JSONLD = 'application/ld+json';
export const DCAT_JSONLD = `application/ld+json; profile="${DCAT_PROFILE}"`;

/** Adds the harvest formats to GET /datasets/{id}; returns the Signposting header hook. */
export function registerHarvestRepresentations(registry: RepresentationRegistry<DatasetRenderContext>, harvest: HarvestService) {
  const ctx = harvest.serializerContext;
  const load = ({ actor, pk }: DatasetRenderContext) => harvest.item(actor, pk);
  registry.register({ mediaType: JSONLD, format: 'jsonld', render: (c) => JSON.stringify(schemaOrgDocument(load(c), ctx)) });
  registry.register({ mediaType: DCAT_JSONLD, format: 'dcat', profile: DCAT_PROFILE, render: (c) => JSON.stringify(dcatDocument(load(c), ctx)) });
  registry.register({
    mediaType: 'text/turtle',
    format: 'ttl',
    render: (c) => {
      const item = load(c);
      return toTurtle([dcatDocument(item, ctx), schemaOrgDocument(item, ctx)], ctx.urls.base);
    },
  });
  registry.register({ mediaType: 'text/html; charset=utf-8', format: 'html', render: (c) => landingPage(load(c), ctx, metadataFormats()) });

  /** Every machine-readable representation but plain JSON (whatever other modules registered too). */
  function metadataFormats() {
    return registry.all().filter((r) => r.format !== 'json' && r.format !== 'html').map((r) => ({ mediaType: r.mediaType, format: r.format }));
  }

  return {
    metadataFormats,
    /** Signposting level 1 on every representation of a dataset, relative to the URL that serves it. */
    headers: (c: DatasetRenderContext, url: string): Record<string, string> => ({ Link: linkHeader(signposts(load(c), ctx, metadataFormats(), url)) }),
  };
}
