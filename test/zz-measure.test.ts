import t from 'tap';
import { setFlagsFromString, getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makeApp } from './helpers/app.js';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => { gc(); gc(); return Object.fromEntries(getHeapSpaceStatistics().map(s => [s.space_name, s.space_used_size])); };
const diff = (a: any, b: any) => Object.entries(b).map(([k, v]) => `${k}:${(((v as number) - a[k]) / 1048576).toFixed(1)}`).join(' ');
t.test('m', async (t) => {
  const a = await makeApp(t, { FEMTO_GRAPHQL_CACHE_BYTES: String(16 * 1024 * 1024) });
  const fields = 'id title description tier domain dataType license '.repeat(140).trim().split(' ');
  const doc = (k: number) => `{ v${k}: datasets(first: 1) { edges { node { ${fields.slice(0, 975).join(' ')} } } } }`;
  const bad = (k: number) => `{ v${k}: dataset(id: "x") { ${fields.slice(0, 980).map((f, i) => `${f}${i % 7 === 0 ? 'Nope' : ''}`).join(' ')} } }`;
  const post = (q: string) => a.app.inject({ method: 'POST', url: '/graphql', payload: { query: q } });
  await post(doc(0)); await post(doc(0)); await post(bad(0));
  let b = heap();
  for (let k = 1; k <= 300; k++) await post(doc(k));
  console.log('valid parsed', diff(b, heap()));
  b = heap();
  for (let k = 301; k <= 600; k++) { await post(doc(k)); await post(doc(k)); }
  console.log('valid jit', diff(b, heap()));
  b = heap();
  for (let k = 1; k <= 300; k++) await post(bad(k));
  console.log('refused', diff(b, heap()));
  b = heap();
  for (let k = 1; k <= 300; k++) await a.app.inject({ method: 'GET', url: '/health' });
  console.log('health', diff(b, heap()));
});
