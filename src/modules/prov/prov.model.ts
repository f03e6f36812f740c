/**
 * A PROV document in the shape of PROV-JSON (W3C Member Submission, 2013): the one model femto's
 * PROV formats are written from (PROV-JSON as is, PROV-XML and PROV-O from it) and PROV-JSON
 * imports are read into. Identifiers are qualified names `prefix:local`; relations are keyed by
 * an identifier of their own (`_:` for anonymous ones).
 */

/** A literal with its datatype (a qualified name such as `xsd:dateTime`, `prov:QUALIFIED_NAME`) or language. */
export interface TypedLiteral {
  $: string;
  type?: string;
  lang?: string;
}

export type ProvScalar = string | number | boolean | TypedLiteral;
export type ProvValue = ProvScalar | ProvScalar[];
export type ProvAttributes = Record<string, ProvValue>;

/** The element records (PROV-DM types). */
export const ELEMENT_KINDS = ['entity', 'activity', 'agent'] as const;

/**
 * Relation kinds and their formal arguments in PROV-JSON order: the first two are required
 * (identifiers of the related records), the rest optional.
 */
export const RELATIONS = {
  wasGeneratedBy: ['prov:entity', 'prov:activity', 'prov:time'],
  used: ['prov:activity', 'prov:entity', 'prov:time'],
  wasInformedBy: ['prov:informed', 'prov:informant'],
  wasStartedBy: ['prov:activity', 'prov:trigger', 'prov:starter', 'prov:time'],
  wasEndedBy: ['prov:activity', 'prov:trigger', 'prov:ender', 'prov:time'],
  wasInvalidatedBy: ['prov:entity', 'prov:activity', 'prov:time'],
  wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity', 'prov:activity', 'prov:generation', 'prov:usage'],
  wasAttributedTo: ['prov:entity', 'prov:agent'],
  wasAssociatedWith: ['prov:activity', 'prov:agent', 'prov:plan'],
  actedOnBehalfOf: ['prov:delegate', 'prov:responsible', 'prov:activity'],
  wasInfluencedBy: ['prov:influencee', 'prov:influencer'],
  specializationOf: ['prov:specificEntity', 'prov:generalEntity'],
  alternateOf: ['prov:alternate1', 'prov:alternate2'],
  hadMember: ['prov:collection', 'prov:entity'],
} as const;

export type RelationKind = keyof typeof RELATIONS;
export type ElementKind = (typeof ELEMENT_KINDS)[number];
export type RecordKind = ElementKind | RelationKind;

/** Arguments whose values are times, not identifiers. */
export const TIME_ARGUMENTS = new Set(['prov:time', 'prov:startTime', 'prov:endTime']);

export type ProvDocument = { prefix: Record<string, string> } & Partial<Record<RecordKind, Record<string, ProvAttributes>>>;

export const NAMESPACES = {
  prov: 'http://www.w3.org/ns/prov#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  schema: 'http://schema.org/',
  femto: 'https://w3id.org/femto/ns#',
} as const;

/** The full IRI of a qualified name under a document's prefixes (PROV's own and xsd are always bound). */
export function expandQName(doc: Pick<ProvDocument, 'prefix'>, qname: string): string | undefined {
  const colon = qname.indexOf(':');
  if (colon < 0) return doc.prefix.default ? doc.prefix.default + qname : undefined;
  const prefix = qname.slice(0, colon);
  const ns = doc.prefix[prefix] ?? (prefix === 'prov' || prefix === 'xsd' ? NAMESPACES[prefix] : undefined);
  return ns === undefined ? undefined : ns + qname.slice(colon + 1);
}

export const asArray = (v: ProvValue): ProvScalar[] => (Array.isArray(v) ? v : [v]);
