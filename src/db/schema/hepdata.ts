import { sqliteTable, text, integer, real, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { datasetVersions } from './datasets.js';

/**
 * The data tables of a version imported from a HEPData submission: one row per table document of
 * its submission.yaml, in order. Written with the version (a published version never changes), so
 * what a table says is versioned with the record.
 */
export const hepdataTables = sqliteTable(
  'hepdata_tables',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    /** Where in the publication the table is (e.g. "Data from Figure 8A"). */
    location: text('location'),
    /** The data file of the submission holding the table's values. */
    dataFile: text('data_file').notNull(),
    /** The table's own DOI (10.17182/hepdata.N.vM/tK), present when the submission was downloaded from HEPData. */
    doi: text('doi'),
    licenseName: text('license_name'),
    licenseUrl: text('license_url'),
    licenseDescription: text('license_description'),
    /** Rows of the table (the length of every variable's values, which the importer checked agree). */
    rowCount: integer('row_count').notNull(),
  },
  (t) => [index('hepdata_tables_version_idx').on(t.versionPk, t.position)],
);

/**
 * A table's keywords as the submission gives them (`cmenergies`, `observables`, `reactions`,
 * `phrases`), each with the femto ontology observable it maps to, when one does; a centre-of-mass
 * energy also as numbers in GeV (a value, or a low-high range).
 */
export const hepdataKeywords = sqliteTable(
  'hepdata_keywords',
  {
    tablePk: integer('table_pk')
      .notNull()
      .references(() => hepdataTables.pk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name', { enum: ['cmenergies', 'observables', 'reactions', 'phrases'] }).notNull(),
    value: text('value').notNull(),
    observable: text('observable'),
    lowGev: real('low_gev'),
    highGev: real('high_gev'),
  },
  (t) => [
    primaryKey({ columns: [t.tablePk, t.position] }),
    index('hepdata_keywords_value_idx').on(t.name, t.value),
    index('hepdata_keywords_observable_idx').on(t.observable),
  ],
);

/** The headers of a table's independent and dependent variables (name and units), in order. */
export const hepdataVariables = sqliteTable(
  'hepdata_variables',
  {
    tablePk: integer('table_pk')
      .notNull()
      .references(() => hepdataTables.pk, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['independent', 'dependent'] }).notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    units: text('units'),
  },
  (t) => [primaryKey({ columns: [t.tablePk, t.kind, t.position] })],
);

/** The qualifiers of a dependent variable (e.g. SQRT(S) = 7000 GEV, RE = P P --> Z0 Z0 X), in order. */
export const hepdataQualifiers = sqliteTable(
  'hepdata_qualifiers',
  {
    tablePk: integer('table_pk')
      .notNull()
      .references(() => hepdataTables.pk, { onDelete: 'cascade' }),
    variable: integer('variable').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    value: text('value').notNull(),
    units: text('units'),
  },
  (t) => [primaryKey({ columns: [t.tablePk, t.variable, t.position] })],
);
