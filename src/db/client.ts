import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Database } from './port.js';
import { sqlitePort } from './sqlite.js';
import { postgresPort } from './postgres.js';
import { applyPgMigrations } from './pg-migrations.js';
import { projectPath } from '../paths.js';
import { databaseStartError, postgresStartError } from './faults.js';
import type { ReplicaConfig } from './replica.js';

/** The SQLite database: the port every repository uses, and the connection under it for what only SQLite has (migrations, the WAL checkpointer, pragmas, bulk loads in benchmarks and tests). */
export interface Database_ extends Database {
  readonly sqlite: BetterSqlite3.Database;
}

/** The database a server runs on: the port, and on SQLite the connection under it (absent on PostgreSQL). */
export type ServedDatabase = Database & { readonly sqlite?: BetterSqlite3.Database };

/** FEMTO_DB names a PostgreSQL database by URL; anything else is an SQLite file. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

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

/** Any number of processes may start at once on one PostgreSQL database: one applies the pending migrations, the others wait on this lock and find none. */
const MIGRATION_LOCK = 0x66656d746f; // 'femto'

async function migratePostgres(pool: import('pg').Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await applyPgMigrations(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface DatabaseLocation {
  /** FEMTO_DB: an SQLite file, or a postgres:// URL. */
  location: string;
  /** SQLite: FEMTO_DB_MAX_BYTES. */
  maxBytes?: number;
  /** PostgreSQL: FEMTO_DB_POOL_SIZE. */
  poolSize?: number;
  /** PostgreSQL: FEMTO_DB_READ_URL, a server's only (a command reads from the primary), and the log that tells of its outages. */
  replica?: ReplicaConfig;
}

export const databaseLocation = (config: { dbPath: string; dbMaxBytes?: number; dbPoolSize?: number }): DatabaseLocation => ({
  location: config.dbPath,
  maxBytes: config.dbMaxBytes,
  poolSize: config.dbPoolSize,
});

/** FEMTO_DB opened, with migrations applied. */
async function open(at: DatabaseLocation, opened: (database: ServedDatabase) => void): Promise<ServedDatabase> {
  if (isPostgresUrl(at.location)) {
    const database = postgresPort({ url: at.location, poolSize: at.poolSize, replica: at.replica });
    opened(database);
    await migratePostgres(database.pool);
    return database;
  }
  const database = openDatabase(at.location, { maxBytes: at.maxBytes });
  opened(database);
  applyMigrations(database);
  return database;
}

/**
 * Opens FEMTO_DB with migrations applied, then runs `prepare` (building services, seeding); a fault
 * of the database (SQLite: a read-only, corrupt or full file; PostgreSQL: no server, a refused login, no such
 * database) becomes a StartError naming it (a PostgreSQL URL without its password).
 */
export async function openForStart<T>(
  at: DatabaseLocation,
  prepare: (database: ServedDatabase) => Promise<T>,
): Promise<{ database: ServedDatabase; prepared: T }> {
  let database: ServedDatabase | undefined;
  try {
    database = await open(at, (d) => (database = d));
    return { database, prepared: await prepare(database) };
  } catch (err) {
    await database?.close().catch(() => undefined);
    throw (isPostgresUrl(at.location) ? postgresStartError(err, at.location) : databaseStartError(err, at.location)) ?? err;
  }
}
