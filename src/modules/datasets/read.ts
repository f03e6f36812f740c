import { FemtoError, notFound } from '../../errors.js';
import type { ByteCache } from '../../lib/byte-cache.js';
import { sha256 } from '../../lib/digest.js';
import { RepresentationRegistry, type Representation } from '../../lib/negotiation.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetsRepository, ResolvedRow } from './datasets.repository.js';
import type { DatasetRecord } from './datasets.schema.js';
import { noneMatch } from '../../lib/conditional.js';
import { decide, embargoActive, holds, mayEdit, mayGetFiles, mayRead, sharesPublicView, viewFor, type Holders } from './visibility.js';

/**
 * The one read pipeline of a dataset version, whichever channel asks (REST in every format,
 * linkset, FAIR report, GraphQL, portal, lineage roots, measurements):
 *
 *   resolve   the reference to one version row, in one statement (visibility facts, change
 *             counter and withdrawal included), and let the read policy (visibility.ts) decide;
 *   guard     a withdrawn version answers 410 (a tombstone page for browsers) on every channel;
 *   cache     a published version's representations are cached by (version, change counter,
 *             format, audience): a hit costs that one statement;
 *   load      otherwise the record and every part other modules add (their ReadExtensions: DOI,
 *             gate status, lineage neighbours, quality) for a whole batch of versions, in a fixed
 *             number of statements;
 *   render    headers (Signposting) and the representation from the same loaded item, with a
 *             strong ETag derived from the bytes; `If-None-Match` answers 304.
 */

/**
 * Parts other modules load for a version. Each module declares its own field here (declaration
 * merging, as Fastify's decorators do) and fills it in its ReadExtension's `load`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ReadParts {}

/** One dataset version as every representation of it is rendered from. */
export interface ReadItem {
  /** Whom the item was loaded for: what it holds is what this caller may see. */
  viewer: Actor;
  pk: number;
  /** The version's change counter when it was loaded. */
  seq: number;
  /** The record as the caller may see it (no file URLs unless the caller may get the files). */
  record: DatasetRecord;
  /** Who holds the record (owner and groups): parts shown to its editors only are decided on them. */
  holders: Holders;
  /** Files are under an active embargo. */
  embargoed: boolean;
  /** The caller may not get the files (restricted, or under an active embargo): the record says how to request access. */
  filesWithheld: boolean;
  /** The caller may edit the record: it sees work in progress (draft DOIs, registration errors). */
  editor: boolean;
  /** Published versions of the same dataset the caller may see, oldest first. */
  versions: { n: number; publishedAt: string }[];
  parts: ReadParts;
}

export interface ReadExtension {
  /** Fills this module's part of every item, in a fixed number of statements for the whole batch. */
  load(actor: Actor, items: ReadItem[]): Promise<void>;
  /** Fields this module adds to the JSON record (e.g. `doi`, `gateStatus`). */
  json?(item: ReadItem): Record<string, unknown>;
}

/** Response headers every representation of a dataset carries (e.g. Signposting `Link`); `served` is the URL that serves them. */
export type DatasetHeaders = (item: ReadItem, served: string) => Record<string, string>;

/** A whole answer a read guard gives instead of the representation asked for. */
export interface GuardAnswer {
  status: number;
  mediaType: string;
  body: string;
}

/**
 * Runs before a withdrawn version is served, with the representation negotiated (undefined: none
 * acceptable, or a channel without negotiation); throws to refuse (410 problem+json), or returns
 * the answer to send instead (the human-readable 410 tombstone page a browser asked for).
 */
export type WithdrawalGuard = (version: ResolvedVersion, representation: Representation<ReadItem> | undefined) => Promise<GuardAnswer | void>;

export interface ResolvedVersion extends ResolvedRow {
  pk: number;
}

/** A dataset and, optionally, which of its versions: a number, its draft only, or the latest published one falling back to the draft for those who may see it. */
export interface VersionRef {
  dataset: string;
  version?: number;
  draft?: 'only' | 'fallback';
}

export type Miss = 'no-dataset' | 'no-version' | 'no-draft' | 'unpublished' | 'hidden';
export type Resolution = { status: 'found'; version: ResolvedVersion } | { status: Miss };

