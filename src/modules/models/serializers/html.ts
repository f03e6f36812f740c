import { html, type SafeHtml } from '../../../lib/html.js';
import { MODEL_CARD_SECTIONS, cardCompleteness, type ModelCardInput, type ModelCardSection } from '../model-card.schema.js';
import type { EvaluationRecord } from '../models.schema.js';

const HEADINGS: Record<ModelCardSection, string> = {
  modelDetails: 'Model details',
  intendedUse: 'Intended use',
  factors: 'Factors',
  metrics: 'Metrics',
  evaluationData: 'Evaluation data',
  trainingData: 'Training data',
  quantitativeAnalyses: 'Quantitative analyses',
  ethicalConsiderations: 'Ethical considerations',
  caveatsAndRecommendations: 'Caveats and recommendations',
};

const FIELDS: Record<string, string> = {
  statement: 'Statement',
  basis: 'Source',
  developedBy: 'Developed by',
  modelDate: 'Date',
  modelType: 'Type',
  architecture: 'Architecture',
  parametersCount: 'Parameters',
  trainingProcedure: 'Training procedure',
  citation: 'Citation',
  contact: 'Contact',
  primaryUses: 'Primary uses',
  primaryUsers: 'Primary users',
  outOfScopeUses: 'Out-of-scope uses',
  relevantFactors: 'Relevant factors',
  evaluationFactors: 'Evaluation factors',
  performanceMeasures: 'Performance measures',
  decisionThresholds: 'Decision thresholds',
  variationApproaches: 'Variation approaches',
  motivation: 'Motivation',
  preprocessing: 'Preprocessing',
  unitaryResults: 'Unitary results',
  intersectionalResults: 'Intersectional results',
  sensitiveData: 'Sensitive data',
  risks: 'Risks',
  mitigations: 'Mitigations',
  caveats: 'Caveats',
  recommendations: 'Recommendations',
};

const value = (v: unknown): SafeHtml | string =>
  Array.isArray(v) ? html`<ul>${v.map((x) => html`<li>${String(x)}</li>`)}</ul>` : typeof v === 'number' ? v.toLocaleString('en') : String(v);

const number = (n: number | null) => (n === null ? '—' : String(+n.toPrecision(6)));

/** An evaluation in one line: what was measured or claimed, on what, against what. */
export function evaluationLine(e: EvaluationRecord): SafeHtml {
  const on = e.benchmark
    ? html` on ${e.benchmark.dataset ? html`<a href="/datasets/${encodeURIComponent(e.benchmark.dataset)}/versions/${e.benchmark.version}">${e.benchmark.title ?? e.benchmark.dataset} v${e.benchmark.version}</a>` : 'a restricted dataset'}${e.split ? ` (${e.split})` : ''}`
    : '';
  const baseline = e.baseline
    ? html` against ${e.baseline.algorithm ?? (e.baseline.model?.dataset ? `${e.baseline.model.title ?? e.baseline.model.dataset} v${e.baseline.model.version}` : 'a restricted model')}${e.baseline.value !== null ? ` (${number(e.baseline.value)})` : ''}`
    : '';
  if (e.kind === 'claim') {
    return html`<span class="badge">stated claim</span> “${e.statement}”${on}${baseline}${e.metric.label ? ` — metric: ${e.metric.label}` : ''}. No value was reported, so it is not ranked or judged.`;
  }
  return html`${e.metric.label ?? e.metric.id}: <strong>${number(e.value)}</strong>${e.uncertainty !== null ? ` ± ${number(e.uncertainty)}` : ''}${on}${baseline}${e.difference !== null ? html` — ${e.difference >= 0 ? 'better' : 'worse'} by ${number(Math.abs(e.difference))}` : ''}`;
}

/** The model card as HTML: the nine sections in Mitchell's order, those unanswered shown as such. */
export function modelCardHtml(card: ModelCardInput | null, evaluations: EvaluationRecord[], manifestHref: string | null): SafeHtml {
  const done = cardCompleteness(card);
  const sections = MODEL_CARD_SECTIONS.map((name) => {
    const section = card?.[name] as Record<string, unknown> | undefined;
    const extra =
      name === 'quantitativeAnalyses' && evaluations.length
        ? html`<p>Evaluations recorded:</p><ul class="evaluations">${evaluations.map((e) => html`<li>${evaluationLine(e)}</li>`)}</ul>`
        : name === 'trainingData' && manifestHref
          ? html`<p>The exact training data: <a href="${manifestHref}">training-set manifest</a>.</p>`
          : '';
    const body = section
      ? html`<table class="card">${Object.entries(section).map(([field, v]) => html`<tr><th scope="row">${FIELDS[field] ?? field}</th><td>${value(v)}</td></tr>`)}</table>`
      : html`<p class="missing">Not stated.</p>`;
    return html`<section class="card-section" id="card-${name}"><h3>${HEADINGS[name]}</h3>${body}${extra}</section>`;
  });
  return html`<p class="meta">Model card (Mitchell et al., <a href="https://doi.org/10.1145/3287560.3287596">10.1145/3287560.3287596</a>): ${done.answered} of ${done.total} sections answered.</p>${sections}`;
}
