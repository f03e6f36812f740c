import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { createdAt, timestamp } from './common.js';
import { agents } from './agents.js';
import { groups, users } from './access.js';
import { sites, VERIFY_RESULTS } from './locations.js';

/**
 * The concept record (like Zenodo's concept DOI): it groups the versions of one dataset.
 * `latestVersionPk` points at the newest published version so that search and harvesting
 * never need a max() per dataset. `modifiedAt` is the record's harvest datestamp: the latest
 * change to what any metadata format says of any of its versions (kept by the triggers of the
 * version_changes migration), so OAI-PMH `from`, `/catalog?modified_since` and sitemaps see
 * DOI changes, withdrawals, gate results and new lineage, not only publication.
 */
export const datasets = sqliteTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    latestVersionPk: integer('latest_version_pk'),
    draftVersionPk: integer('draft_version_pk'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
    createdBy: text('created_by').notNull(),
    modifiedAt: timestamp('modified_at'),
    /** The user who created the record (or to whom an admin gave it): with the groups it is shared with, who may edit it and see it while private. */
    ownerId: text('owner_id').references(() => users.id),
  },
  (t) => [
    index('datasets_updated_idx').on(t.updatedAt),
    index('datasets_modified_idx').on(t.modifiedAt, t.id),
    index('datasets_latest_idx').on(t.latestVersionPk),
    index('datasets_owner_idx').on(t.ownerId),
  ],
);

/**
 * One row per version. A draft has `versionNumber` null and `state` 'draft'; publishing assigns
 * the next number and the row never changes again (the service refuses, the repository has no
 * update path for published rows).
 */
export const datasetVersions = sqliteTable(
  'dataset_versions',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number'),
    state: text('state', { enum: ['draft', 'published'] }).notNull(),
    /** Bumped on every PATCH of a draft; the ETag is derived from it. */
    revision: integer('revision').notNull().default(1),
    versionLabel: text('version_label'),
    title: text('title').notNull(),
    description: text('description').notNull(),
    tier: integer('tier'),
    domain: text('domain'),
    dataType: text('data_type'),
    resourceType: text('resource_type').notNull().default('Dataset'),
    /** Whether the thing described exists yet: planned, in-preparation, available, deprecated, retracted. */
    status: text('status', { enum: ['planned', 'in-preparation', 'available', 'deprecated', 'retracted'] })
      .notNull()
      .default('available'),
    /** The source's own issue date when known; femto's publication time is `publishedAt`. */
    issued: text('issued'),
    license: text('license'),
    /** Record visibility: a private version exists only for its owner, the groups the record is shared with, and admins. */
    visibility: text('visibility', { enum: ['public', 'private'] })
      .notNull()
      .default('public'),
    /** File access: who may get the files of a version whose metadata the caller sees. */
    accessLevel: text('access_level', { enum: ['open', 'embargoed', 'restricted'] }).notNull(),
    embargoUntil: text('embargo_until'),
    /** How to obtain files that are not open (schema.org conditionsOfAccess), and whom to ask (an e-mail address or a URL). */
    accessConditions: text('access_conditions'),
    accessContact: text('access_contact'),
    publisher: text('publisher'),
    sizeBytes: integer('size_bytes'),
    recordCount: integer('record_count'),
    /** The version's datasheet (Gebru et al.), its seven sections as datasheet.schema.ts validates them; versioned with the row. */
    datasheet: text('datasheet', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** Source annotations, kept as a JSON object. */
    annotations: text('annotations', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** A model's model card (Mitchell et al.): versioned with the record like every other field; null for datasets. */
    modelCard: text('model_card', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
    publishedAt: timestamp('published_at'),
  },
  (t) => [
    uniqueIndex('dataset_versions_number_uq').on(t.datasetId, t.versionNumber),
    index('dataset_versions_facets_idx').on(t.tier, t.domain, t.dataType),
    index('dataset_versions_status_idx').on(t.status),
    index('dataset_versions_published_idx').on(t.publishedAt),
  ],
);

/**
 * What other modules say about a published version changes after publication (a DOI is minted or
 * hidden, a gate is judged, a step uses it, a new version appears): `seq` counts those changes and
 * `changedAt` dates the last. Triggers bump both in the transaction of the change (see the
 * version_changes migration), so a representation cached under (version, seq) is never stale, on
 * any process sharing the database.
 */
export const versionChanges = sqliteTable('version_changes', {
  versionPk: integer('version_pk')
    .primaryKey()
    .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  changedAt: timestamp('changed_at').notNull(),
});

/**
 * One counter for the whole catalog: any version change (see version_changes) bumps it, in the
 * same transaction. Answers computed over many records (search pages and their facets) are
 * cached under it.
 */
export const catalogChanges = sqliteTable('catalog_changes', {
  id: integer('id').primaryKey(),
  seq: integer('seq').notNull(),
});

/** The groups a record is shared with (whole records: every version). */
export const datasetGroups = sqliteTable(
  'dataset_groups',
  {
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.groupId] }), index('dataset_groups_group_idx').on(t.groupId)],
);

