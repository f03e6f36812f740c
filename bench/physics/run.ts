/**
 * Search over the typed physics blocks (issue 14 item 5): N records (default 100,000; half lattice
 * ensembles, a quarter detector data with a collision block, a quarter neither), written by raw
 * SQL into a database made by the real migrations; then the search repository's statements (page
 * and facets, what GET /datasets and GraphQL datasets run on a cache miss) for the range and facet
 * filters of the README against filters that existed before (none; tier), interleaved, medians.
 * Run: npx tsx bench/physics/run.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import { buildContainer } from '../../src/container.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { anonymous } from '../../src/modules/auth/auth.schema.js';
import { accessParams } from '../../src/modules/datasets/visibility.js';
import { searchQuery } from '../../src/modules/search/search.schema.js';
import { median, num, spread, table } from '../rest/stats.js';

const N = Number(process.env.BENCH_N ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 15);

const root = mkdtempSync(join(tmpdir(), 'femto-bench-physics-'));
const config = loadConfig({ FEMTO_DB: join(root, 'femto.sqlite'), FEMTO_SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false' });
const database = openDatabase(join(root, 'femto.sqlite'));
applyMigrations(database);

/** A deterministic sequence (xorshift): the same catalog every run. */
let seed = 42;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

const { sqlite } = database;
const t = new Date().toISOString();
const s = {
  concept: sqlite.prepare(`INSERT INTO datasets (id, created_by, owner_id, updated_at, created_at) VALUES (?, 'bench', 'admin', ?, ?)`),
  version:
    sqlite.prepare(`INSERT INTO dataset_versions (dataset_id, version_number, state, title, description, tier, data_type, resource_type, visibility, access_level, created_at, updated_at, published_at)
    VALUES (?, 1, 'published', ?, 'bench', ?, 'Raw-Simulation', 'Dataset', 'public', 'open', ?, ?, ?)`),
  pointer: sqlite.prepare(`UPDATE datasets SET latest_version_pk = ? WHERE id = ?`),
  ensemble: sqlite.prepare(
    `INSERT INTO version_ensembles (version_pk, markov_chain_uri, gauge_action, beta, l, lx, ly, lz, t, nf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  quark: sqlite.prepare(`INSERT INTO version_ensemble_quarks (version_pk, position, action, flavours, mass) VALUES (?, ?, ?, ?, ?)`),
  collision: sqlite.prepare(`INSERT INTO version_collisions (version_pk, sqrt_snn_gev, sqrt_snn_value, sqrt_snn_unit, simulated) VALUES (?, ?, ?, 'GeV', ?)`),
  system: sqlite.prepare(`INSERT INTO version_collision_systems (version_pk, position, system) VALUES (?, 0, ?)`),
};
const t0 = performance.now();
sqlite.transaction(() => {
  for (let i = 0; i < N; i++) {
    const id = `bench-${i}`;
    const kind = i % 4;
    s.concept.run(id, t, t);
    const pk = Number(s.version.run(id, `record ${i}`, kind < 2 ? 8 : 3, t, t, t).lastInsertRowid);
    s.pointer.run(pk, id);
    if (kind < 2) {
      const L = pick([16, 24, 32, 48, 64]);
      const nf = pick(['2', '2+1', '2+1+1']);
      s.ensemble.run(
        pk,
        `mc://bench/${i}`,
        pick(['plaquetteGluonAction', 'treelevelSymanzikGluonAction', 'iwasakiRGGluonAction']),
        5 + 2.5 * rand(),
        L,
        L,
        L,
        L,
        pick([8, 16, 32, 64, 96]),
        nf,
      );
      nf.split('+').forEach((f, q) =>
        s.quark.run(pk, q, pick(['hisqQuarkAction', 'npCloverQuarkAction', 'wilsonQuarkAction']), Number(f), 0.001 + rand() / 10),
      );
    } else if (kind === 2) {
      s.collision.run(pk, ...((v) => [v, v])(pick([7.7, 19.6, 62.4, 200, 2760, 5020, 13600])), rand() < 0.5 ? 1 : 0);
      s.system.run(pk, pick(['Au+Au', 'p+p', 'e+p', 'Pb+Pb', 'd+Au']));
    }
  }
})();
console.log(`${N.toLocaleString('en')} records written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
sqlite.exec('ANALYZE');

const c = buildContainer(config, database, await loadOntology(config.ontologyDir));
const access = accessParams(anonymous);
const QUERIES: Record<string, Record<string, string>> = {
  'no filter (baseline)': {},
  'tier=8 (an existing filter)': { tier: '8' },
  'beta=6.0..6.3&nf=2+1&L=32..64': { beta: '6.0..6.3', nf: '2+1', L: '32..64' },
  'quarkAction=hisqQuarkAction': { quarkAction: 'hisqQuarkAction' },
  'system=Au+Au&sqrtsNN=200': { system: 'Au+Au', sqrtsNN: '200' },
  'sqrtsNN=1000..': { sqrtsNN: '1000..' },
};
const times = new Map<string, number[]>(Object.keys(QUERIES).map((k) => [k, []]));
const totals = new Map<string, number>();
for (let r = 0; r < REPS; r++) {
  for (const [name, q] of Object.entries(QUERIES)) {
    const query = searchQuery.parse(q);
    const start = performance.now();
    const page = await c.repos.search.search(query, { access });
    times.get(name)!.push(performance.now() - start);
    totals.set(name, page.total);
  }
}
const base = median(times.get('no filter (baseline)')!);
console.log(
  table(
    ['query (page of 20 + total + every facet)', 'matches', 'ms median [min–max]', 'ratio to no filter'],
    [...times].map(([name, xs]) => [name, num(totals.get(name)!), spread(xs), `${(median(xs) / base).toFixed(2)}×`]),
  ),
);
await database.close();
rmSync(root, { recursive: true, force: true });
