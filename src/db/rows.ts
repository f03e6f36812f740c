import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { parseJson, type Database } from './port.js';

/**
 * Whole-row writes and reads of one table, from its drizzle schema: column names, and the values
 * drizzle's column modes convert (JSON text, booleans as 0/1). SQL text depends on which fields a
 * row or patch carries, so a statement is prepared once per shape (the port caches by text).
 */
export function tableRows<T extends Table>(db: Database, table: T) {
  type Insert = T['$inferInsert'];
  type Select = T['$inferSelect'];
  const name = getTableName(table);
  const columns = getTableColumns(table);
  const keys = Object.keys(columns);
  const toDriver = (key: string, value: unknown) => (value == null ? null : columns[key].mapToDriverValue(value));
  // PostgreSQL's json columns arrive parsed, where drizzle's SQLite column would parse the text again.
  const fromDriver = (key: string, value: unknown) =>
    columns[key].columnType === 'SQLiteTextJson' ? parseJson(value) : columns[key].mapFromDriverValue(value);
  const present = (row: object) => keys.filter((k) => (row as Record<string, unknown>)[k] !== undefined);
  const selectList = keys.map((k) => `"${columns[k].name}" AS "${k}"`).join(', ');

  return {
    /** `SELECT <every column as its field name> FROM table` (add WHERE / ORDER BY). */
    select: `SELECT ${selectList} FROM "${name}"`,
    /** A raw row of `select` as drizzle would have returned it. */
    decode(raw: Record<string, unknown>): Select {
      const out: Record<string, unknown> = {};
      for (const k of keys) out[k] = raw[k] == null ? null : fromDriver(k, raw[k]);
      return out as Select;
    },
    async insert(row: Insert, onConflictDoNothing = false): Promise<{ changes: number }> {
      const ks = present(row);
      const sql = `INSERT INTO "${name}" (${ks.map((k) => `"${columns[k].name}"`).join(', ')}) VALUES (${ks.map(() => '?').join(', ')})${onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : ''}`;
      return db.prepare(sql).run(ks.map((k) => toDriver(k, (row as Record<string, unknown>)[k])));
    },
    /** UPDATE of the fields the patch carries, in the rows `where` (SQL with `?` parameters, after the patch's) selects. */
    async update(patch: Partial<Insert>, where: string, params: unknown[]): Promise<{ changes: number }> {
      const ks = present(patch);
      if (!ks.length) return { changes: 0 };
      const sql = `UPDATE "${name}" SET ${ks.map((k) => `"${columns[k].name}" = ?`).join(', ')} WHERE ${where}`;
      return db.prepare(sql).run([...ks.map((k) => toDriver(k, (patch as Record<string, unknown>)[k])), ...params]);
    },
  };
}
