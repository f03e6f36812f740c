import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt } from './common.js';
import { datasetVersions } from './datasets.js';
import { activities } from './provenance.js';

/**
 * A model evaluation: an evaluation step (its activity, which used the model, the benchmark and a
 * baseline model) scoring one model version on a dataset version or a named split of it, for one
 * metric. A row without a value is a claim a source states, not a measurement: it is never ranked
 * or judged. Rows are never updated; a later evaluation of the same model, benchmark, split,
 * metric and baseline supersedes an earlier one.
 */
export const evaluations = sqliteTable(
  'evaluations',
  {
    /** Recording order: lists are oldest first, and the latest of a model, benchmark, split and metric supersedes the others. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    modelVersionPk: integer('model_version_pk')
      .notNull()
      .references(() => datasetVersions.pk),
    /** The evaluation data; null only for a stated claim whose source names none. */
    benchmarkVersionPk: integer('benchmark_version_pk').references(() => datasetVersions.pk),
    split: text('split'),
    /** An ontology IRI (metric or observable), another IRI, or a name; null only for a claim that names none. */
    metric: text('metric'),
    metricLabel: text('metric_label'),
    /** The metric's direction, from its definition (ontology) or as first stated for a named metric. */
    higherIsBetter: integer('higher_is_better', { mode: 'boolean' }),
    value: real('value'),
    uncertainty: real('uncertainty'),
    baselineVersionPk: integer('baseline_version_pk').references(() => datasetVersions.pk),
    baselineAlgorithm: text('baseline_algorithm'),
    baselineValue: real('baseline_value'),
    baselineUncertainty: real('baseline_uncertainty'),
    /** The baseline's own evaluation its value was taken from, when the request gave none. */
    baselineEvaluationId: text('baseline_evaluation_id'),
    /** The claim in its source's words (required when there is no value). */
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

export type EvaluationRow = typeof evaluations.$inferSelect;
