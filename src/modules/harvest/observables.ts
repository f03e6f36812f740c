/** What harvest serializers say about an observable IRI (schema:PropertyValue, DQV). */
export interface ObservableInfo {
  iri: string;
  name: string;
  /** QUDT unit IRI, when the ontology gives one. */
  unitCode?: string;
  unitText?: string;
}

/**
 * The hook through which observable labels and units reach the harvest formats. The default
 * knows only the IRI; the ontology module replaces `container.describeObservable` with a
 * lookup in ontologies/*.ttl.
 */
export type ObservableDescriber = (iri: string) => ObservableInfo;

/** What the harvest formats say about a domain IRI: one IRI per domain, its label and OAI set slug. */
export interface DomainInfo {
  iri: string;
  label: string;
  slug: string;
}

export type DomainDescriber = (iri: string) => DomainInfo;

/** Name from the IRI's last segment: ".../observable/binder-cumulant" -> "binder cumulant". */
export const describeObservableFromIri: ObservableDescriber = (iri) => {
  const slug = decodeURIComponent(iri.replace(/[/#]+$/, '').split(/[/#]/).pop() ?? iri);
  return { iri, name: slug.replace(/[-_]+/g, ' ') };
};
