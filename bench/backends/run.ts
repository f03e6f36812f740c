/**
 * SQLite and PostgreSQL in one run (issue 15 item 7). One catalog (the bundled one plus BENCH_SIZE synthetic
 * datasets, bench/rest's cached SQLite file) served by femto on SQLite, copied by `femto db copy` into PostgreSQL
 * and served by one femto process there and by three on the same database; interleaved rounds of the same REST and
 * GraphQL reads against each set-up, the render cache off (FEMTO_READ_CACHE_BYTES=0) so the database is what is
 * compared. Then the CLI import (`femto import jsonl`, BENCH_IMPORT_N datasets + as many steps) into a fresh
 * database of each backend.
 *
 * Run: npx tsx bench/backends/run.ts   Knobs: BENCH_SIZE (10k), BENCH_ROUNDS (3), BENCH_SECONDS (5),
 * BENCH_CONNECTIONS (20), BENCH_IMPORT_N (10000). PostgreSQL: FEMTO_TEST_PG_URL (a role that may create databases),
 * else a throwaway cluster started as the tests start one (needs initdb/pg_ctl).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { projectPath } from '../../src/paths.js';
import { pgServer } from '../../test/helpers/postgres.js';
import { jsonlCatalog } from '../import/generate.js';
import { catalogDb } from '../rest/loader.js';
import { drive, type Load, type Sample } from '../rest/measure.js';
import { buildFemto, startFemto, type Server } from '../rest/servers.js';
import { median, num, table } from '../rest/stats.js';

const SIZE = process.env.BENCH_SIZE ?? '10k';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const IMPORT_N = Number(process.env.BENCH_IMPORT_N ?? 10_000);
const log = (line: string) => console.log(line);
const cli = projectPath('dist', 'src', 'cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'femto-bench-backends-'));

/** A new PostgreSQL database with byte-order collation, dropped when the bench ends. */
async function pgDatabase(): Promise<string> {
  const server = await pgServer();
  const name = `femto_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  await admin.end();
  process.once('exit', () => {
    spawnSync('psql', [server, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore' });
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

function femtoCli(args: string[], env: Record<string, string>): string {
  // An import prints a line per entity: 20,000 of them pass spawnSync's default 1 MB, which kills the child.
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`femto ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || r.stdout).slice(-2000)}`);
  return r.stdout;
}

const LINEAGE = `query { lineage(id: "fm4npp", direction: UPSTREAM, depth: 5) { truncated nodes { id } } }`;
const cases: { name: string; load: Load & { method?: string; body?: string } }[] = [
  { name: 'GET /datasets/fm4npp JSON', load: { path: '/datasets/fm4npp', headers: { accept: 'application/json' } } },
  { name: 'GET /datasets?q=lattice&limit=20', load: { path: '/datasets?q=lattice&limit=20', headers: { accept: 'application/json' } } },
  { name: 'GET /catalog?page=1&limit=100 JSON-LD', load: { path: '/catalog?page=1&limit=100', headers: { accept: 'application/ld+json' } } },
  { name: 'OAI ListRecords first page', load: { path: '/oai?verb=ListRecords&metadataPrefix=oai_datacite' } },
  {
    name: 'GraphQL lineage upstream depth 5',
    load: {
      path: '/graphql',
      requests: [{ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LINEAGE }) }],
    },
  },
];

/** The same load on every server of a set-up at once, connections split between them; requests per second summed. */
async function driveAll(servers: Server[], load: Load): Promise<Sample> {
  const each = Math.max(1, Math.round(CONNECTIONS / servers.length));
  const samples = await Promise.all(servers.map((s) => drive(s.base, load, { connections: each, seconds: SECONDS })));
  const sum = (f: (s: Sample) => number) => samples.reduce((a, s) => a + f(s), 0);
  const statuses: Record<string, number> = {};
  for (const s of samples) for (const [code, n] of Object.entries(s.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    reqPerSec: sum((s) => s.reqPerSec),
    recordsPerSec: null,
    p50: Math.max(...samples.map((s) => s.p50)),
    p99: Math.max(...samples.map((s) => s.p99)),
    statuses,
    errors: sum((s) => s.errors),
  };
}

log(`bench/backends: ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}, catalog ${SIZE}, ${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections`);
buildFemto();
const catalog = await catalogDb(SIZE, log);
const pgUrl = await pgDatabase();
log(`copying ${catalog.path} into PostgreSQL`);
femtoCli(['db', 'copy', '--from', catalog.path, '--to', pgUrl], {});

const noCache = { FEMTO_READ_CACHE_BYTES: '0' };
const setups: { name: string; servers: Server[] }[] = [
  { name: 'SQLite, 1 process', servers: [await startFemto(catalog.path, noCache)] },
  { name: 'PostgreSQL, 1 process', servers: [await startFemto(pgUrl, noCache)] },
  { name: 'PostgreSQL, 3 processes', servers: await Promise.all([0, 1, 2].map(() => startFemto(pgUrl, noCache))) },
];

const results = new Map<string, number[]>();
const key = (c: string, s: string) => `${c}\u0000${s}`;
for (let round = 1; round <= ROUNDS; round++) {
  for (const c of cases) {
    for (const setup of setups) {
      const sample = await driveAll(setup.servers, c.load);
      const bad = Object.entries(sample.statuses).filter(([code]) => !code.startsWith('2') && code !== '304');
      if (bad.length || sample.errors) throw new Error(`${c.name} on ${setup.name}: statuses ${JSON.stringify(sample.statuses)}, ${sample.errors} errors`);
      results.set(key(c.name, setup.name), [...(results.get(key(c.name, setup.name)) ?? []), sample.reqPerSec]);
    }
    log(`round ${round}: ${c.name} done (load ${loadavg()[0].toFixed(1)})`);
  }
}
for (const setup of setups) await Promise.all(setup.servers.map((s) => s.stop()));

const m = (c: string, s: string) => median(results.get(key(c, s))!);
log('\nREST and GraphQL reads, req/s (median of rounds), render cache off');
log(
  table(
    ['case', 'SQLite', 'PostgreSQL', 'PG / SQLite', 'PostgreSQL x3', 'x3 / x1'],
    cases.map(({ name }) => {
      const [lite, one, three] = setups.map((s) => m(name, s.name));
      return [name, num(lite), num(one), (one / lite).toFixed(2), num(three), (three / one).toFixed(2)];
    }),
  ),
);

// The CLI import into a fresh database of each backend, alternated.
const file = join(scratch, 'catalog.jsonl');
writeFileSync(file, jsonlCatalog(IMPORT_N));
const imports: Record<'SQLite' | 'PostgreSQL', number[]> = { SQLite: [], PostgreSQL: [] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    const db = backend === 'SQLite' ? join(scratch, `import-${round}.sqlite`) : await pgDatabase();
    femtoCli(['migrate'], { FEMTO_DB: db });
    const t0 = performance.now();
    femtoCli(['import', 'jsonl', file], { FEMTO_DB: db, FEMTO_SEED_ON_EMPTY: 'false' });
    imports[backend].push((2 * IMPORT_N) / ((performance.now() - t0) / 1000));
  }
}
log(`\nCLI import of ${IMPORT_N} datasets + ${IMPORT_N} steps (femto import jsonl, process start included), entities/s`);
log(
  table(
    ['backend', 'median', 'rounds'],
    (['SQLite', 'PostgreSQL'] as const).map((b) => [b, num(median(imports[b])), imports[b].map(num).join(', ')]),
  ),
);
log(`PostgreSQL / SQLite: ${(median(imports.PostgreSQL) / median(imports.SQLite)).toFixed(2)}; load at the end ${loadavg()[0].toFixed(1)}`);
rmSync(scratch, { recursive: true, force: true });
process.exit(0);
