import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
const dir = mkdtempSync(join(tmpdir(), 'rp-'));
const config = loadConfig({ FEMTO_DB: join(dir, 'b.sqlite'), LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false' });
const app = await buildApp(config, { logger: false });
const url = process.env.URL ?? '/datasets?q=lattice&limit=20';
for (let i = 0; i < 200; i++) await app.inject({ url });
const { Session } = await import('node:inspector/promises');
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
for (let i = 0; i < 1000; i++) await app.inject({ url });
const { profile } = await s.post('Profiler.stop') as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }[] } };
const self = new Map<string, number>();
for (const n of profile.nodes) { const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + n.hitCount); }
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((100 * v / total).toFixed(1).padStart(5), k);
await app.close();
