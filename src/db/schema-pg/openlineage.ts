// PostgreSQL twin of ../schema/openlineage.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, primaryKey, uniqueIndex, bigint } from 'drizzle-orm/pg-core';
import { timestamp } from './common.js';
import { datasets, datasetVersions } from './datasets.js';

export const olEvents = pgTable(
  'ol_events',
  {
    pk: bigint('pk', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    digest: text('digest').notNull(),
    runId: text('run_id'),
    eventType: text('event_type'),
    eventTime: timestamp('event_time').notNull(),
    event: text('event').notNull(),
    receivedAt: timestamp('received_at').notNull(),
  },
  (t) => [uniqueIndex('ol_events_digest_uq').on(t.digest), index('ol_events_run_idx').on(t.runId)],
);

export const olRuns = pgTable('ol_runs', {
  runId: text('run_id').primaryKey(),
  jobNamespace: text('job_namespace').notNull(),
  jobName: text('job_name').notNull(),
  state: text('state', { enum: ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] }).notNull(),
  startedAt: timestamp('started_at'),
  endedAt: timestamp('ended_at'),
  activityId: text('activity_id'),
  updatedAt: timestamp('updated_at').notNull(),
});

export const olDatasets = pgTable(
  'ol_datasets',
  {
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.name] }), uniqueIndex('ol_datasets_dataset_uq').on(t.datasetId)],
);

export const olVersions = pgTable(
  'ol_versions',
  {
    datasetId: text('dataset_id').notNull(),
    versionKey: text('version_key').notNull(),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.versionKey] })],
);
