/**
 * Bulk import benchmark (issue 14 item 8): n datasets + n steps (default 100,000 each) through the
 * CLI path (`femto import <format> <file>`: parse, validate, apply through the services in
 * batches) from a generated JSON-lines catalog, the same catalog as CSV, and generated OpenLineage
 * events; against raw SQLite inserts of the same rows (the ceiling) in the same run; then
 * OpenLineage events over HTTP (`POST /api/v1/lineage`, 10 connections, autocannon).
 * Run: npx tsx bench/import/run.ts   (figures and PASS/FAIL on stdout); BENCH_ONLY=http runs the HTTP part alone, BENCH_ONLY=cli the rest.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import { buildContainer } from '../../src/container.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { BULK_CACHE_KIB } from '../../src/modules/imports/imports.repository.js';
import { deferredChanges } from '../../src/db/deferred-changes.js';
import { csvCatalog, datasetRecord, inputOf, jsonlCatalog, olEvent, olEvents, runIdOf, stepRecord } from './generate.js';
import { sha256 } from '../../src/lib/digest.js';
import { buildFemto, startFemto } from '../rest/servers.js';

const N = Number(process.env.BENCH_N ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
/** `http`: only the POST /api/v1/lineage part (seconds instead of minutes, so it can be repeated against a baseline); `cli`: only the imports and the ceiling. */
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'http' && ONLY !== 'cli') throw new Error(`BENCH_ONLY=${ONLY}: 'http' or 'cli'`);
const TARGET_CLI = 50_000;
const TARGET_HTTP = 2_000;

