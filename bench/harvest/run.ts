/**
 * Harvest throughput: a page of 100 records built directly (femto's hot path) against the same
 * page built by jsonld.compact per record, measured in the same run and checked to be the same
 * RDF graph; then, under autocannon, OAI ListRecords (oai_datacite) records/s, counted in the
 * responses, against /health requests/s on the same server. Exits non-zero on any FAIL.
 * Run: npx tsx bench/harvest/run.ts
 */
import autocannon from 'autocannon';
import { XMLParser } from 'fast-xml-parser';
import jsonld from 'jsonld';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { anonymous } from '../../src/modules/auth/auth.schema.js';
import { localDocumentLoader } from '../../src/modules/harvest/jsonld.js';
import { catalogJson, schemaOrgCatalog } from '../../src/modules/harvest/serializers/catalog.js';
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

const items = await (await harvest.catalogPage(anonymous, { page: 1, limit: PAGE })).items();
console.log(`records on the page: ${items.length}`);
const pageArgs = { total: items.length, page: 1, lastPage: 1, pageUrl: (n: number) => `${ctx.urls.catalog}?page=${n}` };
const directPage = (page: typeof items) =>
  catalogJson(
    schemaOrgCatalog(pageArgs, ctx, []),
    page.map((i) => JSON.stringify(schemaOrgNode(i, ctx))),
  );
// The naive path's input: each record as expanded JSON-LD (prepared outside the timing).
const expanded = await Promise.all(
  items.map((i) =>
    jsonld.expand({ '@context': SCHEMAORG_CONTEXT, ...schemaOrgNode(i, ctx) } as unknown as jsonld.JsonLdDocument, { documentLoader } as jsonld.Options.Expand),
  ),
);
const compactPage = async () => {
  const nodes = [];
  for (const e of expanded)
    nodes.push(await jsonld.compact(e, SCHEMAORG_CONTEXT as unknown as jsonld.ContextDefinition, { documentLoader } as jsonld.Options.Compact));
  return nodes;
};

const failures: string[] = [];
const verdict = (passed: boolean, what: string) => {
  console.log(`${passed ? 'PASS' : 'FAIL'} ${what}`);
  if (!passed) failures.push(what);
};

// Both paths must say the same thing: the page's datasets and the compacted records are one RDF graph (URDNA2015).
const canonical = (doc: object) =>
  jsonld.canonize(doc as never, { algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader, safe: true } as never) as unknown as Promise<string>;
const directDoc = JSON.parse(directPage(items)) as { '@context': unknown; dataset: unknown[] };
const directQuads = await canonical({ '@context': directDoc['@context'], '@graph': directDoc.dataset });
const compactQuads = await canonical({ '@graph': await compactPage() });
const quadCount = directQuads.split('\n').filter(Boolean).length;
console.log(`page graph: ${quadCount} quads`);
verdict(quadCount > 0 && directQuads === compactQuads, 'direct page and jsonld.compact page are the same RDF graph');

// An OAI error document is also a 200: records are counted in the responses themselves.
const xml = new XMLParser({ isArray: (name) => name === 'record' || name === 'error' });
function oaiRecords(body: string): number {
  const doc = xml.parse(body)['OAI-PMH'];
  if (!doc || doc.error) throw new Error(`OAI error response: ${body.slice(0, 300)}`);
  return doc.ListRecords?.record?.length ?? 0;
}
for (const prefix of ['oai_datacite', 'oai_dc']) {
  const n = oaiRecords(await oai.respond({ verb: 'ListRecords', metadataPrefix: prefix }));
  verdict(n === items.length, `OAI ListRecords ${prefix} answers ${items.length} records (got ${n})`);
}

const direct = await time(() => directPage(items));
const compacted = await time(async () => JSON.stringify(await compactPage()));
const oaiPage = await time(() => oai.respond({ verb: 'ListRecords', metadataPrefix: 'oai_datacite' }));
const oaiColdPage = lastWarmUp;
const oaiDcPage = await time(() => oai.respond({ verb: 'ListRecords', metadataPrefix: 'oai_dc' }));
const withLoad = await time(async () => directPage(await (await harvest.catalogPage(anonymous, { page: 1, limit: PAGE })).items()));

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
const oaiPath = '/oai?verb=ListRecords&metadataPrefix=oai_datacite';
const sample = await fetch(`${base}${oaiPath}`);
verdict(sample.status === 200 && oaiRecords(await sample.text()) === items.length, `GET ${oaiPath} over HTTP answers ${items.length} records`);

const run = (path: string, onResponse?: (status: number, body: string) => void) =>
  autocannon({ url: `${base}${path}`, connections: 10, duration: 8, ...(onResponse ? { requests: [{ onResponse }] } : {}) });
const health = await run('/health');
// Under load only a cheap scan per response (the server shares this process): the sample above was parsed in full.
let counted = 0;
let errorResponses = 0;
const list = await run(oaiPath, (status, body) => {
  if (status !== 200 || body.includes('<error')) errorResponses++;
  else for (let at = body.indexOf('<record>'); at !== -1; at = body.indexOf('<record>', at + 1)) counted++;
});
const recordsPerSecond = counted / list.duration; // autocannon reports seconds
console.log(`/health:                               ${health.requests.average.toFixed(0)} req/s (non-2xx: ${health.non2xx})`);
console.log(
  `OAI ListRecords oai_datacite:          ${list.requests.average.toFixed(0)} pages/s, ${recordsPerSecond.toFixed(0)} records/s counted in ${list.requests.total} responses (errors: ${errorResponses}, non-2xx: ${list.non2xx})`,
);
verdict(errorResponses === 0 && list.non2xx === 0 && health.non2xx === 0, 'every response under load was a 200 with records, no OAI error');
const share = (100 * recordsPerSecond) / health.requests.average;
console.log(`  records/s as share of /health req/s: ${share.toFixed(0)}% (target >= 25%)`);
verdict(share >= 25, 'OAI ListRecords oai_datacite records/s >= 25% of /health req/s');
verdict(median(compacted) / median(direct) >= 10, 'catalog page built directly >= 10x faster than jsonld.compact per record');
await app.close();
rmSync(dir, { recursive: true, force: true });
if (failures.length) {
  console.log(`${failures.length} FAIL`);
  process.exitCode = 1;
}
