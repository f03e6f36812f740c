import { RepresentationRegistry } from '../../lib/negotiation.js';
import type { ReadItem } from '../datasets/read.js';
import { bibtex, cslJson, ris } from './serializers/citation.js';
import { dataciteXml } from './serializers/datacite-xml.js';
import type { DataciteAttributes } from './serializers/datacite.js';

export interface MetadataContext {
  attributes: DataciteAttributes;
  /** Citation key / CSL id. */
  key: string;
}

/** The DataCite and citation formats, shared by /datasets/{id} and /dois/{doi}. */
export const METADATA_FORMATS = [
  { mediaType: 'application/vnd.datacite.datacite+xml', format: 'datacite-xml', render: (c: MetadataContext) => dataciteXml(c.attributes) },
  { mediaType: 'application/vnd.datacite.datacite+json', format: 'datacite-json', render: (c: MetadataContext) => JSON.stringify(c.attributes) },
  { mediaType: 'application/x-bibtex', format: 'bibtex', render: (c: MetadataContext) => bibtex(c.attributes, c.key) },
  { mediaType: 'application/vnd.citationstyles.csl+json', format: 'csl', render: (c: MetadataContext) => cslJson(c.attributes, c.key) },
  { mediaType: 'application/x-research-info-systems', format: 'ris', render: (c: MetadataContext) => ris(c.attributes) },
];

/** Adds the formats to dataset content negotiation: a version with a DOI is described as its DOI is. */
export function registerDatasetFormats(registry: RepresentationRegistry<ReadItem>, metadataOf: (item: ReadItem) => DataciteAttributes) {
  for (const f of METADATA_FORMATS) {
    registry.register({ mediaType: f.mediaType, format: f.format, render: (item) => f.render({ attributes: metadataOf(item), key: item.record.id }) });
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
