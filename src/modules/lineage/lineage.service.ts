import { FemtoError, invalid, notFound } from '../../errors.js';
import { canSeeRestricted, type Actor } from '../auth/auth.schema.js';
import type { DatasetsRepository } from '../datasets/datasets.repository.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import { metaOf, type LineageRepository, type Side, type StepRow, type VersionMeta } from './lineage.repository.js';
import type { Direction, Lineage, LineageEdge, LineageFilter, LineageNode, LineagePath, PathResult, Impact, TruncatedReason } from './lineage.schema.js';

export interface LineageLimits {
  maxDepth: number;
  nodeBudget: number;
  timeoutMs: number;
}

/** At most this many shortest paths are listed; more is reported as truncated (PATH_LIMIT). */
export const MAX_PATHS = 100;

type Relation = LineageEdge['relation'];

interface VersionState {
  meta: VersionMeta;
  depth: number;
  hidden: boolean;
}

/**
 * The nodes and edges one walk has reached. Every edge joins a version and an activity, so it is
 * stored as (pk, activity, relation); keys dedupe edges found from both ends.
 */
class Graph {
  readonly versions = new Map<number, VersionState>();
  /** `index` numbers activities in the order met, so edge keys are numbers, not strings. */
  readonly activities = new Map<string, { kind: string; depth: number; index: number }>();
  readonly edges: { pk: number; activity: string; relation: Relation }[] = [];
  private readonly edgeKeys = new Set<number>();
  /** Shortest-path parents (node key -> keys one level closer to the root); only for path(). */
  parents?: Map<string, string[]>;
  truncatedReason: 'DEPTH' | 'NODE_BUDGET' | null = null;

  constructor(
    readonly maxDepth: number,
    private readonly budget: number,
  ) {}

  get size() {
    return this.versions.size + this.activities.size;
  }

  /** May a new node at this depth join? Records why not, so a partial answer always says so. */
  admit(depth: number): boolean {
    if (depth > this.maxDepth) {
      this.truncatedReason ??= 'DEPTH';
      return false;
    }
    if (this.size >= this.budget) {
      this.truncatedReason = 'NODE_BUDGET';
      return false;
    }
    return true;
  }

  /** Adds the edge unless known; true when it is new. */
  edge(pk: number, activity: string, index: number, relation: Relation): boolean {
    const key = (pk * 4_194_304 + index) * 2 + (relation === 'USED' ? 1 : 0);
    if (this.edgeKeys.has(key)) return false;
    this.edgeKeys.add(key);
    this.edges.push({ pk, activity, relation });
    return true;
  }

  parent(child: string, parent: string) {
    if (!this.parents) return;
    const list = this.parents.get(child);
    if (list) list.push(parent);
    else this.parents.set(child, [parent]);
  }
}

const vKey = (pk: number) => `v${pk}`;
const aKey = (id: string) => `a${id}`;

interface WalkOptions {
  actor: Actor;
  filter: LineageFilter;
  deadline: number;
  /** Stops after the level in which any of these versions was reached (shortest paths). */
  targets?: Set<number>;
}

interface Roots {
  versions: VersionMeta[];
  activity?: string;
}

