import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { createdAt, timestamp } from './common.js';
import { datasets, datasetVersions } from './datasets.js';

/**
 * A DOI femto holds. `doi` is the normalized (lower-case) form. A version DOI is bound to one
 * dataset version (`versionPk`, unique: never two DOIs for one version); a concept DOI to the
 * dataset as a whole (`isConcept`, one per dataset). `attributes` keeps only what the client set
 * itself: everything else is filled from the dataset at read and delivery time, so lineage added
 * later still reaches DataCite.
 */
export const dois = sqliteTable(
  'dois',
  {
    doi: text('doi').primaryKey(),
    state: text('state', { enum: ['draft', 'registered', 'findable'] }).notNull(),
    datasetId: text('dataset_id').references(() => datasets.id),
    versionPk: integer('version_pk').references(() => datasetVersions.pk),
    isConcept: integer('is_concept', { mode: 'boolean' }).notNull().default(false),
    url: text('url'),
    attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Set when a findable DOI is hidden: the landing page becomes a tombstone (410). */
    withdrawnAt: timestamp('withdrawn_at'),
    /** Why it was withdrawn, as the curator stated it when hiding (femto's `withdrawalReason`; DataCite has no such field). */
    withdrawalReason: text('withdrawal_reason'),
    /** pending: an outbox row awaits delivery; synced: the registrar has the latest state; failed: the last attempt failed (still retried). */
    registrationStatus: text('registration_status', { enum: ['pending', 'synced', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    syncedAt: timestamp('synced_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('dois_version_uq').on(t.versionPk),
    uniqueIndex('dois_concept_uq')
      .on(t.datasetId)
      .where(sql`${t.isConcept} = 1`),
    index('dois_dataset_idx').on(t.datasetId),
    index('dois_updated_idx').on(t.updatedAt),
  ],
);

/**
 * Transactional outbox: one row per DOI state change, written in the transaction of the change.
 * The worker delivers the DOI's current state (idempotent PUT), so rows of one DOI coalesce; a
 * lease (`leaseOwner`, `leaseUntil`) keeps two workers from delivering the same DOI at once.
 * No foreign key: a deleted draft's row must still reach the registrar.
 */
export const doiOutbox = sqliteTable(
  'doi_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    doi: text('doi').notNull(),
    action: text('action', { enum: ['upsert', 'delete'] }).notNull(),
    createdAt: createdAt(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until'),
    deliveredAt: timestamp('delivered_at'),
  },
  (t) => [index('doi_outbox_due_idx').on(t.deliveredAt, t.nextAttemptAt), index('doi_outbox_doi_idx').on(t.doi, t.id)],
);

export type DoiRow = typeof dois.$inferSelect;
export type OutboxRow = typeof doiOutbox.$inferSelect;
