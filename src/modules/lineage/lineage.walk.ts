import { FemtoError } from '../../errors.js';
import type { Side } from './lineage.repository.js';
import type { ProvenanceSnapshot } from './lineage.snapshot.js';

/** Relations in edge triples. */
export const USED = 0;
export const WAS_GENERATED_BY = 1;

/** Node keys: a version pk * 2, an activity index * 2 + 1; numbers, so sets and maps of them stay cheap. */
export const versionKey = (pk: number) => pk * 2;
export const activityKey = (a: number) => a * 2 + 1;
export const isActivityKey = (key: number) => (key & 1) === 1;
export const keyIndex = (key: number) => key >>> 1;

export type TruncatedBy = 'DEPTH' | 'NODE_BUDGET';

/** What one walk reached, in admission order (so depths never decrease). */
export interface Walk {
  side: Side;
  keys: Int32Array;
  depths: Int32Array;
  /** Flat triples: version pk, activity index, relation. */
  edges: Int32Array;
  truncatedReason: TruncatedBy | null;
  /** Shortest-path parents (node key -> keys one level closer to the root); only when asked for. */
  parents?: Map<number, number[]>;
}

export interface WalkOptions {
  maxDepth: number;
  budget: number;
  deadline: number;
  timeoutMs: number;
  /** Activity kind codes to follow (indexed by code); null follows every kind. */
  kinds: boolean[] | null;
  /**
   * Steps the caller may not see (every end hidden): never followed, so they collapse into the
   * placeholders of the hidden records around them, and nothing behind them shows (not even a count).
   */
  hiddenStep: (a: number) => boolean;
  /** Version filter (tier, data type); null keeps every version. */
  passes: ((pk: number) => boolean) | null;
  /** Stops after the level in which any of these versions was reached (shortest paths). */
  targets?: Set<number>;
  parents?: boolean;
}

/**
 * Breadth-first over the snapshot with a visited set (epoch marks): each version and activity is
 * expanded at most once, so bad data holding a cycle still ends. An activity met for the first
 * time is expanded to its far side (inputs upstream, outputs downstream) at the same depth: depth
 * counts derivation steps, and a step and the versions beyond it are one step from the near side.
 * A level past the depth bound or the node budget is still read, only to learn whether anything was
 * left out and to keep edges between nodes already in; `truncatedReason` is set exactly when a
 * reachable node was refused.
 */
export function walk(snap: ProvenanceSnapshot, side: Side, roots: { versions: number[]; activity?: number }, o: WalkOptions): Walk {
  const { near, far } = snap.sides[side];
  const nearRelation = side === 'up' ? WAS_GENERATED_BY : USED;
  const farRelation = side === 'up' ? USED : WAS_GENERATED_BY;
  const { versionMark, versionDepth, activityMark, activityDepth, activityKinds, versionCount } = snap;
  const epoch = snap.nextEpoch();
  // Written into the snapshot's scratch buffers (no growth, no garbage), copied out once at the end.
  const { keys, depths, edges } = snap.scratch(roots.versions.length);
  let nodes = 0;
  let nEdges = 0;
  let truncatedReason: TruncatedBy | null = null;
  const parents = o.parents ? new Map<number, number[]>() : undefined;
  const parent = (child: number, p: number) => {
    const list = parents!.get(child);
    if (list) list.push(p);
    else parents!.set(child, [p]);
  };
  const { kinds, passes } = o;

  const admit = (depth: number): boolean => {
    if (depth > o.maxDepth) {
      truncatedReason ??= 'DEPTH';
      return false;
    }
    if (nodes >= o.budget) {
      truncatedReason = 'NODE_BUDGET';
      return false;
    }
    return true;
  };

  const addVersion = (pk: number, depth: number) => {
    if (pk < versionCount) {
      versionMark[pk] = epoch;
      versionDepth[pk] = depth;
    }
    keys[nodes] = versionKey(pk);
    depths[nodes++] = depth;
  };
  const addActivity = (a: number, depth: number) => {
    activityMark[a] = epoch;
    activityDepth[a] = depth;
    keys[nodes] = activityKey(a);
    depths[nodes++] = depth;
  };
  const edge = (pk: number, a: number, relation: number) => {
    edges[nEdges++] = pk;
    edges[nEdges++] = a;
    edges[nEdges++] = relation;
  };

  const reach = (pk: number, a: number, depth: number, next: number[]) => {
    if (versionMark[pk] !== epoch) {
      if ((passes && !passes(pk)) || !admit(depth)) return;
      addVersion(pk, depth);
      next.push(pk);
    }
    edge(pk, a, farRelation);
    if (parents && versionDepth[pk] === depth) parent(versionKey(pk), activityKey(a));
  };
  // Neighbours are the CSR run of the node, then its overflow chain (edges appended since the build).
  const expand = (a: number, depth: number, next: number[]) => {
    for (let j = far.offsets[a], end = far.offsets[a + 1]; j < end; j++) reach(far.targets[j], a, depth, next);
    for (let e = far.head[a]; e >= 0; e = far.next[e]) reach(far.overflow[e], a, depth, next);
  };

  let frontier: number[] = [];
  for (const pk of roots.versions) {
    addVersion(pk, 0);
    frontier.push(pk);
  }
  let depth = 1;
  if (roots.activity !== undefined) {
    addActivity(roots.activity, 0);
    expand(roots.activity, 1, frontier);
    depth = 2;
  }
  for (; frontier.length > 0; depth++) {
    if (Date.now() > o.deadline) throw new FemtoError('TIMEOUT', `The lineage walk did not finish within ${o.timeoutMs} ms`);
    const next: number[] = [];
    const step = (via: number, a: number, next: number[]) => {
      if (o.hiddenStep(a) || (kinds && !kinds[activityKinds[a]])) return;
      let fresh = false;
      if (activityMark[a] !== epoch) {
        if (!admit(depth)) return;
        addActivity(a, depth);
        fresh = true;
      }
      edge(via, a, nearRelation);
      if (parents && activityDepth[a] === depth) parent(activityKey(a), versionKey(via));
      if (fresh) expand(a, depth, next);
    };
    for (const via of frontier) {
      if (via >= versionCount) continue;
      for (let k = near.offsets[via], end = near.offsets[via + 1]; k < end; k++) step(via, near.targets[k], next);
      for (let e = near.head[via]; e >= 0; e = near.next[e]) step(via, near.overflow[e], next);
    }
    // Past the node budget the next level is still read (nothing more is admitted), so edges between nodes already in are kept.
    if (depth > o.maxDepth) break;
    if (o.targets && next.some((pk) => o.targets!.has(pk))) break;
    frontier = next;
  }
  return { side, keys: keys.slice(0, nodes), depths: depths.slice(0, nodes), edges: edges.slice(0, nEdges), truncatedReason, parents };
}