export function createLineageService(deps: { repo: LineageRepository; datasetsRepo: DatasetsRepository; datasets: DatasetsService; limits: LineageLimits }) {
  const { repo, datasetsRepo, datasets, limits } = deps;

  const isHidden = (actor: Actor, m: VersionMeta) => m.accessLevel === 'restricted' && !canSeeRestricted(actor);

  /* Filters never look at a hidden record: filtering on what the caller may not see would leak it. */
  function passes(o: WalkOptions, m: VersionMeta, hidden: boolean): boolean {
    if (hidden) return true;
    if (o.filter.tier?.length && (m.tier === null || !o.filter.tier.includes(m.tier))) return false;
    if (o.filter.dataType?.length && (m.dataType === null || !o.filter.dataType.includes(m.dataType))) return false;
    return true;
  }

  /**
   * Folds one BFS level into the graph. An activity met for the first time in this level is
   * expanded to its far side (inputs upstream, outputs downstream) at the same depth: depth counts
   * derivation steps, and a step and the versions on its far side are one step from the near side.
   */
  function absorb(g: Graph, side: Side, rows: StepRow[], depth: number, o: WalkOptions, expand: Set<string>, next: number[]) {
    const nearRelation: Relation = side === 'up' ? 'WAS_GENERATED_BY' : 'USED';
    const farRelation: Relation = side === 'up' ? 'USED' : 'WAS_GENERATED_BY';
    const kinds = o.filter.activityKind?.length ? o.filter.activityKind : null;
    for (const r of rows) {
      const [via, activityId, kind, pk] = r;
      if (kinds && !kinds.includes(kind)) continue;
      let act = g.activities.get(activityId);
      if (!act) {
        if (!g.admit(depth)) continue;
        act = { kind, depth, index: g.activities.size };
        g.activities.set(activityId, act);
        expand.add(activityId);
      }
      if (via !== null && g.edge(via, activityId, act.index, nearRelation) && act.depth === depth) g.parent(aKey(activityId), vKey(via));
      if (pk === null || !expand.has(activityId)) continue;
      let v = g.versions.get(pk);
      if (!v) {
        const m = metaOf(r);
        const hidden = isHidden(o.actor, m);
        if (!passes(o, m, hidden) || !g.admit(depth)) continue;
        v = { meta: m, depth, hidden };
        g.versions.set(pk, v);
        next.push(pk);
      }
      if (g.edge(pk, activityId, act.index, farRelation) && v.depth === depth) g.parent(vKey(pk), aKey(activityId));
    }
  }

  /** Breadth-first with a visited set: each version and activity is expanded at most once, so bad data holding a cycle still ends. */
  function walk(g: Graph, side: Side, roots: Roots, o: WalkOptions) {
    let frontier: number[] = [];
    for (const m of roots.versions) {
      g.versions.set(m.pk, { meta: m, depth: 0, hidden: isHidden(o.actor, m) });
      frontier.push(m.pk);
    }
    if (roots.activity !== undefined) {
      g.activities.set(roots.activity, { kind: repo.activityKind(roots.activity)!, depth: 0, index: 0 });
      const next: number[] = [];
      absorb(g, side, repo.stepsFromActivities(side, [roots.activity]), 1, o, new Set([roots.activity]), next);
      frontier = next;
    }
    for (let depth = roots.activity !== undefined ? 2 : 1; frontier.length > 0; depth++) {
      if (Date.now() > o.deadline) throw new FemtoError('TIMEOUT', `The lineage walk did not finish within ${limits.timeoutMs} ms`);
      const next: number[] = [];
      absorb(g, side, repo.stepsFromVersions(side, frontier), depth, o, new Set(), next);
      // A level past the bound is read only to learn whether anything was left out (and to keep edges between nodes already in).
      if (depth > g.maxDepth || g.truncatedReason === 'NODE_BUDGET') break;
      if (o.targets && next.some((pk) => o.targets!.has(pk))) break;
      frontier = next;
    }
  }

  /** Node ids of the versions (activities are their own ids); placeholders are numbered per answer. */
  function nodeIds(graphs: Graph[]) {
    const ids = new Map<number, string>();
    let hiddenCount = 0;
    for (const g of graphs) {
      for (const [pk, v] of g.versions) {
        if (!ids.has(pk)) ids.set(pk, v.hidden ? `restricted:${++hiddenCount}` : `${v.meta.datasetId}@${v.meta.version}`);
      }
    }
    return ids;
  }

  const versionNode = (id: string, v: VersionState): LineageNode => ({
    id,
    kind: 'DATASET',
    depth: v.depth,
    dataset: v.hidden ? null : v.meta.datasetId,
    version: v.hidden ? null : v.meta.version,
    activity: null,
    restricted: v.meta.accessLevel === 'restricted',
    pk: v.hidden ? null : v.meta.pk,
  });

  const activityNode = (id: string, depth: number): LineageNode => ({ id, kind: 'ACTIVITY', depth, dataset: null, version: null, activity: id, restricted: false, pk: null });

  const edgeOut = (ids: Map<number, string>, e: Graph['edges'][number]): LineageEdge =>
    e.relation === 'USED'
      ? { from: e.activity, to: ids.get(e.pk)!, relation: 'USED' }
      : { from: ids.get(e.pk)!, to: e.activity, relation: 'WAS_GENERATED_BY' };

  const parseVersionRef = (id: string) => {
    const m = /^(.+)@(\d+)$/.exec(id);
    return m ? { datasetId: m[1], version: Number(m[2]) } : null;
  };

  function visibleVersion(actor: Actor, datasetId: string, n: number): VersionMeta {
    const row = datasetsRepo.versionByNumber(datasetId, n);
    if (!row || row.state !== 'published' || !datasets.visible(actor, row)) throw notFound('Version', `${datasetId} v${n}`);
    return repo.versions([row.pk])[0];
  }

  /** A dataset id (its latest visible version, or `version`), "<id>@<n>", or an activity id. */
  function resolveRoot(actor: Actor, id: string, version?: number | null): Roots {
    if (version != null) return { versions: [visibleVersion(actor, id, version)] };
    const concept = datasetsRepo.concept(id);
    if (concept) {
      const [m] = concept.latestVersionPk != null ? repo.versions([concept.latestVersionPk]) : [];
      if (!m || isHidden(actor, m)) {
        if (m || !datasets.visible(actor, { state: 'draft', accessLevel: 'open' })) throw notFound('Dataset', id);
        throw new FemtoError('NOT_PUBLISHED', `Dataset '${id}' has no published version, so no lineage`);
      }
      return { versions: [m] };
    }
    const ref = parseVersionRef(id);
    if (ref && datasetsRepo.concept(ref.datasetId)) return { versions: [visibleVersion(actor, ref.datasetId, ref.version)] };
    if (repo.activityKind(id) !== undefined) return { versions: [], activity: id };
    throw notFound('Dataset or activity', id);
  }

  /** Every published version the caller may see ("<id>" = all of them, "<id>@<n>" = that one). */
  function resolveDatasetVersions(actor: Actor, id: string, pointer: string): VersionMeta[] {
    if (datasetsRepo.concept(id)) {
      const all = repo.publishedVersions(id).filter((m) => !isHidden(actor, m));
      if (!all.length) throw notFound('Dataset', id);
      return all;
    }
    const ref = parseVersionRef(id);
    if (ref && datasetsRepo.concept(ref.datasetId)) return [visibleVersion(actor, ref.datasetId, ref.version)];
    throw new FemtoError('NOT_FOUND', `Dataset '${id}' does not exist`, [{ pointer, message: 'unknown dataset' }]);
  }

  function checkDepth(depth: number | null | undefined, fallback: number): number {
    if (depth == null) return fallback;
    if (!Number.isInteger(depth) || depth < 0 || depth > limits.maxDepth) {
      throw invalid('query/depth', `depth must be an integer from 0 to ${limits.maxDepth} (FEMTO_LINEAGE_MAX_DEPTH)`);
    }
    return depth;
  }

  const deadline = () => Date.now() + limits.timeoutMs;

  return {
    /**
     * The lineage graph around a dataset version or an activity, in PROV's edge direction.
     * depth: null means as deep as FEMTO_LINEAGE_MAX_DEPTH allows.
     */
    lineage(actor: Actor, q: { id: string; direction?: Direction; depth?: number | null; version?: number | null; filter?: LineageFilter }): Lineage {
      const direction = q.direction ?? 'UPSTREAM';
      const depth = checkDepth(q.depth, q.depth === null ? limits.maxDepth : 5);
      const roots = resolveRoot(actor, q.id, q.version);
      const o: WalkOptions = { actor, filter: q.filter ?? {}, deadline: deadline() };
      const sides: Side[] = direction === 'BOTH' ? ['up', 'down'] : [direction === 'UPSTREAM' ? 'up' : 'down'];
      const graphs: Graph[] = [];
      let used = 0;
      for (const side of sides) {
        // Both walks share the root, so the second may use what the first left of the budget, plus the root.
        const g = new Graph(depth, limits.nodeBudget - used + (used ? 1 : 0));
        walk(g, side, roots, o);
        used += g.size;
        graphs.push(g);
      }
      const ids = nodeIds(graphs);
      const nodes: LineageNode[] = [];
      // Only the root can be in both walks of BOTH (bar corrupt data); each node is listed once.
      const seenVersions = new Set<number>();
      const seenActivities = new Set<string>();
      for (const g of graphs) {
        for (const [pk, v] of g.versions) if (!seenVersions.has(pk)) (seenVersions.add(pk), nodes.push(versionNode(ids.get(pk)!, v)));
        for (const [id, a] of g.activities) if (!seenActivities.has(id)) (seenActivities.add(id), nodes.push(activityNode(id, a.depth)));
      }
      const root = roots.activity !== undefined ? nodes.find((n) => n.activity === roots.activity)! : nodes.find((n) => n.kind === 'DATASET' && n.depth === 0)!;
      const reasons = graphs.map((g) => g.truncatedReason).filter((r): r is 'DEPTH' | 'NODE_BUDGET' => r !== null);
      return {
        root,
        direction,
        depth,
        nodes: nodes.sort((a, b) => a.depth - b.depth),
        edges: graphs.flatMap((g) => g.edges.map((e) => edgeOut(ids, e))),
        truncated: reasons.length > 0,
        truncatedReason: reasons.includes('NODE_BUDGET') ? 'NODE_BUDGET' : (reasons[0] ?? null),
      };
    },

    /**
     * The shortest derivation paths between two datasets, whichever is upstream; each path runs
     * from `from` to `to`. A dataset id stands for all its published versions, "<id>@<n>" for one.
     */
    path(actor: Actor, from: string, to: string): PathResult {
      const starts = resolveDatasetVersions(actor, from, 'from');
      const targets = new Set(resolveDatasetVersions(actor, to, 'to').map((m) => m.pk));
      const o: WalkOptions = { actor, filter: {}, deadline: deadline(), targets };
      let reason: TruncatedReason | null = null;
      for (const side of ['down', 'up'] as const) {
        const g = new Graph(limits.maxDepth, limits.nodeBudget);
        g.parents = new Map();
        walk(g, side, { versions: starts }, o);
        const hits = [...targets].filter((pk) => g.versions.has(pk));
        if (!hits.length) {
          reason ??= g.truncatedReason;
          continue;
        }
        const ids = nodeIds([g]);
        const found: string[][] = [];
        // Back from each target along shortest-path parents; each path comes out root-first.
        const back = (key: string, suffix: string[]): boolean => {
          const parents = g.parents!.get(key);
          if (!parents) {
            if (found.length >= MAX_PATHS) return false;
            found.push([key, ...suffix]);
            return true;
          }
          for (const p of parents) if (!back(p, [key, ...suffix])) return false;
          return true;
        };
        const complete = hits.every((pk) => back(vKey(pk), []));
        const edgeOf = new Map(g.edges.map((e) => [e.relation === 'USED' ? `${aKey(e.activity)}|${vKey(e.pk)}` : `${vKey(e.pk)}|${aKey(e.activity)}`, e]));
        const paths: LineagePath[] = found.map((keys) => ({
          nodes: keys.map((k) => (k[0] === 'v' ? versionNode(ids.get(Number(k.slice(1)))!, g.versions.get(Number(k.slice(1)))!) : activityNode(k.slice(1), g.activities.get(k.slice(1))!.depth))),
          edges: keys.slice(1).map((k, i) => edgeOut(ids, edgeOf.get(`${keys[i]}|${k}`) ?? edgeOf.get(`${k}|${keys[i]}`)!)),
        }));
        return { from, to, length: g.versions.get(hits[0])!.depth, paths, truncated: !complete, truncatedReason: complete ? null : 'PATH_LIMIT' };
      }
      return { from, to, length: null, paths: [], truncated: reason !== null, truncatedReason: reason };
    },

    /** Every dataset version downstream of a dataset (all its versions) or of one version: what a withdrawal would touch. */
    impact(actor: Actor, id: string): Impact {
      const roots = resolveDatasetVersions(actor, id, 'id');
      const g = new Graph(limits.maxDepth, limits.nodeBudget);
      walk(g, 'down', { versions: roots }, { actor, filter: {}, deadline: deadline() });
      const ids = nodeIds([g]);
      const rootPks = new Set(roots.map((m) => m.pk));
      return {
        id,
        datasets: [...g.versions].filter(([pk]) => !rootPks.has(pk)).map(([pk, v]) => versionNode(ids.get(pk)!, v)),
        truncated: g.truncatedReason !== null,
        truncatedReason: g.truncatedReason,
      };
    },
  };
}

export type LineageService = ReturnType<typeof createLineageService>;
