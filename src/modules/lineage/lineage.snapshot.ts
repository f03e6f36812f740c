import type { GraphScan, Side } from './lineage.repository.js';

/** Compressed sparse rows: the neighbours of node i are targets[offsets[i] .. offsets[i + 1]). */
export interface Csr {
  offsets: Int32Array;
  targets: Int32Array;
}

/** Counting sort of (from, to) pairs by `from`: two passes, no per-node arrays. */
function csr(nodes: number, from: Int32Array, to: Int32Array): Csr {
  const offsets = new Int32Array(nodes + 1);
  for (let i = 0; i < from.length; i++) offsets[from[i] + 1]++;
  for (let i = 0; i < nodes; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, nodes);
  const targets = new Int32Array(from.length);
  for (let i = 0; i < from.length; i++) targets[fill[from[i]]++] = to[i];
  return { offsets, targets };
}

/**
 * The provenance graph's topology in typed arrays, as of one provenance generation. Versions are
 * indexed by dataset_versions.pk; activities by their position in the scan. Only what never
 * changes once written is held (edges, activity ids and kinds): version metadata such as the
 * access level can change, so answers read it from the database.
 */
export class ProvenanceSnapshot {
  readonly generation: number;
  /** One past the largest version pk on any edge; larger pks have no edges in this snapshot. */
  readonly versionCount: number;
  readonly activityIds: string[];
  readonly activityKinds: Uint8Array;
  readonly kinds: string[];
  private readonly activityIndex: Map<string, number>;
  /** near: version -> activities one step away on that side; far: activity -> versions beyond it. */
  readonly sides: Record<Side, { near: Csr; far: Csr }>;

  /* Scratch for walks (a walk is synchronous, so one set per snapshot suffices): a node is visited when its mark equals the walk's epoch. */
  readonly versionMark: Uint32Array;
  readonly versionDepth: Int32Array;
  readonly activityMark: Uint32Array;
  readonly activityDepth: Int32Array;
  private epoch = 0;

  constructor(scan: GraphScan) {
    this.generation = scan.generation;
    const nA = scan.activities.length;
    this.activityIds = new Array<string>(nA);
    this.activityKinds = new Uint8Array(nA);
    this.kinds = [];
    this.activityIndex = new Map();
    const kindCode = new Map<string, number>();
    scan.activities.forEach(([id, kind], i) => {
      this.activityIds[i] = id;
      this.activityIndex.set(id, i);
      let code = kindCode.get(kind);
      if (code === undefined) (code = this.kinds.length), kindCode.set(kind, code), this.kinds.push(kind);
      this.activityKinds[i] = code;
    });
    let maxPk = 0;
    const edges = (rows: [string, number][]) => {
      const acts = new Int32Array(rows.length);
      const pks = new Int32Array(rows.length);
      rows.forEach(([activity, pk], i) => {
        acts[i] = this.activityIndex.get(activity)!;
        pks[i] = pk;
        if (pk > maxPk) maxPk = pk;
      });
      return { acts, pks };
    };
    const inputs = edges(scan.inputs);
    const outputs = edges(scan.outputs);
    this.versionCount = maxPk + 1;
    this.sides = {
      up: { near: csr(this.versionCount, outputs.pks, outputs.acts), far: csr(nA, inputs.acts, inputs.pks) },
      down: { near: csr(this.versionCount, inputs.pks, inputs.acts), far: csr(nA, outputs.acts, outputs.pks) },
    };
    this.versionMark = new Uint32Array(this.versionCount);
    this.versionDepth = new Int32Array(this.versionCount);
    this.activityMark = new Uint32Array(nA);
    this.activityDepth = new Int32Array(nA);
  }

  activity(id: string): number | undefined {
    return this.activityIndex.get(id);
  }

  /** A fresh epoch: every node unvisited, in O(1). */
  nextEpoch(): number {
    if (this.epoch === 0xffffffff) {
      this.versionMark.fill(0);
      this.activityMark.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }

  /** Bytes held in typed arrays (the activity id strings and their index come on top; bench/lineage measures the heap). */
  get typedArrayBytes(): number {
    const arrays = [this.activityKinds, this.versionMark, this.versionDepth, this.activityMark, this.activityDepth];
    for (const s of Object.values(this.sides)) arrays.push(s.near.offsets, s.near.targets, s.far.offsets, s.far.targets);
    return arrays.reduce((n, a) => n + a.byteLength, 0);
  }
}
