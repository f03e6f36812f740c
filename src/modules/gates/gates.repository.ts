import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database_ } from '../../db/client.js';
import { activities, gateResults, measurements, versionTerms, type GateResultRow, type MeasurementRow } from '../../db/schema/index.js';

export type NewMeasurement = typeof measurements.$inferInsert;
export type NewGateResult = Omit<typeof gateResults.$inferInsert, 'seq'>;

export interface MeasurementWithActivity extends MeasurementRow {
  softwareName: string | null;
  softwareVersion: string | null;
}

/** Any number of pks as one bound JSON parameter (a lineage answer can exceed SQLite's variable limit). */
const pkList = (pks: readonly number[]) => sql`(SELECT value FROM json_each(${JSON.stringify(pks)}))`;

export function createGatesRepository({ db, sqlite }: Database_) {
  return {
    /** Runs fn in one transaction (a savepoint when nested): the validation step and its results commit together. */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    insert(measurement: NewMeasurement, results: NewGateResult[]): void {
      db.insert(measurements).values(measurement).run();
      if (results.length) db.insert(gateResults).values(results).run();
    },

    /** Measurements of versions, oldest first, with the software of their validation activity. */
    measurementsOf(versionPks: readonly number[], id?: string): MeasurementWithActivity[] {
      if (!versionPks.length) return [];
      return db
        .select({
          id: measurements.id,
          versionPk: measurements.versionPk,
          activityId: measurements.activityId,
          observable: measurements.observable,
          value: measurements.value,
          unit: measurements.unit,
          normalizedValue: measurements.normalizedValue,
          normalizedUnit: measurements.normalizedUnit,
          uncertainty: measurements.uncertainty,
          method: measurements.method,
          createdAt: measurements.createdAt,
          createdBy: measurements.createdBy,
          softwareName: activities.softwareName,
          softwareVersion: activities.softwareVersion,
        })
        .from(measurements)
        .innerJoin(activities, eq(activities.id, measurements.activityId))
        .where(id ? and(inArray(measurements.versionPk, [...versionPks]), eq(measurements.id, id)) : inArray(measurements.versionPk, [...versionPks]))
        .orderBy(sql`${measurements}.rowid`)
        .all();
    },

    resultsOf(measurementIds: readonly string[]): GateResultRow[] {
      if (!measurementIds.length) return [];
      return db.select().from(gateResults).where(inArray(gateResults.measurementId, [...measurementIds])).orderBy(asc(gateResults.seq)).all();
    },

    /** Every gate result of the versions in recording order: the last one per gate is its status. */
    resultsForVersions(versionPks: readonly number[]): GateResultRow[] {
      if (!versionPks.length) return [];
      return db.select().from(gateResults).where(inArray(gateResults.versionPk, pkList(versionPks))).orderBy(asc(gateResults.seq)).all();
    },

    observablesOf(versionPks: readonly number[]): { versionPk: number; value: string }[] {
      if (!versionPks.length) return [];
      return db
        .select({ versionPk: versionTerms.versionPk, value: versionTerms.value })
        .from(versionTerms)
        .where(and(inArray(versionTerms.versionPk, pkList(versionPks)), eq(versionTerms.facet, 'observable')))
        .all();
    },
  };
}

export type GatesRepository = ReturnType<typeof createGatesRepository>;
