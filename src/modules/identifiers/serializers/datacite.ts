import { LICENSE_UNKNOWN, type DatasetRecord } from '../../datasets/datasets.schema.js';
import { licenseText, statusSentence } from '../../datasets/record-facts.js';
import { bounded, sectionText } from '../../datasets/datasheet.js';
import { SECTION_NAMES, SECTION_TITLES, type Datasheet } from '../../datasets/datasheet.schema.js';
import { orcidUrl, rorUrl } from '../../../lib/identifiers.js';
import type { DoiEvent } from '../identifiers.schema.js';

/**
 * DataCite metadata as the REST API's `data.attributes` carries it (schema 4.5 JSON). Only the
 * shapes femto reads or writes are typed; anything else a client sends is kept as it came.
 */
export interface DataciteNameIdentifier {
  nameIdentifier: string;
  nameIdentifierScheme: string;
  schemeUri?: string;
}
export interface DataciteAffiliation {
  name: string;
  affiliationIdentifier?: string;
  affiliationIdentifierScheme?: string;
  schemeUri?: string;
}
export interface DataciteName {
  name: string;
  nameType?: 'Personal' | 'Organizational';
  givenName?: string;
  familyName?: string;
  nameIdentifiers?: DataciteNameIdentifier[];
  affiliation?: DataciteAffiliation[];
  lang?: string;
  contributorType?: string;
}
export interface DataciteRelatedIdentifier {
  relatedIdentifier: string;
  relatedIdentifierType: string;
  relationType: string;
  resourceTypeGeneral?: string;
  relatedMetadataScheme?: string;
  schemeUri?: string;
  schemeType?: string;
}
export interface DataciteAttributes {
  doi?: string;
  prefix?: string;
  suffix?: string;
  event?: DoiEvent;
  url?: string;
  types?: { resourceTypeGeneral?: string; resourceType?: string; [k: string]: unknown };
  creators?: DataciteName[];
  titles?: { title: string; titleType?: string; lang?: string }[];
  publisher?: { name: string; publisherIdentifier?: string; publisherIdentifierScheme?: string; schemeUri?: string; lang?: string };
  publicationYear?: string;
  subjects?: { subject: string; subjectScheme?: string; schemeUri?: string; valueUri?: string; classificationCode?: string; lang?: string }[];
  contributors?: DataciteName[];
  dates?: { date: string; dateType: string; dateInformation?: string }[];
  language?: string;
  alternateIdentifiers?: { alternateIdentifier: string; alternateIdentifierType: string }[];
  relatedIdentifiers?: DataciteRelatedIdentifier[];
  relatedItems?: Record<string, unknown>[];
  sizes?: string[];
  formats?: string[];
  version?: string;
  rightsList?: { rights?: string; rightsUri?: string; rightsIdentifier?: string; rightsIdentifierScheme?: string; schemeUri?: string; lang?: string }[];
  descriptions?: { description: string; descriptionType: string; lang?: string }[];
  geoLocations?: Record<string, unknown>[];
  fundingReferences?: Record<string, unknown>[];
  schemaVersion?: string;
}

export const SCHEMA_VERSION = 'http://datacite.org/schema/kernel-4';

/** relatedIdentifierType values DataCite 4.5 accepts; femto's physics schemes map onto them or are left out. */
const DATACITE_RELATED_TYPES = new Set([
  'ARK',
  'arXiv',
  'bibcode',
  'DOI',
  'EAN13',
  'EISSN',
  'Handle',
  'IGSN',
  'ISBN',
  'ISSN',
  'ISTC',
  'LISSN',
  'LSID',
  'PMID',
  'PURL',
  'UPC',
  'URL',
  'URN',
  'w3id',
]);

/**
 * INSPIRE, ILDG, HEPData, RRID and SWHID have no DataCite 4.5 type: a DOI-shaped value (HEPData
 * tables) is a DOI, a URL stays a URL, anything else cannot be expressed and is dropped rather
 * than mislabelled.
 */
