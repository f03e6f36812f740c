import type { Database } from '../../db/port.js';
import type { HepdataTable, KeywordName } from './hepdata.schema.js';

interface TableRow {
  versionPk: number;
  name: string;
  description: string;
  location: string | null;
  dataFile: string;
  doi: string | null;
  licenseName: string | null;
  licenseUrl: string | null;
  licenseDescription: string | null;
  rowCount: number;
  keywords: string;
  variables: string;
  qualifiers: string;
}

/** The HEPData tables of versions: written with a version, read for a batch of versions in one statement. */
export function createHepdataRepository(db: Database) {
  const insertTable = db.prepare<{ pk: number }>(`
    INSERT INTO hepdata_tables (version_pk, position, name, description, location, data_file, doi, license_name, license_url, license_description, row_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk`);
  const insertKeyword = db.prepare(
    'INSERT INTO hepdata_keywords (table_pk, position, name, value, observable, low_gev, high_gev) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertVariable = db.prepare('INSERT INTO hepdata_variables (table_pk, kind, position, name, units) VALUES (?, ?, ?, ?, ?)');
  const insertQualifier = db.prepare('INSERT INTO hepdata_qualifiers (table_pk, variable, position, name, value, units) VALUES (?, ?, ?, ?, ?, ?)');

  // One statement for a batch of versions: each table with its keywords, variables and qualifiers as JSON arrays, in order.
  // CROSS JOIN keeps the keys the outer loop (see datasets.repository.ts); its condition is in WHERE, as PostgreSQL's CROSS JOIN takes no ON.
  const { each, jsonArray, jsonObject } = db.sql;
  const tablesOf = db.prepare(`
    SELECT t.version_pk AS versionPk, t.name, t.description, t.location, t.data_file AS dataFile, t.doi, t.license_name AS licenseName,
           t.license_url AS licenseUrl, t.license_description AS licenseDescription, t.row_count AS rowCount,
           (SELECT ${jsonArray(jsonObject(`'name', name, 'value', value, 'observable', observable, 'low', low_gev, 'high', high_gev`), 'position')}
              FROM hepdata_keywords WHERE table_pk = t.pk) AS keywords,
           (SELECT ${jsonArray(jsonObject(`'kind', kind, 'name', name, 'units', units`), 'kind DESC, position')}
              FROM hepdata_variables WHERE table_pk = t.pk) AS variables,
           (SELECT ${jsonArray(jsonObject(`'variable', variable, 'name', name, 'value', value, 'units', units`), 'variable, position')}
              FROM hepdata_qualifiers WHERE table_pk = t.pk) AS qualifiers
      FROM ${each('?', 'k', 'integer')} CROSS JOIN hepdata_tables t WHERE t.version_pk = k.value ORDER BY t.version_pk, t.position`);

  return {
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    /** Writes a version's tables, in order (inside the caller's transaction: the version's own). */
    async insert(versionPk: number, tables: readonly HepdataTable[]): Promise<void> {
      for (const [position, t] of tables.entries()) {
        const { pk: tablePk } = (await insertTable.get([
          versionPk,
          position,
          t.name,
          t.description,
          t.location,
          t.dataFile,
          t.doi,
          t.license?.name ?? null,
          t.license?.url ?? null,
          t.license?.description ?? null,
          t.rowCount,
        ]))!;
        for (const [i, k] of t.keywords.entries())
          await insertKeyword.run([tablePk, i, k.name, k.value, k.observable, k.gev?.low ?? null, k.gev?.high ?? null]);
        for (const [i, v] of t.independentVariables.entries()) await insertVariable.run([tablePk, 'independent', i, v.name, v.units]);
        for (const [i, v] of t.dependentVariables.entries()) {
          await insertVariable.run([tablePk, 'dependent', i, v.name, v.units]);
          for (const [j, q] of v.qualifiers.entries()) await insertQualifier.run([tablePk, i, j, q.name, q.value, q.units]);
        }
      }
    },

    /** The tables of versions, in order, by version pk (versions without tables are absent). */
    async tablesOf(versionPks: readonly number[]): Promise<Map<number, HepdataTable[]>> {
      const out = new Map<number, HepdataTable[]>();
      if (!versionPks.length) return out;
      for (const r of (await tablesOf.all(JSON.stringify(versionPks))) as TableRow[]) {
        const keywords = JSON.parse(r.keywords) as { name: KeywordName; value: string; observable: string | null; low: number | null; high: number | null }[];
        const variables = JSON.parse(r.variables) as { kind: 'independent' | 'dependent'; name: string; units: string | null }[];
        const qualifiers = JSON.parse(r.qualifiers) as { variable: number; name: string; value: string; units: string | null }[];
        const table: HepdataTable = {
          name: r.name,
          description: r.description,
          location: r.location,
          dataFile: r.dataFile,
          doi: r.doi,
          license: r.licenseName !== null && r.licenseUrl !== null ? { name: r.licenseName, url: r.licenseUrl, description: r.licenseDescription } : null,
          rowCount: r.rowCount,
          keywords: keywords.map((k) => ({
            name: k.name,
            value: k.value,
            observable: k.observable,
            gev: k.low !== null && k.high !== null ? { low: k.low, high: k.high } : null,
          })),
          independentVariables: variables.filter((v) => v.kind === 'independent').map((v) => ({ name: v.name, units: v.units })),
          dependentVariables: variables
            .filter((v) => v.kind === 'dependent')
            .map((v, i) => ({
              name: v.name,
              units: v.units,
              qualifiers: qualifiers.filter((q) => q.variable === i).map((q) => ({ name: q.name, value: q.value, units: q.units })),
            })),
        };
        out.set(r.versionPk, [...(out.get(r.versionPk) ?? []), table]);
      }
      return out;
    },
  };
}

export type HepdataRepository = ReturnType<typeof createHepdataRepository>;
