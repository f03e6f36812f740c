import { parseJson, type Database } from '../../db/port.js';
import { tableRows } from '../../db/rows.js';
import { gateResults, measurements, type GateResultRow, type MeasurementRow } from '../../db/schema/index.js';

export type NewMeasurement = typeof measurements.$inferInsert;
export type NewGateResult = Omit<typeof gateResults.$inferInsert, 'seq'>;

export interface MeasurementWithActivity extends MeasurementRow {
  softwareName: string | null;
  softwareVersion: string | null;
}

interface RawMeasurement extends Omit<MeasurementWithActivity, 'value' | 'normalizedValue'> {
  value: unknown;
  normalizedValue: unknown;
}

const RESULT_COLUMNS = `r.seq, r.measurement_id AS measurementId, r.version_pk AS versionPk, r.gate, r.verdict, r.value, r.margin, r.reason`;

export function createGatesRepository(db: Database) {
  const measurementRows = tableRows(db, measurements);
  const resultRows = tableRows(db, gateResults);
  // Reads on the dataset read path and lineage answers: prepared once, any number of keys as one JSON array.
  // CROSS JOIN keeps the keys the outer loop; its condition is in WHERE, as PostgreSQL's CROSS JOIN takes no ON.
  const keys = (param: string) => db.sql.each(param, 'k', 'integer');
  const measurementsStmt = db.prepare(`
    SELECT m.seq, m.id, m.version_pk AS versionPk, m.activity_id AS activityId, m.observable, m.value, m.unit, m.normalized_value AS normalizedValue,
           m.normalized_unit AS normalizedUnit, m.uncertainty, m.method, m.created_at AS createdAt, m.created_by AS createdBy,
           a.software_name AS softwareName, a.software_version AS softwareVersion
      FROM ${keys('@pks')} CROSS JOIN measurements m JOIN activities a ON a.id = m.activity_id
     WHERE m.version_pk = k.value AND (@id IS NULL OR m.id = @id) ORDER BY m.seq`);
  const resultsOfStmt = db.prepare(
    `SELECT ${RESULT_COLUMNS} FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN gate_results r WHERE r.measurement_id = k.value ORDER BY r.seq`,
  );
  const resultsForVersionsStmt = db.prepare(`SELECT ${RESULT_COLUMNS} FROM ${keys('?')} CROSS JOIN gate_results r WHERE r.version_pk = k.value ORDER BY r.seq`);
  const observablesStmt = db.prepare(`
    SELECT t.version_pk AS versionPk, t.value FROM ${keys('?')} CROSS JOIN version_terms t WHERE t.version_pk = k.value AND t.facet = 'observable'`);

  return {
    /** Runs fn in one transaction (a savepoint when nested): the validation step and its results commit together. */
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    async insert(measurement: NewMeasurement, results: NewGateResult[]): Promise<void> {
      await measurementRows.insert(measurement);
      for (const r of results) await resultRows.insert(r);
    },

    /** Measurements of versions, oldest first, with the software of their validation activity. */
    async measurementsOf(versionPks: readonly number[], id?: string): Promise<MeasurementWithActivity[]> {
      if (!versionPks.length) return [];
      return ((await measurementsStmt.all({ pks: JSON.stringify(versionPks), id: id ?? null })) as RawMeasurement[]).map((m) => ({
        ...m,
        value: parseJson<number | number[]>(m.value),
        normalizedValue: parseJson<number | number[]>(m.normalizedValue),
      }));
    },

    async resultsOf(measurementIds: readonly string[]): Promise<GateResultRow[]> {
      return measurementIds.length ? ((await resultsOfStmt.all(JSON.stringify(measurementIds))) as GateResultRow[]) : [];
    },

    /** Every gate result of the versions in recording order: the last one per gate is its status. */
    async resultsForVersions(versionPks: readonly number[]): Promise<GateResultRow[]> {
      return versionPks.length ? ((await resultsForVersionsStmt.all(JSON.stringify(versionPks))) as GateResultRow[]) : [];
    },

    async observablesOf(versionPks: readonly number[]): Promise<{ versionPk: number; value: string }[]> {
      return versionPks.length ? ((await observablesStmt.all(JSON.stringify(versionPks))) as { versionPk: number; value: string }[]) : [];
    },
  };
}

export type GatesRepository = ReturnType<typeof createGatesRepository>;
