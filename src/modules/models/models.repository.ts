import { flag, parseJson, type Database, type SqlDialect } from '../../db/port.js';
import { tableRows } from '../../db/rows.js';
import { sharedGroups, WITHDRAWN } from '../../db/fragments.js';
import { evaluations } from '../../db/schema/index.js';
import type { VersionEndpoint } from '../provenance/provenance.schema.js';

export type NewEvaluation = typeof evaluations.$inferInsert;

/** One end of an evaluation (model, benchmark, baseline model) as stored, like a step's end: the service applies the read policy. */
export type EvaluatedVersion = Omit<VersionEndpoint, 'activityId' | 'versionPk' | 'role'> & { pk: number };

export interface EvaluationRow {
  id: string;
  activityId: string;
  split: string | null;
  metric: string | null;
  metricLabel: string | null;
  higherIsBetter: boolean | null;
  value: number | null;
  uncertainty: number | null;
  baselineAlgorithm: string | null;
  baselineValue: number | null;
  baselineUncertainty: number | null;
  baselineEvaluationId: string | null;
  statement: string | null;
  createdAt: string;
  model: EvaluatedVersion & { withdrawn: boolean };
  benchmark: EvaluatedVersion | null;
  baseline: EvaluatedVersion | null;
  software: { name: string; version: string | null; repository: string | null; commit: string | null } | null;
  basis: string | null;
  description: string | null;
}

/** A version `alias` of record `record`, with what the access policy decides on. */
const end = (sql: SqlDialect, alias: string, record: string) =>
  `${alias}.pk AS ${alias}_pk, ${alias}.dataset_id AS ${alias}_dataset, ${alias}.version_number AS ${alias}_number, ${alias}.title AS ${alias}_title, ${alias}.state AS ${alias}_state, ${alias}.visibility AS ${alias}_visibility, ${alias}.access_level AS ${alias}_access, ${record}.owner_id AS ${alias}_owner, ${sharedGroups(record, sql)} AS ${alias}_groups`;

/** Every evaluation statement selects the same columns: the row, its three ends, its step's software. The model is `v` of dataset `d` (WITHDRAWN reads them). */
const select = (sql: SqlDialect) => `
  SELECT e.id, e.activity_id AS activityId, e.split, e.metric, e.metric_label AS metricLabel, e.higher_is_better AS higherIsBetter, e.value, e.uncertainty,
         e.baseline_algorithm AS baselineAlgorithm, e.baseline_value AS baselineValue, e.baseline_uncertainty AS baselineUncertainty,
         e.baseline_evaluation_id AS baselineEvaluationId, e.statement, e.created_at AS createdAt,
         ${end(sql, 'v', 'd')}, ${WITHDRAWN} AS v_withdrawn, ${end(sql, 'b', 'bd')}, ${end(sql, 'bl', 'bld')},
         a.software_name AS softwareName, a.software_version AS softwareVersion, a.software_repository AS softwareRepository, a.software_commit AS softwareCommit,
         a.basis, a.description`;
const JOINS = `
    JOIN dataset_versions v ON v.pk = e.model_version_pk
    JOIN datasets d ON d.id = v.dataset_id
    LEFT JOIN dataset_versions b ON b.pk = e.benchmark_version_pk
    LEFT JOIN datasets bd ON bd.id = b.dataset_id
    LEFT JOIN dataset_versions bl ON bl.pk = e.baseline_version_pk
    LEFT JOIN datasets bld ON bld.id = bl.dataset_id
    JOIN activities a ON a.id = e.activity_id`;

type Raw = Record<string, unknown>;

const endOf = (r: Raw, alias: string): EvaluatedVersion | null =>
  r[`${alias}_pk`] == null
    ? null
    : {
        pk: r[`${alias}_pk`] as number,
        datasetId: r[`${alias}_dataset`] as string,
        versionNumber: r[`${alias}_number`] as number | null,
        title: r[`${alias}_title`] as string,
        state: r[`${alias}_state`] as EvaluatedVersion['state'],
        visibility: r[`${alias}_visibility`] as EvaluatedVersion['visibility'],
        accessLevel: r[`${alias}_access`] as EvaluatedVersion['accessLevel'],
        owner: r[`${alias}_owner`] as string | null,
        groups: parseJson<string[]>(r[`${alias}_groups`]),
      };

