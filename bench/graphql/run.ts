/**
 * GraphQL abuse benchmark: how long femto takes to refuse each abusive document class of issue 9
 * against answering `{ __typename }` in the same run, the heap after many refusals, and what the
 * pre-parse check costs against graphql-js' parse of the same document.
 * Run: npx tsx bench/graphql/run.ts   (figures and PASS/FAIL on stdout)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'graphql';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { checkDocument } from '../../src/graphql/document-limits.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const REPS = Number(process.env.BENCH_REPS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'femto-bench-graphql-'));
const config = loadConfig({ FEMTO_DB: join(dir, 'bench.sqlite'), LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false' });
const app = await buildApp(config);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `[${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function timed(documents: (k: number) => string) {
  const ms: number[] = [];
  const statuses = new Set<number>();
  await app.inject({ method: 'POST', url: '/graphql', payload: { query: documents(-1) } });
  for (let k = 0; k < REPS; k++) {
    const query = documents(k);
    const t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query } });
    ms.push(performance.now() - t0);
    statuses.add(res.statusCode);
  }
  return { ms, statuses: [...statuses] };
}

const classes: [string, (k: number) => string][] = [
  ['{ __typename } (baseline)', () => '{ __typename }'],
  ['50,000 aliases of __typename, 550 KB', (k) => `{ ${Array.from({ length: 50_000 }, (_, i) => `a${i}: __typename`).join(' ')} v${k}: __typename }`],
  [
    '27 doubling fragments, 1.1 KB',
    (k) => {
      let doc = `query Q${k + 1} { dataset(id: "x") { ...F0 } }\n`;
      for (let i = 0; i < 27; i++) doc += `fragment F${i} on Dataset { ${i === 26 ? 'id' : `...F${i + 1} ...F${i + 1}`} }\n`;
      return doc;
    },
  ],
  ['6,000 aliases of dataset(id:), 209 KB', (k) => `{ ${Array.from({ length: 6_000 }, (_, i) => `a${i}: dataset(id: "d${k}-${i}") { id }`).join(' ')} }`],
];

console.log(`GraphQL refusals, ${REPS} requests each (app.inject, in-process), median [min–max] ms`);
let baseline = 0;
let pass = true;
for (const [name, documents] of classes) {
  const r = await timed(documents);
  const m = median(r.ms);
  if (!baseline) baseline = m;
  const ok = name.includes('baseline') || (m < 50 && r.statuses.every((s) => s === 400));
  pass &&= ok;
  console.log(
    `  ${name.padEnd(40)} ${m.toFixed(2).padStart(7)} ${range(r.ms).padEnd(16)} x${(m / baseline).toFixed(1).padStart(6)} of baseline  status ${r.statuses.join(',')}${name.includes('baseline') ? '' : ok ? '  PASS (< 50 ms, 400)' : '  FAIL'}`,
  );
}

const before = heapMb();
for (let k = 0; k < 150; k++) await app.inject({ method: 'POST', url: '/graphql', payload: { query: classes[1][1](1000 + k) } });
const growth = heapMb() - before;
pass &&= growth < 50;
console.log(`heap after 150 varied 50,000-alias documents: +${growth.toFixed(1)} MB ${growth < 50 ? 'PASS (< 50 MB)' : 'FAIL'}`);

const readmeQuery = `{
  lineage(id: "fm4npp", direction: UPSTREAM, depth: 5) {
    nodes { id kind depth dataset { title accessLevel doi { doi state } } activity { kind software { name } } }
    edges { from to relation }
    truncated truncatedReason
  }
  impact(id: "tpcpp-10m") { datasets { id dataset { title doi { doi } } } }
}`;
const sample = (fn: () => unknown) => {
  const us: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    fn();
    us.push((performance.now() - t0) * 1000);
  }
  return median(us);
};
const check = sample(() => checkDocument(readmeQuery, config.graphql));
const parsed = sample(() => parse(readmeQuery));
console.log(
  `pre-parse check of a ${readmeQuery.length}-byte lineage query: ${check.toFixed(1)} µs median; graphql-js parse: ${parsed.toFixed(1)} µs (x${(check / parsed).toFixed(2)})`,
);

await app.close();
rmSync(dir, { recursive: true, force: true });
console.log(pass ? 'PASS' : 'FAIL');
process.exitCode = pass ? 0 : 1;
