import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
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

function run(bin: string, args: string[], owner: { uid: number; gid: number } | undefined) {
  const r = spawnSync(bin, args, { encoding: 'utf8', ...owner, env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout || r.error?.message}`);
}

async function startCluster(bin: string): Promise<string> {
  const owner = clusterOwner();
  const dir = mkdtempSync(join(tmpdir(), 'femto-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(data, owner.uid, owner.gid);
  }
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], owner);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'], owner);
  process.once('exit', () => {
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { ...owner });
    rmSync(dir, { recursive: true, force: true });
  });
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

let server: Promise<string> | undefined;

/** The URL of a server where databases can be created: FEMTO_TEST_PG_URL, or this process's cluster, started on first use. */
export function pgServer(): Promise<string> {
  if (process.env.FEMTO_TEST_PG_URL) return Promise.resolve(process.env.FEMTO_TEST_PG_URL);
  const bin = binDir();
  if (!bin) throw new Error(postgres().missing);
  server ??= startCluster(bin);
  return server;
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
