import Database from 'better-sqlite3';
import pg from 'pg';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { FemtoError, type FieldError } from '../../errors.js';
import { projectPath } from '../../paths.js';
import { StartError } from '../../start-errors.js';
import { canonicalRow, TableDigest } from './digest.js';
import { applyPgMigrations } from '../pg-migrations.js';
import { copyPlan, type CopyTable } from './plan.js';

export interface TableReport {
  name: string;
  rows: number;
  digest: string;
}

export interface CopyOptions {
  /** The SQLite file (opened read-only). */
  from: string;
  /** A postgres:// URL of an empty database. */
  to: string;
  /** Rows per INSERT: what the copy holds in memory per table at once. */
  batchRows: number;
  /** Told each table as it is copied. */
  progress?: (table: TableReport) => void;
}

/** The target as messages name it: host and database, never the password. */
const where = (url: string) => {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
};
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** PostgreSQL takes at most 65535 parameters per statement. */
const MAX_PARAMETERS = 65535;

/** SQLite's own tables, drizzle's bookkeeping and FTS5's shadow tables are not femto's data. */
const INTERNAL = `name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' AND name NOT LIKE 'dataset\\_fts\\_%' ESCAPE '\\'`;

function openSource(path: string, plan: CopyTable[]): Database.Database {
  let source: Database.Database;
  try {
    source = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new FemtoError('UNPROCESSABLE', `--from ${path}: ${(err as Error).message}`, [{ pointer: '--from', message: 'cannot be opened' }]);
  }
  const newest = readMigrationFiles({ migrationsFolder: projectPath('migrations') }).at(-1)!.folderMillis;
  const migrated = (() => {
    try {
      return (source.prepare('SELECT max(created_at) AS at FROM __drizzle_migrations').get() as { at: number | null }).at;
    } catch {
      return null;
    }
  })();
  if (migrated !== newest) {
    source.close();
    const why =
      migrated === null ? 'is not a femto database' : `is not at this femto's schema (run \`FEMTO_DB=${path} femto migrate\` with this version first)`;
    throw new FemtoError('UNPROCESSABLE', `--from ${path} ${why}`, [{ pointer: '--from', message: why }]);
  }
  const tables = (source.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${INTERNAL} ORDER BY name`).all() as { name: string }[]).map(
    (r) => r.name,
  );
  const planned = plan.map((t) => t.name).sort();
  if (tables.join() !== planned.join()) {
    source.close();
    throw new Error(`the SQLite tables (${tables.join(', ')}) are not those of the PostgreSQL schema (${planned.join(', ')})`);
  }
  return source;
}

/** Refuses a target whose schema holds any table: the copy is the database's first content. */
async function assertEmpty(client: pg.ClientBase, to: string): Promise<void> {
  const found = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname IN (current_schema(), 'drizzle') ORDER BY 1, 2`,
  );
  if (!found.rows.length) return;
  const errors: FieldError[] = [];
  for (const { schema, name } of found.rows.slice(0, 20)) {
    const held = await client.query<{ rows: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${q(schema)}.${q(name)}) AS rows`);
    errors.push({ pointer: `/tables/${schema}.${name}`, message: held.rows[0].rows ? 'holds rows' : 'exists' });
  }
  throw new FemtoError(
    'TARGET_NOT_EMPTY',
    `--to ${where(to)}: the target database already holds ${found.rows.length} table(s); femto db copy writes into a new, empty database only`,
    errors,
  );
}

/** Copies one table in primary-key order, in batches, digesting what it sends. */
async function copyTable(source: Database.Database, client: pg.ClientBase, table: CopyTable, batchRows: number): Promise<TableReport> {
  const names = table.columns.map((c) => q(c.name)).join(', ');
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / table.columns.length)));
  const insert = (rows: number) =>
    `INSERT INTO ${q(table.name)} (${names}) VALUES ${Array.from({ length: rows }, (_, r) => `(${table.columns.map((_, c) => `$${r * table.columns.length + c + 1}`).join(', ')})`).join(', ')}`;
  const full = { name: `femto_copy_${table.name}`, text: insert(perBatch) };
  const digest = new TableDigest();
  let batch: (string | null)[] = [];
  let inBatch = 0;
  const rows = source
    .prepare(`SELECT ${names} FROM ${q(table.name)} ORDER BY ${table.key.map((c) => q(c.name)).join(', ')}`)
    .raw(true)
    .safeIntegers(true)
    .iterate() as IterableIterator<unknown[]>;
  for (const row of rows) {
    const cells = canonicalRow(table.columns, row);
    digest.add(cells);
    batch.push(...cells);
    if (++inBatch === perBatch) {
      await client.query({ ...full, values: batch });
      batch = [];
      inBatch = 0;
    }
  }
  if (inBatch) await client.query(insert(inBatch), batch);
  if (table.identity) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${q(table.identity)}), 0) + 1, false) FROM ${q(table.name)}`, [
      q(table.name),
      table.identity,
    ]);
  }
  return { name: table.name, rows: digest.rows, digest: digest.hex() };
}