function rowOf(r: Raw): EvaluationRow {
  return {
    id: r.id as string,
    activityId: r.activityId as string,
    split: r.split as string | null,
    metric: r.metric as string | null,
    metricLabel: r.metricLabel as string | null,
    higherIsBetter: r.higherIsBetter == null ? null : flag(r.higherIsBetter),
    value: r.value as number | null,
    uncertainty: r.uncertainty as number | null,
    baselineAlgorithm: r.baselineAlgorithm as string | null,
    baselineValue: r.baselineValue as number | null,
    baselineUncertainty: r.baselineUncertainty as number | null,
    baselineEvaluationId: r.baselineEvaluationId as string | null,
    statement: r.statement as string | null,
    createdAt: r.createdAt as string,
    model: { ...endOf(r, 'v')!, withdrawn: flag(r.v_withdrawn) },
    benchmark: endOf(r, 'b'),
    baseline: endOf(r, 'bl'),
    software: r.softwareName
      ? {
          name: r.softwareName as string,
          version: r.softwareVersion as string | null,
          repository: r.softwareRepository as string | null,
          commit: r.softwareCommit as string | null,
        }
      : null,
    basis: r.basis as string | null,
    description: r.description as string | null,
  };
}

export function createModelsRepository(db: Database) {
  const evaluationRows = tableRows(db, evaluations);
  const SELECT = select(db.sql);
  // Prepared once; any number of versions as one JSON array. Recording order (seq) is the order of the answer.
  const ofModelsStmt = db.prepare(
    `${SELECT} FROM ${db.sql.each('@pks', 'k', 'integer')} CROSS JOIN evaluations e ${JOINS} WHERE e.model_version_pk = k.value ORDER BY e.seq`,
  );
  const onBenchmarkStmt = db.prepare(`${SELECT} FROM evaluations e ${JOINS}
     WHERE e.benchmark_version_pk = @benchmark AND e.metric = @metric AND (@split IS NULL OR e.split = @split) ORDER BY e.seq`);
  const byIdStmt = db.prepare(`${SELECT} FROM evaluations e ${JOINS} WHERE e.id = @id`);
  const directionStmt = db.prepare(
    `SELECT higher_is_better AS higherIsBetter, metric_label AS label FROM evaluations WHERE metric = ? AND higher_is_better IS NOT NULL ORDER BY seq LIMIT 1`,
  );
  const latestStmt = db.prepare(`
    SELECT id, value, uncertainty FROM evaluations
     WHERE model_version_pk = @model AND benchmark_version_pk = @benchmark AND metric = @metric AND split IS NOT DISTINCT FROM @split AND value IS NOT NULL
     ORDER BY seq DESC LIMIT 1`);

  return {
    /** Runs fn in one transaction (a savepoint when nested): the evaluation step and its row commit together. */
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    async insert(row: NewEvaluation): Promise<void> {
      await evaluationRows.insert(row);
    },

    /** Evaluations of these model versions, oldest first. */
    async ofModels(modelPks: readonly number[]): Promise<EvaluationRow[]> {
      return modelPks.length ? ((await ofModelsStmt.all({ pks: JSON.stringify(modelPks) })) as Raw[]).map(rowOf) : [];
    },

    /** Evaluations of any model on one benchmark version for one metric (one split, or all), oldest first. */
    async onBenchmark(benchmarkPk: number, metric: string, split: string | null): Promise<EvaluationRow[]> {
      return ((await onBenchmarkStmt.all({ benchmark: benchmarkPk, metric, split })) as Raw[]).map(rowOf);
    },

    async byId(id: string): Promise<EvaluationRow | undefined> {
      const r = (await byIdStmt.get({ id })) as Raw | undefined;
      return r && rowOf(r);
    },

    /** How a metric femto does not define was first stated: its direction and label, or undefined when never. */
    async statedDirection(metric: string): Promise<{ higherIsBetter: boolean; label: string | null } | undefined> {
      const r = (await directionStmt.get(metric)) as { higherIsBetter: unknown; label: string | null } | undefined;
      return r && { higherIsBetter: flag(r.higherIsBetter), label: r.label };
    },

    /** The latest measured evaluation of a model on a benchmark, split and metric: where a baseline model's value comes from. */
    async latestMeasured(q: {
      model: number;
      benchmark: number;
      metric: string;
      split: string | null;
    }): Promise<{ id: string; value: number; uncertainty: number | null } | undefined> {
      return (await latestStmt.get(q)) as { id: string; value: number; uncertainty: number | null } | undefined;
    },
  };
}

export type ModelsRepository = ReturnType<typeof createModelsRepository>;
