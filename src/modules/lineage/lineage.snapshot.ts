import type { GraphScan, Side, VersionMeta } from './lineage.repository.js';

const ACCESS: VersionMeta['accessLevel'][] = ['open', 'embargoed', 'restricted'];

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
 * The provenance graph in typed arrays, as of one provenance generation: its edges, activity ids
 * and kinds, and what answers need of each published version (id, number, access level, tier,
 * data type). Versions are indexed by dataset_versions.pk, activities by their position in the
 * scan. All of it is fixed once written: edges only grow with activities, which bump the
 * generation, and a published version row is never updated (the datasets repository updates only
 * drafts; a change to that rule must bump the generation too). A version published after the
 * build has no edges in the snapshot, so it can only be a root, whose metadata the caller reads.
 */
export class ProvenanceSnapshot {
  readonly generation: number;
  /** One past the largest version pk on any edge; larger pks have no edges in this snapshot. */
  readonly versionCount: number;
  readonly activityIds: string[];
  readonly activityKinds: Uint8Array;
  readonly kinds: string[];
  private readonly activityIndex: Map<string, number>;
  /** Published versions by pk: number 0 marks a pk that is not one (then `meta` is undefined). */
  readonly versionNumber: Int32Array;
  readonly versionDataset: string[];
  /** "<datasetId>@<n>", the node id. */
  readonly versionId: string[];
  readonly restricted: Uint8Array;
  private readonly accessLevel: Uint8Array;
  private readonly tier: Int8Array;
  private readonly dataType: Uint8Array;
  private readonly dataTypes: (string | null)[] = [null];
  /** near: version -> activities one step away on that side; far: activity -> versions beyond it. */
  readonly sides: Record<Side, { near: Csr; far: Csr }>;

  /* Scratch for walks (a walk is synchronous, so one set per snapshot suffices): a node is visited when its mark equals the walk's epoch. */
  readonly versionMark: Uint32Array;
  readonly versionDepth: Int32Array;
  readonly activityMark: Uint32Array;
  readonly activityDepth: Int32Array;
  private epoch = 0;
  private buffers?: { keys: Int32Array; depths: Int32Array; edges: Int32Array };
  private readonly edgeCount: number;

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
    for (const v of scan.versions) if (v[0] > maxPk) maxPk = v[0];
    this.versionCount = maxPk + 1;
    this.edgeCount = inputs.pks.length + outputs.pks.length;
    this.versionNumber = new Int32Array(this.versionCount);
    this.versionDataset = new Array<string>(this.versionCount);
    this.versionId = new Array<string>(this.versionCount);
    this.restricted = new Uint8Array(this.versionCount);
    this.accessLevel = new Uint8Array(this.versionCount);
    this.tier = new Int8Array(this.versionCount).fill(-1);
    this.dataType = new Uint8Array(this.versionCount);
    const typeCode = new Map<string, number>();
    for (const [pk, datasetId, n, access, tier, dataType] of scan.versions) {
      this.versionNumber[pk] = n;
      this.versionDataset[pk] = datasetId;
      this.versionId[pk] = `${datasetId}@${n}`;
      this.accessLevel[pk] = ACCESS.indexOf(access);
      this.restricted[pk] = access === 'restricted' ? 1 : 0;
      if (tier !== null) this.tier[pk] = tier;
      if (dataType !== null) {
        let code = typeCode.get(dataType);
        if (code === undefined) (code = this.dataTypes.length), typeCode.set(dataType, code), this.dataTypes.push(dataType);
        this.dataType[pk] = code;
      }
    }
    this.sides = {
      up: { near: csr(this.versionCount, outputs.pks, outputs.acts), far: csr(nA, inputs.acts, inputs.pks) },
      down: { near: csr(this.versionCount, inputs.pks, inputs.acts), far: csr(nA, outputs.acts, outputs.pks) },
    };
    this.versionMark = new Uint32Array(this.versionCount);
    this.versionDepth = new Int32Array(this.versionCount);
    this.activityMark = new Uint32Array(nA);
    this.activityDepth = new Int32Array(nA);
  }

  /** A published version's metadata, or undefined when the pk is none in this snapshot. */
  meta(pk: number): VersionMeta | undefined {
    if (!(pk < this.versionCount) || this.versionNumber[pk] === 0) return undefined;
    const tier = this.tier[pk];
    return {
      pk,
      datasetId: this.versionDataset[pk],
      version: this.versionNumber[pk],
      accessLevel: ACCESS[this.accessLevel[pk]],
      tier: tier < 0 ? null : tier,
      dataType: this.dataTypes[this.dataType[pk]],
    };
  }

  activity(id: string): number | undefined {
    return this.activityIndex.get(id);
  }

  /** Does the snapshot hold this published version's metadata? */
  knows(pk: number): boolean {
    return pk < this.versionCount && this.versionNumber[pk] > 0;
  }

  /**
   * Buffers for one walk's nodes and edges, sized for the largest possible walk (every node once,
   * every edge once, plus the roots), allocated on first use.
   */
  scratch(roots: number) {
    const nodes = this.versionCount + this.activityIds.length + roots;
    if (!this.buffers || this.buffers.keys.length < nodes) {
      this.buffers = { keys: new Int32Array(nodes), depths: new Int32Array(nodes), edges: new Int32Array(3 * this.edgeCount) };
    }
    return this.buffers;
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
}
