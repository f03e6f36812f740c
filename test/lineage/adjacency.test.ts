import t from 'tap';
import fc from 'fast-check';
import { Adjacency } from '../../src/modules/lineage/lineage.adjacency.js';

const neighbours = (adj: Adjacency, i: number) => {
  const out: number[] = [];
  if (i < adj.nodes) {
    for (let j = adj.offsets[i]; j < adj.offsets[i + 1]; j++) out.push(adj.targets[j]);
    for (let e = adj.head[i]; e >= 0; e = adj.next[e]) out.push(adj.overflow[e]);
  }
  return out;
};

// size 'max': lengths spread over the whole range, so appends cross the folding threshold (1,024) in many runs.
const pairs = (maxLength: number) => fc.array(fc.tuple(fc.nat(60), fc.nat(1000)), { maxLength, size: 'max' });
const built = (nodes: number, p: [number, number][]) => Adjacency.build(nodes, Int32Array.from(p.map((x) => x[0])), Int32Array.from(p.map((x) => x[1])));

t.test("a CSR plus appended edges lists each node's neighbours as a build of all edges does, in order, before and after folding", (t) => {
  fc.assert(
    fc.property(pairs(200), pairs(3000), (base, appended) => {
      const adj = built(base.length ? Math.max(...base.map((p) => p[0])) + 1 : 0, base);
      for (const [from, to] of appended) adj.add(from, to);
      const all = [...base, ...appended];
      const nodes = all.length ? Math.max(...all.map((p) => p[0])) + 1 : 0;
      const want = built(nodes, all);
      t.equal(adj.edges, all.length);
      for (let i = 0; i <= nodes; i++) if (JSON.stringify(neighbours(adj, i)) !== JSON.stringify(neighbours(want, i))) return false;
      return true;
    }),
    { numRuns: 60 },
  );
  t.end();
});
