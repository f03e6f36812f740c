import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';
import type { External } from './external.js';
import { freePort } from './ports.js';
import { applyPgMigrations } from '../../src/db/pg-migrations.js';
import { projectPath } from '../../src/paths.js';

/**
 * PostgreSQL for tests: a server given by FEMTO_TEST_PG_URL (a role that may create databases), else a throwaway
 * cluster this process starts with Debian's initdb/pg_ctl on a free loopback port, in a temporary folder, removed
 * when the process exits. initdb refuses to run as root, so under root (as `.ci/run` runs) the cluster belongs to
 * FEMTO_TEST_PG_USER (default `femtopg`, else `nobody`). Each test gets a database of its own.
 */

const binDirs = (): string[] => {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...versions.map((v) => join(debian, v, 'bin'))];
};

const binDir = (): string | undefined => binDirs().find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));

/** PostgreSQL, as `.ci/run` installs it: FEMTO_TEST_PG_URL, else initdb and pg_ctl on PATH or in /usr/lib/postgresql/<version>/bin. */
export function postgres(): External {
  const enable =
    'install PostgreSQL (Debian: apt-get install postgresql) so initdb and pg_ctl are on PATH or in /usr/lib/postgresql/<version>/bin, or set FEMTO_TEST_PG_URL to a server where the role may create databases';
  if (process.env.FEMTO_TEST_PG_URL) return { path: process.env.FEMTO_TEST_PG_URL, enable };
  const dir = binDir();
  return dir ? { path: dir, enable } : { path: 'initdb', enable, missing: 'needs PostgreSQL, initdb/pg_ctl not found' };
}

/** psql, which deploy/postgres-init.sh runs (Debian: postgresql-client, which postgresql depends on). */
export function psql(): External {
  const dir = binDirs().find((d) => existsSync(join(d, 'psql')));
  const enable = 'install the PostgreSQL client (Debian: apt-get install postgresql-client) so psql is on PATH';
  return dir ? { path: join(dir, 'psql'), enable } : { path: 'psql', enable, missing: 'needs psql' };
}

function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (user: string, flag: string) => spawnSync('id', [flag, user], { encoding: 'utf8' });
  for (const user of [process.env.FEMTO_TEST_PG_USER ?? 'femtopg', 'nobody']) {
    const uid = id(user, '-u');
    const gid = id(user, '-g');
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error('running as root, and neither FEMTO_TEST_PG_USER/femtopg nor nobody exists to own a PostgreSQL cluster');
}

type Owner = { uid: number; gid: number } | undefined;

function run(bin: string, args: string[], owner: Owner) {
  const r = spawnSync(bin, args, { encoding: 'utf8', ...owner, env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout || r.error?.message}`);
}

/** A server of this process: its data folder in a temporary folder of its own (also its socket folder), on a free loopback port. */
interface Cluster {
  bin: string;
  owner: Owner;
  dir: string;
  data: string;
  port: number;
  url: string;
}

/** A temporary folder for a cluster, owned by its owner; the cluster in it stopped and the folder removed when the process exits. */
function clusterDir(bin: string, owner: Owner): { dir: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), 'femto-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(data, owner.uid, owner.gid);
  }
  process.once('exit', () => {
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { ...owner });
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, data };
}

/** Starts (again) the cluster in `c.data`, with `settings` besides. Durability is off: a test cluster is thrown away. */
function startServer(c: Omit<Cluster, 'url'>, settings = ''): void {
  const options = `-p ${c.port} -k ${c.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${settings}`;
  run(join(c.bin, 'pg_ctl'), ['-D', c.data, '-l', join(c.dir, 'log'), '-o', options, '-w', 'start'], c.owner);
}

async function startCluster(bin: string): Promise<Cluster> {
  const owner = clusterOwner();
  const { dir, data } = clusterDir(bin, owner);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], owner);
  const port = await freePort();
  const c = { bin, owner, dir, data, port };
  startServer(c);
  return { ...c, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

let cluster: Promise<Cluster> | undefined;

function ownCluster(): Promise<Cluster> {
  const bin = binDir();
  if (!bin) throw new Error(postgres().missing);
  cluster ??= startCluster(bin);
  return cluster;
}

/** The URL of a server where databases can be created: FEMTO_TEST_PG_URL, or this process's cluster, started on first use. */
export async function pgServer(): Promise<string> {
  if (process.env.FEMTO_TEST_PG_URL) return process.env.FEMTO_TEST_PG_URL;
  return (await ownCluster()).url;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await pgServer() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const urlOf = async (database: string) => {
  const url = new URL(await pgServer());
  url.pathname = `/${database}`;
  return url.toString();
};

/** Every file of migrations-pg, hashed: a template database is named after the migrations it holds. */
function migrationsDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  walk(projectPath('migrations-pg'));
  return hash.digest('hex').slice(0, 16);
}

let template: Promise<string> | undefined;

/**
 * A database with migrations-pg applied, made once per cluster and migrations (test processes run in parallel: one
 * makes it under an advisory lock, the others wait and find it), cloned for each app so a test's app starts as fast
 * as on SQLite; the app's own migration run then finds nothing pending.
 */
function migratedTemplate(): Promise<string> {
  template ??= admin(async (c) => {
    const name = `femto_template_${migrationsDigest()}`;
    await c.query('SELECT pg_advisory_lock(7021)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!exists.rowCount) {
        const building = `${name}_building`;
        await c.query(`DROP DATABASE IF EXISTS ${building}`);
        await c.query(`CREATE DATABASE ${building} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
        const client = new pg.Client({ connectionString: await urlOf(building) });
        await client.connect();
        try {
          await client.query('BEGIN');
          await applyPgMigrations(client);
          await client.query('COMMIT');
        } finally {
          await client.end();
        }
        // Renamed only when whole: a process killed mid-way leaves no half-migrated template behind.
        await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      }
      return name;
    } finally {
      await c.query('SELECT pg_advisory_unlock(7021)');
    }
  });
  return template;
}

