import t from 'tap';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { projectPath } from '../../src/paths.js';
import { makeApp, minimalDataset } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres, psql } from '../helpers/postgres.js';

/*
 * docker-compose.yml read as Docker Compose reads it (YAML merge keys, ${VAR:-default} and ${VAR:?error}
 * interpolation), held to the Dockerfile, the proxy's Caddyfile and femto's own configuration. Docker itself is not
 * run here; the processes it would start are what test/e2e/replicas.test.ts starts on one PostgreSQL database, and the
 * script that gives femto its own role runs on the test server.
 */

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}

const operatorEnv = {
  POSTGRES_PASSWORD: 's3cret',
  FEMTO_DB_PASSWORD: 'app-s3cret',
  FEMTO_ADMIN_TOKEN: 'admin-token-0123456789',
  FEMTO_OAI_TOKEN_SECRET: 'oai-secret-0123456789',
};

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?error}` (an unset VAR with `:?` is an error). */
const interpolate = (text: string, env: Record<string, string>) =>
  text.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    if (env[name] !== undefined && env[name] !== '') return env[name];
    if (op === '-') return arg ?? '';
    throw new Error(`${name}: ${arg ?? 'unset'}`);
  });

const composeText = readFileSync(projectPath('docker-compose.yml'), 'utf8');
const compose = (env: Record<string, string>) => parse(interpolate(composeText, env), { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync(projectPath('Dockerfile'), 'utf8');
const caddyfile = readFileSync(projectPath('deploy/Caddyfile'), 'utf8');
/** The runtime stage's ENV, as the container starts with it. */
const imageEnv = Object.fromEntries(
  [
    ...dockerfile
      .split(/^FROM\s/m)
      .at(-1)!
      .matchAll(/^ENV\s+(.+)$/gm),
  ].flatMap((m) =>
    m[1]
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split('=') as [string, string]),
  ),
);

const { services } = compose(operatorEnv);
const femtos = Object.entries(services).filter(([, s]) => s.build === '.');

t.test('the secrets an operator must choose are demanded, not defaulted', async (t) => {
  for (const name of Object.keys(operatorEnv)) {
    const { [name]: _left, ...without } = operatorEnv;
    t.throws(() => compose(without), new RegExp(name), `${name} unset stops compose`);
  }
});

t.test('two femto replicas built from this Dockerfile, configured alike, on the compose PostgreSQL', async (t) => {
  t.equal(femtos.length, 2, 'two replicas');
  const pg = services.postgres;
  t.ok(pg.image?.startsWith('postgres:'), 'a PostgreSQL service');
  for (const [name, service] of femtos) {
    const env = { ...imageEnv, ...service.environment };
    const config = loadConfig(env);
    const db = new URL(config.dbPath);
    t.equal(db.protocol, 'postgres:', `${name}: FEMTO_DB is a PostgreSQL URL`);
    t.equal(db.hostname, 'postgres', `${name}: the compose service`);
    t.equal(decodeURIComponent(db.username), pg.environment!.FEMTO_DB_USER, `${name}: the role deploy/postgres-init.sh makes`);
    t.not(decodeURIComponent(db.username), pg.environment!.POSTGRES_USER, `${name}: not the cluster's superuser`);
    t.equal(decodeURIComponent(db.password), pg.environment!.FEMTO_DB_PASSWORD, `${name}: its password`);
    t.equal(db.pathname, `/${pg.environment!.POSTGRES_DB}`, `${name}: its database`);
    t.equal(config.trustProxy, 1, `${name}: trusts exactly the proxy's hop`);
    t.equal(config.host, '0.0.0.0', `${name}: listens beyond loopback (the image's HOST)`);
    t.notOk(service.ports, `${name}: not published; reached only through the proxy (else X-Forwarded-For could be forged)`);
  }
  const [first, second] = femtos.map(([, s]) => s.environment);
  t.same(first, second, 'one configuration: OAI token secret, base URL and admin token alike on both');
  t.match(pg.environment!.POSTGRES_INITDB_ARGS, /--locale=C\b/, 'byte-order collation, as SQLite compares text');
  t.ok(
    pg.volumes?.some((v) => /^\.\/deploy\/postgres-init\.sh:\/docker-entrypoint-initdb\.d\/[^:]+\.sh(:ro)?$/.test(v)),
    'the image runs deploy/postgres-init.sh on the first start',
  );
});

t.test(
  'deploy/postgres-init.sh gives femto a role that owns its database and is no superuser, and femto runs on it',
  requires(t, postgres(), psql()),
  async (t) => {
    const url = new URL(await pgDatabase(t));
    const role = `femto_app_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: new URL('/postgres', url).toString() });
    await admin.connect();
    t.teardown(async () => {
      // The role goes once the database it owns is gone (teardowns run last registered first: this one after the app's).
      await admin.query(`DROP DATABASE IF EXISTS ${url.pathname.slice(1)} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    });
    const run = spawnSync('sh', [projectPath('deploy', 'postgres-init.sh')], {
      encoding: 'utf8',
      env: {
        PATH: `${dirname(psql().path)}:${process.env.PATH}`,
        PGHOST: url.hostname,
        PGPORT: url.port,
        POSTGRES_USER: decodeURIComponent(url.username),
        POSTGRES_DB: url.pathname.slice(1),
        FEMTO_DB_USER: role,
        FEMTO_DB_PASSWORD: "pa'ss word",
      },
    });
    t.equal(run.status, 0, `the script ran: ${run.stderr}`);
    const facts = (await admin.query('SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1', [role])).rows[0];
    t.same(facts, { rolsuper: false, rolcreatedb: false, rolcreaterole: false }, 'a plain role');
    const secret = (await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])).rows[0].rolpassword as string | null;
    t.match(secret, /^SCRAM-SHA-256\$/, 'with the password given, stored hashed (the test server itself trusts loopback)');
    const owner = await admin.query('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [url.pathname.slice(1)]);
    t.equal(owner.rows[0].owner, role, 'owning the database');

    const appUrl = new URL(url);
    appUrl.username = role;
    appUrl.password = '';
    const a = await makeApp(t, { FEMTO_DB: appUrl.toString() });
    const created = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() });
    t.equal(created.statusCode, 201, 'migrations applied at start as that role, and a write goes through');
    const search = await a.app.inject({ url: '/datasets?q=ising' });
    t.equal(search.statusCode, 200, 'search, whose migration creates the unaccent extension, answers');
  },
);

t.test('the proxy publishes one port and spreads requests over every replica, checking a route femto has', async (t) => {
  const published = Object.entries(services).filter(([, s]) => s.ports?.length);
  t.same(
    published.map(([name]) => name),
    ['proxy'],
    'only the proxy is published',
  );
  t.ok(
    services.proxy.volumes?.some((v) => v.startsWith('./deploy/Caddyfile:')),
    'the proxy reads deploy/Caddyfile',
  );
  const upstreams = /reverse_proxy\s+([^{\n]+)\{/.exec(caddyfile)![1].trim().split(/\s+/);
  t.same(
    upstreams,
    femtos.map(([name]) => `${name}:${imageEnv.PORT}`),
    "every replica, on the port the image's PORT sets",
  );
  const healthUri = /health_uri\s+(\S+)/.exec(caddyfile)![1];
  const a = await makeApp(t);
  t.equal((await a.app.inject({ url: healthUri })).statusCode, 200, `${healthUri} answers 200 on a ready femto`);
});
