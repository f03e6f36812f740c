import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makeApp, type TestApp } from '../helpers/app.js';
import { loadScaledBound, median } from '../helpers/timing.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const MB = 1024 * 1024;
/**
 * A refusal costs at most 50 ms median on an idle machine (about 50x a `{ __typename }` answer for the
 * 550 KB document, most of it reading the body; 125x measured at load average 15, where reading a large body
 * slows more than a trivial request does); on a loaded one, no more than K times that trivial request measured
 * alongside. A refusal that executed or parsed the document takes seconds and fails either way.
 */
const K = 250;
const FLOOR_MS = 50;

async function post(a: TestApp, query: string) {
  const started = performance.now();
  const res = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  return { ms: performance.now() - started, status: res.statusCode, body: res.json() as { data?: unknown; errors: { extensions: { code: string } }[] } };
}

/**
 * Sends each document, checks it is refused with `code` before execution, returns the latencies, the median of a
 * `{ __typename }` request sent before each document (the same moments' load) and the heap growth.
 */
async function refuseAll(t: Test, a: TestApp, documents: string[], code: string) {
  await post(a, documents[0]); // warm-up: first-call compilation is not the server's steady state
  await post(a, '{ __typename }');
  const before = heapAfterGc();
  const ms: number[] = [];
  const baseline: number[] = [];
  const codes = new Set<string>();
  for (const doc of documents) {
    baseline.push((await post(a, '{ __typename }')).ms);
    const r = await post(a, doc);
    ms.push(r.ms);
    codes.add(`${r.status} ${r.body.errors?.[0]?.extensions.code} ${'data' in r.body ? 'with data' : 'no data'}`);
  }
  t.same([...codes], [`400 ${code} no data`], `every document refused with ${code} before execution`);
  const baselineMs = median(baseline);
  return { medianMs: median(ms), baselineMs, boundMs: loadScaledBound(baselineMs, K, FLOOR_MS), heapGrowth: heapAfterGc() - before };
}

const fastEnough = (t: Test, r: { medianMs: number; baselineMs: number; boundMs: number }, note = '') =>
  t.ok(
    r.medianMs <= r.boundMs,
    `median refusal ${r.medianMs.toFixed(1)} ms <= ${r.boundMs.toFixed(0)} ms (max of ${FLOOR_MS} ms and ${K} x the ${r.baselineMs.toFixed(2)} ms { __typename } median)${note}`,
  );
type Test = Parameters<Parameters<typeof t.test>[1]>[0];

t.test('50,000 aliases of __typename, varied per request: refused before parsing, heap flat', async (t) => {
  const a = await makeApp(t);
  const docs = Array.from({ length: 150 }, (_, k) => `{ ${Array.from({ length: 50_000 }, (_, i) => `a${i}: __typename`).join(' ')} v${k}: __typename }`);
  t.ok(docs[0].length > 500_000, `${docs[0].length} bytes each`);
  const r = await refuseAll(t, a, docs, 'QUERY_TOO_LARGE');
  fastEnough(t, r);
  t.ok(r.heapGrowth < 50 * MB, `heap grew ${(r.heapGrowth / MB).toFixed(1)} MB after 150 requests (< 50 MB)`);
});

t.test('27 fragments each spreading the next twice: refused as too complex in linear time', async (t) => {
  const a = await makeApp(t);
  const doubling = (k: number) => {
    let doc = `query Q${k} { dataset(id: "x") { ...F0 } }\n`;
    for (let i = 0; i < 27; i++) doc += `fragment F${i} on Dataset { ${i === 26 ? 'id' : `...F${i + 1} ...F${i + 1}`} }\n`;
    return doc;
  };
  const docs = Array.from({ length: 50 }, (_, k) => doubling(k));
  const r = await refuseAll(t, a, docs, 'QUERY_TOO_COMPLEX');
  fastEnough(t, r);
  const health = await a.app.inject({ method: 'GET', url: '/health' });
  t.equal(health.statusCode, 200, 'the server still answers');
});

t.test('6,000 aliases of dataset(id:): refused before any lookup runs', async (t) => {
  const a = await makeApp(t, { FEMTO_GRAPHQL_MAX_BYTES: '1000000', FEMTO_GRAPHQL_MAX_TOKENS: '100000' });
  const docs = Array.from(
    { length: 50 },
    (_, k) => `{ ${Array.from({ length: 6_000 }, (_, i) => `a${i}: dataset(id: "d${k}-${i}") { id title }`).join(' ')} }`,
  );
  const r = await refuseAll(t, a, docs, 'QUERY_TOO_MANY_ALIASES');
  fastEnough(t, r, ' (bytes and tokens opened wide: the alias bound alone refuses it)');
});

t.test('the document cache stays within FEMTO_GRAPHQL_CACHE_BYTES however many distinct documents arrive', async (t) => {
  const cacheBytes = 16 * MB;
  const a = await makeApp(t, { FEMTO_GRAPHQL_CACHE_BYTES: String(cacheBytes) });
  // Valid documents at the token limit (about 1,000 tokens), each sent twice so mercurius compiles it (jit).
  const fields = 'id title description tier domain dataType license '.repeat(140).trim().split(' ');
  const doc = (k: number) => `{ v${k}: datasets(first: 1) { edges { node { ${fields.slice(0, 975).join(' ')} } } } }`;
  const first = await post(a, doc(0));
  t.equal(first.status, 200, JSON.stringify(first.body.errors));
  const before = heapAfterGc();
  for (let k = 1; k <= 300; k++) {
    await post(a, doc(k));
    await post(a, doc(k));
  }
  // Refused documents are cached too (mercurius' second LRU): fill it as well.
  for (let k = 1; k <= 300; k++)
    await post(
      a,
      `{ v${k}: dataset(id: "x") { ${fields
        .slice(0, 980)
        .map((f, i) => `${f}${i % 7 === 0 ? 'Nope' : ''}`)
        .join(' ')} } }`,
    );
  const growth = heapAfterGc() - before;
  t.ok(growth < cacheBytes + 8 * MB, `heap grew ${(growth / MB).toFixed(1)} MB for 600 distinct large documents (cache bound ${cacheBytes / MB} MB)`);
});
