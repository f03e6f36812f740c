/**
 * `femto db copy` at two sizes of the same database: time, rows per second, and the heap the copy grows while it
 * runs. The copy streams (one batch of rows in memory at a time), so the heap it needs must not grow with the
 * table: PASS when the larger copy's live heap growth (sampled after full collections) is at most twice the smaller's.
 * Run: node --expose-gc --import tsx bench/dbcopy/run.ts. PostgreSQL: FEMTO_BENCH_PG_URL
 * (a role that may create databases), else a throwaway cluster as the tests start one (test/helpers/postgres.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { copyDatabase } from '../../src/db/copy/copy.js';
import { pgServer } from '../../test/helpers/postgres.js';

const SIZES = [20_000, 200_000];
const RUNS = 3;
const BATCH_ROWS = 1000;

async function sourceWith(rows: number, dir: string): Promise<string> {
  const path = join(dir, `femto-${rows}.sqlite`);
  const database = openDatabase(path);
  applyMigrations(database);
  const insert = database.sqlite.prepare(
    `INSERT INTO audit_log (created_at, actor, user_id, action, entity_type, entity_id, before_digest, after_digest) VALUES (?, 'bench', 'admin', 'dataset.update', 'dataset', ?, ?, ?)`,
  );
  database.sqlite.transaction(() => {
    for (let i = 0; i < rows; i++)
      insert.run(new Date(1_700_000_000_000 + i * 1000).toISOString(), `ds-${i % 5000}`, randomBytes(32).toString('hex'), randomBytes(32).toString('hex'));
  })();
  await database.close();
  return path;
}

async function newDatabase(server: string): Promise<string> {
  const name = `femto_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function measure(from: string, server: string): Promise<{ ms: number; heapGrowth: number }> {
  const to = await newDatabase(server);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  // What the copy keeps alive, not the garbage V8 has yet to collect: the heap right after a full collection.
  const sampler = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 200);
  const start = performance.now();
  await copyDatabase({ from, to, batchRows: BATCH_ROWS });
  const ms = performance.now() - start;
  clearInterval(sampler);
  return { ms, heapGrowth: Math.max(0, peak - base) };
}

if (!global.gc) throw new Error('run with node --expose-gc --import tsx bench/dbcopy/run.ts');
const gc = global.gc;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b: number) => (b / 2 ** 20).toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'femto-bench-copy-'));
try {
  const server = process.env.FEMTO_BENCH_PG_URL ?? (await pgServer());
  const growth: number[] = [];
  for (const rows of SIZES) {
    const from = await sourceWith(rows, dir);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(from, server));
    const ms = median(runs.map((r) => r.ms));
    const heap = median(runs.map((r) => r.heapGrowth));
    growth.push(heap);
    console.log(
      `${rows} audit rows (+ the migrations' rows): ${ms.toFixed(0)} ms [${Math.min(...runs.map((r) => r.ms)).toFixed(0)}–${Math.max(...runs.map((r) => r.ms)).toFixed(0)}], ${((rows / ms) * 1000).toFixed(0)} rows/s, live heap growth ${mib(heap)} MiB`,
    );
  }
  const ratio = growth[1] / Math.max(growth[0], 1);
  console.log(
    `${ratio <= 2 ? 'PASS' : 'FAIL'} heap growth ${SIZES[1]} rows / ${SIZES[0]} rows = ${ratio.toFixed(2)} (target ≤ 2: memory bounded by the batch, not the table)`,
  );
  if (ratio > 2) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
