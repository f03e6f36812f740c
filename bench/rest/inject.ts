/**
 * In-process read cost of one tree's code (no HTTP, no load generator sharing the CPU): a fresh database seeded with
 * the bundled catalog, then each case requested one at a time through app.inject, p50 in ms. Comparing two trees
 * (e.g. main and a branch) alternated on one machine shows the cost of a change on the hot read paths with less
 * noise than bench/rest/run.ts on a loaded machine.
 *
 * Run: npx tsx bench/rest/inject.ts <tree, e.g. /work/main> (BENCH_INJECT_N requests per case, default 400)
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const { loadConfig } = (await import(join(root, 'src/config.ts'))) as typeof import('../../src/config.js');
const { buildApp } = (await import(join(root, 'src/app.ts'))) as typeof import('../../src/app.js');
const app = await buildApp(
  loadConfig({ FEMTO_DB: join(mkdtempSync(join(tmpdir(), 'femto-inject-')), 'femto.sqlite'), LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false' }),
);
const listed = (await app.inject({ url: '/datasets?limit=1' })).json<{ items: { id: string }[] }>();
const id = listed.items[0].id;
const cases: [name: string, url: string, headers?: Record<string, string>][] = [
  ['record JSON', `/datasets/${id}`],
  ['record JSON-LD', `/datasets/${id}`, { accept: 'application/ld+json' }],
  ['search q=lattice', '/datasets?q=lattice&limit=20'],
  ['OAI ListRecords page', '/oai?verb=ListRecords&metadataPrefix=oai_datacite'],
];
const n = Number(process.env.BENCH_INJECT_N ?? 400);
const p50: Record<string, number> = {};
for (const [name, url, headers] of cases) {
  for (let i = 0; i < 50; i++) {
    const res = await app.inject({ url, headers });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
  }
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await app.inject({ url, headers });
    times.push(performance.now() - t0);
  }
  p50[name] = Number(times.sort((a, b) => a - b)[Math.floor(n / 2)].toFixed(3));
}
await app.close();
console.log(JSON.stringify({ root, load: Number(loadavg()[0].toFixed(1)), p50ms: p50 }));
