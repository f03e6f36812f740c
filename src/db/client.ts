import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Database } from './port.js';
import { sqlitePort } from './sqlite.js';
import { projectPath } from '../paths.js';
import { databaseStartError } from './faults.js';

/** The SQLite database: the port every repository uses, and the connection under it for what only SQLite has (migrations, the WAL checkpointer, pragmas, bulk loads in benchmarks and tests). */
export interface Database_ extends Database {
  readonly sqlite: BetterSqlite3.Database;
}

export function openDatabase(path: string, opts: { maxBytes?: number } = {}): Database_ {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  // A quota: past it every write fails as on a full disk (SQLITE_FULL), answered 507.
  if (opts.maxBytes) sqlite.pragma(`max_page_count = ${Math.floor(opts.maxBytes / (sqlite.pragma('page_size', { simple: true }) as number))}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // WAL + NORMAL is durable against process crashes (kill -9); only an OS crash may lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  return Object.assign(sqlitePort(sqlite), { sqlite });
}

export function applyMigrations(database: Database_): void {
  migrate(drizzle(database.sqlite), { migrationsFolder: projectPath('migrations') });
}

/**
 * Opens FEMTO_DB with migrations applied, then runs `prepare` (building services, seeding); a fault
 * of the file or its disk (read-only, corrupt, full) becomes a StartError naming the file.
 */
export async function openForStart<T>(
  path: string,
  maxBytes: number | undefined,
  prepare: (database: Database_) => Promise<T>,
): Promise<{ database: Database_; prepared: T }> {
  let database: Database_ | undefined;
  try {
    database = openDatabase(path, { maxBytes });
    applyMigrations(database);
    return { database, prepared: await prepare(database) };
  } catch (err) {
    await database?.close();
    throw databaseStartError(err, path) ?? err;
  }
}
