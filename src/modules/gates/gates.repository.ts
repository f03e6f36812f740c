import { transactionRunner, type Database_ } from '../../db/client.js';
import { gateResults, measurements, type GateResultRow, type MeasurementRow } from '../../db/schema/index.js';

export type NewMeasurement = typeof measurements.$inferInsert;
export type NewGateResult = Omit<typeof gateResults.$inferInsert, 'seq'>;

export interface MeasurementWithActivity extends MeasurementRow {
  softwareName: string | null;
  softwareVersion: string | null;
}

interface RawMeasurement extends Omit<MeasurementWithActivity, 'value' | 'normalizedValue'> {
  value: string;
  normalizedValue: string;
}

const RESULT_COLUMNS = `r.seq, r.measurement_id AS measurementId, r.version_pk AS versionPk, r.gate, r.verdict, r.value, r.margin, r.reason`;

export function createGatesRepository({ db, sqlite }: Database_) {
  const inTransaction = transactionRunner(sqlite);
  // Reads on the dataset read path and lineage answers: prepared once, any number of keys as one JSON array.
  const measurementsStmt = sqlite.prepare(`
    SELECT m.id, m.version_pk AS versionPk, m.activity_id AS activityId, m.observable, m.value, m.unit, m.normalized_value AS normalizedValue,
           m.normalized_unit AS normalizedUnit, m.uncertainty, m.method, m.created_at AS createdAt, m.created_by AS createdBy,
           a.software_name AS softwareName, a.software_version AS softwareVersion
      FROM json_each(@pks) k CROSS JOIN measurements m ON m.version_pk = k.value JOIN activities a ON a.id = m.activity_id
     WHERE @id IS NULL OR m.id = @id ORDER BY m.rowid`);
  const resultsOfStmt = sqlite.prepare(`SELECT ${RESULT_COLUMNS} FROM json_each(?) k CROSS JOIN gate_results r ON r.measurement_id = k.value ORDER BY r.seq`);
  const resultsForVersionsStmt = sqlite.prepare(
    `SELECT ${RESULT_COLUMNS} FROM json_each(?) k CROSS JOIN gate_results r ON r.version_pk = k.value ORDER BY r.seq`,
  );
  const observablesStmt = sqlite.prepare(`
    SELECT t.version_pk AS versionPk, t.value FROM json_each(?) k CROSS JOIN version_terms t ON t.version_pk = k.value AND t.facet = 'observable'`);

  return {
    /** Runs fn in one transaction (a savepoint when nested): the validation step and its results commit together. */
    transaction<T>(fn: () => T): T {
      return inTransaction(fn);
    },

    insert(measurement: NewMeasurement, results: NewGateResult[]): void {
      db.insert(measurements).values(measurement).run();
      if (results.length) db.insert(gateResults).values(results).run();
    },

    /** Measurements of versions, oldest first, with the software of their validation activity. */
    measurementsOf(versionPks: readonly number[], id?: string): MeasurementWithActivity[] {
      if (!versionPks.length) return [];
      return (measurementsStmt.all({ pks: JSON.stringify(versionPks), id: id ?? null }) as RawMeasurement[]).map((m) => ({
        ...m,
        value: JSON.parse(m.value) as number | number[],
        normalizedValue: JSON.parse(m.normalizedValue) as number | number[],
      }));
    },

    resultsOf(measurementIds: readonly string[]): GateResultRow[] {
      return measurementIds.length ? (resultsOfStmt.all(JSON.stringify(measurementIds)) as GateResultRow[]) : [];
    },

    /** Every gate result of the versions in recording order: the last one per gate is its status. */
    resultsForVersions(versionPks: readonly number[]): GateResultRow[] {
      return versionPks.length ? (resultsForVersionsStmt.all(JSON.stringify(versionPks)) as GateResultRow[]) : [];
    },

    observablesOf(versionPks: readonly number[]): { versionPk: number; value: string }[] {
      return versionPks.length ? (observablesStmt.all(JSON.stringify(versionPks)) as { versionPk: number; value: string }[]) : [];
    },
  };
}

export type GatesRepository = ReturnType<typeof createGatesRepository>;