export function dataciteRelatedType(type: string, value: string): string | undefined {
  if (DATACITE_RELATED_TYPES.has(type)) return type;
  if (/^10\.\d{4,9}\//.test(value)) return 'DOI';
  if (/^https?:\/\//i.test(value)) return 'URL';
  return undefined;
}

const ACCESS_RIGHTS = {
  open: 'info:eu-repo/semantics/openAccess',
  embargoed: 'info:eu-repo/semantics/embargoedAccess',
  restricted: 'info:eu-repo/semantics/restrictedAccess',
} as const;

export interface DataciteOptions {
  /** The DOI of this version, when it has one. */
  doi?: string;
  /** Landing page the DOI resolves to. */
  url?: string;
  /** Defaults to the source's issue year, else the year the version was published (created, for a draft). */
  publicationYear?: string | number;
  /**
   * The issue date when the record has none of its own: for a DOI femto mints, the day its version
   * was published here. Without either, no Issued date is claimed.
   */
  issued?: string | null;
  /** Lineage and version/concept relations computed by the identifiers service. */
  related?: DataciteRelatedIdentifier[];
  /** The catalog that hosts the record, named as contributorType HostingInstitution (never as publisher). */
  hostingInstitution?: string;
  /** Label and scheme of a domain IRI (the ontology's). */
  domainLabel?: (iri: string) => string;
  /**
   * Fill mandatory properties the record lacks (creators, publisher) with DataCite's standard
   * value for unknown information, `:unav`, so that every record has valid XML for harvesting.
   * DOI registration turns this off: there a missing creator must be an error, not a placeholder.
   */
  placeholders?: boolean;
}

/** DataCite's "value unavailable" (https://support.datacite.org/docs/schema-values-unknown-information-v43). */
export const UNAVAILABLE = ':unav';

function person(a: DatasetRecord['creators'][number]): DataciteName {
  const nameIdentifiers: DataciteNameIdentifier[] = [];
  if (a.orcid) nameIdentifiers.push({ nameIdentifier: orcidUrl(a.orcid), nameIdentifierScheme: 'ORCID', schemeUri: 'https://orcid.org' });
  if (a.ror) nameIdentifiers.push({ nameIdentifier: rorUrl(a.ror), nameIdentifierScheme: 'ROR', schemeUri: 'https://ror.org' });
  const nameType = a.type === 'Person' ? 'Personal' : a.type === 'Organization' ? 'Organizational' : undefined;
  return {
    name: a.name,
    ...(nameType ? { nameType } : {}),
    ...(nameIdentifiers.length ? { nameIdentifiers } : {}),
    ...(a.affiliation ? { affiliation: [{ name: a.affiliation }] } : {}),
  };
}

const uniqueBy = <T>(items: T[], key: (t: T) => string) => {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(key(i)) ? false : (seen.add(key(i)), true)));
};

const nonEmpty = <K extends string, V>(key: K, list: V[]): Partial<Record<K, V[]>> => (list.length ? { [key]: list } : {}) as Partial<Record<K, V[]>>;

/** Maps a femto dataset version onto DataCite 4.5 attributes (valid against the official JSON Schema). */
/** Longest datasheet section a DataCite description carries; a longer one is cut (the full datasheet is on the landing page). */
export const MAX_DATASHEET_DESCRIPTION = 4000;

/**
 * The datasheet in DataCite's own terms: composition and preprocessing are TechnicalInfo (what the data is and how
 * it was prepared), the other sections Other; one description per answered section, titled, bounded in length.
 */
export function datasheetDescriptions(datasheet: Datasheet | null): { description: string; descriptionType: string }[] {
  return SECTION_NAMES.flatMap((section) => {
    const text = sectionText(datasheet, section);
    if (!text) return [];
    return [
      {
        description: bounded(`Datasheet, ${SECTION_TITLES[section]}:\n${text}`, MAX_DATASHEET_DESCRIPTION),
        descriptionType: section === 'composition' || section === 'preprocessing' ? 'TechnicalInfo' : 'Other',
      },
    ];
  });
}

