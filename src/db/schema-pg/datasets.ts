// PostgreSQL twin of ../schema/datasets.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, uniqueIndex, primaryKey, bigint, json } from 'drizzle-orm/pg-core';
import { createdAt, timestamp } from './common.js';
import { agents } from './agents.js';
import { groups, users } from './access.js';
import { sites } from './locations.js';
import { VERIFY_RESULTS } from '../schema/locations.js';

export const datasets = pgTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    latestVersionPk: bigint('latest_version_pk', { mode: 'number' }),
    draftVersionPk: bigint('draft_version_pk', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
    createdBy: text('created_by').notNull(),
    modifiedAt: timestamp('modified_at'),
    ownerId: text('owner_id').references(() => users.id),
  },
  (t) => [
    index('datasets_updated_idx').on(t.updatedAt),
    index('datasets_modified_idx').on(t.modifiedAt, t.id),
    index('datasets_latest_idx').on(t.latestVersionPk),
    index('datasets_owner_idx').on(t.ownerId),
  ],
);

export const datasetVersions = pgTable(
  'dataset_versions',
  {
    pk: bigint('pk', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    versionNumber: bigint('version_number', { mode: 'number' }),
    state: text('state', { enum: ['draft', 'published'] }).notNull(),
    revision: bigint('revision', { mode: 'number' }).notNull().default(1),
    versionLabel: text('version_label'),
    title: text('title').notNull(),
    description: text('description').notNull(),
    tier: bigint('tier', { mode: 'number' }),
    domain: text('domain'),
    dataType: text('data_type'),
    resourceType: text('resource_type').notNull().default('Dataset'),
    status: text('status', { enum: ['planned', 'in-preparation', 'available', 'deprecated', 'retracted'] })
      .notNull()
      .default('available'),
    issued: text('issued'),
    license: text('license'),
    visibility: text('visibility', { enum: ['public', 'private'] })
      .notNull()
      .default('public'),
    accessLevel: text('access_level', { enum: ['open', 'embargoed', 'restricted'] }).notNull(),
    embargoUntil: text('embargo_until'),
    accessConditions: text('access_conditions'),
    accessContact: text('access_contact'),
    publisher: text('publisher'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    recordCount: bigint('record_count', { mode: 'number' }),
    datasheet: json('datasheet').$type<Record<string, unknown>>(),
    annotations: json('annotations').$type<Record<string, unknown>>(),
    modelCard: json('model_card').$type<Record<string, unknown>>(),
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

export const versionChanges = pgTable('version_changes', {
  versionPk: bigint('version_pk', { mode: 'number' })
    .primaryKey()
    .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  changedAt: timestamp('changed_at').notNull(),
});

export const catalogChanges = pgTable('catalog_changes', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

export const datasetGroups = pgTable(
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

export const versionAgents = pgTable(
  'version_agents',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    role: text('role', { enum: ['creator', 'contributor'] }).notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    contributorType: text('contributor_type'),
    affiliation: text('affiliation'),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.role, t.position] }), index('version_agents_agent_idx').on(t.agentId)],
);

export const versionTerms = pgTable(
  'version_terms',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    facet: text('facet', { enum: ['keyword', 'format', 'observable', 'tier', 'domain'] }).notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.facet, t.position] }), index('version_terms_value_idx').on(t.facet, t.value)],
);

export const distributions = pgTable(
  'distributions',
  {
    pk: bigint('pk', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    title: text('title'),
    mediaType: text('media_type'),
    format: text('format'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    checksumAlgorithm: text('checksum_algorithm'),
    checksumValue: text('checksum_value'),
    kind: text('kind', { enum: ['download', 'access'] })
      .notNull()
      .default('download'),
    contents: json('contents').$type<{ title?: string; includes: string[]; excludes?: string[]; mediaType: string }[]>(),
    lfn: text('lfn'),
  },
  (t) => [index('distributions_version_idx').on(t.versionPk, t.position)],
);

export const distributionLocations = pgTable(
  'distribution_locations',
  {
    distributionPk: bigint('distribution_pk', { mode: 'number' })
      .notNull()
      .references(() => distributions.pk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    url: text('url').notNull(),
    site: text('site').references(() => sites.id),
    protocol: text('protocol').notNull().default(''),
    checksumAlgorithm: text('checksum_algorithm'),
    checksumValue: text('checksum_value'),
    addedAt: timestamp('added_at'),
    verifiedAt: timestamp('verified_at'),
    verifyResult: text('verify_result', { enum: VERIFY_RESULTS }),
    verifyDetail: text('verify_detail'),
  },
  (t) => [primaryKey({ columns: [t.distributionPk, t.position] }), index('distribution_locations_site_idx').on(t.site)],
);

export const relatedIdentifiers = pgTable(
  'related_identifiers',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    identifierType: text('identifier_type').notNull(),
    value: text('value').notNull(),
    relationType: text('relation_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.position] }), index('related_identifiers_value_idx').on(t.identifierType, t.value)],
);
