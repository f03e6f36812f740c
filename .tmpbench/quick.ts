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
const cases: [string, string, Record<string, string>?, number?][] = [
  ['health', '/health'],
  ['json', '/datasets/fm4npp'],
  ['jsonld', '/datasets/fm4npp', { accept: 'application/ld+json' }],
  ['html', '/datasets/fm4npp', { accept: 'text/html' }],
  ['search20', '/datasets?q=lattice&limit=20'],
  ['catalog100', '/catalog', {}, 100],
  ['oai100', '/oai?verb=ListRecords&metadataPrefix=oai_datacite', {}, 100],
];
for (const [, path, h] of cases) await run(path, h); // warm
let health = 0;
for (const [name, path, h, per] of cases) {
  const rps = await run(path, h);
  if (name === 'health') health = rps;
  console.log(name.padEnd(12), rps.toFixed(0).padStart(7), 'req/s', per ? `${(rps * per).toFixed(0)} rec/s ${(100 * rps * per / health).toFixed(0)}%` : `${(100 * rps / health).toFixed(0)}%`);
}
await app.close();
