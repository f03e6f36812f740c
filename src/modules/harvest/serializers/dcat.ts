import { orcidUrl, rorUrl } from '../../../lib/identifiers.js';
import { isEmailContact, LICENSE_UNKNOWN, type DatasetRecord, type RecordStatus } from '../../datasets/datasets.schema.js';
import { licenseText } from '../../datasets/record-facts.js';
import type { ActivityRecord } from '../../provenance/provenance.schema.js';
import { hepdataDcatParts } from '../../hepdata/serializers/parts.js';
import type { HarvestItem, SerializerContext } from '../harvest.service.js';
import { doiUrl, resolvableUrl, spdxUrl } from '../harvest.urls.js';

/** DCAT 3 (checked against the DCAT-AP 3.0.1 shapes), built compacted against schema/jsonld/dcat.jsonld. */
export const DCAT_CONTEXT_FILE = 'dcat.jsonld';
export const DCAT_PROFILE = 'http://www.w3.org/ns/dcat';
export const CATALOG_DESCRIPTION = 'Public datasets of the femto physics catalog, with their versions and derivation steps.';

type Json = Record<string, unknown>;

const EU_ACCESS = 'http://publications.europa.eu/resource/authority/access-right/';
const accessRight = { open: 'PUBLIC', embargoed: 'NON_PUBLIC', restricted: 'RESTRICTED' } as const;
const TIER_BASE = 'https://w3id.org/femto/tier/';
const DATATYPE_BASE = 'https://w3id.org/femto/datatype/';
const RESOURCE_TYPE_BASE = 'https://w3id.org/femto/resource-type/';
/**
 * ADMS status IRIs where one fits (https://joinup.ec.europa.eu/collection/adms); a planned record
 * has no ADMS counterpart and keeps femto's own term (ontologies/femto.ttl).
 */
export const ADMS_STATUS: Record<RecordStatus, string> = {
  planned: 'https://w3id.org/femto/record-status/planned',
  'in-preparation': 'http://purl.org/adms/status/UnderDevelopment',
  available: 'http://purl.org/adms/status/Completed',
  deprecated: 'http://purl.org/adms/status/Deprecated',
  retracted: 'http://purl.org/adms/status/Withdrawn',
};
/** The XML Schema type of an ISO date by its precision (length): a year, a month, a day. */
const XSD_DATE_TYPE: Record<number, string> = { 4: 'xsd:gYear', 7: 'xsd:gYearMonth', 10: 'xsd:date' };
/** DataCite relation types as dcat:hadRole values. */
const RELATION_ROLE_BASE = 'https://w3id.org/femto/relation/';

export function dcatAgent(a: DatasetRecord['creators'][number] | ActivityRecord['agents'][number]): Json {
  const id = a.orcid ? orcidUrl(a.orcid) : a.ror ? rorUrl(a.ror) : undefined;
  const type = a.type === 'Person' ? ['Agent', 'Person'] : a.type === 'Organization' ? ['Agent', 'Organization'] : ['Agent', 'SoftwareAgent'];
  return { ...(id ? { '@id': id } : {}), '@type': type, name: a.name };
}

/** Whom to ask for access, as a vCard (DCAT-AP's contact point): an e-mail address or a web page. */
const contactPoint = (contact: string): Json =>
  isEmailContact(contact) ? { '@type': 'Kind', hasEmail: `mailto:${contact}` } : { '@type': 'Kind', hasURL: contact };

export const datasetIri = (item: HarvestItem, ctx: SerializerContext) => (item.doi ? doiUrl(item.doi) : ctx.urls.version(item.record.id, item.record.version));

function activity(a: ActivityRecord, ctx: SerializerContext): Json {
  const agents: Json[] = a.agents.map(dcatAgent);
  if (a.software) agents.push({ '@type': ['Agent', 'SoftwareAgent'], name: [a.software.name, a.software.version].filter(Boolean).join(' ') });
  const used = a.inputs.filter((i) => i.dataset && i.version != null).map((i) => ctx.urls.version(i.dataset!, i.version));
  return {
    '@id': ctx.urls.activity(a.id),
    '@type': 'Activity',
    'dct:title': a.name ?? a.kind,
    'dct:type': a.kind,
    implied: a.implied,
    ...(a.startedAt ? { startedAtTime: a.startedAt } : {}),
    ...(a.endedAt ? { endedAtTime: a.endedAt } : {}),
    ...(used.length ? { used } : {}),
    ...(agents.length ? { wasAssociatedWith: agents } : {}),
  };
}