/** The digest of what the target holds, read through a cursor (bounded memory), encoded as the source's rows were. */
async function targetDigest(client: pg.ClientBase, table: CopyTable, batchRows: number): Promise<TableReport> {
  const select = table.columns.map((c) => (c.kind === 'json' ? `${q(c.name)}::text` : q(c.name))).join(', ');
  const order = table.key.map((c) => (c.kind === 'text' ? `${q(c.name)} COLLATE "C"` : q(c.name))).join(', ');
  await client.query(`DECLARE femto_copy_check NO SCROLL CURSOR FOR SELECT ${select} FROM ${q(table.name)} ORDER BY ${order}`);
  const digest = new TableDigest();
  for (;;) {
    const page = await client.query({ text: `FETCH ${batchRows} FROM femto_copy_check`, rowMode: 'array' });
    for (const row of page.rows as unknown[][]) digest.add(canonicalRow(table.columns, row));
    if (page.rows.length < batchRows) break;
  }
  await client.query('CLOSE femto_copy_check');
  return { name: table.name, rows: digest.rows, digest: digest.hex() };
}

/**
 * Copies a femto SQLite database into an empty PostgreSQL database in one transaction: applies migrations-pg,
 * copies every table (foreign keys' targets first, triggers off so the change counters arrive as they were),
 * continues the identity sequences, then compares each table's row count and digest on both sides. Any
 * difference rolls everything back.
 */
export async function copyDatabase(opts: CopyOptions): Promise<TableReport[]> {
  const plan = copyPlan();
  const source = openSource(opts.from, plan);
  const client = new pg.Client({ connectionString: opts.to });
  try {
    await client.connect().catch((err: Error) => {
      throw new StartError(`--to ${where(opts.to)}: cannot connect (${err.message})`);
    });
    // One snapshot of the source even while a server writes to it (WAL readers see the state at their first read).
    source.exec('BEGIN');
    await client.query('BEGIN');
    await assertEmpty(client, opts.to);
    await applyPgMigrations(client);
    // The migrations' own rows (system users, the catalog counter) are the source's to give.
    for (const table of [...plan].reverse()) await client.query(`DELETE FROM ${q(table.name)}`);
    for (const table of plan) await client.query(`ALTER TABLE ${q(table.name)} DISABLE TRIGGER USER`);
    const copied: TableReport[] = [];
    for (const table of plan) {
      const report = await copyTable(source, client, table, opts.batchRows);
      copied.push(report);
      opts.progress?.(report);
    }
    for (const table of plan) await client.query(`ALTER TABLE ${q(table.name)} ENABLE TRIGGER USER`);
    const errors: FieldError[] = [];
    for (const [i, table] of plan.entries()) {
      const found = await targetDigest(client, table, opts.batchRows);
      const sent = copied[i];
      if (found.rows !== sent.rows || found.digest !== sent.digest)
        errors.push({ pointer: `/tables/${table.name}`, message: `source ${sent.rows} rows ${sent.digest}, target ${found.rows} rows ${found.digest}` });
    }
    if (errors.length) throw new FemtoError('COPY_MISMATCH', `${errors.length} table(s) differ from the source after the copy; nothing was written`, errors);
    await client.query('COMMIT');
    return copied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    if (source.inTransaction) source.exec('COMMIT');
    source.close();
    await client.end().catch(() => undefined);
  }
}
