import { hasRole, type Actor } from '../auth/auth.schema.js';
import type { AccessParams } from '../../db/fragments.js';
import type { DatasetRecord } from './datasets.schema.js';

/**
 * The access policy: who may see which dataset version and its files, and who may change a record,
 * on every channel (REST, GraphQL, harvest, portal, lineage, DOIs). Everything that decides calls
 * these functions; listings bind `accessParams(actor)` into the SQL twins in src/db/fragments.ts,
 * held to the same answers by test/unit/visibility.test.ts.
 *
 *   visibility   public: everyone sees the metadata; private: only those who hold the record.
 *   file access  open; embargoed (files hidden from all but holders until the date); restricted
 *                (files for holders only; others see the metadata and the conditions of access).
 *   holders      admins, the record's owner, and the members of the groups it is shared with.
 *   drafts       work in progress: only holders who may write (curators and admins) see them.
 */

export type Visibility = 'public' | 'private';

/** Who holds a record: the user who owns it and the groups it is shared with. */
export interface Holders {
  owner: string | null;
  groups: readonly string[];
}

export interface VersionFacts extends Holders {
  state: 'draft' | 'published';
  visibility: Visibility;
  accessLevel: 'open' | 'embargoed' | 'restricted';
  embargoUntil: string | null;
  /** A hidden DOI left a tombstone on the version or on its dataset. */
  withdrawn?: boolean;
}

/** `hidden`: the version does not exist for this caller. `gone`: it was withdrawn (410 with its tombstone). */
export type ReadDecision = 'visible' | 'hidden' | 'gone';

/** Admins hold everything; a user holds what they own and what their groups were given; anonymous callers hold nothing. */
export function holds(actor: Actor, r: Holders): boolean {
  if (actor.role === 'anonymous') return false;
  if (actor.role === 'admin') return true;
  if (actor.user != null && r.owner === actor.user) return true;
  const mine = actor.groups ?? [];
  return r.groups.some((g) => mine.includes(g));
}

/** Curators change only what they hold; admins everything. */
export const mayEdit = (actor: Actor, r: Holders) => hasRole(actor, 'curator') && holds(actor, r);

/** Drafts for those who may edit them; private versions for holders; public ones for everyone. */
export function mayRead(actor: Actor, v: Pick<VersionFacts, 'state' | 'visibility'> & Holders): boolean {
  if (v.state === 'draft') return mayEdit(actor, v);
  return v.visibility === 'public' || holds(actor, v);
}

export function decide(actor: Actor, v: VersionFacts): ReadDecision {
  if (!mayRead(actor, v)) return 'hidden';
  return v.withdrawn ? 'gone' : 'visible';
}

/** A lineage neighbour (a published version at the other end of a step) the caller may see. */
export const visibleEndpoint = (actor: Actor, e: Pick<VersionFacts, 'state' | 'visibility'> & Holders & { versionNumber: number | null }) =>
  mayRead(actor, e) && e.versionNumber != null;

export const embargoActive = (r: Pick<VersionFacts, 'accessLevel' | 'embargoUntil'>, now = new Date()) =>
  r.accessLevel === 'embargoed' && !!r.embargoUntil && new Date(r.embargoUntil) > now;

/** Open files for everyone, an ended embargo too; restricted files and those under an active embargo for holders only. */
export function mayGetFiles(actor: Actor, v: Pick<VersionFacts, 'accessLevel' | 'embargoUntil'> & Holders, now = new Date()): boolean {
  if (v.accessLevel === 'open' || (v.accessLevel === 'embargoed' && !embargoActive(v, now))) return true;
  return holds(actor, v);
}

/** What a caller may see of a record it may read: no file URLs, nor logical file names (an ensemble's, a distribution's), unless it may get the files. */
export function viewFor<R extends DatasetRecord>(actor: Actor, record: R, holders: Holders, now = new Date()): R {
  if (mayGetFiles(actor, { ...record, ...holders }, now)) return record;
  const { ensemble } = record;
  return {
    ...record,
    distributions: record.distributions.map((d) => ({ ...d, urls: [], replicas: [], lfn: null })),
    ...(ensemble ? { ensemble: { ...ensemble, configurations: { ...ensemble.configurations, logicalFileNames: [] } } } : {}),
  };
}

/**
 * Representations are cached for anonymous callers only: what anyone else sees may depend on who
 * they are (their records, their groups), and group membership changes without any record changing.
 */
export const sharesPublicView = (actor: Actor) => actor.role === 'anonymous';

/** The caller as the SQL side of the policy binds it. */
export function accessParams(actor: Actor): AccessParams {
  return {
    admin: actor.role === 'admin' ? 1 : 0,
    editor: hasRole(actor, 'curator') ? 1 : 0,
    user: actor.role === 'anonymous' ? null : (actor.user ?? null),
    groups: JSON.stringify(actor.role === 'anonymous' ? [] : (actor.groups ?? [])),
  };
}