/**
 * A new database for this test (UTF-8, byte-order collation as SQLite compares text), dropped at its end; resolves
 * to its URL. Empty, or with `{ migrated: true }` at femto's current schema.
 */
export async function pgDatabase(t: Test, opts: { migrated?: boolean } = {}): Promise<string> {
  const name = `femto_test_${randomBytes(6).toString('hex')}`;
  const from = opts.migrated ? await migratedTemplate() : 'template0';
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${from} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`));
  t.teardown(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return urlOf(name);
}

/** pg_basebackup of initdb's installation (initdb on PATH may be a link into it). */
const basebackup = (bin: string): string => join(dirname(realpathSync(join(bin, 'initdb'))), 'pg_basebackup');

/**
 * A hot standby of the test server (FEMTO_TEST_PG_URL's, or this process's cluster), started here with the local
 * initdb's programs: pg_basebackup needs a role with REPLICATION and a pg_hba line that lets this host replicate
 * (initdb --auth=trust, as this helper and `.ci/run` make their clusters, allows 127.0.0.1).
 */
export function postgresStandby(): External {
  const bin = binDir();
  const enable =
    'install PostgreSQL (Debian: apt-get install postgresql) so initdb, pg_ctl and pg_basebackup are on PATH or in /usr/lib/postgresql/<version>/bin';
  if (!bin) return { path: 'initdb', enable, missing: 'needs PostgreSQL, initdb/pg_ctl not found' };
  const path = basebackup(bin);
  return existsSync(path) ? { path, enable } : { path, enable, missing: `needs ${path}` };
}

export interface Standby {
  /** The same database as `primaryUrl` (a URL of pgDatabase) on the standby. */
  urlOf(primaryUrl: string): string;
  /** Resolves once the standby has replayed everything the primary had written when it was called. */
  caughtUp(): Promise<void>;
  /** Stops (resumes) applying the primary's changes: the standby answers as of the pause, however long it lasts. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): void;
  start(): void;
}

const CATCH_UP_DEADLINE_MS = 30_000;

async function query<T>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as T;
  } finally {
    await client.end();
  }
}

/** A hot standby refuses to start with fewer of these than its primary has. */
const MATCHED_SETTINGS = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];

async function startStandby(): Promise<Standby> {
  const primaryUrl = await pgServer();
  const bin = binDir()!;
  const owner = clusterOwner();
  const { dir, data } = clusterDir(bin, owner);
  // -R: standby.signal and primary_conninfo; the primary's wal_level is replica by default. A fast checkpoint: a spread one
  // waits minutes on a cluster other tests are writing to.
  run(basebackup(bin), ['-d', primaryUrl, '-D', data, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'], owner);
  const settings = await query<Record<string, string>>(
    primaryUrl,
    `SELECT ${MATCHED_SETTINGS.map((name) => `current_setting('${name}') AS ${name}`).join(', ')}`,
  );
  const standby = { bin, owner, dir, data, port: await freePort() };
  const start = () => startServer(standby, MATCHED_SETTINGS.map((name) => `-c ${name}=${settings[name]}`).join(' '));
  start();
  const urlOf = (url: string) => {
    const on = new URL(url);
    on.hostname = '127.0.0.1';
    on.port = String(standby.port);
    return on.toString();
  };
  const adminUrl = urlOf(primaryUrl);
  return {
    urlOf,
    async caughtUp() {
      const { lsn } = await query<{ lsn: string }>(primaryUrl, 'SELECT pg_current_wal_insert_lsn() AS lsn');
      for (const deadline = Date.now() + CATCH_UP_DEADLINE_MS; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        const { done } = await query<{ done: boolean }>(adminUrl, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
        if (done) return;
      }
      throw new Error(`the standby did not replay up to ${lsn} within ${CATCH_UP_DEADLINE_MS} ms`);
    },
    pauseReplay: () => query(adminUrl, 'SELECT pg_wal_replay_pause()'),
    resumeReplay: () => query(adminUrl, 'SELECT pg_wal_replay_resume()'),
    stop: () => run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], owner),
    start,
  };
}

let standby: Promise<Standby> | undefined;

/** A hot standby streaming from the test server, started on first use (see postgresStandby). */
export function pgStandby(): Promise<Standby> {
  standby ??= startStandby();
  return standby;
}
