import { FemtoError, notFound } from '../../errors.js';
import { randomId } from '../../lib/ids.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { DatasetReader, MissError } from '../datasets/read.js';
import type { GateTerm, ObservableTerm } from '../ontology/ontology.model.js';
import type { OntologyService } from '../ontology/ontology.service.js';
import type { Unit } from '../ontology/units.js';
import type { ProvenanceService } from '../provenance/provenance.service.js';
import { judge } from './evaluate.js';
import type { GatesRepository, MeasurementWithActivity, NewGateResult } from './gates.repository.js';
import {
  BEATS_BASELINE,
  type BaselineComparison,
  type BaselineComparisons,
  type GateResultRecord,
  type GateStatus,
  type MeasurementInput,
  type MeasurementRecord,
} from './gates.schema.js';
import type { GateResultRow } from '../../db/schema/index.js';

const asList = (v: number | number[]) => (Array.isArray(v) ? v : [v]);
const sameShape = (like: number | number[], values: number[]) => (Array.isArray(like) ? values : values[0]);

/** "Beats its baseline by at least `by`" (absolute in the metric's unit, or a fraction of |baseline| when relative). */
export interface BaselineRule {
  by: number;
  relative: boolean;
}

/** A policy entry naming the beats-baseline gate: `beats-baseline`, `beats-baseline>=0.02` or `beats-baseline>=5%`. */
const BEATS_BASELINE_ENTRY = /^beats-baseline(?:\s*>=\s*(\d+(?:\.\d+)?)(%)?)?$/;

export function parseBaselineRule(entry: string): BaselineRule | null {
  const m = BEATS_BASELINE_ENTRY.exec(entry.trim());
  if (!m) return null;
  return { by: m[1] ? Number(m[1]) / (m[2] ? 100 : 1) : 0, relative: !!m[2] };
}

const ruleLabel = (r: BaselineRule) => `Beats its baseline by at least ${r.relative ? `${+(r.by * 100).toFixed(6)}%` : r.by}`;

/** Margin of a comparison over the rule's bar, signed so that >= 0 passes; null when it cannot be judged. */
function baselineMargin(c: BaselineComparison, rule: BaselineRule): number | null {
  if (c.value === null || c.baselineValue === null || c.higherIsBetter === null) return null;
  const better = (c.value - c.baselineValue) * (c.higherIsBetter ? 1 : -1);
  return better - (rule.relative ? rule.by * Math.abs(c.baselineValue) : rule.by);
}

export function thresholdOf(g: GateTerm) {
  return {
    comparison: g.comparison,
    threshold: g.threshold,
    lowerBound: g.lowerBound,
    upperBound: g.upperBound,
    reference: g.reference,
    tolerance: g.tolerance,
    unit: g.unit,
  };
}

/** The gates a publication rule requires to have passed: every numeric gate of the version's tier, every numeric gate on its observables, or these (slugs or IRIs). */
export type GateSpec = 'all' | 'applicable' | string[];
export type ResolvedGateSpec = 'all' | 'applicable' | GateTerm[];

/** A required gate that has not passed. */
export interface BlockingGate {
  gate: string;
  label: string;
  state: string;
}

