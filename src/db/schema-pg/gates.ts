// PostgreSQL twin of ../schema/gates.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, uniqueIndex, bigint, doublePrecision, json } from 'drizzle-orm/pg-core';
import { createdAt } from './common.js';
import { datasetVersions } from './datasets.js';
import { activities } from './provenance.js';

export const measurements = pgTable(
  'measurements',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull(),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    observable: text('observable').notNull(),
    value: json('value').notNull().$type<number | number[]>(),
    unit: text('unit'),
    normalizedValue: json('normalized_value').notNull().$type<number | number[]>(),
    normalizedUnit: text('normalized_unit'),
    uncertainty: doublePrecision('uncertainty'),
    method: text('method'),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('measurements_id_uq').on(t.id), index('measurements_version_idx').on(t.versionPk, t.observable)],
);

export const gateResults = pgTable(
  'gate_results',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    measurementId: text('measurement_id')
      .notNull()
      .references(() => measurements.id, { onDelete: 'cascade' }),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    gate: text('gate').notNull(),
    verdict: text('verdict', { enum: ['passed', 'failed', 'not-evaluable'] }).notNull(),
    value: doublePrecision('value'),
    margin: doublePrecision('margin'),
    reason: text('reason'),
  },
  (t) => [uniqueIndex('gate_results_measurement_gate_uq').on(t.measurementId, t.gate), index('gate_results_version_gate_idx').on(t.versionPk, t.gate, t.seq)],
);
