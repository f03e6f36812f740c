import { Adjacency, grow } from './lineage.adjacency.js';
import type { GraphScan, ScanCursor, Side, VersionMeta } from './lineage.repository.js';

const ACCESS: VersionMeta['accessLevel'][] = ['open', 'embargoed', 'restricted'];

type VersionRow = GraphScan['versions'][number];

/** Do the rows of `rows` carry consecutive rowids right after `after`? */
const follows = (after: number, rows: [number, ...unknown[]][]) => rows.every((r, i) => r[0] === after + i + 1);

/**
 * The provenance graph in typed arrays, as of one provenance generation: its edges, activity ids
 * and kinds, and what answers need of each published version (id, number, access level, tier,
 * data type). Versions are indexed by dataset_versions.pk, activities by their rowid order.
 *
 * Built once from a full scan, then extended in place: activities and their edges are only ever
 * inserted (each insert bumps the generation) and a published version row is never updated (the
 * datasets repository updates only drafts), so what a newer generation adds is the rows past the
 * snapshot's cursor, appended by `apply`. Anything that does not fit that rule (a rowid gap, an
 * edge of an unknown activity, a version row that changed) makes `apply` refuse, and the caller
 * builds afresh. A version published after the build without edges can only be a root, whose
 * metadata the caller reads.
 */
export class ProvenanceSnapshot {
  generation: number;
  readonly cursor: ScanCursor = { activities: 0, inputs: 0, outputs: 0 };
  /** One past the largest version pk on any edge or published; larger pks have no edges in this snapshot. */
  versionCount = 0;
  readonly activityIds: string[] = [];
  activityKinds = new Uint8Array(0);
  readonly kinds: string[] = [];
  private readonly kindCode = new Map<string, number>();
  private readonly activityIndex = new Map<string, number>();
  /** Published versions by pk: number 0 marks a pk that is not one (then `meta` is undefined). */
  versionNumber = new Int32Array(0);
  readonly versionDataset: string[] = [];
  /** "<datasetId>@<n>", the node id. */
  readonly versionId: string[] = [];
  restricted = new Uint8Array(0);
  /** 1 for a private version: hidden from callers that do not hold its record. */
  privateVersion = new Uint8Array(0);
  private accessLevel = new Uint8Array(0);
  private tier = new Int8Array(0);
  private dataType = new Uint8Array(0);
  private readonly dataTypes: (string | null)[] = [null];
  private readonly typeCode = new Map<string, number>();
  /** near: version -> activities one step away on that side; far: activity -> versions beyond it. */
  readonly sides: Record<Side, { near: Adjacency; far: Adjacency }>;

  /* Scratch for walks (a walk is synchronous, so one set per snapshot suffices): a node is visited when its mark equals the walk's epoch. */
  versionMark = new Uint32Array(0);
  versionDepth = new Int32Array(0);
  activityMark = new Uint32Array(0);
  activityDepth = new Int32Array(0);
  private epoch = 0;
  private buffers?: { keys: Int32Array; depths: Int32Array; edges: Int32Array };

  constructor(scan: GraphScan) {
    this.generation = scan.generation;
    this.addActivities(scan.activities);
    const nA = this.activityIds.length;
    const edges = (rows: GraphScan['inputs']) => {
      const acts = new Int32Array(rows.length);
      const pks = new Int32Array(rows.length);
      rows.forEach(([, activity, pk], i) => {
        acts[i] = this.activityIndex.get(activity)!;
        pks[i] = pk;
      });
      return { acts, pks };
    };
    const inputs = edges(scan.inputs);
    const outputs = edges(scan.outputs);
    this.advance(scan);
    this.addVersions(scan.versions, [inputs.pks, outputs.pks]);
    const nV = this.versionCount;
    this.sides = {
      up: { near: Adjacency.build(nV, outputs.pks, outputs.acts), far: Adjacency.build(nA, inputs.acts, inputs.pks) },
      down: { near: Adjacency.build(nV, inputs.pks, inputs.acts), far: Adjacency.build(nA, outputs.acts, outputs.pks) },
    };
  }

  /**
   * Appends what a later generation added (rows after `cursor`, from `repo.changes`). Returns
   * false, changing nothing, when the changes are not a plain append; the snapshot is then stale.
   */
  apply(changes: GraphScan): boolean {
    if (changes.generation <= this.generation) return false;
    if (!follows(this.cursor.activities, changes.activities) || !follows(this.cursor.inputs, changes.inputs) || !follows(this.cursor.outputs, changes.outputs))
      return false;
    const added = new Set(changes.activities.map((r) => r[1]));
    if (added.size !== changes.activities.length || changes.activities.some((r) => this.activityIndex.has(r[1]))) return false;
    const known = (r: [number, string, number]) => this.activityIndex.has(r[1]) || added.has(r[1]);
    if (!changes.inputs.every(known) || !changes.outputs.every(known)) return false;
    if (changes.versions.some((v) => this.knows(v[0]) && !this.same(v))) return false;

    this.addActivities(changes.activities);
    this.addVersions(changes.versions, [changes.inputs.map((r) => r[2]), changes.outputs.map((r) => r[2])]);
    const { up, down } = this.sides;
    up.far.ensureNodes(this.activityIds.length);
    down.far.ensureNodes(this.activityIds.length);
    up.near.ensureNodes(this.versionCount);
    down.near.ensureNodes(this.versionCount);
    for (const [, activity, pk] of changes.inputs) {
      const a = this.activityIndex.get(activity)!;
      up.far.add(a, pk);
      down.near.add(pk, a);
    }
    for (const [, activity, pk] of changes.outputs) {
      const a = this.activityIndex.get(activity)!;
      up.near.add(pk, a);
      down.far.add(a, pk);
    }
    this.advance(changes);
    return true;
  }

