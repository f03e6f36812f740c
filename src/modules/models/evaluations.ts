import type { BaselineComparison } from '../gates/gates.schema.js';
import type { EvaluatedVersion, EvaluationRow } from './models.repository.js';
import type { EvaluationRecord, Leaderboard } from './models.schema.js';

export type VersionRefView = EvaluationRecord['model'];
export type MetricView = EvaluationRecord['metric'];

/** How an evaluation end shows to a caller: a placeholder where the caller may not see it. */
export type Endpoint = (v: EvaluatedVersion | null) => VersionRefView | null;

/** Value minus baseline value, signed so that positive is better; null when either is missing or the direction is unknown. */
export function differenceOf(r: Pick<EvaluationRow, 'value' | 'baselineValue' | 'higherIsBetter'>): number | null {
  if (r.value === null || r.baselineValue === null || r.higherIsBetter === null) return null;
  return (r.value - r.baselineValue) * (r.higherIsBetter ? 1 : -1);
}

/**
 * A baseline model's score is a fact about that model: a caller who may not see the model sees neither its score nor
 * the evaluation it came from, nor a difference that would give the score back.
 */
function baselineScore(r: EvaluationRow, endpoint: Endpoint) {
  const model = endpoint(r.baseline);
  if (model?.hidden) return { model, value: null, uncertainty: null, fromEvaluation: null, difference: null };
  return { model, value: r.baselineValue, uncertainty: r.baselineUncertainty, fromEvaluation: r.baselineEvaluationId, difference: differenceOf(r) };
}

export function evaluationRecord(r: EvaluationRow, endpoint: Endpoint, metric: MetricView): EvaluationRecord {
  const hasBaseline = r.baseline !== null || r.baselineAlgorithm !== null;
  const b = baselineScore(r, endpoint);
  return {
    id: r.id,
    activity: r.activityId,
    kind: r.value === null ? 'claim' : 'measurement',
    model: endpoint(r.model)!,
    benchmark: endpoint(r.benchmark),
    split: r.split,
    metric,
    value: r.value,
    uncertainty: r.uncertainty,
    baseline: hasBaseline
      ? { model: b.model, algorithm: r.baselineAlgorithm, value: b.value, uncertainty: b.uncertainty, fromEvaluation: b.fromEvaluation }
      : null,
    difference: b.difference,
    statement: r.statement,
    method: r.description,
    basis: r.basis,
    software: r.software,
    recordedAt: r.createdAt,
  };
}

const label = (v: EvaluatedVersion | null) => (v ? `${v.datasetId}@${v.versionNumber}` : 'no evaluation data named');

/** What one evaluation compares, for the beats-baseline gate: evaluations with one key supersede each other. */
export function comparisonOf(r: EvaluationRow): BaselineComparison | null {
  if (r.baseline === null && r.baselineAlgorithm === null) return null;
  const against = r.baseline ? `${r.baseline.datasetId}@${r.baseline.versionNumber}` : r.baselineAlgorithm!;
  const what = `${r.metricLabel ?? r.metric ?? 'unnamed metric'} on ${label(r.benchmark)}${r.split ? ` (${r.split})` : ''}`;
  return {
    versionPk: r.model.pk,
    evaluation: r.id,
    key: JSON.stringify([r.benchmark?.pk ?? null, r.split, r.metric, r.baseline?.pk ?? null, r.baselineAlgorithm]),
    label: `${what} against ${against}`,
    value: r.value,
    baselineValue: r.baselineValue,
    higherIsBetter: r.higherIsBetter,
  };
}

type Entry = Leaderboard['entries'][number];

/**
 * A leaderboard from the evaluations on one benchmark version and metric (visible ones only, oldest
 * first): the latest measured evaluation of each model version per split, and each baseline that
 * is no ranked model itself, ranked within their split in the metric's direction (equal values
 * share a rank, "1224" ranking).
 */
export function rank(rows: EvaluationRow[], higherIsBetter: boolean, endpoint: Endpoint): Entry[] {
  const latest = new Map<string, EvaluationRow>();
  for (const r of rows) if (r.value !== null) latest.set(JSON.stringify([r.model.pk, r.split]), r);
  const ranked = new Set([...latest.values()].map((r) => JSON.stringify([r.model.pk, r.split])));
  const entries: Omit<Entry, 'rank'>[] = [];
  const baselineRows = new Map<string, Omit<Entry, 'rank'>>();
  for (const r of latest.values()) {
    const b = baselineScore(r, endpoint);
    const baselines =
      r.baseline !== null || r.baselineAlgorithm !== null ? [{ model: b.model, algorithm: r.baselineAlgorithm, value: b.value, difference: b.difference }] : [];
    entries.push({
      kind: 'model',
      model: endpoint(r.model),
      algorithm: null,
      split: r.split,
      value: r.value!,
      uncertainty: r.uncertainty,
      evaluation: r.id,
      baselines,
    });
    if (b.value === null) continue;
    // A baseline model ranked on its own evaluation in this split is not listed twice.
    if (r.baseline && ranked.has(JSON.stringify([r.baseline.pk, r.split]))) continue;
    const key = JSON.stringify([r.split, r.baseline?.pk ?? null, r.baselineAlgorithm, r.baselineValue]);
    baselineRows.set(key, {
      kind: 'baseline',
      model: b.model,
      algorithm: r.baselineAlgorithm,
      split: r.split,
      value: b.value,
      uncertainty: b.uncertainty,
      evaluation: r.id,
      baselines: [],
    });
  }
  entries.push(...baselineRows.values());
  const better = (a: number, b: number) => (higherIsBetter ? b - a : a - b);
  entries.sort((a, b) => (a.split ?? '').localeCompare(b.split ?? '') || better(a.value, b.value) || a.kind.localeCompare(b.kind));
  let previous: Entry | undefined;
  return entries.map((e, i) => {
    const sameSplit = previous?.split === e.split;
    const rankOf = !sameSplit ? 1 : previous!.value === e.value ? previous!.rank : i - entries.findIndex((x) => x.split === e.split) + 1;
    previous = { ...e, rank: rankOf };
    return previous;
  });
}
