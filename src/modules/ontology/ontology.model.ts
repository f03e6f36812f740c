import type { Term } from 'n3';
import { locate, OntologyError, shortName, storeOf, type ParsedFiles } from './ontology.loader.js';
import type { UnitRegistry } from './units.js';

export const FEMTO = 'https://w3id.org/femto/ns#';
export const OBSERVABLE_NS = 'https://w3id.org/femto/observable/';
export const GATE_NS = 'https://w3id.org/femto/gate/';
export const METRIC_NS = 'https://w3id.org/femto/metric/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const SKOS = 'http://www.w3.org/2004/02/skos/core#';
const QUDT = 'http://qudt.org/schema/qudt/';

export const COMPARISONS = ['GreaterOrEqual', 'LessOrEqual', 'WithinInterval', 'AbsoluteTolerance', 'RelativeTolerance'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface TierTerm {
  iri: string;
  number: number;
  label: string;
  description: string | null;
  status: string | null;
}

export interface DomainTerm {
  iri: string;
  /** skos:notation, the last segment of the IRI; OAI set specs use it. */
  slug: string;
  label: string;
  /** Table 1 abbreviations and section headings the seed also uses for the domain (skos:altLabel). */
  altLabels: string[];
  description: string | null;
  tiers: number[];
  /** A status differing from its tier's (femto:ValidationOnly for Emergent Gravity). */
  status: string | null;
}

export interface ObservableTerm {
  iri: string;
  slug: string;
  label: string;
  symbol: string;
  description: string | null;
  tiers: number[];
  domains: string[];
  quantityKind: string | null;
  unit: string | null;
  physh: string[];
}

export interface GateTerm {
  iri: string;
  slug: string;
  label: string;
  description: string | null;
  observable: string;
  comparison: Comparison;
  /** False where the seed states the gate without a number: it can never be judged. */
  thresholdStated: boolean;
  threshold: number | null;
  lowerBound: number | null;
  upperBound: number | null;
  reference: number | null;
  tolerance: number | null;
  /** Unit the numbers are in; null for unit-independent bounds (e.g. positivity). */
  unit: string | null;
  tiers: number[];
  domains: string[];
  seedSection: string | null;
  seedSentence: string;
}

/** What a model evaluation reports, and in which direction it is better. */
export interface MetricTerm {
  iri: string;
  slug: string;
  label: string;
  description: string | null;
  higherIsBetter: boolean;
  unit: string | null;
}

/** How a domain name is compared: case and spacing do not matter. */
export const domainNameKey = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

export interface OntologyModel {
  tiers: TierTerm[];
  domains: DomainTerm[];
  observables: ObservableTerm[];
  gates: GateTerm[];
  metrics: MetricTerm[];
}

/** Reads the typed terms out of the checked store (the SHACL shapes guarantee cardinalities). */
export function buildModel(parsed: ParsedFiles, units: UnitRegistry): OntologyModel {
  const store = storeOf(parsed);
  const values = (s: Term, p: string) => store.getObjects(s, p, null).map((o) => o.value);
  const first = (s: Term, p: string) => values(s, p)[0] ?? null;
  const english = (s: Term, p: string) => {
    const objects = store.getObjects(s, p, null);
    return (objects.find((o) => o.termType === 'Literal' && o.language === 'en') ?? objects[0])?.value ?? null;
  };
  const num = (s: Term, p: string) => {
    const v = first(s, p);
    return v == null ? null : Number(v);
  };
  const ofType = (cls: string) => store.getSubjects(RDF_TYPE, FEMTO + cls, null).sort((a, b) => a.value.localeCompare(b.value));

  const tierNumber = new Map<string, number>();
  const tiers = ofType('Tier').map((s): TierTerm => {
    const n = Number(first(s, SKOS + 'notation'));
    tierNumber.set(s.value, n);
    return { iri: s.value, number: n, label: english(s, RDFS + 'label')!, description: english(s, RDFS + 'comment'), status: first(s, FEMTO + 'status') };
  });
  tiers.sort((a, b) => a.number - b.number);
  const tierList = (s: Term) =>
    values(s, FEMTO + 'tier')
      .map((t) => tierNumber.get(t)!)
      .sort((a, b) => a - b);

  const domains = ofType('Domain').map((s): DomainTerm => ({
    iri: s.value,
    slug: first(s, SKOS + 'notation') ?? s.value.slice(s.value.lastIndexOf('/') + 1),
    label: english(s, RDFS + 'label')!,
    altLabels: values(s, SKOS + 'altLabel'),
    description: english(s, RDFS + 'comment'),
    tiers: tierList(s),
    status: first(s, FEMTO + 'status'),
  }));

  const fail = (iri: string, detail: string): never => {
    const where = locate(parsed.files, iri);
    throw new OntologyError(where?.file ?? '(ontology)', where?.line ?? null, shortName(parsed.files, iri), detail);
  };

  // Catalog text is matched to a domain by any of its names, so no name may point at two domains.
  const namedBy = new Map<string, string>();
  for (const d of domains) {
    for (const name of new Set([d.slug, d.label, ...d.altLabels].map(domainNameKey))) {
      const other = namedBy.get(name);
      if (other && other !== d.iri) fail(d.iri, `its name "${name}" also names ${other}`);
      namedBy.set(name, d.iri);
    }
  }

  const observables = ofType('Observable').map((s): ObservableTerm => {
    const unit = first(s, QUDT + 'hasUnit');
    if (unit && !units.get(unit)) fail(s.value, `unit ${unit} is not in vocab/qudt-units.ttl, so measurements of it cannot be converted`);
    return {
      iri: s.value,
      slug: s.value.slice(OBSERVABLE_NS.length),
      label: english(s, RDFS + 'label')!,
      symbol: first(s, FEMTO + 'symbol')!,
      description: english(s, SKOS + 'definition') ?? english(s, RDFS + 'comment'),
      tiers: tierList(s),
      domains: values(s, FEMTO + 'domain'),
      quantityKind: first(s, QUDT + 'hasQuantityKind'),
      unit,
      physh: values(s, SKOS + 'closeMatch'),
    };
  });
  const observableByIri = new Map(observables.map((o) => [o.iri, o]));

  const gates = ofType('ValidationGate').map((s): GateTerm => {
    const observable = first(s, FEMTO + 'observable')!;
    const unit = first(s, FEMTO + 'unit');
    const gateUnit = unit ? units.get(unit) : undefined;
    if (unit && !gateUnit) fail(s.value, `unit ${unit} is not in vocab/qudt-units.ttl`);
    const obsUnit = observableByIri.get(observable)?.unit;
    if (gateUnit && obsUnit && !units.compatible(gateUnit, units.get(obsUnit)!)) {
      fail(s.value, `unit ${unit} does not have the dimension of its observable's unit ${obsUnit}`);
    }
    return {
      iri: s.value,
      slug: s.value.slice(GATE_NS.length),
      label: english(s, RDFS + 'label')!,
      description: english(s, RDFS + 'comment'),
      observable,
      comparison: first(s, FEMTO + 'comparison')!.slice(FEMTO.length) as Comparison,
      thresholdStated: first(s, FEMTO + 'thresholdStated') === 'true',
      threshold: num(s, FEMTO + 'threshold'),
      lowerBound: num(s, FEMTO + 'lowerBound'),
      upperBound: num(s, FEMTO + 'upperBound'),
      reference: num(s, FEMTO + 'reference'),
      tolerance: num(s, FEMTO + 'tolerance'),
      unit,
      tiers: tierList(s),
      domains: values(s, FEMTO + 'domain'),
      seedSection: first(s, FEMTO + 'seedSection'),
      seedSentence: first(s, FEMTO + 'seedSentence')!,
    };
  });

  const metrics = ofType('Metric').map((s): MetricTerm => {
    const unit = first(s, QUDT + 'hasUnit');
    if (unit && !units.get(unit)) fail(s.value, `unit ${unit} is not in vocab/qudt-units.ttl`);
    return {
      iri: s.value,
      slug: s.value.slice(METRIC_NS.length),
      label: english(s, RDFS + 'label')!,
      description: english(s, RDFS + 'comment'),
      higherIsBetter: first(s, FEMTO + 'higherIsBetter') === 'true',
      unit,
    };
  });

  return { tiers, domains, observables, gates, metrics };
}