  private advance(scan: GraphScan) {
    this.generation = scan.generation;
    const last = (rows: [number, ...unknown[]][], before: number) => (rows.length ? rows[rows.length - 1][0] : before);
    this.cursor.activities = last(scan.activities, this.cursor.activities);
    this.cursor.inputs = last(scan.inputs, this.cursor.inputs);
    this.cursor.outputs = last(scan.outputs, this.cursor.outputs);
  }

  private addActivities(rows: GraphScan['activities']) {
    const n = this.activityIds.length + rows.length;
    this.activityKinds = grow(this.activityKinds, n);
    this.activityMark = grow(this.activityMark, n);
    this.activityDepth = grow(this.activityDepth, n);
    for (const [, id, kind] of rows) {
      const i = this.activityIds.length;
      this.activityIds.push(id);
      this.activityIndex.set(id, i);
      let code = this.kindCode.get(kind);
      if (code === undefined) {
        code = this.kinds.length;
        this.kindCode.set(kind, code);
        this.kinds.push(kind);
      }
      this.activityKinds[i] = code;
    }
  }

  /** Records published versions and makes room for every pk of `edgePks`. */
  private addVersions(rows: VersionRow[], edgePks: ArrayLike<number>[]) {
    let maxPk = this.versionCount - 1;
    for (const pks of edgePks) for (let i = 0; i < pks.length; i++) if (pks[i] > maxPk) maxPk = pks[i];
    for (const v of rows) if (v[0] > maxPk) maxPk = v[0];
    const n = maxPk + 1;
    if (n > this.versionCount) {
      this.versionNumber = grow(this.versionNumber, n);
      this.restricted = grow(this.restricted, n);
      this.privateVersion = grow(this.privateVersion, n);
      this.accessLevel = grow(this.accessLevel, n);
      this.tier = grow(this.tier, n, -1);
      this.dataType = grow(this.dataType, n);
      this.versionMark = grow(this.versionMark, n);
      this.versionDepth = grow(this.versionDepth, n);
      this.versionCount = n;
    }
    for (const [pk, datasetId, num, access, tier, dataType, visibility] of rows) {
      this.versionNumber[pk] = num;
      this.versionDataset[pk] = datasetId;
      this.versionId[pk] = `${datasetId}@${num}`;
      this.accessLevel[pk] = ACCESS.indexOf(access);
      this.restricted[pk] = access === 'restricted' ? 1 : 0;
      this.privateVersion[pk] = visibility === 'private' ? 1 : 0;
      this.tier[pk] = tier ?? -1;
      if (dataType !== null) {
        let code = this.typeCode.get(dataType);
        if (code === undefined) {
          code = this.dataTypes.length;
          this.typeCode.set(dataType, code);
          this.dataTypes.push(dataType);
        }
        this.dataType[pk] = code;
      }
    }
  }

  /** Does a version row read now match what the snapshot holds of it? */
  private same([pk, datasetId, num, access, tier, dataType, visibility]: VersionRow): boolean {
    const m = this.meta(pk)!;
    return (
      m.datasetId === datasetId && m.version === num && m.accessLevel === access && m.tier === tier && m.dataType === dataType && m.visibility === visibility
    );
  }

  /** A published version's metadata, or undefined when the pk is none in this snapshot. */
  meta(pk: number): VersionMeta | undefined {
    if (!this.knows(pk)) return undefined;
    const tier = this.tier[pk];
    return {
      pk,
      datasetId: this.versionDataset[pk],
      version: this.versionNumber[pk],
      accessLevel: ACCESS[this.accessLevel[pk]],
      tier: tier < 0 ? null : tier,
      dataType: this.dataTypes[this.dataType[pk]],
      visibility: this.privateVersion[pk] ? 'private' : 'public',
    };
  }

  /** Does some input or output of activity `a` satisfy `test` (a version pk)? */
  someEnd(a: number, test: (pk: number) => boolean): boolean {
    return this.sides.up.far.some(a, test) || this.sides.down.far.some(a, test);
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
   * every edge once, plus the roots), allocated on first use and when the graph outgrew them.
   */
  scratch(roots: number) {
    const nodes = this.versionCount + this.activityIds.length + roots;
    const edges = 3 * (this.sides.up.near.edges + this.sides.up.far.edges);
    if (!this.buffers || this.buffers.keys.length < nodes || this.buffers.edges.length < edges) {
      // Geometric, like the graph's own arrays, so a growing graph does not reallocate per write.
      const room = (need: number, had = 0) => (need > had ? Math.max(need, Math.ceil(had * 1.5)) : had);
      const keys = room(nodes, this.buffers?.keys.length);
      this.buffers = { keys: new Int32Array(keys), depths: new Int32Array(keys), edges: new Int32Array(room(edges, this.buffers?.edges.length)) };
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
