import { bit, parseJson, type Database, type SqlDialect } from '../../db/port.js';
import type { VersionContent } from './datasets.schema.js';
import { ENERGY_UNITS, flavourContentOf, type CollisionOut, type EnsembleOut } from './physics.schema.js';

/**
 * The blocks of a version `v` as two JSON columns (ensemble, collision): the version rows' own
 * statement selects them, so loading a batch of records costs no statement more. Nulls sort first
 * on both dialects (PostgreSQL's default puts them last).
 */
export const physicsColumns = ({ jsonObject, jsonArray, json }: SqlDialect) => `
      (SELECT ${jsonObject(`
          'markovChainUri', e.markov_chain_uri, 'collaboration', e.collaboration, 'projectName', e.project_name, 'gaugeAction', e.gauge_action, 'beta', e.beta,
          'size', ${jsonObject(`'x', e.lx, 'y', e.ly, 'z', e.lz, 't', e.t`)}, 'L', e.l, 'T', e.t, 'nf', e.nf, 'algorithm', e.algorithm,
          'numberOfConfigurations', e.stated_configurations,
          'quarks', ${json(`(SELECT ${jsonArray(jsonObject(`'action', q.action, 'flavours', q.flavours, 'mass', q.mass, 'kappa', q.kappa`), 'q.position')}
                            FROM version_ensemble_quarks q WHERE q.version_pk = e.version_pk)`)},
          'lfns', ${json(`(SELECT ${jsonArray('g.lfn', 'g.series NULLS FIRST, g.markov_step NULLS FIRST, g.lfn')} FROM lattice_configurations g WHERE g.markov_chain_uri = e.markov_chain_uri)`)}`)}
         FROM version_ensembles e WHERE e.version_pk = v.pk) AS ensemble,
      (SELECT ${jsonObject(`
          'systems', ${json(`(SELECT ${jsonArray('s.system', 's.position')} FROM version_collision_systems s WHERE s.version_pk = x.version_pk)`)},
          'sqrtSNN', CASE WHEN x.sqrt_snn_value IS NOT NULL THEN ${jsonObject(`'value', x.sqrt_snn_value, 'unit', x.sqrt_snn_unit`)} END,
          'sqrtSNNGeV', x.sqrt_snn_gev, 'events', x.events, 'trigger', x.trigger, 'subsystems', ${json('x.subsystems')},
          'simulated', CASE WHEN x.simulated THEN ${json(`'true'`)} WHEN NOT x.simulated THEN ${json(`'false'`)} END, 'basis', x.basis`)}
         FROM version_collisions x WHERE x.version_pk = v.pk) AS collision`;

/** A JSON object without its null members: a block says what its source states and nothing more. */
function stated<T>(o: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;
}

/**
 * The ensemble and collision blocks of versions (tables of the physics_blocks migration), written
 * with the version's other children and read with the version row (physicsColumns). An ensemble
 * shows the gauge configurations recorded under its Markov chain URI (the lattice module writes
 * them, after the ensemble's version was published; a trigger moves the version's change counter).
 */
