import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamp } from './common.js';
import { datasets, datasetVersions } from './datasets.js';

/**
 * Every OpenLineage event femto accepted, once (by the digest of its text): a replayed event is
 * recognised and changes nothing. Kept whole, as Marquez keeps them: run and job facets (such as
 * environment variables) that femto does not publish stay here, for curators.
 */
export const olEvents = sqliteTable(
  'ol_events',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    digest: text('digest').notNull(),
    /** null for dataset and job events. */
    runId: text('run_id'),
    eventType: text('event_type'),
    eventTime: timestamp('event_time').notNull(),
    event: text('event').notNull(),
    receivedAt: timestamp('received_at').notNull(),
  },
  (t) => [uniqueIndex('ol_events_digest_uq').on(t.digest), index('ol_events_run_idx').on(t.runId)],
);

/**
 * One row per run (runId): its job, its state as the events tell it (a terminal state, COMPLETE,
 * FAIL or ABORT, is final whatever arrives after it) and the derivation step its COMPLETE made.
 */
export const olRuns = sqliteTable('ol_runs', {
  runId: text('run_id').primaryKey(),
  jobNamespace: text('job_namespace').notNull(),
  jobName: text('job_name').notNull(),
  state: text('state', { enum: ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] }).notNull(),
  startedAt: timestamp('started_at'),
  endedAt: timestamp('ended_at'),
  activityId: text('activity_id'),
  updatedAt: timestamp('updated_at').notNull(),
});

/** An OpenLineage dataset (namespace + name) is this femto dataset: the mapping rule's result, kept so it never changes. */
export const olDatasets = sqliteTable(
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

/** The femto version of a dataset that an OpenLineage version key (its version facet, else its schema) names. */
export const olVersions = sqliteTable(
  'ol_versions',
  {
    datasetId: text('dataset_id').notNull(),
    versionKey: text('version_key').notNull(),
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.versionKey] })],
);
