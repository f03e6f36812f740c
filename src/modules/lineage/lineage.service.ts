import { FemtoError, invalid, notFound } from '../../errors.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetReader, MissError } from '../datasets/read.js';
import type { GateStatus } from '../gates/gates.schema.js';
import type { LineageRepository, Side, VersionMeta } from './lineage.repository.js';
import type { Direction, Impact, Lineage, LineageEdge, LineageFilter, LineageNode, LineagePath, PathResult, TruncatedReason } from './lineage.schema.js';
import { ProvenanceSnapshot } from './lineage.snapshot.js';
import { activityKey, isActivityKey, keyIndex, USED, versionKey, walk, WAS_GENERATED_BY, type Walk, type WalkOptions } from './lineage.walk.js';

export interface LineageLimits {
  maxDepth: number;
  nodeBudget: number;
  timeoutMs: number;
}

/** At most this many shortest paths are listed; more is reported as truncated (PATH_LIMIT). */
export const MAX_PATHS = 100;

interface Roots {
  versions: VersionMeta[];
  activity?: number;
}

export function createLineageService(deps: {
  repo: LineageRepository;
  /** Roots are read through the dataset read pipeline: the read policy and the withdrawal guard apply. */
  reader: Pick<DatasetReader, 'resolve' | 'open'>;
  /** The records the caller holds (the datasets module's access policy): their private versions are not hidden from it. */
  heldBy: (actor: Actor) => Promise<Set<string> | 'all'>;
  gateStatus: (versionPks: readonly number[]) => Promise<Map<number, GateStatus>>;
  limits: LineageLimits;
}) {
  const { repo, reader, gateStatus, limits } = deps;

  let snapshot: ProvenanceSnapshot | null = null;
  const snapshotStats = { fullBuilds: 0, appends: 0 };
  /** The catch-up in flight: answers arriving meanwhile (and a wake-up) join it instead of reading the same changes again. */
  let updating: Promise<void> | undefined;

  /** Appends what was added since the snapshot's cursor; a full scan builds the first snapshot or replaces one the changes do not fit. */
  async function catchUp(): Promise<void> {
    if (snapshot) {
      const changes = await repo.changes(snapshot.cursor);
      if (changes.generation === snapshot.generation) return;
      if (snapshot.apply(changes)) return void snapshotStats.appends++;
      snapshot = null;
    }
    snapshot = new ProvenanceSnapshot(await repo.scan());
    snapshotStats.fullBuilds++;
  }

  const joinCatchUp = () => (updating ??= catchUp().finally(() => (updating = undefined)));

  /**
   * The in-memory graph, brought up to date when the provenance generation in the database moved:
   * one one-row read per answer keeps every process on the database current, whoever wrote, with
   * or without a wake-up (`follow`).
   */
  async function current(): Promise<ProvenanceSnapshot> {
    const generation = await repo.generation();
    if (snapshot?.generation === generation) return snapshot;
    // A catch-up that began before the generation was read may end short of it; one begun after cannot.
    if (updating) await updating;
    if (snapshot?.generation !== generation) await joinCatchUp();
    return snapshot!;
  }

  /**
   * What one answer hides from its caller, by the access policy: private versions of records it
   * does not hold, and steps whose every input and output is hidden (decided once per step, when
   * first met). Hidden versions become opaque placeholders; hidden steps are not walked at all.
   */
  async function hiding(snap: ProvenanceSnapshot, actor: Actor) {
    // A published version is hidden when private and its record is not held by the caller (visibility.ts mayRead).
    // Loaded before the walk, which runs without awaiting: no statement for anonymous callers and admins, one for others.
    const held = await deps.heldBy(actor);
    const notHeld = (datasetId: string) => held !== 'all' && !held.has(datasetId);
    const isHidden = (m: Pick<VersionMeta, 'datasetId' | 'visibility'>) => m.visibility === 'private' && notHeld(m.datasetId);
    const versionHidden = (pk: number) => snap.privateVersion[pk] === 1 && notHeld(snap.versionDataset[pk]);
    // 0: not decided yet, 1: hidden, 2: shown.
    const steps = new Uint8Array(snap.activityIds.length);
    const stepHidden = (a: number) => {
      if (!steps[a]) steps[a] = snap.someEnd(a, (pk) => pk < snap.versionCount && snap.knows(pk) && !versionHidden(pk)) ? 2 : 1;
      return steps[a] === 1;
    };
    return { isHidden, versionHidden, stepHidden };
  }
  type Hiding = Awaited<ReturnType<typeof hiding>>;

  /**
   * Version metadata for one answer: from the snapshot, else (a root published since the build,
   * bad data) from the database. Filters never look at a hidden record: filtering on what the
   * caller may not see would leak it.
   */
  function versionBook(snap: ProvenanceSnapshot, hide: Hiding, filter: LineageFilter, roots: VersionMeta[] = []) {
    const extra = new Map(roots.filter((m) => !snap.meta(m.pk)).map((m) => [m.pk, m]));
    const meta = (pk: number): VersionMeta | undefined => extra.get(pk) ?? snap.meta(pk);
    const passes = (pk: number) => {
      const m = meta(pk);
      if (!m) return false;
      if (hide.isHidden(m)) return true;
      if (filter.tier?.length && (m.tier === null || !filter.tier.includes(m.tier))) return false;
      if (filter.dataType?.length && (m.dataType === null || !filter.dataType.includes(m.dataType))) return false;
      return true;
    };
    return { extra, hide, passes: filter.tier?.length || filter.dataType?.length ? passes : null };
  }
  type Book = ReturnType<typeof versionBook>;

  /** `deadline`: one per answer, shared by its walks. */
  function walkOptions(
    snap: ProvenanceSnapshot,
    book: Book,
    filter: LineageFilter,
    maxDepth: number,
    budget: number,
    deadline = Date.now() + limits.timeoutMs,
  ): WalkOptions {
    const kinds = filter.activityKind?.length ? snap.kinds.map((k) => filter.activityKind!.includes(k)) : null;
    return { maxDepth, budget, deadline, timeoutMs: limits.timeoutMs, kinds, passes: book.passes, hiddenStep: book.hide.stepHidden };
  }

  /**
   * Nodes and edges of one or more walks, each node once (BOTH walks share the root). Versions
   * the snapshot knows cost no statement; any other (only bad data reaches one) is read in one
   * statement for all. Placeholders are numbered per answer.
   */
  async function render(snap: ProvenanceSnapshot, walks: Walk[], book: Book) {
    const { hide } = book;
    const unknown: number[] = [];
    for (const w of walks)
      for (const key of w.keys) if (!isActivityKey(key) && !book.extra.has(keyIndex(key)) && !snap.knows(keyIndex(key))) unknown.push(keyIndex(key));
    for (const m of await repo.versions(unknown)) book.extra.set(m.pk, m);
    /** Ids of versions outside the snapshot and of placeholders; the others' ids live in the snapshot. */
    const ids = new Map<number, string>();
    let hidden = 0;
    // Nothing of a hidden node shows, not even its access level: every placeholder looks alike.
    const placeholder = (depth: number): LineageNode => ({
      id: `hidden:${++hidden}`,
      kind: 'DATASET',
      depth,
      dataset: null,
      version: null,
      activity: null,
      restricted: true,
      hidden: true,
      pk: null,
    });
    const versionNode = (pk: number, depth: number): LineageNode => {
      const m = book.extra.get(pk);
      if (m ? hide.isHidden(m) : hide.versionHidden(pk)) {
        const node = placeholder(depth);
        ids.set(pk, node.id);
        return node;
      }
      if (m) {
        const id = `${m.datasetId}@${m.version}`;
        ids.set(pk, id);
        return {
          id,
          kind: 'DATASET',
          depth,
          dataset: m.datasetId,
          version: m.version,
          activity: null,
          restricted: m.accessLevel === 'restricted',
          hidden: false,
          pk,
        };
      }
      return {
        id: snap.versionId[pk],
        kind: 'DATASET',
        depth,
        dataset: snap.versionDataset[pk],
        version: snap.versionNumber[pk],
        activity: null,
        restricted: snap.restricted[pk] === 1,
        hidden: false,
        pk,
      };
    };
    // Walks never follow a hidden step (walkOptions): every step reached is shown.
    const activityNode = (a: number, depth: number): LineageNode => {
      const id = snap.activityIds[a];
      return { id, kind: 'ACTIVITY', depth, dataset: null, version: null, activity: id, restricted: false, hidden: false, pk: null };
    };
    // Per walk, the nodes it adds in breadth-first order, with their keys (for selections).
    const seen = walks.length > 1 ? new Set<number>() : null;
    const perWalk = walks.map((w) => {
      const nodes: LineageNode[] = [];
      const keys: number[] = [];
      for (let i = 0; i < w.keys.length; i++) {
        const key = w.keys[i];
        if (seen) {
          if (seen.has(key)) continue;
          seen.add(key);
        }
        const index = keyIndex(key);
        nodes.push(isActivityKey(key) ? activityNode(index, w.depths[i]) : versionNode(index, w.depths[i]));
        keys.push(key);
      }
      return { nodes, keys };
    });
    const idOf = (pk: number) => ids.get(pk) ?? snap.versionId[pk];
    const edgesOf = (w: Walk, keep?: Set<number>): LineageEdge[] => {
      const out: LineageEdge[] = [];
      const e = w.edges;
      for (let i = 0; i < e.length; i += 3) {
        if (keep && !(keep.has(versionKey(e[i])) && keep.has(activityKey(e[i + 1])))) continue;
        const v = idOf(e[i]);
        const a = snap.activityIds[e[i + 1]];
        out.push(e[i + 2] === USED ? { from: a, to: v, relation: 'USED' } : { from: v, to: a, relation: 'WAS_GENERATED_BY' });
      }
      return out;
    };
    return { perWalk, edgesOf };
  }

  /**
   * The nodes on derivation paths from the root to the selected ones: every node from which a
   * selected node is reachable outward along the walk's edges (outward: near version -> step ->
   * far version), found by walking the edges backwards from the selected nodes.
   */
  function onPathsTo(w: Walk, selected: Set<number>): Set<number> {
    const nearRelation = w.side === 'up' ? WAS_GENERATED_BY : USED;
    const inward = new Map<number, number[]>();
    const e = w.edges;
    for (let i = 0; i < e.length; i += 3) {
      const [inner, outer] = e[i + 2] === nearRelation ? [versionKey(e[i]), activityKey(e[i + 1])] : [activityKey(e[i + 1]), versionKey(e[i])];
      const list = inward.get(outer);
      if (list) list.push(inner);
      else inward.set(outer, [inner]);
    }
    const kept = new Set<number>([w.keys[0]]);
    const queue = Array.from(w.keys).filter((k) => selected.has(k));
    for (const k of queue) kept.add(k);
    while (queue.length) {
      for (const p of inward.get(queue.pop()!) ?? []) {
        if (kept.has(p)) continue;
        kept.add(p);
        queue.push(p);
      }
    }
    return kept;
  }

  /** Version keys of the nodes (placeholders excluded) whose gate status is `failed`. */
  async function failedGateKeys(nodes: LineageNode[]): Promise<Set<number>> {
    const pks = nodes.flatMap((n) => (n.pk === null ? [] : [n.pk]));
    const status = await gateStatus(pks);
    return new Set(pks.filter((pk) => status.get(pk)?.status === 'failed').map(versionKey));
  }

  const parseVersionRef = (id: string) => {
    const m = /^(.+)@(\d+)$/.exec(id);
    return m ? { datasetId: m[1], version: Number(m[2]) } : null;
  };

  /** A dataset that exists for the caller (reader.resolve says so of hidden records too: they do not exist for it). */
  const isDataset = async (actor: Actor, id: string) => (await reader.resolve(actor, { dataset: id })).status !== 'no-dataset';

  async function visibleVersion(actor: Actor, datasetId: string, n: number): Promise<VersionMeta> {
    return (await repo.versions([(await reader.open(actor, { dataset: datasetId, version: n })).pk]))[0];
  }

  /**
   * A dataset the caller sees without a published version (its own draft) has no lineage; any
   * other miss (a latest version the caller may not see) answers as an unknown id does.
   */
  const rootMiss: MissError = (miss, ref) =>
    miss === 'unpublished'
      ? new FemtoError('NOT_PUBLISHED', `Dataset '${ref.dataset}' has no published version, so no lineage`)
      : notFound('Dataset or activity', ref.dataset);

  /** A dataset id (its latest visible version, or `version`), "<id>@<n>", or an activity id the caller may see. */
  async function resolveRoot(snap: ProvenanceSnapshot, hide: Hiding, actor: Actor, id: string, version?: number | null): Promise<Roots> {
    if (version != null) return { versions: [await visibleVersion(actor, id, version)] };
    if (await isDataset(actor, id)) {
      const pk = (await reader.open(actor, { dataset: id }, rootMiss)).pk;
      // Published version rows never change, so the snapshot's copy is as good as the table's.
      return { versions: [snap.meta(pk) ?? (await repo.versions([pk]))[0]] };
    }
    const ref = parseVersionRef(id);
    if (ref && (await isDataset(actor, ref.datasetId))) return { versions: [await visibleVersion(actor, ref.datasetId, ref.version)] };
    const activity = snap.activity(id);
    if (activity !== undefined && !hide.stepHidden(activity)) return { versions: [], activity };
    throw notFound('Dataset or activity', id);
  }

  /** Every published version the caller may see ("<id>" = all of them, "<id>@<n>" = that one). */
  async function resolveDatasetVersions(actor: Actor, hide: Hiding, id: string, pointer: string): Promise<VersionMeta[]> {
    const unknown = () => new FemtoError('NOT_FOUND', `Dataset '${id}' does not exist`, [{ pointer, message: 'unknown dataset' }]);
    if (await isDataset(actor, id)) {
      const all = (await repo.publishedVersions(id)).filter((m) => !hide.isHidden(m));
      if (!all.length) throw unknown();
      return all;
    }
    const ref = parseVersionRef(id);
    if (ref && (await isDataset(actor, ref.datasetId))) return [await visibleVersion(actor, ref.datasetId, ref.version)];
    throw unknown();
  }

  function checkDepth(depth: number | null | undefined, fallback: number): number {
    if (depth == null) return fallback;
    if (!Number.isInteger(depth) || depth < 0 || depth > limits.maxDepth) {
      throw invalid('querystring/depth', `depth must be an integer from 0 to ${limits.maxDepth} (FEMTO_LINEAGE_MAX_DEPTH)`);
    }
    return depth;
  }

  const rootsOf = (r: Roots) => ({ versions: r.versions.map((m) => m.pk), activity: r.activity });

  return {
    /** How the in-memory graph was kept current: full builds from scans, and appends of changes. */
    snapshotStats: () => ({ ...snapshotStats, generation: snapshot?.generation ?? null }),

    /**
     * Keeps a built snapshot current in the background where the database announces provenance writes
     * (PostgreSQL), so the first answer after another replica's write does not pay the catch-up. Reads still
     * check the generation: a lost wake-up costs time, never correctness. Resolves to a function that stops.
     */
    async follow(failed: (err: unknown) => void): Promise<() => Promise<void>> {
      const stop = await repo.watchGeneration(() => {
        // A catch-up in flight may have read before the write that woke us: the next one begins after it.
        const after = updating?.catch(() => {}) ?? Promise.resolve();
        after.then(() => snapshot && joinCatchUp()).catch(failed);
      });
      return stop ?? (async () => {});
    },

    /**
     * The lineage graph around a dataset version or an activity, in PROV's edge direction.
     * depth: null means as deep as FEMTO_LINEAGE_MAX_DEPTH allows.
     */
    async lineage(
      actor: Actor,
      q: { id: string; direction?: Direction; depth?: number | null; version?: number | null; filter?: LineageFilter },
    ): Promise<Lineage> {
      const direction = q.direction ?? 'UPSTREAM';
      const depth = checkDepth(q.depth, q.depth === null ? limits.maxDepth : 5);
      const filter = q.filter ?? {};
      const snap = await current();
      const hide = await hiding(snap, actor);
      const roots = await resolveRoot(snap, hide, actor, q.id, q.version);
      const book = versionBook(snap, hide, filter, roots.versions);
      const sides: Side[] = direction === 'BOTH' ? ['up', 'down'] : [direction === 'UPSTREAM' ? 'up' : 'down'];
      const walks: Walk[] = [];
      const deadline = Date.now() + limits.timeoutMs;
      let used = 0;
      for (const side of sides) {
        // Both walks share the root, so the second may use what the first left of the budget, plus the root.
        const w = walk(snap, side, rootsOf(roots), walkOptions(snap, book, filter, depth, limits.nodeBudget - used + (used ? 1 : 0), deadline));
        used += w.keys.length;
        walks.push(w);
      }
      const { perWalk, edgesOf } = await render(snap, walks, book);
      const root = perWalk[0].nodes[0];
      const failed = filter.failedGate ? await failedGateKeys(perWalk.flatMap((p) => p.nodes)) : undefined;
      const kept = failed && walks.map((w) => onPathsTo(w, failed));
      // BOTH: merge the two depth-ordered lists, so the answer stays in breadth-first order.
      const lists = perWalk.map(({ nodes, keys }, i) => (kept ? nodes.filter((_, j) => kept[i].has(keys[j])) : nodes));
      const nodes = lists.length === 1 ? lists[0] : mergeByDepth(lists[0], lists[1]);
      const reasons = walks.map((w) => w.truncatedReason).filter((r) => r !== null);
      let edges: LineageEdge[] | undefined;
      return {
        root,
        direction,
        depth,
        nodes,
        // Built on first read: a GraphQL document that does not ask for edges never pays for them.
        get edges() {
          return (edges ??= walks.length === 1 ? edgesOf(walks[0], kept?.[0]) : walks.flatMap((w, i) => edgesOf(w, kept?.[i])));
        },
        truncated: reasons.length > 0,
        truncatedReason: reasons.includes('NODE_BUDGET') ? 'NODE_BUDGET' : (reasons[0] ?? null),
      };
    },

    /**
     * The shortest derivation paths between two datasets, whichever is upstream; each path runs
     * from `from` to `to`. A dataset id stands for all its published versions, "<id>@<n>" for one.
     */
    async path(actor: Actor, from: string, to: string): Promise<PathResult> {
      const snap = await current();
      const hide = await hiding(snap, actor);
      const starts = await resolveDatasetVersions(actor, hide, from, 'from');
      const targets = new Set((await resolveDatasetVersions(actor, hide, to, 'to')).map((m) => m.pk));
      let reason: TruncatedReason | null = null;
      const deadline = Date.now() + limits.timeoutMs;
      for (const side of ['down', 'up'] as const) {
        const book = versionBook(snap, hide, {}, starts);
        const w = walk(snap, side, rootsOf({ versions: starts }), {
          ...walkOptions(snap, book, {}, limits.maxDepth, limits.nodeBudget, deadline),
          targets,
          parents: true,
        });
        const depthOf = new Map(Array.from(w.keys, (k, i) => [k, w.depths[i]]));
        const hits = [...targets].filter((pk) => depthOf.has(versionKey(pk)));
        if (!hits.length) {
          reason ??= w.truncatedReason;
          continue;
        }
        const { perWalk, edgesOf } = await render(snap, [w], book);
        const nodeOf = new Map(perWalk[0].keys.map((k, i) => [k, perWalk[0].nodes[i]]));
        const found: number[][] = [];
        // Back from each target along shortest-path parents; each path comes out root-first.
        const back = (key: number, suffix: number[]): boolean => {
          const parents = w.parents!.get(key);
          if (!parents) {
            if (found.length >= MAX_PATHS) return false;
            found.push([key, ...suffix]);
            return true;
          }
          for (const p of parents) if (!back(p, [key, ...suffix])) return false;
          return true;
        };
        const complete = hits.every((pk) => back(versionKey(pk), []));
        const edges = edgesOf(w);
        const edgeOf = new Map(edges.map((e) => [`${e.from}|${e.to}`, e]));
        const paths: LineagePath[] = found.map((keys) => {
          const nodes = keys.map((k) => nodeOf.get(k)!);
          return { nodes, edges: nodes.slice(1).map((n, i) => edgeOf.get(`${nodes[i].id}|${n.id}`) ?? edgeOf.get(`${n.id}|${nodes[i].id}`)!) };
        });
        return { from, to, length: depthOf.get(versionKey(hits[0]))!, paths, truncated: !complete, truncatedReason: complete ? null : 'PATH_LIMIT' };
      }
      return { from, to, length: null, paths: [], truncated: reason !== null, truncatedReason: reason };
    },

    /** Every dataset version downstream of a dataset (all its versions) or of one version: what a withdrawal would touch. */
    async impact(actor: Actor, id: string): Promise<Impact> {
      const snap = await current();
      const hide = await hiding(snap, actor);
      const roots = await resolveDatasetVersions(actor, hide, id, 'id');
      const book = versionBook(snap, hide, {}, roots);
      const w = walk(snap, 'down', rootsOf({ versions: roots }), walkOptions(snap, book, {}, limits.maxDepth, limits.nodeBudget));
      const { perWalk } = await render(snap, [w], book);
      return {
        id,
        // The roots come first in a walk.
        datasets: perWalk[0].nodes.slice(roots.length).filter((n) => n.kind === 'DATASET'),
        truncated: w.truncatedReason !== null,
        truncatedReason: w.truncatedReason,
      };
    },

    /** Gate status (passed / failed / not-evaluated) of the dataset nodes the caller may see, in one batch; null elsewhere. */
    async withGateStatus(nodes: LineageNode[]): Promise<(LineageNode & { gateStatus: GateStatus['status'] | null })[]> {
      const status = await gateStatus(nodes.flatMap((n) => (n.pk === null ? [] : [n.pk])));
      return nodes.map((n) => ({ ...n, gateStatus: n.pk === null ? null : (status.get(n.pk)?.status ?? null) }));
    },
  };
}

function mergeByDepth(a: LineageNode[], b: LineageNode[]): LineageNode[] {
  const out: LineageNode[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i].depth <= b[j].depth) ? a[i++] : b[j++]);
  return out;
}

export type LineageService = ReturnType<typeof createLineageService>;
