import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createRequire } from 'node:module';
import { parseOrcid, parseRor } from '../../../lib/identifiers.js';
import type { DataciteAttributes, DataciteName } from './datacite.js';

/** Lists in kernel-4 XML: always arrays, however many children a file has. */
const LISTS = new Set([
  'creator',
  'contributor',
  'title',
  'subject',
  'date',
  'alternateIdentifier',
  'relatedIdentifier',
  'size',
  'format',
  'rights',
  'description',
  'geoLocation',
  'fundingReference',
  'nameIdentifier',
  'affiliation',
  'relatedItem',
  'polygonPoint',
  'geoLocationPolygon',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => LISTS.has(name),
});

type Node = Record<string, unknown>;
const text = (v: unknown): string => (v == null ? '' : typeof v === 'object' ? text((v as Node)['#text']) : String(v));
const attr = (v: unknown, name: string): string | undefined => (v && typeof v === 'object' ? ((v as Node)[`@${name}`] as string | undefined) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v == null ? [] : [v]);
const children = (parent: unknown, wrapper: string, child: string) => arr(((parent as Node)?.[wrapper] as Node | undefined)?.[child]);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

function nameOf(n: Node, element: 'creator' | 'contributor'): DataciteName {
  const nameNode = n[`${element}Name`];
  return defined({
    name: text(nameNode),
    nameType: attr(nameNode, 'nameType') as DataciteName['nameType'],
    givenName: text(n.givenName) || undefined,
    familyName: text(n.familyName) || undefined,
    nameIdentifiers: arr(n.nameIdentifier).map((i) =>
      defined({ nameIdentifier: text(i), nameIdentifierScheme: attr(i, 'nameIdentifierScheme') ?? '', schemeUri: attr(i, 'schemeURI') }),
    ),
    affiliation: arr(n.affiliation).map((a) =>
      defined({ name: text(a), affiliationIdentifier: attr(a, 'affiliationIdentifier'), affiliationIdentifierScheme: attr(a, 'affiliationIdentifierScheme') }),
    ),
    contributorType: element === 'contributor' ? attr(n, 'contributorType') : undefined,
  });
}

/** DataCite kernel-3/4 XML to DataCite JSON attributes (the fields femto keeps). */
export function parseDataciteXml(xml: string): DataciteAttributes {
  // The parser is lenient (an unclosed element reads as empty): well-formedness is checked first.
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) throw new Error(`not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`);
  const doc = parser.parse(xml) as Node;
  const r = doc.resource as Node | undefined;
  if (!r) throw new Error('not a DataCite XML record (no <resource>)');
  const id = r.identifier;
  const rt = r.resourceType;
  const pub = r.publisher;
  return defined({
    doi: attr(id, 'identifierType')?.toUpperCase() === 'DOI' ? text(id) : undefined,
    url: attr(id, 'identifierType')?.toUpperCase() === 'URL' ? text(id) : undefined,
    creators: children(r, 'creators', 'creator').map((c) => nameOf(c as Node, 'creator')),
    titles: arr((r.titles as Node | undefined)?.title).map((t) =>
      defined({ title: text(t), titleType: attr(t, 'titleType'), lang: attr(t, 'xml:lang') ?? attr(t, 'lang') }),
    ),
    publisher:
      pub != null
        ? defined({ name: text(pub), publisherIdentifier: attr(pub, 'publisherIdentifier'), publisherIdentifierScheme: attr(pub, 'publisherIdentifierScheme') })
        : undefined,
    publicationYear: text(r.publicationYear) || undefined,
    types: rt != null ? defined({ resourceTypeGeneral: attr(rt, 'resourceTypeGeneral'), resourceType: text(rt) || undefined }) : undefined,
    subjects: children(r, 'subjects', 'subject')
      .map((s) => defined({ subject: text(s), subjectScheme: attr(s, 'subjectScheme'), schemeUri: attr(s, 'schemeURI'), valueUri: attr(s, 'valueURI') }))
      .filter((s) => s.subject),
    contributors: children(r, 'contributors', 'contributor').map((c) => nameOf(c as Node, 'contributor')),
    dates: children(r, 'dates', 'date').map((d) =>
      defined({ date: text(d), dateType: attr(d, 'dateType') ?? 'Other', dateInformation: attr(d, 'dateInformation') }),
    ),
    language: text(r.language) || undefined,
    relatedIdentifiers: children(r, 'relatedIdentifiers', 'relatedIdentifier').map((i) =>
      defined({
        relatedIdentifier: text(i),
        relatedIdentifierType: attr(i, 'relatedIdentifierType') ?? '',
        relationType: attr(i, 'relationType') ?? '',
        resourceTypeGeneral: attr(i, 'resourceTypeGeneral'),
      }),
    ),
    sizes: children(r, 'sizes', 'size').map(text),
    formats: children(r, 'formats', 'format').map(text),
    version: text(r.version) || undefined,
    rightsList: children(r, 'rightsList', 'rights').map((x) =>
      defined({
        rights: text(x) || undefined,
        rightsUri: attr(x, 'rightsURI'),
        rightsIdentifier: attr(x, 'rightsIdentifier'),
        rightsIdentifierScheme: attr(x, 'rightsIdentifierScheme'),
      }),
    ),
    descriptions: children(r, 'descriptions', 'description')
      .map((d) => defined({ description: text(d), descriptionType: attr(d, 'descriptionType') ?? 'Other' }))
      .filter((d) => d.description),
  });
}

