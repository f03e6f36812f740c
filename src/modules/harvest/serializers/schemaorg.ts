import { orcidUrl, rorUrl } from '../../../lib/identifiers.js';
import { LICENSE_UNKNOWN, type DatasetRecord } from '../../datasets/datasets.schema.js';
import { licenseText } from '../../datasets/record-facts.js';
import type { ActivityRecord } from '../../provenance/provenance.schema.js';
import type { HarvestItem, SerializerContext } from '../harvest.service.js';
import { doiUrl, resolvableUrl, spdxUrl } from '../harvest.urls.js';
import { DQV_PREFIXES } from '../../gates/serializers/dqv.js';
import { MODEL_PREFIXES } from '../../models/serializers/jsonld.js';
import { schemaOrgTypes } from '../../../lib/resource-types.js';
import { datasheetNode, RAI, raiProperties } from './datasheet.js';
import { hepdataVariablesMeasured } from '../../hepdata/serializers/schemaorg.js';

/**
 * schema.org Dataset in JSON-LD, built already compacted against SCHEMAORG_CONTEXT (no
 * jsonld.compact on the hot path; test/harvest proves the graph equals the expected one).
 */
export const SCHEMAORG_CONTEXT = [
  'https://schema.org/',
  { ...DQV_PREFIXES, ...MODEL_PREFIXES, spdx: 'http://spdx.org/rdf/terms#', rai: RAI, femto: 'https://w3id.org/femto/ns#' },
] as const;

type Json = Record<string, unknown>;

/** Google asks for 50 to 5000 characters; a short description is completed from the record's own facts. */
export function describedLongEnough(r: DatasetRecord): string {
  let text = r.description;
  if (text.length < 50) {
    const facts = [r.dataType, r.tier != null ? `tier ${r.tier}` : null, r.status].filter(Boolean).join(', ');
    text = `${text.replace(/\.?$/, '.')} ${r.resourceType} in the femto physics catalog${facts ? ` (${facts})` : ''}.`;
  }
  return text.length > 5000 ? `${text.slice(0, 4999)}…` : text;
}

export const personOrOrg = (a: DatasetRecord['creators'][number] | ActivityRecord['agents'][number]): Json => {
  const id = a.orcid ? orcidUrl(a.orcid) : a.ror ? rorUrl(a.ror) : undefined;
  const type = a.type === 'Software' ? 'SoftwareApplication' : a.type;
  return {
    ...(id ? { '@id': id } : {}),
    '@type': type,
    name: a.name,
    ...(id ? { identifier: id } : {}),
    ...(a.affiliation ? { affiliation: { '@type': 'Organization', name: a.affiliation } } : {}),
  };
};

export const accessSentence = (item: HarvestItem): string => {
  const r = item.record;
  if (r.accessLevel === 'restricted') return 'Restricted: files are available to authorised users only.';
  if (r.accessLevel === 'embargoed' && item.embargoed) return `Embargoed until ${r.embargoUntil}: metadata is open, files are released when the embargo ends.`;
  return 'Open access.';
};

/** The access sentence with the record's own conditions and whom to ask (schema.org conditionsOfAccess, DataCite rights). */
export const accessConditions = (item: HarvestItem): string => {
  const r = item.record;
  return [accessSentence(item), r.accessConditions, r.accessContact ? `Request access: ${r.accessContact}.` : null].filter(Boolean).join(' ');
};

