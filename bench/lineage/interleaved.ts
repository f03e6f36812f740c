/**
 * Lineage right after a write, on the 100k/100k graph of bench/lineage: each round records one
 * derivation step (a new dataset generated from a random existing one), then times the next
 * lineage query. "before" is a lineage service whose snapshot is built from full scans, which is
 * what every first query after a write paid before snapshots were extended in place; "after" is
 * the long-lived service, which appends the new rows. Both answer the same query in the same round.
 * Run: npx tsx bench/lineage/interleaved.ts   (knob: BENCH_ROUNDS, default 30)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import { buildContainer } from '../../src/container.js';
import { createLineageService } from '../../src/modules/lineage/lineage.service.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import type { VersionContent } from '../../src/modules/datasets/datasets.schema.js';
import { generate, insert, rng, SHAPE } from './graph.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'femto-bench-interleaved-'));
const dbPath = join(dir, 'bench.sqlite');
const database = openDatabase(dbPath);
applyMigrations(database);
insert(database, generate());
database.sqlite.pragma('optimize');
const config = loadConfig({ FEMTO_DB: dbPath, LOG_LEVEL: 'silent' });
const container = buildContainer(config, database, await loadOntology(config.ontologyDir));
const actor = { id: 'bench', role: 'admin' as const };
const rebuilding = () =>
  createLineageService({
    repo: container.repos.lineage,
    reader: container.reader,
    heldBy: (actor) => container.datasets.heldBy(actor),
    gateStatus: (pks) => container.gates.gateStatusFor(pks),
    limits: { ...config.lineage, timeoutMs: config.requestTimeoutMs },
  });

const ms = (fn: () => unknown) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => `${median(xs).toFixed(2)} ms [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;
const ids = (l: { nodes: { id: string }[] }) =>
  l.nodes
    .map((n) => n.id)
    .sort()
    .join();

const live = container.lineage;
await live.lineage(actor, { id: 'd0', depth: 0 });
const random = rng(7);
const before: number[] = [];
const after: number[] = [];
const quiet: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const from = `d${Math.floor(random() * SHAPE.datasets)}`;
  const out = `bench-out-${r}`;
  await container.datasets.createPublished(actor, out, {
    title: out,
    description: 'bench',
    creators: [{ name: 'bench', type: 'Person' }],
    accessLevel: 'open',
  } as VersionContent);
  await container.provenance.create(actor, { id: `bench-step-${r}`, kind: 'analysis' as never, inputs: [{ dataset: from }], outputs: [{ dataset: out }] });
  const q = { id: out, direction: 'UPSTREAM' as const, depth: 5 };
  let a = '';
  let b = '';
  after.push(ms(async () => (a = ids(await live.lineage(actor, q)))));
  quiet.push(ms(() => live.lineage(actor, q)));
  before.push(ms(async () => (b = ids(await rebuilding().lineage(actor, q)))));
  if (a !== b) throw new Error(`round ${r}: the appended snapshot and a full build disagree`);
}
const stats = live.snapshotStats();
console.log(
  `# lineage query right after one activity insert — ${SHAPE.datasets.toLocaleString()} datasets, ${ROUNDS} rounds (upstream depth 5 from the new output)`,
);
console.log(`before (full build):        ${spread(before)}`);
console.log(`after (append):             ${spread(after)}`);
console.log(`no write since (reference): ${spread(quiet)}`);
console.log(`ratio before / after: ${(median(before) / median(after)).toFixed(0)}x; live service: ${stats.fullBuilds} full build(s), ${stats.appends} appends`);
await database.close();
rmSync(dir, { recursive: true, force: true });
