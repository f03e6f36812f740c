import { RepresentationRegistry } from '../../lib/negotiation.js';
import type { ReadItem } from '../datasets/read.js';
import { bibtex, cslJson, ris } from './serializers/citation.js';
import { dataciteXml } from './serializers/datacite-xml.js';
import type { DataciteAttributes } from './serializers/datacite.js';

export interface MetadataContext {
  attributes: DataciteAttributes;
  /** Citation key / CSL id. */
  key: string;
  /** The year a citation gives: null when not known; undefined for publicationYear (a DOI's own metadata). */
  year?: string | null;
}

/** The DataCite and citation formats, shared by /datasets/{id} and /dois/{doi}. */
export const METADATA_FORMATS = [
  { mediaType: 'application/vnd.datacite.datacite+xml', format: 'datacite-xml', render: (c: MetadataContext) => dataciteXml(c.attributes) },
  { mediaType: 'application/vnd.datacite.datacite+json', format: 'datacite-json', render: (c: MetadataContext) => JSON.stringify(c.attributes) },
  { mediaType: 'application/x-bibtex', format: 'bibtex', render: (c: MetadataContext) => bibtex(c, c.key) },
  { mediaType: 'application/vnd.citationstyles.csl+json', format: 'csl', render: (c: MetadataContext) => cslJson(c, c.key) },
  { mediaType: 'application/x-research-info-systems', format: 'ris', render: (c: MetadataContext) => ris(c) },
];

/** A dataset is cited with the year it was issued, when that is known (never the year femto loaded it). */
const issuedYear = (a: DataciteAttributes) => a.dates?.find((d) => d.dateType === 'Issued')?.date.slice(0, 4) ?? null;

/** Adds the formats to dataset content negotiation: a version with a DOI is described as its DOI is. */
export function registerDatasetFormats(registry: RepresentationRegistry<ReadItem>, metadataOf: (item: ReadItem) => Promise<DataciteAttributes>) {
  for (const f of METADATA_FORMATS) {
    registry.register({
      mediaType: f.mediaType,
      format: f.format,
      render: async (item) => {
        const attributes = await metadataOf(item);
        return f.render({ attributes, key: item.record.id, year: issuedYear(attributes) });
      },
    });
  }
}

/** /dois/{doi}: DataCite's JSON:API resource by default, and the same formats as datasets. */
export function doiRepresentations() {
  const registry = new RepresentationRegistry<MetadataContext & { resource: unknown }>();
  const jsonApi = (c: { resource: unknown }) => JSON.stringify({ data: c.resource });
  registry.register({ mediaType: 'application/vnd.api+json', format: 'jsonapi', render: jsonApi });
  registry.register({ mediaType: 'application/json', format: 'json', render: jsonApi });
  for (const f of METADATA_FORMATS) registry.register(f);
  return registry;
}