/** The step that generated a version, with its software and agents, as PROV-O inside schema.org (and Croissant). */
export function activityNode(a: ActivityRecord, ctx: SerializerContext): Json {
  const associated: Json[] = a.agents.map((ag) => ({
    ...personOrOrg(ag),
    '@type': ag.type === 'Software' ? ['prov:SoftwareAgent', 'SoftwareApplication'] : ['prov:Agent', ag.type],
  }));
  if (a.software) {
    associated.push({
      '@type': ['prov:SoftwareAgent', 'SoftwareApplication'],
      name: a.software.name,
      ...(a.software.version ? { softwareVersion: a.software.version } : {}),
      ...(a.software.repository ? { codeRepository: a.software.repository } : {}),
      ...(a.software.commit ? { identifier: { '@type': 'PropertyValue', propertyID: 'git-commit', 'schema:value': a.software.commit } } : {}),
    });
  }
  const used = a.inputs.filter((i) => i.dataset && i.version != null).map((i) => ({ '@id': ctx.urls.version(i.dataset!, i.version) }));
  return {
    '@id': ctx.urls.activity(a.id),
    '@type': 'prov:Activity',
    name: a.name ?? a.kind,
    'prov:type': a.kind,
    ...(a.description ? { description: a.description } : {}),
    // The source implies this step rather than states it: harvesters must not read it as recorded fact.
    'femto:implied': a.implied,
    ...(a.startedAt ? { 'prov:startedAtTime': { '@value': a.startedAt, '@type': 'xsd:dateTime' } } : {}),
    ...(a.endedAt ? { 'prov:endedAtTime': { '@value': a.endedAt, '@type': 'xsd:dateTime' } } : {}),
    ...(used.length ? { 'prov:used': used } : {}),
    ...(associated.length ? { 'prov:wasAssociatedWith': associated } : {}),
  };
}

const CITING_RELATIONS = new Set(['Cites', 'References', 'IsDocumentedBy', 'IsDescribedBy', 'IsSupplementTo', 'IsPublishedIn', 'IsDerivedFrom']);
const SAME_RELATIONS = new Set(['IsIdenticalTo', 'IsVariantFormOf']);

export function checksumNode(c: { algorithm: string; value: string }): Json {
  return {
    '@type': 'spdx:Checksum',
    'spdx:algorithm': { '@id': `spdx:checksumAlgorithm_${c.algorithm}` },
    'spdx:checksumValue': { '@value': c.value.toLowerCase(), '@type': 'xsd:hexBinary' },
  };
}

/** femto as what it is for others' data: the catalog that hosts and distributes the record (schema:provider). */
export const femtoOrganization = (ctx: SerializerContext): Json => ({
  '@id': ctx.urls.base,
  '@type': 'Organization',
  name: ctx.repositoryName,
  url: ctx.urls.base,
});

/** schema:license takes a URL; an unknown licence is said in words rather than left out. */
export const schemaOrgLicense = (r: DatasetRecord): Json | string =>
  r.license === LICENSE_UNKNOWN ? { '@type': 'CreativeWork', name: LICENSE_UNKNOWN, description: licenseText(r) } : spdxUrl(r.license);

