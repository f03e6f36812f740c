// PostgreSQL twin of ../schema/physics.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, primaryKey, uniqueIndex, bigint, boolean, doublePrecision, json } from 'drizzle-orm/pg-core';
import { createdAt } from './common.js';
import { datasetVersions } from './datasets.js';

export const versionEnsembles = pgTable(
  'version_ensembles',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .primaryKey()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    markovChainUri: text('markov_chain_uri').notNull(),
    collaboration: text('collaboration'),
    projectName: text('project_name'),
    gaugeAction: text('gauge_action'),
    beta: doublePrecision('beta'),
    l: bigint('l', { mode: 'number' }),
    lx: bigint('lx', { mode: 'number' }).notNull(),
    ly: bigint('ly', { mode: 'number' }).notNull(),
    lz: bigint('lz', { mode: 'number' }).notNull(),
    t: bigint('t', { mode: 'number' }).notNull(),
    nf: text('nf'),
    algorithm: text('algorithm'),
    statedConfigurations: bigint('stated_configurations', { mode: 'number' }),
  },
  (t) => [
    index('version_ensembles_mc_idx').on(t.markovChainUri),
    index('version_ensembles_beta_idx').on(t.beta),
    index('version_ensembles_l_idx').on(t.l),
    index('version_ensembles_nf_idx').on(t.nf),
  ],
);

export const versionEnsembleQuarks = pgTable(
  'version_ensemble_quarks',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => versionEnsembles.versionPk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    action: text('action').notNull(),
    flavours: bigint('flavours', { mode: 'number' }),
    mass: doublePrecision('mass'),
    kappa: doublePrecision('kappa'),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.position] }), index('version_ensemble_quarks_action_idx').on(t.action)],
);

export const versionCollisions = pgTable(
  'version_collisions',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .primaryKey()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    sqrtSnnGev: doublePrecision('sqrt_snn_gev'),
    sqrtSnnValue: doublePrecision('sqrt_snn_value'),
    sqrtSnnUnit: text('sqrt_snn_unit'),
    events: bigint('events', { mode: 'number' }),
    trigger: text('trigger'),
    subsystems: json('subsystems').$type<string[]>(),
    simulated: boolean('simulated'),
    basis: text('basis'),
  },
  (t) => [index('version_collisions_sqrt_snn_idx').on(t.sqrtSnnGev)],
);

export const versionCollisionSystems = pgTable(
  'version_collision_systems',
  {
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => versionCollisions.versionPk, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    system: text('system').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.position] }), index('version_collision_systems_idx').on(t.system)],
);

export const latticeConfigurations = pgTable(
  'lattice_configurations',
  {
    pk: bigint('pk', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    markovChainUri: text('markov_chain_uri').notNull(),
    lfn: text('lfn').notNull(),
    series: text('series'),
    markovStep: bigint('markov_step', { mode: 'number' }),
    avePlaquette: doublePrecision('ave_plaquette'),
    crcChecksum: text('crc_checksum'),
    precision: text('precision'),
    codeName: text('code_name'),
    codeVersion: text('code_version'),
    machine: text('machine'),
    generatedAt: text('generated_at'),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('lattice_configurations_lfn_uq').on(t.lfn), index('lattice_configurations_mc_idx').on(t.markovChainUri, t.markovStep)],
);