const relatedIri = (type: string, value: string) => resolvableUrl(type, value) ?? `urn:${type.toLowerCase()}:${encodeURIComponent(value)}`;

const RELATION_PROPERTY: Record<string, string> = {
  Cites: 'dct:references',
  References: 'dct:references',
  IsCitedBy: 'dct:isReferencedBy',
  IsReferencedBy: 'dct:isReferencedBy',
  IsDocumentedBy: 'foaf:page',
  IsDescribedBy: 'foaf:page',
  HasVersion: 'dct:hasVersion',
  IsVersionOf: 'dct:isVersionOf',
  IsPartOf: 'dct:isPartOf',
  HasPart: 'dct:hasPart',
  IsDerivedFrom: 'prov:wasDerivedFrom',
  IsSourceOf: 'dct:relation',
  Requires: 'dct:requires',
  IsRequiredBy: 'dct:isRequiredBy',
};

/** DataCite relations as the Dublin Core / FOAF properties DCAT-AP expects (documentation pages are foaf:Document). */
function relatedProperties(related: { type: string; value: string; relation: string }[]): Record<string, Json[]> {
  const out: Record<string, Json[]> = {};
  for (const x of related) {
    const property = RELATION_PROPERTY[x.relation] ?? 'dct:relation';
    (out[property] ??= []).push({ '@id': relatedIri(x.type, x.value), ...(property === 'foaf:page' ? { '@type': 'foaf:Document' } : {}) });
  }
  return out;
}

