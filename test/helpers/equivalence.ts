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
  const read: Record<string, Record<string, unknown>[]> = {};
  for (const table of tables) {
    if (table === 'tokens' || table === '__drizzle_migrations') continue;
    read[table] = await db.prepare(`SELECT ${sqlite ? 'rowid AS _rowid, ' : ''}* FROM "${table}"`).all();
  }
  const key = sqlite ? (_table: string, _column: string, v: unknown) => v : await generatedKeys(db, read);
  for (const [table, rows] of Object.entries(read)) {
    const clock = table === 'users' || table === 'agents';
    out[table] = rows
      .map((r) => Object.fromEntries(Object.entries(r).map(([column, v]) => [column, key(table, column, v)])))
      .map((r) => JSON.stringify(clock ? { ...r, created_at: 'default' } : r))
      .sort();
  }
  // The search index answers the same queries: the tokens it holds for each version.
  out.search = await db
    .prepare(
      `SELECT rowid, title, description, keywords FROM dataset_fts WHERE ${sqlite ? `dataset_fts MATCH 'lattice OR recalibrated OR s3'` : `document @@ to_tsquery('femto_search', 'lattice | recalibrated | s3')`} ORDER BY rowid`,
    )
    .all();
  if (!sqlite) out.search = out.search.map((r) => ({ ...(r as object), rowid: key('dataset_fts', 'rowid', (r as { rowid: number }).rowid) }));
  return out;
}

/**
 * PostgreSQL's generated keys by rank: a sequence hands out values a rolled-back transaction never gives back (a
 * bulk batch its writer declined, then applied one unit at a time, leaves a gap that SQLite's transactional
 * AUTOINCREMENT counter does not), so two databases that made the same rows in the same order may differ in their
 * keys by such gaps alone. Every identity column, and every column whose foreign key names one (and the search
 * index's rowid, a version's pk), is read as its value's rank among the keys of its table.
 */
async function generatedKeys(db: Database, read: Record<string, Record<string, unknown>[]>) {
  const identities = await db
    .prepare<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`,
    )
    .all();
  const references = await db
    .prepare<{ t: string; c: string; rt: string; rc: string }>(
      `SELECT cl.relname AS t, a.attname AS c, rl.relname AS rt, ra.attname AS rc
         FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class rl ON rl.oid = k.confrelid
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
        WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND cl.relnamespace = current_schema()::regnamespace`,
    )
    .all();
  const rank = new Map<string, Map<unknown, number>>();
  for (const { t, c } of identities) {
    const values = [...new Set((read[t] ?? []).map((r) => r[c] as number))].sort((a, b) => a - b);
    rank.set(`${t}.${c}`, new Map(values.map((v, i) => [v, i + 1])));
  }
  const keyOf = new Map<string, string>([
    ['dataset_fts.rowid', 'dataset_versions.pk'],
    ...identities.map(({ t, c }): [string, string] => [`${t}.${c}`, `${t}.${c}`]),
  ]);
  for (const { t, c, rt, rc } of references) if (rank.has(`${rt}.${rc}`)) keyOf.set(`${t}.${c}`, `${rt}.${rc}`);
  // Keys held without a foreign key (a concept's pointers to its versions).
  for (const c of ['latest_version_pk', 'draft_version_pk']) keyOf.set(`datasets.${c}`, 'dataset_versions.pk');
  return (table: string, column: string, v: unknown) => {
    const of = keyOf.get(`${table}.${column}`);
    return v == null || !of ? v : (rank.get(of)!.get(v) ?? `unknown ${String(v)}`);
  };
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