/** Creators and contributors of a version, in order. */
export const versionAgents = sqliteTable(
  'version_agents',
  {
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    role: text('role', { enum: ['creator', 'contributor'] }).notNull(),
    position: integer('position').notNull(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    contributorType: text('contributor_type'),
    affiliation: text('affiliation'),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.role, t.position] }), index('version_agents_agent_idx').on(t.agentId)],
);

/**
 * Many-valued, facetable terms of a version: keywords, formats, observables (ontology IRIs), and
 * the tiers and domains (IRIs) a record belongs to besides its primary `tier` / `domain`.
 */
export const versionTerms = sqliteTable(
  'version_terms',
  {
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    facet: text('facet', { enum: ['keyword', 'format', 'observable', 'tier', 'domain'] }).notNull(),
    position: integer('position').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.facet, t.position] }), index('version_terms_value_idx').on(t.facet, t.value)],
);

export const distributions = sqliteTable(
  'distributions',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title'),
    mediaType: text('media_type'),
    format: text('format'),
    sizeBytes: integer('size_bytes'),
    checksumAlgorithm: text('checksum_algorithm'),
    checksumValue: text('checksum_value'),
    kind: text('kind', { enum: ['download', 'access'] })
      .notNull()
      .default('download'),
    /** For an archive: the sets of files inside it (include/exclude globs and their media type), a JSON array. */
    contents: text('contents', { mode: 'json' }).$type<{ title?: string; includes: string[]; excludes?: string[]; mediaType: string }[]>(),
    /** The ILDG logical file name (lfn://…) of the file, for a gauge configuration: its replicas are where the grid keeps it. */
    lfn: text('lfn'),
  },
  (t) => [index('distributions_version_idx').on(t.versionPk, t.position)],
);

/**
 * A distribution may be served from several places: replicas, each at a named site (or none: the
 * origin), over a protocol (the URL's scheme), with the checksum that site states and what the
 * last check of it found. The check columns are not version content: they change without the
 * version changing, and no representation of a version shows them. Replicas are added to and
 * removed from published versions (the bytes, checksummed alike, stay the same): a trigger counts
 * that as a change of the version.
 */
export const distributionLocations = sqliteTable(
  'distribution_locations',
  {
    distributionPk: integer('distribution_pk')
      .notNull()
      .references(() => distributions.pk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    url: text('url').notNull(),
    site: text('site').references(() => sites.id),
    protocol: text('protocol').notNull().default(''),
    checksumAlgorithm: text('checksum_algorithm'),
    checksumValue: text('checksum_value'),
    /** When the replica was added to its published version (null: written with the version). */
    addedAt: timestamp('added_at'),
    verifiedAt: timestamp('verified_at'),
    verifyResult: text('verify_result', { enum: VERIFY_RESULTS }),
    verifyDetail: text('verify_detail'),
  },
  (t) => [primaryKey({ columns: [t.distributionPk, t.position] }), index('distribution_locations_site_idx').on(t.site)],
);

export const relatedIdentifiers = sqliteTable(
  'related_identifiers',
  {
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    identifierType: text('identifier_type').notNull(),
    value: text('value').notNull(),
    relationType: text('relation_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.position] }), index('related_identifiers_value_idx').on(t.identifierType, t.value)],
);

export type DatasetVersionRow = typeof datasetVersions.$inferSelect;
export type NewDatasetVersionRow = typeof datasetVersions.$inferInsert;
export type DistributionRow = typeof distributions.$inferSelect;
