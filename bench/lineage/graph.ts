import type { Database_ } from '../../src/db/client.js';

/** Deterministic PRNG (mulberry32), so every run builds the same graph. */
export function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SHAPE = {
  datasets: 100_000,
  /** d0..d999 have no generating step. */
  raw: 1_000,
  /** Step j generates d(raw + j) and reads d(raw + j - lanes): 100 chains of ~1,000 steps. */
  lanes: 100,
  /** Chance of one extra input from the last `window` datasets (chains cross over). */
  crossover: 0.25,
  window: 3_000,
  /** Every 1,000th step reads 100 inputs (wide fan-in). */
  fanInEvery: 1_000,
  fanIn: 100,
  /** Every 20th step also reads one of the calibration datasets d0..d9 (wide fan-out: ~500 readers each). */
  calibrationEvery: 20,
  /** Evaluation steps at the end read 3 datasets and generate nothing; they make the step count 100,000. */
  evaluations: 1_000,
};

export interface Edges {
  /** inputs[j] = dataset indexes step j used. */
  inputs: number[][];
  /** output[j] = dataset index step j generated, or -1. */
  output: number[];
}

export function generate(seed = 42): Edges {
  const r = rng(seed);
  const s = SHAPE;
  const inputs: number[][] = [];
  const output: number[] = [];
  const pick = (k: number) => Math.max(0, k - s.window) + Math.floor(r() * Math.min(k, s.window));
  for (let j = 0; j < s.datasets - s.raw; j++) {
    const k = s.raw + j;
    const ins = new Set<number>([k - s.lanes]);
    if (r() < s.crossover) ins.add(pick(k));
    if (j % s.fanInEvery === 0) for (let i = 0; i < s.fanIn; i++) ins.add(pick(k));
    if (j % s.calibrationEvery === 0) ins.add(k % 10);
    inputs.push([...ins]);
    output.push(k);
  }
  for (let e = 0; e < s.evaluations; e++) {
    inputs.push([0, 1, 2].map(() => Math.floor(r() * s.datasets)));
    output.push(-1);
  }
  return { inputs, output };
}

/** Dataset index k is stored as id "d<k>" with version pk k + 1; step j as activity "s<j>". */
export function insert({ sqlite }: Database_, g: Edges) {
  const now = new Date().toISOString();
  const ds = sqlite.prepare(`INSERT INTO datasets (id, latest_version_pk, updated_at, created_by) VALUES (?, ?, ?, 'bench')`);
  const dv = sqlite.prepare(
    `INSERT INTO dataset_versions (pk, dataset_id, version_number, state, title, description, access_level, tier, updated_at, published_at)
     VALUES (?, ?, 1, 'published', ?, 'synthetic', 'open', ?, ?, ?)`,
  );
  const act = sqlite.prepare(`INSERT INTO activities (id, kind, created_by) VALUES (?, ?, 'bench')`);
  const inp = sqlite.prepare('INSERT OR IGNORE INTO activity_inputs (activity_id, version_pk) VALUES (?, ?)');
  const out = sqlite.prepare('INSERT INTO activity_outputs (activity_id, version_pk) VALUES (?, ?)');
  sqlite.transaction(() => {
    for (let k = 0; k < SHAPE.datasets; k++) {
      ds.run(`d${k}`, k + 1, now);
      dv.run(k + 1, `d${k}`, `Synthetic dataset ${k}`, k % 10, now, now);
    }
    g.inputs.forEach((ins, j) => {
      act.run(`s${j}`, g.output[j] < 0 ? 'evaluation' : 'analysis');
      for (const k of ins) inp.run(`s${j}`, k + 1);
      if (g.output[j] >= 0) out.run(`s${j}`, g.output[j] + 1);
    });
  })();
}

/** The same graph as PROV-O N-Triples for Oxigraph. */
export function nTriples(g: Edges): string {
  const P = 'http://www.w3.org/ns/prov#';
  const lines: string[] = [];
  g.inputs.forEach((ins, j) => {
    for (const k of ins) lines.push(`<urn:a:s${j}> <${P}used> <urn:d:${k + 1}> .`);
    if (g.output[j] >= 0) lines.push(`<urn:d:${g.output[j] + 1}> <${P}wasGeneratedBy> <urn:a:s${j}> .`);
  });
  return lines.join('\n');
}