export function createGatesService(deps: {
  repo: GatesRepository;
  provenance: ProvenanceService;
  datasets: DatasetsService;
  reader: Pick<DatasetReader, 'open'>;
  ontology: OntologyService;
  auth: AuthService;
}) {
  const { repo, provenance, datasets, reader, ontology, auth } = deps;
  const { units } = ontology;

  const noRule: BaselineRule = { by: 0, relative: false };
  const comparisonSources: BaselineComparisons[] = [];
  // The beats-baseline rule of a tier (the publication policies' beatsBaseline rules); without one, a model must at least not lose.
  let baselineRuleOf: (tier: number | null) => BaselineRule | undefined = () => undefined;

  /** The latest comparison per key of each version (a later evaluation of the same comparison supersedes the earlier). */
  async function latestComparisons(versionPks: readonly number[]): Promise<BaselineComparison[]> {
    const latest = new Map<string, BaselineComparison>();
    for (const source of comparisonSources) for (const c of await source(versionPks)) latest.set(`${c.versionPk} ${c.key}`, c);
    return [...latest.values()];
  }

  function judgeComparison(c: BaselineComparison, rule: BaselineRule): GateStatus['gates'][number] {
    const margin = baselineMargin(c, rule);
    const state =
      margin === null
        ? ('not-evaluable' as const)
        : margin >= -1e-12 * Math.max(1, Math.abs(c.value!), Math.abs(c.baselineValue!))
          ? ('passed' as const)
          : ('failed' as const);
    return { gate: BEATS_BASELINE, label: `${ruleLabel(rule)}: ${c.label}`, state, value: c.value, margin, measurement: c.evaluation };
  }

  /** Beats-baseline outcomes of versions, judged by their tiers' rules. */
  async function baselineOutcomes(versionPks: readonly number[]): Promise<Map<number, GateStatus['gates']>> {
    const comparisons = await latestComparisons(versionPks);
    const out = new Map<number, GateStatus['gates']>();
    if (!comparisons.length) return out;
    const tiers = await datasets.versionLabels([...new Set(comparisons.map((c) => c.versionPk))]);
    for (const c of comparisons) {
      const rule = baselineRuleOf(tiers.get(c.versionPk)?.tier ?? null) ?? noRule;
      const list = out.get(c.versionPk) ?? [];
      list.push(judgeComparison(c, rule));
      out.set(c.versionPk, list);
    }
    return out;
  }

  /**
   * The gates a publication rule names, checked once at start: a gate that does not exist, or one
   * that states no number (it could never pass), would block publication for ever. `refuse` says
   * where the rule came from.
   */
  function resolveGateSpec(spec: GateSpec, refuse: (problem: string) => Error): ResolvedGateSpec {
    if (spec === 'all' || spec === 'applicable') return spec;
    return spec.map((ref) => {
      const g = ontology.gate(ref);
      if (!g) throw refuse(`names unknown gate '${ref}'`);
      if (!g.thresholdStated) throw refuse(`gate '${g.slug}' states no number and can never pass`);
      return g;
    });
  }

  function unitOrThrow(ref: string, pointer: string): Unit {
    const u = units.get(ref);
    if (!u)
      throw new FemtoError('UNKNOWN_REFERENCE', `Unit '${ref}' is not a known QUDT unit`, [
        { pointer, message: 'unknown unit (QUDT IRI, unit:NAME, NAME or symbol)' },
      ]);
    return u;
  }

  /** Values moved from the unit they were sent in to `target`; no unit on either side leaves them as sent. */
  function convert(values: number[], from: Unit | null, targetIri: string | null): number[] {
    if (!from || !targetIri) return values;
    const to = units.get(targetIri)!;
    return values.map((v) => units.convert(v, from, to));
  }

  /** A version named by a measurement: 422 for a version number it does not have, 422 when nothing is published, else what reads answer. */
  const measuredMiss: MissError = (miss, ref) => {
    if (miss === 'no-version')
      return new FemtoError('UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' has no version ${ref.version}`, [
        { pointer: '/version', message: 'unknown version' },
      ]);
    if (miss === 'unpublished') return new FemtoError('NOT_PUBLISHED', `Dataset '${ref.dataset}' has no published version to measure`);
    return notFound('Dataset', ref.dataset);
  };

  async function resolveVersionPk(actor: Actor, datasetId: string, version: number | undefined): Promise<{ pk: number; version: number }> {
    const v = await reader.open(actor, { dataset: datasetId, version }, measuredMiss);
    return { pk: v.pk, version: v.versionNumber! };
  }

  function gatesToJudge(observable: ObservableTerm, named: string[]): GateTerm[] {
    const out = new Map(ontology.gatesOn(observable.iri).map((g) => [g.iri, g]));
    named.forEach((ref, i) => {
      const pointer = named.length > 1 ? `/gate/${i}` : '/gate';
      const g = ontology.gate(ref);
      if (!g) throw new FemtoError('UNKNOWN_REFERENCE', `Gate '${ref}' is not in the ontology`, [{ pointer, message: 'unknown gate (GET /gates)' }]);
      if (g.observable !== observable.iri) {
        throw new FemtoError('UNPROCESSABLE', `Gate '${g.slug}' judges ${g.observable}, not ${observable.iri}`, [
          { pointer, message: 'judges another observable' },
        ]);
      }
      out.set(g.iri, g);
    });
    return [...out.values()];
  }

  const resultRecord = (g: GateTerm, r: Pick<GateResultRow, 'verdict' | 'value' | 'margin' | 'reason'>): GateResultRecord => ({
    gate: g.iri,
    label: g.label,
    verdict: r.verdict,
    passed: r.verdict === 'not-evaluable' ? null : r.verdict === 'passed',
    value: r.value,
    threshold: thresholdOf(g),
    margin: r.margin,
    reason: r.reason,
  });

  async function records(rows: MeasurementWithActivity[], version: (pk: number) => { dataset: string; version: number }): Promise<MeasurementRecord[]> {
    const results = await repo.resultsOf(rows.map((r) => r.id));
    return rows.map((m) => ({
      id: m.id,
      ...version(m.versionPk),
      observable: m.observable,
      value: m.value,
      unit: m.unit,
      normalizedValue: m.normalizedValue,
      normalizedUnit: m.normalizedUnit,
      uncertainty: m.uncertainty,
      method: m.method,
      software: m.softwareName ? { name: m.softwareName, version: m.softwareVersion } : null,
      activity: m.activityId,
      recordedAt: m.createdAt,
      results: results
        .filter((r) => r.measurementId === m.id)
        .flatMap((r) => {
          const g = ontology.gate(r.gate);
          return g ? [resultRecord(g, r)] : [];
        }),
    }));
  }

  return {
    resolveGateSpec,

    /** The models module's evaluations against baselines: judged as the beats-baseline gate of each model version. */
    useComparisons(source: BaselineComparisons): void {
      comparisonSources.push(source);
    },

    /** Which beats-baseline rule judges the gate status of a tier's models (the publication policies decide). */
    useBaselineRules(ruleOf: (tier: number | null) => BaselineRule | undefined): void {
      baselineRuleOf = ruleOf;
    },

    /**
     * What keeps a model version from beating its baselines by `rule`: each evaluation that does
     * not (the latest per comparison), or no evaluation with values to judge at all.
     */
    async unmetBaseline(versionPk: number, rule: BaselineRule): Promise<BlockingGate[]> {
      const judged = (await latestComparisons([versionPk])).map((c) => judgeComparison(c, rule)).filter((g) => g.state !== 'not-evaluable');
      if (!judged.length)
        return [{ gate: BEATS_BASELINE, label: `${ruleLabel(rule)}: no evaluation with a value against a baseline value`, state: 'not-evaluated' }];
      return judged.filter((g) => g.state === 'failed').map((g) => ({ gate: BEATS_BASELINE, label: g.label, state: 'failed' }));
    },

    /**
     * Records a measured observable of a dataset version, judges every gate on it (and any named),
     * and stores the evaluation as a validation activity that used the version. All or nothing.
     */
    async record(actor: Actor, datasetId: string, input: MeasurementInput): Promise<MeasurementRecord> {
      // A measurement changes what the record says of its quality: its editors' to make.
      await datasets.assertEditable(actor, datasetId);
      const target = await resolveVersionPk(actor, datasetId, input.version);
      const observable = ontology.observable(input.observable);
      if (!observable)
        throw new FemtoError('UNKNOWN_REFERENCE', `'${input.observable}' is not an observable of the femto ontology`, [
          { pointer: '/observable', message: 'unknown observable (GET /observables)' },
        ]);
      const sentUnit = input.unit ? unitOrThrow(input.unit, '/unit') : null;
      const values = asList(input.value);
      // Client units are checked against the observable's before anything is judged or stored.
      const normalized = convert(values, sentUnit, observable.unit);
      const normalizedUnit = observable.unit ?? sentUnit?.iri ?? null;
      const source = normalizedUnit ? units.get(normalizedUnit)! : null;
      const uncertainty =
        input.uncertainty !== undefined && sentUnit && observable.unit
          ? units.convertInterval(input.uncertainty, sentUnit, units.get(observable.unit)!, '/unit')
          : (input.uncertainty ?? null);
      const named = input.gate === undefined ? [] : Array.isArray(input.gate) ? input.gate : [input.gate];
      const gates = gatesToJudge(observable, named);
      const judged = gates.map((g) => ({ g, j: judge(g, convert(normalized, source, g.unit)) }));

      const id = randomId('ms-');
      const activityId = randomId('act-');
      const software = typeof input.software === 'string' ? { name: input.software } : input.software;
      const now = new Date().toISOString();
      await repo.transaction(async () => {
        await provenance.recordAssessment(actor, {
          id: activityId,
          kind: 'validation',
          name: `Validation of ${observable.label} (${observable.symbol})`,
          description: input.method ?? null,
          software: software ?? null,
          parameters: { observable: observable.iri, measurement: id, gates: gates.map((g) => g.iri) },
          at: now,
          basis: gates.map((g) => g.seedSentence).join(' ') || null,
          inputs: [{ versionPk: target.pk, role: 'evaluated' }],
        });
        const results: NewGateResult[] = judged.map(({ g, j }) => ({
          measurementId: id,
          versionPk: target.pk,
          gate: g.iri,
          verdict: j.verdict,
          value: j.value,
          margin: j.margin,
          reason: j.reason,
        }));
        await repo.insert(
          {
            id,
            versionPk: target.pk,
            activityId,
            observable: observable.iri,
            value: input.value,
            unit: sentUnit?.iri ?? null,
            normalizedValue: sameShape(input.value, normalized),
            normalizedUnit,
            uncertainty,
            method: input.method ?? null,
            createdAt: now,
            createdBy: actor.id,
          },
          results,
        );
        await auth.audit(actor, {
          action: 'measurement.record',
          entityType: 'dataset',
          entityId: datasetId,
          after: { measurement: id, version: target.version, ...input },
        });
      });
      return this.get(actor, datasetId, id);
    },

    async list(actor: Actor, datasetId: string, version?: number): Promise<MeasurementRecord[]> {
      // A read: a version the caller may not see, or none by that number, is 404 as an unknown dataset's is.
      const pks = version !== undefined ? [(await reader.open(actor, { dataset: datasetId, version })).pk] : await this.visibleVersionPks(actor, datasetId);
      return records(await repo.measurementsOf(pks), await versionLabeller(pks));
    },

    async get(actor: Actor, datasetId: string, measurementId: string): Promise<MeasurementRecord> {
      const pks = await this.visibleVersionPks(actor, datasetId);
      const found = (await records(await repo.measurementsOf(pks, measurementId), await versionLabeller(pks)))[0];
      if (!found) throw notFound('Measurement', `${datasetId}/${measurementId}`);
      return found;
    },

    /** Measurements of versions the caller already may see (GraphQL loaders, DQV in harvest formats). */
    async measurementsOfVersions(versionPks: number[]): Promise<MeasurementRecord[]> {
      return records(await repo.measurementsOf(versionPks), await versionLabeller(versionPks));
    },

    /** Published versions of a dataset the caller may see (404 when none and no draft is visible). */
    async visibleVersionPks(actor: Actor, datasetId: string): Promise<number[]> {
      return (await datasets.visiblePublished(actor, datasetId)).map((r) => r.pk);
    },

    /**
     * Gate status of many versions in two queries: the gates on each version's observables plus any
     * gate judged on it; the latest result per gate counts. For lineage, REST and GraphQL.
     */
    async gateStatusFor(versionPks: readonly number[]): Promise<Map<number, GateStatus>> {
      // Grouped by version first: a lineage answer asks for thousands of versions at once.
      const observables = groupBy(await repo.observablesOf(versionPks));
      const results = groupBy(await repo.resultsForVersions(versionPks));
      const baseline = await baselineOutcomes(versionPks);
      const out = new Map<number, GateStatus>();
      for (const pk of versionPks) {
        const latest = new Map<string, GateResultRow>();
        for (const r of results.get(pk) ?? []) latest.set(r.gate, r);
        const applicable = new Map<string, GateTerm>();
        for (const o of observables.get(pk) ?? []) for (const g of ontology.gatesOn(o.value)) applicable.set(g.iri, g);
        for (const iri of latest.keys()) {
          const g = ontology.gate(iri);
          if (g) applicable.set(iri, g);
        }
        const gates = [...applicable.values()].map((g) => {
          const r = latest.get(g.iri);
          const state = r ? r.verdict : g.thresholdStated ? ('not-evaluated' as const) : ('not-evaluable' as const);
          return { gate: g.iri, label: g.label, state, value: r?.value ?? null, margin: r?.margin ?? null, measurement: r?.measurementId ?? null };
        });
        gates.push(...(baseline.get(pk) ?? []));
        const failing = [...new Set(gates.filter((g) => g.state === 'failed').map((g) => g.gate))];
        const anyPassed = gates.some((g) => g.state === 'passed');
        const pending = gates.some((g) => g.state === 'not-evaluated');
        out.set(pk, { status: failing.length ? 'failed' : anyPassed && !pending ? 'passed' : 'not-evaluated', failing, gates });
      }
      return out;
    },

    /** The gates `spec` requires of a version that have not passed (failed, or never judged); `all` means every numeric gate of `tiers`. */
    async unmetGates(versionPk: number, tiers: number[], spec: ResolvedGateSpec): Promise<BlockingGate[]> {
      const status = (await this.gateStatusFor([versionPk])).get(versionPk)!;
      const latest = new Map(status.gates.map((g) => [g.gate, g]));
      const stated = (gates: (GateTerm | undefined)[]) => gates.filter((g): g is GateTerm => !!g?.thresholdStated);
      const required =
        spec === 'all'
          ? [...new Map(tiers.flatMap((tier) => stated(ontology.gates({ tier }))).map((g) => [g.iri, g])).values()]
          : spec === 'applicable'
            ? stated(status.gates.map((g) => ontology.gate(g.gate)))
            : spec;
      return required.flatMap((g) => {
        const state = latest.get(g.iri)?.state ?? 'not-evaluated';
        return state === 'passed' ? [] : [{ gate: g.iri, label: g.label, state }];
      });
    },
  };

  async function versionLabeller(pks: number[]) {
    const rows = await datasets.versionLabels(pks);
    return (pk: number) => {
      const r = rows.get(pk)!;
      return { dataset: r.dataset, version: r.version! };
    };
  }
}

export type GatesService = ReturnType<typeof createGatesService>;

function groupBy<T extends { versionPk: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.versionPk);
    if (list) list.push(r);
    else out.set(r.versionPk, [r]);
  }
  return out;
}
