import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'rp-'));
const config = loadConfig({ FEMTO_DB: join(dir, 'b.sqlite'), LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false', PORT: '0' });
const app = await buildApp(config, { logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const secs = Number(process.env.S ?? 5);
const run = (path: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve) => autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 20, duration: secs, headers }, (_e, r) => resolve(r.requests.average)));
const etag = (await fetch(`http://127.0.0.1:${port}/datasets/fm4npp`)).headers.get('etag')!;
const cases: [string, string, Record<string, string>?, number?][] = [
  ['health', '/health'],
  ['json', '/datasets/fm4npp'],
  ['json304', '/datasets/fm4npp', { 'if-none-match': etag }],
  ['jsonld', '/datasets/fm4npp', { accept: 'application/ld+json' }],
  ['html', '/datasets/fm4npp', { accept: 'text/html' }],
  ['search20', '/datasets?q=lattice&limit=20'],
  ['catalog100', '/catalog', {}, 100],
  ['oai100', '/oai?verb=ListRecords&metadataPrefix=oai_datacite', {}, 100],
];
for (const [, path, h] of cases) await run(path, h); // warm
const rounds = Number(process.env.R ?? 1);
const results = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, path, h, per] of cases) {
    const rps = (await run(path, h)) * (per ?? 1);
    results.set(name, [...(results.get(name) ?? []), rps]);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const health = med(results.get('health')!);
const ratios = (name: string) => results.get(name)!.map((v, i) => (100 * v) / results.get('health')![i]);
for (const [name, , , per] of cases) {
  const xs = results.get(name)!;
  const rs = ratios(name);
  console.log(`| ${name} | ${med(xs).toFixed(0)} ${per ? 'records/s' : 'req/s'} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}] | ${med(rs).toFixed(0)}% [${Math.min(...rs).toFixed(0)}–${Math.max(...rs).toFixed(0)}] |`);
}
void health;
await app.close();
