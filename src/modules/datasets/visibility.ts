import { canSeeDrafts, canSeeRestricted, type Actor } from '../auth/auth.schema.js';
import type { DatasetRecord } from './datasets.schema.js';

/**
 * The read policy: who may see which dataset version, on every channel (REST, GraphQL, harvest,
 * portal, lineage). Everything that decides visibility calls these functions; the SQL of listings
 * binds `mayListRestricted` into the fragments of src/db/fragments.ts, held to the same answers
 * by test/unit/visibility.test.ts.
 */

export interface VersionFacts {
  state: 'draft' | 'published';
  accessLevel: 'open' | 'embargoed' | 'restricted';
  /** A hidden DOI left a tombstone on the version or on its dataset. */
  withdrawn?: boolean;
}

/** `hidden`: the version does not exist for this caller. `gone`: it was withdrawn (410 with its tombstone). */
export type ReadDecision = 'visible' | 'hidden' | 'gone';

/** Drafts only for those who may write; restricted records only for readers and up. */
export function mayRead(actor: Actor, v: Pick<VersionFacts, 'state' | 'accessLevel'>): boolean {
  if (v.state === 'draft' && !canSeeDrafts(actor)) return false;
  if (v.accessLevel === 'restricted' && !canSeeRestricted(actor)) return false;
  return true;
}

export function decide(actor: Actor, v: VersionFacts): ReadDecision {
  if (!mayRead(actor, v)) return 'hidden';
  return v.withdrawn ? 'gone' : 'visible';
}

/** Whether listings (search, catalog, OAI, lineage) show restricted records to this caller. */
export const mayListRestricted = (actor: Actor) => canSeeRestricted(actor);

/** A lineage neighbour (a published version at the other end of a step) the caller may see. */
export const visibleEndpoint = (actor: Actor, e: { versionNumber: number | null; accessLevel: VersionFacts['accessLevel'] }) =>
  (e.accessLevel !== 'restricted' || mayListRestricted(actor)) && e.versionNumber != null;

/** Whether the caller may see a draft-only dataset exists (it then answers "not published" rather than 404). */
export const maySeeDrafts = (actor: Actor) => canSeeDrafts(actor);

/**
 * Callers that see the same thing of a published version share an audience: a representation
 * rendered for one is valid for all of them (the key of the representation cache).
 */
export const audienceOf = (actor: Actor): 'public' | 'member' => (canSeeRestricted(actor) ? 'member' : 'public');

export const embargoActive = (r: Pick<DatasetRecord, 'accessLevel' | 'embargoUntil'>, now = new Date()) =>
  r.accessLevel === 'embargoed' && !!r.embargoUntil && new Date(r.embargoUntil) > now;

/** What a caller may see of a record: files under an active embargo stay hidden from anonymous callers. */
export function viewFor<R extends DatasetRecord>(actor: Actor, record: R, now = new Date()): R {
  if (canSeeRestricted(actor) || !embargoActive(record, now)) return record;
  return { ...record, distributions: record.distributions.map((d) => ({ ...d, urls: [] })) };
}
