import { dialects, type SqlDialect } from './dialect.js';

/**
 * SQL conditions shared by the repositories that list dataset records (search, harvest, reads,
 * DOIs, agents), for queries aliasing `datasets d` and `dataset_versions v`. They are the SQL side
 * of the access policy in src/modules/datasets/visibility.ts (which binds the caller as
 * AccessParams); test/unit/visibility.test.ts holds the two to the same answers. The fragments that
 * read a JSON array take the repository's dialect (`db.sql`); left out, they are SQLite's.
 */

/** The caller, bound as named parameters: @admin and @editor (0 or 1), @user (a user id or NULL), @groups (a JSON array of group ids). */
export interface AccessParams {
  admin: 0 | 1;
  editor: 0 | 1;
  user: string | null;
  groups: string;
}

/** A hidden DOI left a tombstone on this version, or on the dataset as a whole (its concept DOI). */
export const WITHDRAWN = `EXISTS (SELECT 1 FROM dois w WHERE w.dataset_id = d.id AND w.withdrawn_at IS NOT NULL AND (w.is_concept OR w.version_pk = v.pk))`;

/** Some published version of the dataset was public (a record whose latest version turned private was withdrawn from the public). */
export const EVER_PUBLIC = `EXISTS (SELECT 1 FROM dataset_versions p WHERE p.dataset_id = d.id AND p.state = 'published' AND p.visibility = 'public')`;

/** The caller holds the record `d` (visibility.ts `holds`): an admin, its owner, or a member of a group it is shared with. */
export const holdsRecord = (d = 'd', sql: SqlDialect = dialects.sqlite) =>
  `(@admin = 1 OR ${d}.owner_id = @user OR EXISTS (SELECT 1 FROM dataset_groups hg WHERE hg.dataset_id = ${d}.id AND hg.group_id IN (SELECT g.value FROM ${sql.each('@groups', 'g', 'text')})))`;

/** The caller may read version `v` of record `d` (visibility.ts `mayRead`). */
export const mayReadVersion = (v = 'v', d = 'd', sql: SqlDialect = dialects.sqlite) =>
  `(CASE ${v}.state WHEN 'published' THEN (${v}.visibility = 'public' OR ${holdsRecord(d, sql)}) ELSE (@editor = 1 AND ${holdsRecord(d, sql)}) END)`;

/** A version's holders as one JSON array of group ids (visibility.ts `Holders.groups`: a set, whose readers sort it where order shows). */
export const sharedGroups = (d = 'd', sql: SqlDialect = dialects.sqlite) =>
  `(SELECT ${sql.jsonArray('sg.group_id')} FROM dataset_groups sg WHERE sg.dataset_id = ${d}.id)`;

/** The latest published version of every dataset: what search and harvesting list. */
export const LATEST_PUBLISHED = `datasets d JOIN dataset_versions v ON v.pk = d.latest_version_pk`;

/**
 * A record is in a tier or domain when it is its primary one (the column) or one of its also-in
 * terms; bind `@tier` (a number) and `@domain` (an IRI), NULL for no filter. Tier terms are stored as
 * text: the parameter is cast, not the column (PostgreSQL might cast a keyword's value before the facet rules it out),
 * through INTEGER first because better-sqlite3 binds a number as a REAL, whose text is '2.0'.
 */
export const IN_TIER = `(@tier IS NULL OR v.tier = @tier OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'tier' AND t.value = CAST(CAST(@tier AS INTEGER) AS TEXT)))`;
export const IN_DOMAIN = `(@domain IS NULL OR v.domain = @domain OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'domain' AND t.value = @domain))`;
