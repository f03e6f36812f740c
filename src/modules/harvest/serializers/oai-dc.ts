import { LICENSE_UNKNOWN } from '../../datasets/datasets.schema.js';
import { licenseText, statusSentence } from '../../datasets/record-facts.js';
import type { HarvestItem, SerializerContext } from '../harvest.service.js';
import { doiUrl, resolvableUrl, spdxUrl } from '../harvest.urls.js';
import { element } from '../xml.js';

export const OAI_DC = {
  prefix: 'oai_dc',
  schema: 'http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
  namespace: 'http://www.openarchives.org/OAI/2.0/oai_dc/',
};

/** OpenAIRE / info:eu-repo access vocabulary, which Dublin Core harvesters read from dc:rights. */
const euRepoAccess = (item: HarvestItem) =>
  item.record.accessLevel === 'restricted'
    ? 'info:eu-repo/semantics/restrictedAccess'
    : item.embargoed
      ? 'info:eu-repo/semantics/embargoedAccess'
      : 'info:eu-repo/semantics/openAccess';

/** Simple Dublin Core for one record (the metadata every OAI-PMH harvester understands). */
export function oaiDc(item: HarvestItem, ctx: SerializerContext): string {
  const r = item.record;
  const dc = (name: string, values: (string | null | undefined)[]) => values.map((v) => element(`dc:${name}`, v)).join('');
  return (
    `<oai_dc:dc xmlns:oai_dc="${OAI_DC.namespace}" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${OAI_DC.namespace} ${OAI_DC.schema}">` +
    dc('title', [r.title]) +
    dc(
      'creator',
      r.creators.map((c) => c.name),
    ) +
    dc(
      'contributor',
      r.contributors.map((c) => c.name),
    ) +
    dc('subject', [...r.keywords, ...[r.domain, ...r.alsoInDomains].flatMap((iri) => (iri ? [ctx.describeDomain(iri).label, iri] : []))]) +
    dc('description', [r.description, `Status: ${statusSentence(r.status)}`]) +
    // Only a publisher the record names: femto hosts the record and is not the publisher of others' data.
    dc('publisher', [r.publisher]) +
    dc('date', [r.issued?.slice(0, 10)]) +
    // DataCite's resourceTypeGeneral first, as DataCite's own OAI-PMH server maps it to dc:type.
    dc('type', [r.resourceType, r.dataType]) +
    dc('format', [...new Set([...r.distributions.map((d) => d.mediaType), ...r.formats])]) +
    dc('identifier', [...new Set([item.citeAsDoi, item.doi].flatMap((d) => (d ? [doiUrl(d)] : []))), ctx.urls.version(r.id, r.version)]) +
    dc(
      'relation',
      r.relatedIdentifiers.map((x) => resolvableUrl(x.type, x.value) ?? `${x.type}:${x.value}`),
    ) +
    dc('rights', [euRepoAccess(item), r.license === LICENSE_UNKNOWN ? licenseText(r) : spdxUrl(r.license)]) +
    `</oai_dc:dc>`
  );
}
