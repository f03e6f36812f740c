import type { Test } from 'tap';
import type { Database } from '../../src/db/port.js';
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

/**
 * Every table's rows, in a stable order (with their rowids on SQLite); `created_at` of users and agents is the
 * database's clock (a column default), which the test cannot freeze.
 */
export async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const sqlite = db.dialect === 'sqlite';
  const tables = await db
    .prepare<string>(
      sqlite
        ? `SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_stat%' AND name NOT LIKE 'dataset_fts_%' ORDER BY name`
        : `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
    .column<string>();
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    if (table === 'tokens' || table === '__drizzle_migrations') continue;
    const rows = await db.prepare(`SELECT ${sqlite ? 'rowid AS _rowid, ' : ''}* FROM "${table}"`).all();
    const clock = table === 'users' || table === 'agents';
    out[table] = rows.map((r) => JSON.stringify(clock ? { ...r, created_at: 'default' } : r)).sort();
  }
  // The search index answers the same queries: the tokens it holds for each version.
  out.search = await db
    .prepare(
      `SELECT rowid, title, description, keywords FROM dataset_fts WHERE ${sqlite ? `dataset_fts MATCH 'lattice OR recalibrated OR s3'` : `document @@ to_tsquery('femto_search', 'lattice | recalibrated | s3')`} ORDER BY rowid`,
    )
    .all();
  return out;
}

/**
 * The agents' random ids, named by their row instead everywhere they appear: the order they were made in on SQLite
 * (rowid); PostgreSQL's table has no such order, so there by what they say (kind, name, ORCID, ROR).
 */
export async function agentsByRow(snapshot: Record<string, unknown[]>, db: Database): Promise<Record<string, unknown[]>> {
  const ids = await db
    .prepare<{ n: number; id: string }>(
      db.dialect === 'sqlite'
        ? 'SELECT rowid AS n, id FROM agents'
        : `SELECT row_number() OVER (ORDER BY kind, name, coalesce(orcid, ''), coalesce(ror, ''), id) AS n, id FROM agents`,
    )
    .all();
  const named = (row: unknown) => ids.reduce((text, a) => text.split(JSON.stringify(a.id)).join(`"agent#${a.n}"`), String(row));
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
