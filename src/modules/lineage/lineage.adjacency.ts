/** A copy of `a` with room for at least `min` elements (doubling, so appends cost O(1) amortized); `a` itself when it fits. */
export function grow<T extends Int32Array | Uint32Array | Uint8Array | Int8Array>(a: T, min: number, fill = 0): T {
  if (a.length >= min) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(min, 2 * a.length, 16));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/**
 * Neighbour lists of nodes 0 .. nodes-1: compressed sparse rows (the neighbours of i are
 * targets[offsets[i] .. offsets[i + 1])) as built from a full scan, plus an overflow of edges
 * appended since, chained per node in insertion order (head, next, tail), so an append costs O(1)
 * and a node's neighbours stay in the order a full build would give (CSR part first, then the
 * overflow, both in insertion order). When the overflow outgrows a quarter of the CSR it is folded
 * into it, so the walk mostly reads contiguous memory.
 */
export class Adjacency {
  nodes: number;
  offsets: Int32Array;
  targets: Int32Array;
  /** First and last overflow entry of each node, -1 when none. */
  head: Int32Array;
  private tail: Int32Array;
  next: Int32Array;
  overflow: Int32Array;
  private extra = 0;

  private constructor(nodes: number, offsets: Int32Array, targets: Int32Array) {
    this.nodes = nodes;
    this.offsets = offsets;
    this.targets = targets;
    this.head = new Int32Array(offsets.length).fill(-1);
    this.tail = new Int32Array(offsets.length).fill(-1);
    this.next = new Int32Array(16);
    this.overflow = new Int32Array(16);
  }

  /** Counting sort of (from, to) pairs by `from`: two passes, no per-node arrays; stable, so pairs keep their order. */
  static build(nodes: number, from: Int32Array, to: Int32Array): Adjacency {
    const offsets = new Int32Array(nodes + 1);
    for (let i = 0; i < from.length; i++) offsets[from[i] + 1]++;
    for (let i = 0; i < nodes; i++) offsets[i + 1] += offsets[i];
    const fill = offsets.slice(0, nodes);
    const targets = new Int32Array(from.length);
    for (let i = 0; i < from.length; i++) targets[fill[from[i]]++] = to[i];
    return new Adjacency(nodes, offsets, targets);
  }

  get edges(): number {
    return this.targets.length + this.extra;
  }

  /** Room for nodes up to `n` - 1; new nodes have no neighbours (the walk reads offsets[i + 1] of every node). */
  ensureNodes(n: number): void {
    if (n <= this.nodes) return;
    const end = this.targets.length;
    const before = this.offsets.length;
    this.offsets = grow(this.offsets, n + 1);
    this.offsets.fill(end, before);
    this.head = grow(this.head, n + 1, -1);
    this.tail = grow(this.tail, n + 1, -1);
    this.nodes = n;
  }

  /** Does some neighbour of `node` satisfy `test`? */
  some(node: number, test: (target: number) => boolean): boolean {
    if (node >= this.nodes) return false;
    for (let j = this.offsets[node], end = this.offsets[node + 1]; j < end; j++) if (test(this.targets[j])) return true;
    for (let e = this.head[node]; e >= 0; e = this.next[e]) if (test(this.overflow[e])) return true;
    return false;
  }

  add(from: number, to: number): void {
    this.ensureNodes(from + 1);
    const e = this.extra++;
    this.next = grow(this.next, e + 1);
    this.overflow = grow(this.overflow, e + 1);
    this.overflow[e] = to;
    this.next[e] = -1;
    if (this.tail[from] < 0) this.head[from] = e;
    else this.next[this.tail[from]] = e;
    this.tail[from] = e;
    if (this.extra > 1024 && this.extra > this.targets.length / 4) this.compact();
  }

  private compact(): void {
    const offsets = new Int32Array(this.offsets.length);
    const targets = new Int32Array(this.edges);
    let k = 0;
    for (let i = 0; i < this.nodes; i++) {
      offsets[i] = k;
      for (let j = this.offsets[i], end = this.offsets[i + 1]; j < end; j++) targets[k++] = this.targets[j];
      for (let e = this.head[i]; e >= 0; e = this.next[e]) targets[k++] = this.overflow[e];
    }
    offsets.fill(k, this.nodes);
    this.offsets = offsets;
    this.targets = targets;
    this.head.fill(-1);
    this.tail.fill(-1);
    this.extra = 0;
  }
}