const root = mkdtempSync(join(tmpdir(), 'femto-bench-import-'));
const log = (...a: unknown[]) => console.log(...a);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `[${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
let dbSeq = 0;
const freshDb = () => join(root, `db-${++dbSeq}.sqlite`);
const config = (dbPath: string) =>
  loadConfig({ FEMTO_DB: dbPath, FEMTO_SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false', FEMTO_BODY_LIMIT: '1048576' });
const ontology = await loadOntology(config(':memory:').ontologyDir);

/**
 * The ceiling: the rows a catalog import writes (records, search index, change counters, audit and ledger rows), by
 * prepared INSERTs in one transaction, with the page cache and the change counters counted once at the end
 * (deferredChanges.runBulk: the step edges' and the new versions' touches) as the import's bulk batches do.
 */
async function rawInserts(): Promise<number> {
  const database = openDatabase(freshDb());
  applyMigrations(database);
  const { sqlite } = database;
  sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  const deferred = deferredChanges(database);
  const t = new Date().toISOString();
  const s = {
    agent: sqlite.prepare(`INSERT INTO agents (id, kind, name) VALUES (?, 'person', ?)`),
    concept: sqlite.prepare(`INSERT INTO datasets (id, created_by, owner_id, updated_at, created_at) VALUES (?, 'bench', 'admin', ?, ?)`),
    version:
      sqlite.prepare(`INSERT INTO dataset_versions (dataset_id, version_number, state, title, description, tier, data_type, resource_type, license, visibility, access_level, created_at, updated_at, published_at)
      VALUES (?, 1, 'published', ?, ?, ?, ?, 'Dataset', ?, 'public', 'open', ?, ?, ?)`),
    pointer: sqlite.prepare(`UPDATE datasets SET latest_version_pk = ?, updated_at = ? WHERE id = ?`),
    creator: sqlite.prepare(`INSERT INTO version_agents (version_pk, role, position, agent_id) VALUES (?, 'creator', 0, ?)`),
    term: sqlite.prepare(`INSERT INTO version_terms (version_pk, facet, position, value) VALUES (?, ?, ?, ?)`),
    fts: sqlite.prepare(`INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (?, ?, ?, ?)`),
    activity: sqlite.prepare(
      `INSERT INTO activities (id, kind, name, software_name, software_version, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'bench', ?)`,
    ),
    input: sqlite.prepare(`INSERT INTO activity_inputs (activity_id, version_pk, role) VALUES (?, ?, NULL)`),
    output: sqlite.prepare(`INSERT INTO activity_outputs (activity_id, version_pk) VALUES (?, ?)`),
    audit: sqlite.prepare(
      `INSERT INTO audit_log (actor, user_id, action, entity_type, entity_id, after_digest, created_at) VALUES ('bench', 'admin', ?, ?, ?, ?, ?)`,
    ),
    ledger: sqlite.prepare(
      `INSERT INTO import_ledger (format, key, digest, status, subject, location, applied_at) VALUES ('jsonl', ?, ?, 'created', ?, NULL, ?)`,
    ),
    generation: sqlite.prepare(
      `INSERT INTO provenance_generation (id, generation) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET generation = generation + excluded.generation`,
    ),
  };
  const t0 = performance.now();
  await database.transaction(() =>
    deferred.runBulk(async () => {
      for (let a = 0; a < 500; a++) s.agent.run(`ag-${a}`, `Physicist ${a}`);
      const pks: number[] = [];
      for (let i = 0; i < N; i++) {
        const d = datasetRecord(i);
        s.concept.run(d.id, t, t);
        const pk = Number(s.version.run(d.id, d.title, d.description, d.tier, d.dataType, d.license, t, t, t).lastInsertRowid);
        pks.push(pk);
        s.pointer.run(pk, t, d.id);
        s.creator.run(pk, `ag-${i % 500}`);
        d.keywords.forEach((k, p) => s.term.run(pk, 'keyword', p, k));
        s.term.run(pk, 'format', 0, 'HDF5');
        s.fts.run(pk, d.title, d.description, d.keywords.join(' '));
        s.audit.run('dataset.create-published', 'dataset', d.id, sha256(JSON.stringify(d)), t);
        s.ledger.run(`dataset:${d.id}`, sha256(d.id), d.id, t);
      }
      for (let i = 0; i < N; i++) {
        const step = stepRecord(i);
        s.activity.run(step.id, step.kind, step.name, 'bench-sim', '1.0', t);
        const input = inputOf(i);
        if (input !== undefined) s.input.run(step.id, pks[input]);
        s.output.run(step.id, pks[i]);
        s.audit.run('activity.create', 'activity', step.id, sha256(step.id), t);
        s.ledger.run(`activity:${step.id}`, sha256(step.id), step.id, t);
      }
      s.generation.run(N);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await database.close();
  return (2 * N) / seconds;
}

/** The CLI path on a fresh database: what `femto import <format> <file>` runs, file read included. */
async function cliImport(format: string, file: string): Promise<{ rate: number; seconds: number }> {
  const database = openDatabase(freshDb());
  applyMigrations(database);
  const c = buildContainer(config(':memory:'), database, ontology);
  const t0 = performance.now();
  const counts = await importCommand(c.imports, { id: 'cli', role: 'admin' }, [format, file], { batchSize: 1000 }, { out: () => undefined });
  const seconds = (performance.now() - t0) / 1000;
  const units = format === 'openlineage' ? N : 2 * N;
  const done = counts.reduce((n, x) => n + x.created + x.updated, 0);
  if (done !== units || counts.some((x) => x.refused)) throw new Error(`${format}: ${JSON.stringify(counts)}`);
  const steps = database.sqlite.prepare('SELECT count(*) FROM activities').pluck().get() as number;
  const versions = database.sqlite.prepare('SELECT count(*) FROM dataset_versions').pluck().get() as number;
  if (steps !== N || versions !== N) throw new Error(`${format}: ${steps} steps and ${versions} versions, expected ${N} of each`);
  await database.close();
  return { rate: (2 * N) / seconds, seconds };
}

/**
 * POST /api/v1/lineage on a real server (`node dist/src/cli.js serve`, what `npm start` runs) in its own process, so autocannon
 * never shares its event loop: each request a new run's COMPLETE event.
 */
async function http(): Promise<{ rate: number; non2xx: number; latencyP50: number; latencyP99: number; cpuPerEvent: number }> {
  const dbPath = freshDb();
  const database = openDatabase(dbPath);
  applyMigrations(database);
  const token = (await buildContainer(config(dbPath), database, ontology).auth.createToken('curator')).token;
  await database.close();
  const server = await startFemto(dbPath);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  try {
    // One event first, outside the window: the first compiles the OpenLineage schemas (seconds on a loaded machine), a cost of start-up, not of throughput.
    const warm = await fetch(`${server.base}/api/v1/lineage`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...olEvent(0, runIdOf(0, 2)), outputs: [{ namespace: 's3://bench', name: 'warm-up' }] }),
    });
    if (warm.status !== 201) throw new Error(`warm-up event: ${warm.status} ${await warm.text()}`);
    let i = 0;
    const cpuBefore = server.cpuMicros();
    const result = await autocannon({
      url: server.base,
      connections: 10,
      duration: HTTP_SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/lineage',
          headers,
          setupRequest: (req) => {
            const n = i++;
            return { ...req, body: JSON.stringify(olEvent(n, runIdOf(n, 1))) };
          },
        },
      ],
    });
    return {
      rate: result['2xx'] / HTTP_SECONDS,
      non2xx: result.non2xx,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      cpuPerEvent: (server.cpuMicros() - cpuBefore) / result['2xx'],
    };
  } finally {
    await server.stop();
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
log(
  `bulk import benchmark: ${N.toLocaleString('en')} datasets + ${N.toLocaleString('en')} steps, ${REPS} repetitions, node ${process.version}; load average ${load()}`,
);
const cli: Record<string, number[]> = { jsonl: [], csv: [], openlineage: [] };
let rawMedian = 0;
if (ONLY !== 'http') {
  const files = { jsonl: join(root, 'catalog.jsonl'), csv: join(root, 'catalog.csv'), openlineage: join(root, 'events.jsonl') };
  writeFileSync(files.jsonl, jsonlCatalog(N));
  writeFileSync(files.csv, csvCatalog(N));
  writeFileSync(files.openlineage, olEvents(N));

  const raw: number[] = [];
  for (let r = 0; r < REPS; r++) {
    raw.push(await rawInserts());
    for (const format of Object.keys(cli)) {
      const { rate, seconds } = await cliImport(format, files[format as keyof typeof files]);
      cli[format].push(rate);
      log(`  rep ${r + 1}: ${format} ${rate.toFixed(0)} entities/s (${seconds.toFixed(1)} s)`);
    }
    log(`  rep ${r + 1}: raw SQLite ${raw[r].toFixed(0)} entities/s`);
  }
  rawMedian = median(raw);
  log('\n| path | entities/s (median) | [min–max] | ratio to raw SQLite |');
  log('|---|---:|---:|---:|');
  log(`| raw SQLite inserts (ceiling) | ${rawMedian.toFixed(0)} | ${range(raw)} | 1.00 |`);
  for (const [format, rates] of Object.entries(cli))
    log(`| femto import ${format} | ${median(rates).toFixed(0)} | ${range(rates)} | ${(median(rates) / rawMedian).toFixed(2)} |`);
}

let httpRate = 0;
if (ONLY !== 'cli') {
  buildFemto();
  const httpRuns: Awaited<ReturnType<typeof http>>[] = [];
  for (let r = 0; r < REPS; r++) httpRuns.push(await http());
  httpRate = median(httpRuns.map((h) => h.rate));
  log(
    `\nPOST /api/v1/lineage, 10 connections, ${HTTP_SECONDS} s: ${httpRate.toFixed(0)} events/s median ${range(httpRuns.map((h) => h.rate))}; p50 ${median(httpRuns.map((h) => h.latencyP50))} ms, p99 ${median(httpRuns.map((h) => h.latencyP99))} ms; non-2xx ${httpRuns.map((h) => h.non2xx).join('/')}; server CPU ${median(httpRuns.map((h) => h.cpuPerEvent)).toFixed(0)} µs per event ${range(httpRuns.map((h) => h.cpuPerEvent))}`,
  );
}

if (ONLY !== 'http')
  for (const [format, rates] of Object.entries(cli))
    log(
      `${median(rates) >= TARGET_CLI ? 'PASS' : 'FAIL'} femto import ${format}: ${median(rates).toFixed(0)} entities/s (target >= ${TARGET_CLI}; raw SQLite ceiling ${rawMedian.toFixed(0)})`,
    );
if (ONLY !== 'cli')
  log(`${httpRate >= TARGET_HTTP ? 'PASS' : 'FAIL'} POST /api/v1/lineage: ${httpRate.toFixed(0)} events/s with 10 connections (target >= ${TARGET_HTTP})`);
log(`load average at the end: ${load()}`);
rmSync(root, { recursive: true, force: true });
