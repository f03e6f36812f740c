import type { Test } from 'tap';
import type BetterSqlite3 from 'better-sqlite3';
import type { Importer } from '../../src/modules/imports/imports.schema.js';

/*
 * What the bulk-versus-one-at-a-time tests share: a frozen clock (both databases carry the same timestamps), every
 * table's rows as a comparable snapshot, and an importer whose bulk writer counts the batches it took.
 */

export const INSTANTS = [Date.parse('2026-06-01T12:00:00.000Z'), Date.parse('2026-06-02T08:30:00.000Z')];

/** Every `new Date()` and `Date.now()` answer the instant set last, so both databases carry the same timestamps. */
export function frozenClock(t: Test): (at: number) => void {
  const RealDate = Date;
  let now = INSTANTS[0];
  class FrozenDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now);
      else super(...(args as [string]));
    }
    static now() {
      return now;
    }
  }
  globalThis.Date = FrozenDate as DateConstructor;
  t.teardown(() => {
    globalThis.Date = RealDate;
  });
  return (at) => {
    now = at;
  };
}

export const lines = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Every table's rows, in a stable order; `created_at` of users and agents is SQLite's clock (a column default), which the test cannot freeze. */
export function snapshot(sqlite: BetterSqlite3.Database): Record<string, unknown[]> {
  const tables = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_stat%' AND name NOT LIKE 'dataset_fts_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    if (table === 'tokens' || table === '__drizzle_migrations') continue;
    const rows = sqlite.prepare(`SELECT rowid AS _rowid, * FROM "${table}"`).all() as Record<string, unknown>[];
    const sqliteClock = table === 'users' || table === 'agents';
    out[table] = rows.map((r) => JSON.stringify(sqliteClock ? { ...r, created_at: 'default' } : r)).sort();
  }
  // The search index answers the same queries: the tokens it holds for each version.
  out.search = sqlite
    .prepare(`SELECT rowid, title, description, keywords FROM dataset_fts WHERE dataset_fts MATCH 'lattice OR recalibrated OR s3' ORDER BY rowid`)
    .all();
  return out;
}

/** The agents' random ids, named by their row instead (the order they were made in), everywhere they appear. */
export function agentsByRow(snapshot: Record<string, unknown[]>, sqlite: BetterSqlite3.Database): Record<string, unknown[]> {
  const ids = sqlite.prepare('SELECT rowid, id FROM agents').all() as { rowid: number; id: string }[];
  const named = (row: unknown) => ids.reduce((text, a) => text.split(JSON.stringify(a.id)).join(`"agent#${a.rowid}"`), String(row));
  return Object.fromEntries(Object.entries(snapshot).map(([table, rows]) => [table, rows.map(named).sort()]));
}

/** The importer with its bulk writer counting the batches it took (`taken()`), so a test knows the set-based path ran. */
export function countingBulk(importer: Importer): { importer: Importer; taken: () => number } {
  let taken = 0;
  return {
    importer: {
      ...importer,
      applyBulk: async (units, actor) => {
        const applied = await importer.applyBulk!(units, actor);
        if (applied) taken++;
        return applied;
      },
    },
    taken: () => taken,
  };
}
