/**
 * SQL conditions shared by the repositories that list dataset records (search, harvest, reads),
 * for queries aliasing `datasets d` and `dataset_versions v`. They are the SQL side of the read
 * policy in src/modules/datasets/visibility.ts; test/unit/visibility.test.ts holds the two to
 * the same answers.
 */

/** A hidden DOI left a tombstone on this version, or on the dataset as a whole (its concept DOI). */
export const WITHDRAWN = `EXISTS (SELECT 1 FROM dois w WHERE w.dataset_id = d.id AND w.withdrawn_at IS NOT NULL AND (w.is_concept = 1 OR w.version_pk = v.pk))`;

/** Some published version of the dataset was public (a record whose latest version turned restricted was withdrawn from the public). */
export const EVER_PUBLIC = `EXISTS (SELECT 1 FROM dataset_versions p WHERE p.dataset_id = d.id AND p.state = 'published' AND p.access_level <> 'restricted')`;

/** Restricted records exist only for callers that may see them: bind `@includeRestricted` (0 or 1). */
export const ACCESS_ALLOWED = `(@includeRestricted = 1 OR v.access_level <> 'restricted')`;

/** The latest published version of every dataset: what search and harvesting list. */
export const LATEST_PUBLISHED = `datasets d JOIN dataset_versions v ON v.pk = d.latest_version_pk`;

/**
 * A record is in a tier or domain when it is its primary one (the column) or one of its also-in
 * terms; bind `@tier` (a number) and `@domain` (an IRI), NULL for no filter.
 */
export const IN_TIER = `(@tier IS NULL OR v.tier = @tier OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'tier' AND CAST(t.value AS INTEGER) = @tier))`;
export const IN_DOMAIN = `(@domain IS NULL OR v.domain = @domain OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'domain' AND t.value = @domain))`;
