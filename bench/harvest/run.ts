/**
 * Harvest throughput: a page of 100 records built directly (femto's hot path) against the same
 * page built by jsonld.compact per record, measured in the same run; then, under autocannon,
 * OAI ListRecords (oai_datacite) records/s against /health requests/s on the same server.
 * Run: npx tsx bench/harvest/run.ts
 */
import autocannon from 'autocannon';
import jsonld from 'jsonld';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { anonymous } from '../../src/modules/auth/auth.schema.js';
import { localDocumentLoader } from '../../src/modules/harvest/jsonld.js';
import { schemaOrgCatalog } from '../../src/modules/harvest/serializers/catalog.js';
import { SCHEMAORG_CONTEXT, schemaOrgNode } from '../../src/modules/harvest/serializers/schemaorg.js';

const PAGE = 100;
const ROUNDS = 15;
const dir = mkdtempSync(join(tmpdir(), 'femto-bench-harvest-'));
const config = loadConfig({ FEMTO_DB: join(dir, 'bench.sqlite'), LOG_LEVEL: 'silent', PORT: '0', FEMTO_OAI_PAGE_SIZE: String(PAGE) });
const app = await buildApp(config, { logger: false });
const { harvest, oai } = app.femto;
const ctx = harvest.serializerContext;
const documentLoader = localDocumentLoader(config.baseUrl);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
let lastWarmUp = 0;
async function time(fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const t0 = performance.now();
  await fn(); // warm-up (for OAI oai_datacite: the page built with a cold XML cache)
  lastWarmUp = performance.now() - t0;
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const { items } = harvest.catalogPage(anonymous, { page: 1, limit: PAGE });
console.log(`records on the page: ${items.length}`);
const pageArgs = { items, total: items.length, page: 1, lastPage: 1, pageUrl: (n: number) => `${ctx.urls.catalog}?page=${n}` };
// The naive path's input: each record as expanded JSON-LD (prepared outside the timing).
const expanded = await Promise.all(items.map((i) => jsonld.expand({ '@context': SCHEMAORG_CONTEXT, ...schemaOrgNode(i, ctx) } as never, { documentLoader } as never)));

const direct = await time(() => JSON.stringify(schemaOrgCatalog(pageArgs, ctx, items.map((i) => schemaOrgNode(i, ctx)))));
const compacted = await time(async () => {
  const nodes = [];
  for (const e of expanded) nodes.push(await jsonld.compact(e as never, SCHEMAORG_CONTEXT as never, { documentLoader } as never));
  return JSON.stringify(nodes);
});
const oaiPage = await time(() => oai.respond({ verb: 'ListRecords', metadataPrefix: 'oai_datacite' }));
const oaiColdPage = lastWarmUp;
const oaiDcPage = await time(() => oai.respond({ verb: 'ListRecords', metadataPrefix: 'oai_dc' }));
const withLoad = await time(() => {
  const loaded = harvest.catalogPage(anonymous, { page: 1, limit: PAGE }).items;
  return JSON.stringify(schemaOrgCatalog(pageArgs, ctx, loaded.map((i) => schemaOrgNode(i, ctx))));
});

console.log(`catalog page, built directly:          median ${median(direct).toFixed(2)} ms (${spread(direct)})`);
console.log(`catalog page, incl. loading records:   median ${median(withLoad).toFixed(2)} ms (${spread(withLoad)})`);
console.log(`catalog page, jsonld.compact/record:   median ${median(compacted).toFixed(2)} ms (${spread(compacted)})`);
console.log(`  ratio compact / direct:              ${(median(compacted) / median(direct)).toFixed(1)}x`);
console.log(`  ratio compact / direct incl. load:   ${(median(compacted) / median(withLoad)).toFixed(1)}x`);
console.log(`OAI ListRecords oai_datacite (100):    median ${median(oaiPage).toFixed(2)} ms (${spread(oaiPage)})`);
console.log(`  same, first page (cold XML cache):    ${oaiColdPage.toFixed(2)} ms (one sample)`);
console.log(`OAI ListRecords oai_dc (100):          median ${median(oaiDcPage).toFixed(2)} ms (${spread(oaiDcPage)})`);
console.log(`  ratio compact-page / OAI datacite:   ${(median(compacted) / median(oaiPage)).toFixed(1)}x`);

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address() as { port: number };
const base = `http://127.0.0.1:${address.port}`;
const run = (path: string) => autocannon({ url: `${base}${path}`, connections: 10, duration: 8 });
const health = await run('/health');
const list = await run(`/oai?verb=ListRecords&metadataPrefix=oai_datacite`);
const recordsPerSecond = list.requests.average * items.length;
console.log(`/health:                               ${health.requests.average.toFixed(0)} req/s (non-2xx: ${health.non2xx})`);
console.log(`OAI ListRecords oai_datacite:          ${list.requests.average.toFixed(0)} pages/s = ${recordsPerSecond.toFixed(0)} records/s (non-2xx: ${list.non2xx})`);
const share = (100 * recordsPerSecond) / health.requests.average;
console.log(`  records/s as share of /health req/s: ${share.toFixed(0)}% (target >= 25%)`);
console.log(`${share >= 25 ? 'PASS' : 'FAIL'} OAI ListRecords oai_datacite records/s >= 25% of /health req/s`);
console.log(`${median(compacted) / median(direct) >= 10 ? 'PASS' : 'FAIL'} catalog page built directly >= 10x faster than jsonld.compact per record`);
await app.close();
rmSync(dir, { recursive: true, force: true });
