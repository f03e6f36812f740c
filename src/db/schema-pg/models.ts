// PostgreSQL twin of ../schema/models.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, uniqueIndex, bigint, boolean, doublePrecision } from 'drizzle-orm/pg-core';
import { createdAt } from './common.js';
import { datasetVersions } from './datasets.js';
import { activities } from './provenance.js';

export const evaluations = pgTable(
  'evaluations',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull(),
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    modelVersionPk: bigint('model_version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk),
    benchmarkVersionPk: bigint('benchmark_version_pk', { mode: 'number' }).references(() => datasetVersions.pk),
    split: text('split'),
    metric: text('metric'),
    metricLabel: text('metric_label'),
    higherIsBetter: boolean('higher_is_better'),
    value: doublePrecision('value'),
    uncertainty: doublePrecision('uncertainty'),
    baselineVersionPk: bigint('baseline_version_pk', { mode: 'number' }).references(() => datasetVersions.pk),
    baselineAlgorithm: text('baseline_algorithm'),
    baselineValue: doublePrecision('baseline_value'),
    baselineUncertainty: doublePrecision('baseline_uncertainty'),
    baselineEvaluationId: text('baseline_evaluation_id'),
    statement: text('statement'),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    uniqueIndex('evaluations_id_uq').on(t.id),
    index('evaluations_model_idx').on(t.modelVersionPk),
    index('evaluations_benchmark_idx').on(t.benchmarkVersionPk, t.metric),
  ],
);
