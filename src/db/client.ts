import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';
import { projectPath } from '../paths.js';
import { databaseStartError } from './faults.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Database_ {
  sqlite: Database.Database;
  db: Db;
  close(): void;
}

export function openDatabase(path: string, opts: { maxBytes?: number } = {}): Database_ {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // A quota: past it every write fails as on a full disk (SQLITE_FULL), answered 507.
  if (opts.maxBytes) sqlite.pragma(`max_page_count = ${Math.floor(opts.maxBytes / (sqlite.pragma('page_size', { simple: true }) as number))}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // WAL + NORMAL is durable against process crashes (kill -9); only an OS crash may lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  return { sqlite, db, close: () => sqlite.close() };
}

/**
 * Runs fn in one transaction; called inside an open one, fn joins it (an error rolls back the
 * outermost: no code goes on after an error inside a transaction, so a savepoint per nested call
 * would only cost two statements each; bulk imports nest five deep per record). better-sqlite3
 * prepares its BEGIN/COMMIT statements when a transaction function is made, so it is made once.
 */
export function transactionRunner(sqlite: Database.Database): <T>(fn: () => T) => T {
  const run = sqlite.transaction((fn: () => unknown) => fn());
  return <T>(fn: () => T) => (sqlite.inTransaction ? fn() : (run(fn) as T));
}

/** Runs fn in a savepoint of the open transaction (or a transaction of its own): where an error is caught and the transaction goes on. */
export function savepointRunner(sqlite: Database.Database): <T>(fn: () => T) => T {
  const run = sqlite.transaction((fn: () => unknown) => fn());
  return <T>(fn: () => T) => run(fn) as T;
}

export function applyMigrations(database: Database_): void {
  migrate(database.db, { migrationsFolder: projectPath('migrations') });
}

/**
 * Opens FEMTO_DB with migrations applied, then runs `prepare` (building services, seeding); a fault
 * of the file or its disk (read-only, corrupt, full) becomes a StartError naming the file.
 */
export function openForStart<T>(path: string, maxBytes: number | undefined, prepare: (database: Database_) => T): { database: Database_; prepared: T } {
  let database: Database_ | undefined;
  try {
    database = openDatabase(path, { maxBytes });
    applyMigrations(database);
    return { database, prepared: prepare(database) };
  } catch (err) {
    database?.close();
    throw databaseStartError(err, path) ?? err;
  }
}
