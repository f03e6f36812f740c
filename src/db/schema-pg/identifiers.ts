// PostgreSQL twin of ../schema/identifiers.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, uniqueIndex, bigint, boolean, json } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, timestamp } from './common.js';
import { datasets, datasetVersions } from './datasets.js';

export const dois = pgTable(
  'dois',
  {
    doi: text('doi').primaryKey(),
    state: text('state', { enum: ['draft', 'registered', 'findable'] }).notNull(),
    datasetId: text('dataset_id').references(() => datasets.id),
    versionPk: bigint('version_pk', { mode: 'number' }).references(() => datasetVersions.pk),
    isConcept: boolean('is_concept').notNull().default(false),
    url: text('url'),
    attributes: json('attributes').$type<Record<string, unknown>>().notNull(),
    withdrawnAt: timestamp('withdrawn_at'),
    withdrawalReason: text('withdrawal_reason'),
    registrationStatus: text('registration_status', { enum: ['pending', 'synced', 'failed'] }).notNull(),
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    lastError: text('last_error'),
    syncedAt: timestamp('synced_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('dois_version_uq').on(t.versionPk),
    uniqueIndex('dois_concept_uq')
      .on(t.datasetId)
      .where(sql`${t.isConcept}`),
    index('dois_dataset_idx').on(t.datasetId),
    index('dois_updated_idx').on(t.updatedAt),
  ],
);

export const doiOutbox = pgTable(
  'doi_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    doi: text('doi').notNull(),
    action: text('action', { enum: ['upsert', 'delete'] }).notNull(),
    createdAt: createdAt(),
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until'),
    deliveredAt: timestamp('delivered_at'),
  },
  (t) => [index('doi_outbox_due_idx').on(t.deliveredAt, t.nextAttemptAt), index('doi_outbox_doi_idx').on(t.doi, t.id)],
);
