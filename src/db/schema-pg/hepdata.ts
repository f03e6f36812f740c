// PostgreSQL twin of ../schema/hepdata.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, primaryKey, bigint, doublePrecision } from 'drizzle-orm/pg-core';
import { datasetVersions } from './datasets.js';

export const hepdataTables = pgTable(
  'hepdata_tables',
  {
    pk: bigint('pk', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    location: text('location'),
    dataFile: text('data_file').notNull(),
    doi: text('doi'),
    licenseName: text('license_name'),
    licenseUrl: text('license_url'),
    licenseDescription: text('license_description'),
    rowCount: bigint('row_count', { mode: 'number' }).notNull(),
  },
  (t) => [index('hepdata_tables_version_idx').on(t.versionPk, t.position)],
);

export const hepdataKeywords = pgTable(
  'hepdata_keywords',
  {
    tablePk: bigint('table_pk', { mode: 'number' })
      .notNull()
      .references(() => hepdataTables.pk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    name: text('name', { enum: ['cmenergies', 'observables', 'reactions', 'phrases'] }).notNull(),
    value: text('value').notNull(),
    observable: text('observable'),
    lowGev: doublePrecision('low_gev'),
    highGev: doublePrecision('high_gev'),
  },
  (t) => [
    primaryKey({ columns: [t.tablePk, t.position] }),
    index('hepdata_keywords_value_idx').on(t.name, t.value),
    index('hepdata_keywords_observable_idx').on(t.observable),
  ],
);

export const hepdataVariables = pgTable(
  'hepdata_variables',
  {
    tablePk: bigint('table_pk', { mode: 'number' })
      .notNull()
      .references(() => hepdataTables.pk, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['independent', 'dependent'] }).notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    units: text('units'),
  },
  (t) => [primaryKey({ columns: [t.tablePk, t.kind, t.position] })],
);

export const hepdataQualifiers = pgTable(
  'hepdata_qualifiers',
  {
    tablePk: bigint('table_pk', { mode: 'number' })
      .notNull()
      .references(() => hepdataTables.pk, { onDelete: 'cascade' }),
    variable: bigint('variable', { mode: 'number' }).notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    value: text('value').notNull(),
    units: text('units'),
  },
  (t) => [primaryKey({ columns: [t.tablePk, t.variable, t.position] })],
);
