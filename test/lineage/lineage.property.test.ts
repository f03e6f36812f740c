import t from 'tap';
import fc from 'fast-check';
import { makeApp } from '../helpers/app.js';
import { gql, graphBuilder, LINEAGE_FIELDS } from './graph.js';

/** A random DAG: datasets 0..n-1; each step reads earlier datasets and writes later ones not yet written. */
const dag = fc.integer({ min: 2, max: 14 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    steps: fc.array(
      fc.record({
        cut: fc.integer({ min: 1, max: n - 1 }),
        ins: fc.array(fc.nat(), { maxLength: 4 }),
        outs: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      }),
      { maxLength: 12 },
    ),
    root: fc.nat(n - 1),
    direction: fc.constantFrom('UPSTREAM', 'DOWNSTREAM', 'BOTH'),
    depth: fc.integer({ min: 0, max: 6 }),
  }),
);

interface Step {
  id: string;
  inputs: number[];
  outputs: number[];
}

/**
 * The reference, written apart from the service: distances by relaxation to a fixpoint (no BFS
 * queue, no visited set), then the induced subgraph of what lies within the bound.
 */
function reference(steps: Step[], root: number, side: 'up' | 'down', bound: number, prefix: string) {
  const dist = new Map<string, number>([[`${prefix}d${root}@1`, 0]]);
  const ds = (i: number) => `${prefix}d${i}@1`;
  for (let changed = true; changed;) {
    changed = false;
    const relax = (key: string, d: number) => {
      if (!(dist.get(key)! <= d)) {
        dist.set(key, d);
        changed = true;
      }
    };
    for (const s of steps) {
      const near = side === 'up' ? s.outputs : s.inputs;
      const far = side === 'up' ? s.inputs : s.outputs;
      const best = Math.min(...near.map((i) => dist.get(ds(i)) ?? Infinity));
      if (best === Infinity) continue;
      relax(s.id, best + 1);
      for (const f of far) relax(ds(f), best + 1);
    }
  }
  const kept = new Map([...dist].filter(([, d]) => d <= bound));
  const edges: string[] = [];
  for (const s of steps) {
    if (!kept.has(s.id)) continue;
    for (const i of s.inputs) if (kept.has(ds(i))) edges.push(`${s.id} USED ${ds(i)}`);
    for (const o of s.outputs) if (kept.has(ds(o))) edges.push(`${ds(o)} WAS_GENERATED_BY ${s.id}`);
  }
  return { nodes: kept, edges, truncated: dist.size > kept.size };
}

t.test('on random DAGs, lineage equals an independent reference walk', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(dag, async ({ n, steps: raw, root, direction, depth }) => {
      const prefix = `r${run++}-`;
      for (let i = 0; i < n; i++) await g.dataset(`${prefix}d${i}`);
      const written = new Set<number>();
      const steps: Step[] = [];
      for (const [k, s] of raw.entries()) {
        const inputs = [...new Set(s.ins.map((x) => x % s.cut))];
        const outputs = [...new Set(s.outs.map((x) => s.cut + (x % (n - s.cut))))].filter((o) => !written.has(o));
        if (!outputs.length) continue;
        outputs.forEach((o) => written.add(o));
        steps.push({ id: `${prefix}s${k}`, inputs, outputs });
        await g.step(
          `${prefix}s${k}`,
          inputs.map((i) => `${prefix}d${i}`),
          outputs.map((o) => `${prefix}d${o}`),
        );
      }
      const { body } = await gql(a.app, `{ lineage(id: "${prefix}d${root}", direction: ${direction}, depth: ${depth}) { ${LINEAGE_FIELDS} } }`);
      const got = body.data.lineage;
      const sides = direction === 'BOTH' ? (['up', 'down'] as const) : ([direction === 'UPSTREAM' ? 'up' : 'down'] as const);
      const refs = sides.map((side) => reference(steps, root, side, depth, prefix));
      const want = new Map<string, number>();
      for (const r of refs) for (const [k, d] of r.nodes) want.set(k, Math.min(d, want.get(k) ?? Infinity));
      t.same(new Map(got.nodes.map((x: { id: string; depth: number }) => [x.id, x.depth])), want);
      t.same(
        got.edges.map((e: { from: string; to: string; relation: string }) => `${e.from} ${e.relation} ${e.to}`).sort(),
        [...new Set(refs.flatMap((r) => r.edges))].sort(),
      );
      t.equal(
        got.truncated,
        refs.some((r) => r.truncated),
      );
    }),
    { numRuns: 60 },
  );
});
