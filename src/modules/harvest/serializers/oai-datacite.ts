import { sha256 } from '../../../lib/digest.js';
import { dataciteXml, DATACITE_NS } from '../../identifiers/serializers/datacite-xml.js';
import type { DataciteAttributes } from '../../identifiers/serializers/datacite.js';
import type { ReadItem } from '../../datasets/read.js';
import type { OaiFormat } from '../oai.service.js';

const OAI_DATACITE_NS = 'http://schema.datacite.org/oai/oai-1.1/';
const XML_DECLARATION = /^<\?xml[^>]*\?>\s*/;
/** About 3 kB of XML each: a few thousand versions' payloads stay in a few MB. */
const CACHE_ENTRIES = 5_000;

/** DataCite metadata of a page of versions: each its DOI's when it has one, else built from the record (identifiers service). */
export type DataciteOfMany = (items: ReadItem[]) => Promise<Map<number, DataciteAttributes>>;

/**
 * kernel-4 XML memoized by the metadata it is built from. The key is a digest of the complete
 * attributes (DOI, state-dependent fields, lineage relations, ...), so any change to what the
 * XML says is a new key: nothing to invalidate, and a stale entry can never be served. Published
 * versions rarely change, so a harvest mostly hits; least recently used entries are evicted.
 */
function memoizedXml(entries: number) {
  const cache = new Map<string, string>();
  return (attributes: DataciteAttributes): string => {
    const key = sha256(JSON.stringify(attributes));
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const xml = dataciteXml(attributes).replace(XML_DECLARATION, '');
    cache.set(key, xml);
    if (cache.size > entries) cache.delete(cache.keys().next().value!);
    return xml;
  };
}

/**
 * `oai_datacite` (DataCite's OAI wrapper around a kernel-4 resource, what DataCite's own OAI
 * server and OpenAIRE read) and `datacite` (the bare kernel-4 resource).
 */
export function dataciteFormats(metadataOf: DataciteOfMany, datacentreSymbol: string): OaiFormat[] {
  const xml = memoizedXml(CACHE_ENTRIES);
  const resources = async (items: ReadItem[]) => {
    const metadata = await metadataOf(items);
    return items.map((i) => xml(metadata.get(i.pk)!));
  };
  const symbol = datacentreSymbol.replace(/[<&]/g, '');
  return [
    {
      prefix: 'oai_datacite',
      schema: 'http://schema.datacite.org/oai/oai-1.1/oai.xsd',
      namespace: OAI_DATACITE_NS,
      render: async (items) =>
        (await resources(items)).map(
          (resource) =>
            `<oai_datacite xmlns="${OAI_DATACITE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${OAI_DATACITE_NS} http://schema.datacite.org/oai/oai-1.1/oai.xsd">` +
            `<schemaVersion>4</schemaVersion><datacentreSymbol>${symbol}</datacentreSymbol><payload>${resource}</payload></oai_datacite>`,
        ),
    },
    { prefix: 'datacite', schema: 'http://schema.datacite.org/meta/kernel-4.7/metadata.xsd', namespace: DATACITE_NS, render: resources },
  ];
}