/**
 * DataCite JSON in the shapes found in the wild: bare attributes (schema 4.5 JSON), a JSON:API
 * document ({data:{attributes}}), and the older REST shape (publisher as a string, titles as an
 * object). A JSON:API record that carries only base64 `xml` is read from that XML.
 */
export function parseDataciteJson(value: unknown): DataciteAttributes {
  const v = value as Node;
  const attrs = ((v?.data as Node | undefined)?.attributes as Node | undefined) ?? v;
  if (!attrs || typeof attrs !== 'object') throw new Error('not a DataCite JSON record');
  if (typeof attrs.xml === 'string' && !attrs.titles) {
    const fromXml = parseDataciteXml(Buffer.from(attrs.xml, 'base64').toString('utf8'));
    return { ...fromXml, ...(attrs.doi ? { doi: String(attrs.doi) } : {}) };
  }
  const out = { ...attrs } as DataciteAttributes & Node;
  if (typeof out.publisher === 'string') out.publisher = { name: out.publisher };
  // Older and hand-written records give a single object where the schema has a list.
  for (const key of [
    'titles',
    'creators',
    'contributors',
    'subjects',
    'dates',
    'relatedIdentifiers',
    'rightsList',
    'descriptions',
    'sizes',
    'formats',
    'geoLocations',
    'fundingReferences',
    'alternateIdentifiers',
  ]) {
    if (out[key] != null && !Array.isArray(out[key])) out[key] = [out[key]];
  }
  if (!out.doi && typeof (v?.data as Node | undefined)?.id === 'string') out.doi = (v.data as Node).id as string;
  if (out.publicationYear != null) out.publicationYear = String(out.publicationYear);
  return out;
}

/** Whether a parsed JSON value is a DataCite record at all (a client list or an error document is not). */
export function looksLikeDatacite(value: unknown): boolean {
  const v = value as Node;
  const a = ((v?.data as Node | undefined)?.attributes as Node | undefined) ?? v;
  return !!a && typeof a === 'object' && !Array.isArray(v?.data) && ('titles' in a || 'creators' in a || 'xml' in a || 'doi' in a);
}

// ---- DataCite terms as femto's (import, and the description of a record whose DOI metadata a curator set) ----

const spdx = new Map((createRequire(import.meta.url)('spdx-license-ids') as string[]).map((id) => [id.toLowerCase(), id]));

/** A DataCite creator or contributor as a femto agent: ORCID and ROR from its name identifiers. */
export function agentOfDatacite(n: DataciteName): { name: string; type: 'Person' | 'Organization'; orcid?: string; ror?: string; affiliation?: string } {
  const ids = n.nameIdentifiers ?? [];
  const orcid = ids.map((i) => (/orcid/i.test(i.nameIdentifierScheme) ? parseOrcid(i.nameIdentifier) : null)).find(Boolean);
  const ror = ids.map((i) => (/ror/i.test(i.nameIdentifierScheme) ? parseRor(i.nameIdentifier) : null)).find(Boolean);
  const affiliation = n.affiliation?.map((a) => (typeof a === 'string' ? a : a.name)).find(Boolean);
  return {
    name: n.name || [n.familyName, n.givenName].filter(Boolean).join(', ') || ':unav',
    type: n.nameType === 'Organizational' ? 'Organization' : 'Person',
    ...(orcid ? { orcid } : {}),
    ...(ror ? { ror } : {}),
    ...(affiliation ? { affiliation } : {}),
  };
}

/** The SPDX id a rights list names (by identifier, name or spdx.org URI), if any. */
export function spdxOfRights(rights: NonNullable<DataciteAttributes['rightsList']>): string | undefined {
  const fromUri = (uri?: string) => /spdx\.org\/licenses\/([^/.]+(?:\.\d+)*)(?:\.html)?$/i.exec(uri ?? '')?.[1];
  return rights
    .map(
      (r) =>
        spdx.get((r.rightsIdentifier ?? '').toLowerCase()) ?? spdx.get((r.rights ?? '').toLowerCase()) ?? spdx.get((fromUri(r.rightsUri) ?? '').toLowerCase()),
    )
    .find(Boolean);
}

/** The main title: the one without a titleType. */
export const primaryTitle = (a: DataciteAttributes) => a.titles?.find((t) => !t.titleType)?.title ?? a.titles?.[0]?.title;

/** The abstract, else the first description. */
export const abstractOf = (a: DataciteAttributes) =>
  a.descriptions?.find((d) => d.descriptionType === 'Abstract')?.description ?? a.descriptions?.[0]?.description;
