import type { Representation } from '../../lib/negotiation.js';
import type { DatasetReader, ReadItem } from '../datasets/read.js';
import type { Tombstone } from '../identifiers/identifiers.service.js';
import { FemtoError } from '../../errors.js';
import { harvestItem, type SerializerContext } from './harvest.service.js';
import { toTurtle } from './jsonld.js';
import { CROISSANT_JSONLD, CROISSANT_PROFILE, croissantDocument } from './serializers/croissant.js';
import { DCAT_PROFILE, dcatDocument } from './serializers/dcat.js';
import { landingPage, tombstonePage } from './serializers/html.js';
import { schemaOrgDocument } from './serializers/schemaorg.js';
import { linkHeader, signposts } from './signposting.js';

export const JSONLD = 'application/ld+json';
export const DCAT_JSONLD = `application/ld+json; profile="${DCAT_PROFILE}"`;

/**
 * Adds the harvest formats to the read pipeline of a dataset version, its Signposting headers,
 * and the answer for a withdrawn version (a 410 tombstone page for browsers, 410 problem+json
 * otherwise).
 */
export function registerHarvestRepresentations(
  reader: DatasetReader,
  ctx: SerializerContext,
  tombstoneFor: (datasetId: string, versionPk: number) => Promise<Tombstone | undefined>,
) {
  const registry = reader.representations;
  const view = (item: ReadItem) => harvestItem(item.viewer, item);
  registry.register({ mediaType: JSONLD, format: 'jsonld', render: (item) => JSON.stringify(schemaOrgDocument(view(item), ctx)) });
  registry.register({ mediaType: DCAT_JSONLD, format: 'dcat', profile: DCAT_PROFILE, render: (item) => JSON.stringify(dcatDocument(view(item), ctx)) });
  registry.register({
    mediaType: CROISSANT_JSONLD,
    format: 'croissant',
    profile: CROISSANT_PROFILE,
    render: (item) => JSON.stringify(croissantDocument(view(item), ctx)),
  });
  registry.register({
    mediaType: 'text/turtle',
    format: 'ttl',
    render: (item) => {
      const h = view(item);
      return toTurtle([dcatDocument(h, ctx), schemaOrgDocument(h, ctx)], ctx.urls.base);
    },
  });
  registry.register({ mediaType: 'text/html; charset=utf-8', format: 'html', render: (item) => landingPage(view(item), ctx, metadataFormats()) });

  /** Every machine-readable representation but plain JSON (whatever other modules registered too). */
  function metadataFormats() {
    return registry
      .all()
      .filter((r) => r.format !== 'json' && r.format !== 'html')
      .map((r) => ({ mediaType: r.mediaType, format: r.format }));
  }

  // Signposting level 1 on every representation of a dataset, relative to the URL that serves it.
  reader.addHeaders((item, served) => ({ Link: linkHeader(signposts(view(item), ctx, metadataFormats(), served)) }));

  reader.guardWithdrawn(async ({ datasetId, pk }, representation: Representation<ReadItem> | undefined) => {
    const tombstone = await tombstoneFor(datasetId, pk);
    if (!tombstone) return;
    if (representation?.format === 'html') return { status: 410, mediaType: 'text/html; charset=utf-8', body: tombstonePage(tombstone, ctx) };
    throw new FemtoError('GONE', `${tombstone.doi} was withdrawn on ${tombstone.withdrawnAt}`, [], { tombstone });
  });

  return { metadataFormats };
}