/** The schema.org node of one version (no @context: pages embed many). */
export function schemaOrgNode(item: HarvestItem, ctx: SerializerContext): Json {
  const r = item.record;
  const landing = ctx.urls.version(r.id, r.version);
  const related = (relations: Set<string>) =>
    r.relatedIdentifiers.filter((x) => relations.has(x.relation)).map((x) => resolvableUrl(x.type, x.value) ?? `${x.type}:${x.value}`);
  const citation = related(CITING_RELATIONS);
  const id = item.citeAsDoi ? doiUrl(item.citeAsDoi) : landing;
  const sameAs = [...new Set([...(item.citeAsDoi ? [landing] : []), ...(item.doi ? [doiUrl(item.doi)] : []), ...related(SAME_RELATIONS)])].filter(
    (u) => u !== id,
  );
  const domains = [...(r.domain ? [r.domain] : []), ...r.alsoInDomains].map((iri) => ({
    '@id': iri,
    '@type': 'DefinedTerm',
    name: ctx.describeDomain(iri).label,
    inDefinedTermSet: 'https://w3id.org/femto/domain/',
  }));
  const techniques = [
    ...new Set([
      ...item.generatedBy.map((a) => (a.software ? `${a.kind} (${a.software.name}${a.software.version ? ` ${a.software.version}` : ''})` : a.kind)),
      ...(r.dataType ? [r.dataType] : []),
    ]),
  ];
  const upstream = item.upstream.map((u) => ({ '@id': ctx.urls.version(u.dataset, u.version) }));
  const datasheet = datasheetNode(r.datasheet);
  return {
    '@id': id,
    '@type': schemaOrgTypes(r.resourceType),
    name: r.title,
    description: describedLongEnough(r),
    url: landing,
    identifier: id,
    creativeWorkStatus: r.status,
    ...(r.version != null ? { version: r.versionLabel ?? String(r.version) } : {}),
    license: schemaOrgLicense(r),
    ...(r.creators.length ? { creator: r.creators.map(personOrOrg) } : {}),
    ...(r.contributors.length ? { contributor: r.contributors.map(personOrOrg) } : {}),
    ...(r.publisher ? { publisher: { '@type': 'Organization', name: r.publisher } } : {}),
    provider: femtoOrganization(ctx),
    ...(r.keywords.length ? { keywords: r.keywords } : {}),
    ...(domains.length ? { about: domains } : {}),
    // The source's issue date only when known; femto's publication of the record is not it.
    ...(r.issued ? { datePublished: r.issued } : {}),
    ...(r.publishedAt ? { dateModified: r.publishedAt } : {}),
    ...(item.firstPublishedAt ? { sdDatePublished: item.firstPublishedAt } : {}),
    sdPublisher: femtoOrganization(ctx),
    isAccessibleForFree: r.accessLevel === 'open' || (r.accessLevel === 'embargoed' && !item.embargoed),
    conditionsOfAccess: accessConditions(item),
    ...(r.observables.length || item.hepdataTables.length
      ? {
          variableMeasured: [
            ...r.observables.map((iri) => {
              const o = ctx.describeObservable(iri);
              return {
                '@type': 'PropertyValue',
                propertyID: o.iri,
                name: o.name,
                ...(o.unitCode ? { unitCode: o.unitCode } : {}),
                ...(o.unitText ? { unitText: o.unitText } : {}),
              };
            }),
            ...hepdataVariablesMeasured(item.hepdataTables),
          ],
        }
      : {}),
    ...(techniques.length ? { measurementTechnique: techniques } : {}),
    ...(upstream.length ? { isBasedOn: upstream, 'prov:wasDerivedFrom': upstream } : {}),
    ...(item.generatedBy.length ? { 'prov:wasGeneratedBy': item.generatedBy.map((a) => activityNode(a, ctx)) } : {}),
    ...(r.distributions.length
      ? {
          distribution: r.distributions.map((d) => ({
            '@type': 'DataDownload',
            ...(d.title ? { name: d.title } : {}),
            ...(d.urls.length ? { contentUrl: d.urls } : {}),
            ...(d.mediaType || d.format ? { encodingFormat: d.mediaType ?? d.format } : {}),
            ...(d.sizeBytes != null ? { contentSize: `${d.sizeBytes} B` } : {}),
            ...(d.checksum?.algorithm === 'sha256' ? { sha256: d.checksum.value.toLowerCase() } : {}),
            ...(d.checksum ? { 'spdx:checksum': checksumNode(d.checksum) } : {}),
          })),
        }
      : {}),
    ...(r.formats.length ? { encodingFormat: r.formats } : {}),
    ...(r.sizeBytes != null || r.recordCount != null
      ? {
          size: [
            ...(r.sizeBytes != null ? [{ '@type': 'QuantitativeValue', value: r.sizeBytes, unitCode: 'AD', unitText: 'byte' }] : []),
            ...(r.recordCount != null ? [{ '@type': 'QuantitativeValue', value: r.recordCount, unitText: 'records' }] : []),
          ],
        }
      : {}),
    isPartOf: ctx.urls.dataset(r.id),
    includedInDataCatalog: {
      '@id': ctx.urls.catalog,
      '@type': 'DataCatalog',
      name: ctx.repositoryName,
      url: ctx.urls.catalog,
      provider: femtoOrganization(ctx),
    },
    ...(citation.length ? { citation } : {}),
    ...(sameAs.length ? { sameAs } : {}),
    ...(item.quality.length ? { 'dqv:hasQualityMeasurement': item.quality } : {}),
    ...raiProperties(r.datasheet),
    ...(datasheet ? { 'femto:datasheet': datasheet } : {}),
    ...item.model?.jsonld,
  };
}

export const schemaOrgDocument = (item: HarvestItem, ctx: SerializerContext) => ({ '@context': SCHEMAORG_CONTEXT, ...schemaOrgNode(item, ctx) });