export function dataciteAttributes(record: DatasetRecord, opts: DataciteOptions = {}): DataciteAttributes {
  const issued = record.issued ?? opts.issued ?? null;
  // publicationYear is mandatory: without a known issue date it is the year femto made the record available.
  const year = String(opts.publicationYear ?? (issued ?? record.publishedAt ?? record.createdAt).slice(0, 4));
  const fill = opts.placeholders ?? true;
  // Only the publisher the record names; DataCite's "unavailable" where a format cannot leave it out.
  const publisher = record.publisher ?? (fill ? UNAVAILABLE : undefined);
  const creators = record.creators.length ? record.creators.map(person) : fill ? [{ name: UNAVAILABLE }] : [];
  const domainLabel = opts.domainLabel ?? ((iri: string) => iri.slice(iri.lastIndexOf('/') + 1));

  const subjects = uniqueBy(
    [
      ...[record.domain, ...record.alsoInDomains].flatMap((iri) =>
        iri ? [{ subject: domainLabel(iri), subjectScheme: 'femto domains', schemeUri: 'https://w3id.org/femto/domain/', valueUri: iri }] : [],
      ),
      ...record.keywords.map((subject) => ({ subject })),
      ...record.observables.map((iri) => ({
        subject:
          iri
            .replace(/[/#]+$/, '')
            .split(/[/#]/)
            .pop() || iri,
        valueUri: iri,
      })),
    ],
    (s) => `${s.subject}|${'valueUri' in s ? s.valueUri : ''}`,
  );

  // femto's own timestamps are not the resource's dates: only a known issue date is claimed.
  const dates = [
    ...(issued ? [{ date: issued.length > 10 ? issued.slice(0, 10) : issued, dateType: 'Issued' }] : []),
    ...(record.accessLevel === 'embargoed' && record.embargoUntil ? [{ date: record.embargoUntil.slice(0, 10), dateType: 'Available' }] : []),
  ];

  const related = uniqueBy(
    [
      ...record.relatedIdentifiers.flatMap((r) => {
        // Described under its own DOI, a record is not also "identical to" that DOI.
        if (r.relation === 'IsIdenticalTo' && opts.doi && r.value.toLowerCase() === opts.doi.toLowerCase()) return [];
        const type = dataciteRelatedType(r.type, r.value);
        return type ? [{ relatedIdentifier: r.value, relatedIdentifierType: type, relationType: r.relation }] : [];
      }),
      ...(opts.related ?? []),
    ],
    (r) => `${r.relationType}|${r.relatedIdentifierType}|${r.relatedIdentifier.toLowerCase()}`,
  );

  const sizes = [...(record.sizeBytes != null ? [`${record.sizeBytes} bytes`] : []), ...(record.recordCount != null ? [`${record.recordCount} records`] : [])];
  const formats = [...new Set([...record.formats, ...record.distributions.flatMap((d) => (d.mediaType ? [d.mediaType] : []))])];

  const rightsList = [
    ...(record.license === LICENSE_UNKNOWN
      ? [{ rights: licenseText(record) }]
      : [
          {
            rights: record.license,
            rightsUri: `https://spdx.org/licenses/${record.license}.html`,
            rightsIdentifier: record.license.toLowerCase(),
            rightsIdentifierScheme: 'SPDX',
            schemeUri: 'https://spdx.org/licenses/',
          },
        ]),
    // OpenAIRE's access-rights vocabulary: the usual way harvesters learn of embargoes; with the record's conditions of access.
    { ...(record.accessConditions ? { rights: record.accessConditions } : {}), rightsUri: ACCESS_RIGHTS[record.accessLevel] },
  ];
  const access = [record.accessConditions, record.accessContact ? `Request access: ${record.accessContact}.` : null].filter(Boolean).join(' ');

  const doi = opts.doi?.toLowerCase();
  return {
    ...(doi ? { doi, prefix: doi.slice(0, doi.indexOf('/')), suffix: doi.slice(doi.indexOf('/') + 1) } : {}),
    ...(opts.url ? { url: opts.url } : {}),
    types: { resourceTypeGeneral: record.resourceType || 'Dataset', ...(record.dataType ? { resourceType: record.dataType } : {}) },
    ...nonEmpty('creators', creators),
    titles: [{ title: record.title }],
    ...(publisher ? { publisher: { name: publisher } } : {}),
    publicationYear: year,
    ...nonEmpty('subjects', subjects),
    ...nonEmpty('contributors', [
      ...record.contributors.map((c) => ({ ...person(c), contributorType: 'Other' })),
      ...(opts.hostingInstitution ? [{ name: opts.hostingInstitution, nameType: 'Organizational' as const, contributorType: 'HostingInstitution' }] : []),
    ]),
    dates,
    alternateIdentifiers: [{ alternateIdentifier: record.id, alternateIdentifierType: 'femto' }],
    ...nonEmpty('relatedIdentifiers', related),
    ...nonEmpty('sizes', sizes),
    ...nonEmpty('formats', formats),
    ...(record.versionLabel || record.version != null ? { version: record.versionLabel ?? String(record.version) } : {}),
    rightsList,
    descriptions: [
      { description: record.description, descriptionType: 'Abstract' },
      { description: `Status: ${statusSentence(record.status)}`, descriptionType: 'Other' },
      ...datasheetDescriptions(record.datasheet),
      ...(access ? [{ description: `Conditions of access: ${access}`, descriptionType: 'Other' }] : []),
    ],
    schemaVersion: SCHEMA_VERSION,
  };
}
