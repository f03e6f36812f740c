/**
 * Replica checks (`femto locations verify`): how the run scales with --concurrency against sites
 * that answer slowly, and what a checksum run reads per second against the same reads done bare.
 *
 * A loopback HTTP server answers every request after BENCH_LATENCY_MS (default 20 ms), serving
 * files of BENCH_FILE_BYTES (default 1 MiB). BENCH_REPLICAS records (default 400) have one replica
 * each. Figures: medians of 3 runs [min–max].
 *
 *   HEAD runs     at concurrency 1, 4, 16 and 64: replicas/s, and the ratio to the bound the
 *                 latency sets (concurrency / latency: what a run that did nothing else would reach);
 *   checksum run  at concurrency 8 over every replica: MB/s through checkReplica (HEAD, then
 *                 a streaming GET hashed with sha256, result recorded), against the ceiling: the same
 *                 GETs hashed by a bare loop with the same bound, no HEAD, nothing recorded.
 *
 * Run: npx tsx bench/locations/run.ts
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import { buildContainer } from '../../src/container.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { cliActor } from '../../src/modules/auth/auth.schema.js';
import { median, num, spread, table } from '../rest/stats.js';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const FILE_BYTES = Number(process.env.BENCH_FILE_BYTES ?? 1 << 20);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 400);
const RUNS = 3;

const body = Buffer.alloc(FILE_BYTES, 7);
const digest = createHash('sha256').update(body).digest('hex');
const server = createServer((req, res) => {
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': FILE_BYTES });
    res.end(req.method === 'HEAD' ? undefined : body);
  }, LATENCY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const root = mkdtempSync(join(tmpdir(), 'femto-bench-locations-'));
const config = loadConfig({ FEMTO_DB: join(root, 'bench.sqlite'), FEMTO_SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false' });
const database = openDatabase(config.dbPath);
applyMigrations(database);
const c = buildContainer(config, database, await loadOntology(config.ontologyDir));
await c.datasets.transaction(async () => {
  for (let i = 0; i < REPLICAS; i++) {
    await c.datasets.createPublished(cliActor, `bench-${i}`, {
      title: `Bench record ${i}`,
      description: 'One file at one place.',
      creators: [{ name: 'Bench', type: 'Person' }],
      distributions: [{ urls: [`${base}/f-${i}.bin`], kind: 'download', sizeBytes: FILE_BYTES, checksum: { algorithm: 'sha256', value: digest } }],
    });
  }
});

const seconds = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};
const verify = (concurrency: number, checksum: boolean) =>
  c.locations.verify({ concurrency, options: { timeoutMs: 60_000, checksum, checksumTimeoutMs: 60_000, allowPrivate: true } });

console.log(`bench/locations: ${REPLICAS} replicas on a loopback server answering after ${LATENCY_MS} ms, files of ${num(FILE_BYTES / 2 ** 20)} MiB\n`);
const rows: string[][] = [];
for (const concurrency of [1, 4, 16, 64]) {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) rates.push(REPLICAS / (await seconds(() => verify(concurrency, false))));
  const bound = concurrency / (LATENCY_MS / 1000);
  rows.push([`HEAD, concurrency ${concurrency}`, spread(rates), num(bound), `${num((100 * median(rates)) / bound)}%`]);
}
console.log(table(['run', 'replicas/s', 'latency bound', 'of bound'], rows));

const megabytes = (REPLICAS * FILE_BYTES) / 1e6;
const checked = () => verify(8, true);
const bare = async () => {
  const limit = pLimit(8);
  await Promise.all(
    Array.from({ length: REPLICAS }, (_, i) =>
      limit(async () => {
        const res = await fetch(`${base}/f-${i}.bin`);
        const hash = createHash('sha256');
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) hash.update(chunk);
        if (hash.digest('hex') !== digest) throw new Error('bad bytes');
      }),
    ),
  );
};
const femto: number[] = [];
const ceiling: number[] = [];
// Interleaved, so a busy machine slows both alike.
for (let r = 0; r < RUNS; r++) {
  femto.push(megabytes / (await seconds(checked)));
  ceiling.push(megabytes / (await seconds(bare)));
}
console.log(
  `\nchecksum run, ${REPLICAS} replicas at concurrency 8: femto ${spread(femto)} MB/s, bare fetch+sha256 ${spread(ceiling)} MB/s, ratio ${num((100 * median(femto)) / median(ceiling))}%`,
);

await database.close();
server.close();
rmSync(root, { recursive: true, force: true });
