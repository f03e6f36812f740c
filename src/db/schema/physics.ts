import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt } from './common.js';
import { datasetVersions } from './datasets.js';

/**
 * The typed physics blocks of a version, written with the version and as immutable as it: columns
 * rather than JSON so that search filters and facets (`?beta=6.0..6.3&nf=2+1&L=32..64`,
 * `?system=Au+Au&sqrtsNN=200`) are indexed lookups.
 */

/** A lattice QCD ensemble (an ILDG Markov chain): one per version at most. */
export const versionEnsembles = sqliteTable(
  'version_ensembles',
  {
    versionPk: integer('version_pk')
      .primaryKey()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    /** The ILDG Markov chain URI: the ensemble's identifier, which its configurations name. */
    markovChainUri: text('markov_chain_uri').notNull(),
    collaboration: text('collaboration'),
    projectName: text('project_name'),
    gaugeAction: text('gauge_action'),
    beta: real('beta'),
    /** Spatial extent when the three spatial extents are equal (L³×T), else null with lx, ly, lz. */
    l: integer('l'),
    lx: integer('lx').notNull(),
    ly: integer('ly').notNull(),
    lz: integer('lz').notNull(),
    t: integer('t').notNull(),
    /** Flavour content, lightest first: "2+1", "2+1+1". */
    nf: text('nf'),
    algorithm: text('algorithm'),
    /** A count the source states; configurations recorded in femto are counted apart. */
    statedConfigurations: integer('stated_configurations'),
  },
  (t) => [
    index('version_ensembles_mc_idx').on(t.markovChainUri),
    index('version_ensembles_beta_idx').on(t.beta),
    index('version_ensembles_l_idx').on(t.l),
    index('version_ensembles_nf_idx').on(t.nf),
  ],
);

/** The quark (fermion) actions of an ensemble, in document order. */
export const versionEnsembleQuarks = sqliteTable(
  'version_ensemble_quarks',
  {
    versionPk: integer('version_pk')
      .notNull()
      .references(() => versionEnsembles.versionPk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    action: text('action').notNull(),
    flavours: integer('flavours'),
    mass: real('mass'),
    /** Hopping parameter. */
    kappa: real('kappa'),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.position] }), index('version_ensemble_quarks_action_idx').on(t.action)],
);

/** Collisions recorded or simulated in detector data: one block per version at most. */
export const versionCollisions = sqliteTable(
  'version_collisions',
  {
    versionPk: integer('version_pk')
      .primaryKey()
      .references(() => datasetVersions.pk, { onDelete: 'cascade' }),
    /** √s_NN in GeV (what filters compare), and the value and unit as stated. */
    sqrtSnnGev: real('sqrt_snn_gev'),
    sqrtSnnValue: real('sqrt_snn_value'),
    sqrtSnnUnit: text('sqrt_snn_unit'),
    events: integer('events'),
    trigger: text('trigger'),
    /** Detector subsystems, a JSON array of names (shown, not searched). */
    subsystems: text('subsystems', { mode: 'json' }).$type<string[]>(),
    simulated: integer('simulated', { mode: 'boolean' }),
    /** Where the values come from: the source's words. */
    basis: text('basis'),
  },
  (t) => [index('version_collisions_sqrt_snn_idx').on(t.sqrtSnnGev)],
);

/** Colliding systems of a collision block ("Au+Au", "p+p", "e+p"), in order. */
export const versionCollisionSystems = sqliteTable(
  'version_collision_systems',
  {
    versionPk: integer('version_pk')
      .notNull()
      .references(() => versionCollisions.versionPk, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    system: text('system').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionPk, t.position] }), index('version_collision_systems_idx').on(t.system)],
);

/**
 * A gauge configuration of an ensemble (ILDG QCDml config document), attached by its Markov chain
 * URI: configurations arrive after the ensemble's record and show on every version of it.
 */
export const latticeConfigurations = sqliteTable(
  'lattice_configurations',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    markovChainUri: text('markov_chain_uri').notNull(),
    /** The ILDG logical file name: the configuration's identity. */
    lfn: text('lfn').notNull(),
    series: text('series'),
    /** The Markov step (QCDml update number). */
    markovStep: integer('markov_step'),
    avePlaquette: real('ave_plaquette'),
    /** As QCDml states it (crcCheckSum: the ILDG CRC-32 of the binary data). */
    crcChecksum: text('crc_checksum'),
    precision: text('precision'),
    codeName: text('code_name'),
    codeVersion: text('code_version'),
    machine: text('machine'),
    /** When the configuration was generated, per its archive history. */
    generatedAt: text('generated_at'),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('lattice_configurations_lfn_uq').on(t.lfn), index('lattice_configurations_mc_idx').on(t.markovChainUri, t.markovStep)],
);