/** The dcat:Dataset node of one version (no @context: catalog pages embed many). */
export function dcatNode(item: HarvestItem, ctx: SerializerContext): Json {
  const r = item.record;
  const landing = ctx.urls.version(r.id, r.version);
  const versionIndex = item.versions.findIndex((v) => v.n === r.version);
  const previous = versionIndex > 0 ? item.versions[versionIndex - 1] : undefined;
  const themes: Json[] = [
    ...[...(r.tier != null ? [r.tier] : []), ...r.alsoInTiers].map((tier) => ({ '@id': `${TIER_BASE}${tier}`, '@type': 'Concept', prefLabel: `Tier ${tier}` })),
    ...[...(r.domain ? [r.domain] : []), ...r.alsoInDomains].map((iri) => ({ '@id': iri, '@type': 'Concept', prefLabel: ctx.describeDomain(iri).label })),
    ...r.observables.map((iri) => ({ '@id': iri, '@type': 'Concept', prefLabel: ctx.describeObservable(iri).name })),
  ];
  const upstream = item.upstream.map((u) => ctx.urls.version(u.dataset, u.version));
  // DCAT-AP relates dcat resources only, and a dcat:Dataset needs its title and description where it is named.
  const upstreamDatasets = item.upstream.map((u) => ({
    '@id': ctx.urls.version(u.dataset, u.version),
    '@type': 'Dataset',
    title: u.title,
    description: u.description,
  }));
  const related = relatedProperties(r.relatedIdentifiers);
  const tables = hepdataDcatParts(item.hepdataTables, landing);
  if (tables.length) related['dct:hasPart'] = [...(related['dct:hasPart'] ?? []), ...tables];
  return {
    '@id': datasetIri(item, ctx),
    '@type': 'Dataset',
    title: r.title,
    description: r.description,
    identifier: item.doi ? doiUrl(item.doi) : landing,
    landingPage: { '@id': landing, '@type': 'foaf:Document' },
    ...(r.version != null ? { version: r.versionLabel ?? String(r.version) } : {}),
    // The source's issue date only when known; femto's publication of the record is the modification date.
    ...(r.issued ? { issued: { '@value': r.issued, '@type': XSD_DATE_TYPE[r.issued.length] ?? 'xsd:dateTime' } } : {}),
    ...(r.publishedAt ? { modified: r.publishedAt } : {}),
    status: { '@id': ADMS_STATUS[r.status], '@type': 'Concept', prefLabel: r.status },
    license:
      r.license === LICENSE_UNKNOWN ? { '@type': 'LicenseDocument', 'rdfs:label': licenseText(r) } : { '@id': spdxUrl(r.license), '@type': 'LicenseDocument' },
    accessRights: { '@id': `${EU_ACCESS}${accessRight[r.accessLevel]}`, '@type': 'RightsStatement' },
    ...(r.accessConditions ? { rights: { '@type': 'RightsStatement', description: r.accessConditions } } : {}),
    ...(r.accessContact ? { contactPoint: contactPoint(r.accessContact) } : {}),
    ...(r.creators.length ? { creator: r.creators.map(dcatAgent) } : {}),
    ...(r.contributors.length ? { contributor: r.contributors.map(dcatAgent) } : {}),
    ...(r.publisher ? { publisher: { '@type': 'Agent', name: r.publisher } } : {}),
    // femto only hosts the record: it is a member of femto's catalog, not femto's data.
    inCatalog: {
      '@id': ctx.urls.catalog,
      '@type': 'Catalog',
      title: ctx.repositoryName,
      description: CATALOG_DESCRIPTION,
      publisher: { '@id': ctx.urls.base, '@type': 'Agent', name: ctx.repositoryName },
    },
    ...(r.keywords.length ? { keyword: r.keywords } : {}),
    ...(themes.length ? { theme: themes } : {}),
    // DataCite's resourceTypeGeneral, and femto's data type (DataCite's resourceType) when there is one.
    dctType: [
      { '@id': `${RESOURCE_TYPE_BASE}${r.resourceType}`, '@type': 'Concept', prefLabel: r.resourceType },
      ...(r.dataType ? [{ '@id': `${DATATYPE_BASE}${r.dataType}`, '@type': 'Concept', prefLabel: r.dataType }] : []),
    ],
    inSeries: {
      '@id': ctx.urls.dataset(r.id),
      '@type': 'DatasetSeries',
      title: r.title,
      description: `All versions of ${r.title}.`,
      hasVersion: item.versions.map((v) => ctx.urls.version(r.id, v.n)),
    },
    ...(previous ? { previousVersion: ctx.urls.version(r.id, previous.n) } : {}),
    ...related,
    // Lineage as a qualified relation too: DCAT-AP allows one only between dcat resources.
    ...(upstream.length
      ? {
          qualifiedRelation: upstreamDatasets.map((u) => ({
            '@type': 'Relationship',
            relation: u,
            hadRole: { '@id': `${RELATION_ROLE_BASE}IsDerivedFrom`, '@type': 'dcat:Role' },
          })),
        }
      : {}),
    ...(upstream.length ? { wasDerivedFrom: upstream } : {}),
    ...(item.generatedBy.length ? { wasGeneratedBy: item.generatedBy.map((a) => activity(a, ctx)) } : {}),
    ...(r.distributions.length
      ? {
          distribution: r.distributions.map((d) => ({
            '@type': 'Distribution',
            ...(d.title ? { title: d.title } : {}),
            // Under an embargo the files stay hidden; the landing page is where access is explained.
            accessURL: d.urls.length ? d.urls : [landing],
            ...(d.kind === 'download' && d.urls.length ? { downloadURL: d.urls } : {}),
            ...(d.mediaType ? { mediaType: { '@id': `https://www.iana.org/assignments/media-types/${d.mediaType}`, '@type': 'dct:MediaType' } } : {}),
            ...(d.format ? { format: d.format } : {}),
            ...(d.sizeBytes != null ? { byteSize: d.sizeBytes } : {}),
            ...(d.checksum
              ? {
                  checksum: { '@type': 'Checksum', algorithm: `spdx:checksumAlgorithm_${d.checksum.algorithm}`, checksumValue: d.checksum.value.toLowerCase() },
                }
              : {}),
          })),
        }
      : {}),
  };
}

export const dcatDocument = (item: HarvestItem, ctx: SerializerContext) => ({ '@context': ctx.urls.context(DCAT_CONTEXT_FILE), ...dcatNode(item, ctx) });