export function createPhysicsBlocks(db: Database) {
  const insertEnsemble = db.prepare(`
    INSERT INTO version_ensembles (version_pk, markov_chain_uri, collaboration, project_name, gauge_action, beta, l, lx, ly, lz, t, nf, algorithm, stated_configurations)
    VALUES (@pk, @markovChainUri, @collaboration, @projectName, @gaugeAction, @beta, @l, @lx, @ly, @lz, @t, @nf, @algorithm, @stated)`);
  const insertQuark = db.prepare('INSERT INTO version_ensemble_quarks (version_pk, position, action, flavours, mass, kappa) VALUES (?, ?, ?, ?, ?, ?)');
  const insertCollision = db.prepare(`
    INSERT INTO version_collisions (version_pk, sqrt_snn_gev, sqrt_snn_value, sqrt_snn_unit, events, trigger, subsystems, simulated, basis)
    VALUES (@pk, @gev, @value, @unit, @events, @trigger, @subsystems, @simulated, @basis)`);
  const insertSystem = db.prepare('INSERT INTO version_collision_systems (version_pk, position, system) VALUES (?, ?, ?)');
  // Children go with their block (ON DELETE CASCADE).
  const deleteEnsemble = db.prepare('DELETE FROM version_ensembles WHERE version_pk = ?');
  const deleteCollision = db.prepare('DELETE FROM version_collisions WHERE version_pk = ?');

  const recordsOfStmt = db.prepare(
    'SELECT DISTINCT v.dataset_id FROM version_ensembles e JOIN dataset_versions v ON v.pk = e.version_pk WHERE e.markov_chain_uri = ?',
  );

  return {
    async write(pk: number, c: VersionContent): Promise<void> {
      const e = c.ensemble;
      if (e) {
        const { x, y, z, t } = e.size;
        await insertEnsemble.run({
          pk,
          markovChainUri: e.markovChainUri,
          collaboration: e.collaboration ?? null,
          projectName: e.projectName ?? null,
          gaugeAction: e.gaugeAction ?? null,
          beta: e.beta ?? null,
          l: x === y && y === z ? x : null,
          lx: x,
          ly: y,
          lz: z,
          t,
          nf: e.nf ?? flavourContentOf(e.quarks ?? []) ?? null,
          algorithm: e.algorithm ?? null,
          stated: e.numberOfConfigurations ?? null,
        });
        for (const [i, q] of (e.quarks ?? []).entries()) await insertQuark.run([pk, i, q.action, q.flavours ?? null, q.mass ?? null, q.kappa ?? null]);
      }
      const k = c.collision;
      if (k) {
        await insertCollision.run({
          pk,
          gev: k.sqrtSNN ? k.sqrtSNN.value * ENERGY_UNITS[k.sqrtSNN.unit] : null,
          value: k.sqrtSNN?.value ?? null,
          unit: k.sqrtSNN?.unit ?? null,
          events: k.events ?? null,
          trigger: k.trigger ?? null,
          subsystems: k.subsystems?.length ? JSON.stringify(k.subsystems) : null,
          simulated: k.simulated === undefined ? null : bit(k.simulated),
          basis: k.basis ?? null,
        });
        for (const [i, s] of [...new Set(k.systems ?? [])].entries()) await insertSystem.run([pk, i, s]);
      }
    },

    /** The records any version of which holds this Markov chain URI (an index lookup). */
    recordsOf: (markovChainUri: string) => recordsOfStmt.column<string>(markovChainUri),

    async clear(pk: number): Promise<void> {
      await deleteEnsemble.run(pk);
      await deleteCollision.run(pk);
    },
  };
}

/** The blocks of a version from its physicsColumns. */
export function physicsBlocksOf(row: { ensemble: unknown; collision: unknown }): { ensemble: EnsembleOut | null; collision: CollisionOut | null } {
  return {
    ensemble: row.ensemble ? ensembleOf(parseJson<Record<string, unknown>>(row.ensemble)) : null,
    collision: row.collision ? collisionOf(parseJson<Record<string, unknown>>(row.collision)) : null,
  };
}

function ensembleOf(raw: Record<string, unknown>): EnsembleOut {
  const { quarks, lfns, ...rest } = raw as { quarks: Record<string, unknown>[]; lfns: string[] } & Record<string, unknown>;
  return {
    ...stated<EnsembleOut>(rest),
    L: (rest.L as number | null) ?? null,
    nf: (rest.nf as string | null) ?? null,
    quarks: quarks.map((q) => stated(q)),
    configurations: { recorded: lfns.length, logicalFileNames: lfns },
  };
}

function collisionOf(raw: Record<string, unknown>): CollisionOut {
  // Lists are always there (GraphQL lists them non-null), empty when the source states none.
  return { ...stated<CollisionOut>(raw), systems: raw.systems as string[], subsystems: (raw.subsystems as string[] | null) ?? [] };
}