/** What a miss answers, by the caller's own rules (a write names the field at fault, a read says 404). */
export type MissError = (miss: Miss, ref: VersionRef) => FemtoError;

export const readMiss: MissError = (_miss, ref) =>
  ref.version !== undefined ? notFound('Version', `${ref.dataset} v${ref.version}`) : notFound('Dataset', ref.dataset);

/** Strong validator of a draft: it changes with every revision (what If-Match on PATCH compares), and says nothing of row numbers. */
export const draftEtag = (v: Pick<ResolvedRow, 'datasetId' | 'revision' | 'updatedAt'>) =>
  `"d${sha256(`${v.datasetId}\n${v.revision}\n${v.updatedAt}`).slice(0, 24)}"`;

interface Rendered {
  status: number;
  mediaType: string;
  body: string;
  headers: Record<string, string>;
  etag?: string;
}

export interface ReadRequest {
  accept?: string;
  format?: string;
  ifNoneMatch?: string;
  /** The URL the answer is served at (its path, no query): the headers name it. */
  served: string;
}

/** A version a listing statement returned, enough to find its representations in the cache. */
export interface ListedVersion {
  pk: number;
  seq: number;
  accessLevel: DatasetRecord['accessLevel'];
  embargoUntil: string | null;
}

export function createDatasetReader(deps: { repo: DatasetsRepository; urls: SiteUrls; cache: ByteCache }) {
  const { repo, urls } = deps;
  const representations = new RepresentationRegistry<ReadItem>();
  const extensions: ReadExtension[] = [];
  const headerHooks: DatasetHeaders[] = [];
  const guards: WithdrawalGuard[] = [];
  const { cache } = deps;
  type Meta = Omit<Rendered, 'body'>;
  const remember = (key: string, r: Rendered) => {
    const { body, ...meta } = r;
    cache.set<Meta>(key, body, meta, JSON.stringify(r.headers).length);
  };
  const recall = (key: string): Rendered | undefined => {
    const hit = cache.get<Meta>(key);
    return hit && { ...hit.meta!, body: hit.text };
  };
  const stats = { hits: 0, misses: 0 };

  // Only what anonymous callers see is cached (visibility.ts sharesPublicView): undefined means "not cacheable".
  const cacheKey = (actor: Actor, v: Pick<ListedVersion, 'pk' | 'seq' | 'accessLevel' | 'embargoUntil'>, format: string) =>
    sharesPublicView(actor) ? `${v.pk}:${v.seq}:${format}:public${embargoActive(v) ? ':embargoed' : ''}` : undefined;

  async function resolve(actor: Actor, ref: VersionRef): Promise<Resolution> {
    return decideRow(actor, ref, await repo.resolve(ref.dataset, ref.version, ref.draft ?? 'never'));
  }

  function decideRow(actor: Actor, ref: VersionRef, row: ResolvedRow | undefined): Resolution {
    if (!row) return { status: 'no-dataset' };
    // A record exists for the caller when it may read some version of it; otherwise every miss is the unknown id's miss,
    // so no answer (a version number, a draft, "not published") tells a hidden record from an absent one.
    const exists = row.hasPublic || (row.hasPublished && holds(actor, row)) || (row.hasDraft && mayEdit(actor, row));
    if (!exists) return { status: 'no-dataset' };
    // A draft exists for its editors only: to anyone else, having one or not answers alike.
    if (ref.draft === 'only' && !mayEdit(actor, row)) return { status: 'hidden' };
    if (row.pk === null) return { status: ref.draft === 'only' ? 'no-draft' : ref.version !== undefined ? 'no-version' : 'unpublished' };
    if (decide(actor, row) === 'hidden') return { status: 'hidden' };
    return { status: 'found', version: row as ResolvedVersion };
  }

  /** resolve for many references to published versions (no drafts), in one statement. */
  async function resolveMany(actor: Actor, refs: readonly Omit<VersionRef, 'draft'>[]): Promise<Resolution[]> {
    const rows = await repo.resolveMany(refs);
    return refs.map((ref, i) => decideRow(actor, ref, rows[i]));
  }

  /** The policy's gate: throws for what the caller may not see; a withdrawn version goes to the guards. */
  async function admit(
    actor: Actor,
    ref: VersionRef,
    representation: Representation<ReadItem> | undefined,
    miss: MissError,
  ): Promise<{ version: ResolvedVersion; answer?: GuardAnswer }> {
    const r = await resolve(actor, ref);
    if (r.status !== 'found') throw miss(r.status, ref);
    if (decide(actor, r.version) === 'gone') {
      for (const guard of guards) {
        const answer = await guard(r.version, representation);
        if (answer) return { version: r.version, answer };
      }
      throw new FemtoError('GONE', `${ref.dataset} was withdrawn`);
    }
    return { version: r.version };
  }

  /** Full items for version pks, in the order given; versions the caller may not see are left out. */
  function load(actor: Actor, pks: readonly number[]): Promise<ReadItem[]> {
    return repo.reading(() => loadNow(actor, pks));
  }

  async function loadNow(actor: Actor, pks: readonly number[]): Promise<ReadItem[]> {
    const loaded = await repo.load(pks);
    const items: ReadItem[] = [];
    for (const pk of pks) {
      const l = loaded.get(pk);
      if (!l || !mayRead(actor, { ...l.record, ...l.holders })) continue;
      items.push({
        viewer: actor,
        pk,
        seq: l.seq,
        record: viewFor(actor, l.record, l.holders),
        holders: l.holders,
        embargoed: embargoActive(l.record),
        filesWithheld: !mayGetFiles(actor, { ...l.record, ...l.holders }),
        editor: mayEdit(actor, l.holders),
        versions: [],
        parts: {} as ReadParts,
      });
    }
    if (!items.length) return items;
    const published = await repo.publishedOf([...new Set(items.map((i) => i.record.id))]);
    for (const item of items) {
      item.versions = published
        .filter((p) => p.datasetId === item.record.id && mayRead(actor, p))
        .map((p) => ({ n: p.versionNumber, publishedAt: p.publishedAt }));
    }
    for (const ext of extensions) await ext.load(actor, items);
    return items;
  }

  /** The JSON record: the stored record, what extensions add, and its links. */
  function json(item: ReadItem): string {
    const r = item.record;
    const added = extensions.map((e) => e.json?.(item) ?? {});
    const links = {
      self: urls.dataset(r.id),
      ...(r.version != null ? { version: urls.version(r.id, r.version) } : { draft: urls.version(r.id, null) }),
      versions: urls.versions(r.id),
    };
    return JSON.stringify(Object.assign({ ...r }, ...added, { links }));
  }

  async function render(actor: Actor, version: ResolvedVersion, representation: Representation<ReadItem>, served: string): Promise<Rendered> {
    // The headers name the URL that serves them: one entry per (representation, URL).
    const format = `${representation.format}@${served}`;
    const key = version.state === 'published' ? cacheKey(actor, version, format) : undefined;
    const hit = key ? recall(key) : undefined;
    if (hit) {
      stats.hits++;
      return hit;
    }
    stats.misses++;
    const [item] = await load(actor, [version.pk]);
    if (!item) throw new FemtoError('INTERNAL', `version ${version.pk} vanished while read`);
    const body = await representation.render(item);
    const headers = Object.assign({}, ...headerHooks.map((h) => h(item, served))) as Record<string, string>;
    // A digest of what is sent: equal bytes, equal tag, on any replica; it says nothing of row numbers or counters.
    const etag =
      version.state === 'published' ? `"${sha256(`${representation.mediaType}\n${JSON.stringify(headers)}\n${body}`).slice(0, 32)}"` : draftEtag(version);
    const out: Rendered = { status: 200, mediaType: representation.mediaType, body, headers, etag };
    // Stored under the counter the data was read at: a change in between only makes the next read miss.
    if (key) remember(cacheKey(actor, { ...version, seq: item.seq }, format)!, out);
    return out;
  }

  return {
    representations,
    stats: () => ({ ...stats, ...cache.stats() }),

    /** Modules add what they load for every version (DOI, gate status, lineage, quality). */
    extend(extension: ReadExtension): void {
      extensions.push(extension);
    },
    /** Headers sent with every representation. */
    addHeaders(hook: DatasetHeaders): void {
      headerHooks.push(hook);
    },
    /** A module that can withdraw versions answers for them. */
    guardWithdrawn(guard: WithdrawalGuard): void {
      guards.push(guard);
    },

    /** The version a reference names, as the policy lets this caller see it; for writers, who map misses to their own errors. */
    resolve,
    resolveMany,

    /** A version for reading on a channel that renders it itself (linkset, FAIR report, GraphQL, portal, lineage roots): hidden and withdrawn versions throw. */
    async open(actor: Actor, ref: VersionRef, miss: MissError = readMiss): Promise<ResolvedVersion> {
      return (await admit(actor, ref, undefined, miss)).version;
    },

    load,

    /** One loaded item, already admitted by `open`. */
    async item(actor: Actor, version: ResolvedVersion): Promise<ReadItem> {
      const [item] = await load(actor, [version.pk]);
      if (!item) throw new FemtoError('INTERNAL', `version ${version.pk} vanished while read`);
      return item;
    },

    /**
     * The whole answer to a negotiated read of one version: a representation (JSON by default,
     * any registered one by Accept or ?format=), 304 when If-None-Match holds its ETag, the
     * tombstone of a withdrawn version, 404 for what the caller may not see, 406 for a format
     * nobody offers.
     */
    async respond(actor: Actor, ref: VersionRef, request: ReadRequest, miss: MissError = readMiss): Promise<Rendered> {
      const representation = representations.choose(request.accept, request.format);
      const { version, answer } = await admit(actor, ref, representation, miss);
      if (answer) return { ...answer, headers: {} };
      if (!representation) throw representations.notAcceptable(request.format);
      const rendered = await render(actor, version, representation, request.served);
      if (noneMatch(request.ifNoneMatch, rendered.etag)) return { ...rendered, status: 304, body: '' };
      return rendered;
    },

    /** The JSON record of one version (write answers) with its ETag. */
    async jsonOf(actor: Actor, version: ResolvedVersion, served: string): Promise<{ body: string; etag: string }> {
      const rendered = await render(
        actor,
        version,
        representations.all().find((r) => r.format === 'json')!,
        served,
      );
      return { body: rendered.body, etag: rendered.etag! };
    },

    /**
     * Cached fragments of many listed versions in one format (search JSON, catalog nodes, OAI
     * payloads): hits cost nothing, the misses are loaded together and rendered by `renderMany`.
     * Undefined where the caller may not see the version.
     */
    async cachedMany(
      actor: Actor,
      listed: readonly ListedVersion[],
      format: string,
      renderMany: (items: ReadItem[]) => Promise<string[]>,
    ): Promise<(string | undefined)[]> {
      const key = `list:${format}`;
      const keyOf = (v: Parameters<typeof cacheKey>[1]) => cacheKey(actor, v, key);
      const out: (string | undefined)[] = listed.map((v) => {
        const k = keyOf(v);
        return k ? cache.get(k)?.text : undefined;
      });
      const missing = listed.filter((_, i) => out[i] === undefined);
      stats.hits += listed.length - missing.length;
      stats.misses += missing.length;
      if (!missing.length) return out;
      const items = await load(
        actor,
        missing.map((v) => v.pk),
      );
      const bodies = await renderMany(items);
      const byPk = new Map(items.map((item, i) => [item.pk, { item, body: bodies[i] }]));
      listed.forEach((v, i) => {
        if (out[i] !== undefined) return;
        const found = byPk.get(v.pk);
        if (!found) return;
        out[i] = found.body;
        const r = found.item.record;
        const k = keyOf({ pk: v.pk, seq: found.item.seq, accessLevel: r.accessLevel, embargoUntil: r.embargoUntil });
        if (k) cache.set(k, found.body);
      });
      return out;
    },

    /** JSON records of listed versions (search results), from the cache where it holds them. */
    async jsonMany(actor: Actor, listed: readonly ListedVersion[]): Promise<(string | undefined)[]> {
      return this.cachedMany(actor, listed, 'json', async (items) => items.map(json));
    },

    json,
  };
}

export type DatasetReader = ReturnType<typeof createDatasetReader>;
