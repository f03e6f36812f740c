import type { OntologyService } from '../ontology/ontology.service.js';
import { slugOf } from './harvest.urls.js';

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
 * knows only the IRI; `describeObservableWith` looks terms up in the ontology (ontologies/*.ttl).
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
  const slug = decodeURIComponent(
    iri
      .replace(/[/#]+$/, '')
      .split(/[/#]/)
      .pop() ?? iri,
  );
  return { iri, name: slug.replace(/[-_]+/g, ' ') };
};

/** Labels and QUDT units from the ontology; IRIs it does not know are named from their last segment. */
export const describeObservableWith =
  (ontology: Pick<OntologyService, 'observable' | 'units'>): ObservableDescriber =>
  (iri) => {
    const o = ontology.observable(iri);
    if (!o) return describeObservableFromIri(iri);
    const unit = o.unit ? ontology.units.get(o.unit) : undefined;
    return { iri, name: o.label, ...(o.unit ? { unitCode: o.unit } : {}), ...(unit?.symbol ? { unitText: unit.symbol } : {}) };
  };

/** Labels and notations of domains from the ontology; an IRI it does not know is named by itself. */
export const describeDomainWith =
  (ontology: Pick<OntologyService, 'domain'>): DomainDescriber =>
  (iri) => {
    const d = ontology.domain(iri);
    return d ? { iri, label: d.label, slug: d.slug } : { iri, label: iri, slug: slugOf(iri) };
  };
