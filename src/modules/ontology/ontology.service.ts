import { FemtoError } from '../../errors.js';
import { loadOntologyFiles, type ParsedFiles } from './ontology.loader.js';
import {
  buildModel,
  domainNameKey,
  GATE_NS,
  METRIC_NS,
  OBSERVABLE_NS,
  type GateTerm,
  type MetricTerm,
  type ObservableTerm,
  type OntologyModel,
} from './ontology.model.js';
import { UnitRegistry } from './units.js';

export interface Ontology {
  parsed: ParsedFiles;
  model: OntologyModel;
  units: UnitRegistry;
}

/** Parses and checks the ontology directory; throws OntologyError (file, line, term) when broken. */
export async function loadOntology(dir: string): Promise<Ontology> {
  const parsed = await loadOntologyFiles(dir);
  const units = new UnitRegistry();
  return { parsed, model: buildModel(parsed, units), units };
}

/** The ontology in memory: terms by IRI, the checks other modules call, and its RDF store for serializers. */
export function createOntologyService(ontology: Ontology) {
  const { model, units } = ontology;
  const observableByIri = new Map(model.observables.map((o) => [o.iri, o]));
  const gateByIri = new Map(model.gates.map((g) => [g.iri, g]));
  const metricByIri = new Map(model.metrics.map((m) => [m.iri, m]));
  const domainByIri = new Map(model.domains.map((d) => [d.iri, d]));
  /** Every way the seeds and clients name a domain: IRI, notation, label, alternative labels. */
  const domainByName = new Map(model.domains.flatMap((d) => [d.iri, d.slug, d.label, ...d.altLabels].map((name) => [domainNameKey(name), d] as const)));
  const gatesByObservable = new Map<string, GateTerm[]>();
  for (const g of model.gates) gatesByObservable.set(g.observable, [...(gatesByObservable.get(g.observable) ?? []), g]);

  /** Accepts the full IRI or the slug (the last path segment), as clients write both. */
  const expand = (ns: string, ref: string) => (ref.includes('://') ? ref : ns + ref);

  return {
    parsed: ontology.parsed,
    units,
    domains: () => model.domains,
    domain: (iri: string) => domainByIri.get(iri),

    /** The domain a text names, or undefined: the one vocabulary facets, OAI sets and JSON-LD share. */
    resolveDomain: (text: string) => domainByName.get(domainNameKey(text)),

    observables(filter: { tier?: number } = {}): ObservableTerm[] {
      return filter.tier === undefined ? model.observables : model.observables.filter((o) => o.tiers.includes(filter.tier!));
    },

    gates(filter: { tier?: number; observable?: string } = {}): GateTerm[] {
      const observable = filter.observable ? expand(OBSERVABLE_NS, filter.observable) : undefined;
      return model.gates.filter((g) => (filter.tier === undefined || g.tiers.includes(filter.tier)) && (!observable || g.observable === observable));
    },

    observable: (ref: string) => observableByIri.get(expand(OBSERVABLE_NS, ref)),
    gate: (ref: string) => gateByIri.get(expand(GATE_NS, ref)),
    gatesOn: (observableIri: string) => gatesByObservable.get(observableIri) ?? [],
    metrics: (): MetricTerm[] => model.metrics,
    metric: (ref: string) => metricByIri.get(expand(METRIC_NS, ref)),

    /** The datasets service calls this on create/update: every observable must be in the ontology. */
    checkObservables(iris: string[], pointer: string): void {
      const errors = iris.flatMap((iri, i) =>
        observableByIri.has(iri) ? [] : [{ pointer: `${pointer}/${i}`, message: `'${iri}' is not an observable of the femto ontology (GET /observables)` }],
      );
      if (errors.length) throw new FemtoError('UNKNOWN_REFERENCE', errors.map((e) => e.message).join('; '), errors);
    },
  };
}

export type OntologyService = ReturnType<typeof createOntologyService>;
