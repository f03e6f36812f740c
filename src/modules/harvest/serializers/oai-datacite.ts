import { dataciteXml, DATACITE_NS } from '../../identifiers/serializers/datacite-xml.js';
import type { DataciteAttributes } from '../../identifiers/serializers/datacite.js';
import type { DatasetRecord } from '../../datasets/datasets.schema.js';
import type { OaiFormat } from '../oai.service.js';

const OAI_DATACITE_NS = 'http://schema.datacite.org/oai/oai-1.1/';
const XML_DECLARATION = /^<\?xml[^>]*\?>\s*/;

/** DataCite metadata of a version: its DOI's when it has one, else built from the record (identifiers service). */
export type DataciteOf = (record: DatasetRecord, pk: number) => DataciteAttributes;

const kernel4 = (metadataOf: DataciteOf) => (item: { record: DatasetRecord; pk: number }) => dataciteXml(metadataOf(item.record, item.pk)).replace(XML_DECLARATION, '');

/**
 * `oai_datacite` (DataCite's OAI wrapper around a kernel-4 resource, what DataCite's own OAI
 * server and OpenAIRE read) and `datacite` (the bare kernel-4 resource).
 */
export function dataciteFormats(metadataOf: DataciteOf, datacentreSymbol: string): OaiFormat[] {
  const resource = kernel4(metadataOf);
  return [
    {
      prefix: 'oai_datacite',
      schema: 'http://schema.datacite.org/oai/oai-1.1/oai.xsd',
      namespace: OAI_DATACITE_NS,
      render: (item) =>
        `<oai_datacite xmlns="${OAI_DATACITE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${OAI_DATACITE_NS} http://schema.datacite.org/oai/oai-1.1/oai.xsd">` +
        `<schemaVersion>4</schemaVersion><datacentreSymbol>${datacentreSymbol.replace(/[<&]/g, '')}</datacentreSymbol><payload>${resource(item)}</payload></oai_datacite>`,
    },
    { prefix: 'datacite', schema: 'http://schema.datacite.org/meta/kernel-4.7/metadata.xsd', namespace: DATACITE_NS, render: resource },
  ];
}
