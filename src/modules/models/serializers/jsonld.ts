import type { SiteUrls } from '../../../lib/site-urls.js';
import { MODEL_CARD_SECTIONS, type ModelCardInput } from '../model-card.schema.js';
import type { EvaluationRecord } from '../models.schema.js';

/** Prefixes the nodes below are written with; a document embedding them adds these to its @context. */
export const MODEL_PREFIXES = {
  mls: 'http://www.w3.org/ns/mls#',
  femto: 'https://w3id.org/femto/ns#',
  prov: 'http://www.w3.org/ns/prov#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

type Json = Record<string, unknown>;
const typed = (value: unknown, type: string) => ({ '@value': value, '@type': type });

/** Card fields whose femto term has another name or a datatype (ontologies/femto.ttl); any other field is femto:<field>. */
const TERMS: Record<string, (v: unknown) => [string, unknown]> = {
  parametersCount: (v) => ['femto:parameterCount', typed(v, 'xsd:integer')],
  modelDate: (v) => ['femto:modelDate', typed(v, String(v).length === 4 ? 'xsd:gYear' : String(v).length === 7 ? 'xsd:gYearMonth' : 'xsd:date')],
};

/** The model card as femto:ModelCard, one node per answered section (ontologies/femto.ttl documents the terms). */
export function modelCardNode(card: ModelCardInput): Json {
  const sections = MODEL_CARD_SECTIONS.flatMap((name) => {
    const section = card[name] as Record<string, unknown> | undefined;
    if (!section) return [];
    const node: Json = {};
    for (const [field, value] of Object.entries(section)) {
      const [term, v] = TERMS[field]?.(value) ?? [`femto:${field}`, value];
      node[term] = v;
    }
    return [[`femto:${name}`, node]];
  });
  return { '@type': 'femto:ModelCard', ...Object.fromEntries(sections) };
}

/** An evaluation as an ML Schema model evaluation (a claim without a value: a femto:StatedClaim with its statement). */
export function evaluationNode(e: EvaluationRecord, urls: SiteUrls): Json {
  const version = (v: EvaluationRecord['model'] | null) => (v?.dataset ? { '@id': urls.version(v.dataset, v.version) } : undefined);
  const metric = e.metric.id
    ? /^https?:\/\//.test(e.metric.id)
      ? { '@id': e.metric.id }
      : { '@type': 'mls:EvaluationMeasure', 'femto:statement': e.metric.id }
    : undefined;
  const node: Json = {
    '@id': urls.evaluation(e.model.dataset!, e.id),
    '@type': e.kind === 'claim' ? ['mls:ModelEvaluation', 'femto:StatedClaim'] : 'mls:ModelEvaluation',
    'prov:wasGeneratedBy': { '@id': urls.activity(e.activity) },
    ...(metric ? { 'mls:specifiedBy': metric } : {}),
    ...(e.value !== null ? { 'mls:hasValue': typed(e.value, 'xsd:double') } : {}),
    ...(e.uncertainty !== null ? { 'femto:uncertainty': typed(e.uncertainty, 'xsd:double') } : {}),
    ...(version(e.benchmark) ? { 'prov:used': version(e.benchmark) } : {}),
    ...(e.split ? { 'femto:split': e.split } : {}),
    ...(e.statement ? { 'femto:statement': e.statement } : {}),
    ...(e.basis ? { 'femto:basis': e.basis } : {}),
  };
  if (e.baseline) {
    const baseline = version(e.baseline.model);
    if (baseline) node['femto:baseline'] = baseline;
    if (e.baseline.algorithm) node['femto:baselineAlgorithm'] = e.baseline.algorithm;
    if (e.baseline.value !== null) node['femto:baselineValue'] = typed(e.baseline.value, 'xsd:double');
  }
  return node;
}

/** What a model version adds to its schema.org node: its ML Schema type, model card, evaluations and training-set manifest. */
export function modelProperties(
  m: { card: ModelCardInput | null; evaluations: EvaluationRecord[]; datasetId: string; version: number | null },
  urls: SiteUrls,
): Json {
  return {
    additionalType: MODEL_PREFIXES.mls + 'Model',
    ...(m.card ? { 'femto:modelCard': modelCardNode(m.card) } : {}),
    ...(m.evaluations.length ? { 'femto:evaluation': m.evaluations.map((e) => evaluationNode(e, urls)) } : {}),
    ...(m.version != null ? { 'femto:trainingSetManifest': { '@id': urls.manifest(m.datasetId, m.version) } } : {}),
  };
}
