import t from 'tap';
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { projectPath } from '../../src/paths.js';
import { requires } from '../helpers/external.js';
import { migrationsUpTo } from '../helpers/migrations.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

/**
 * Measurements and evaluations were listed in rowid order, which PostgreSQL does not have: 0021 (PostgreSQL 0004)
 * gives them seq, a key in recording order. Rows stored before keep their order and their gate results, and the
 * migration moves no change counter. Ids are chosen so that their text order is not the recording order.
 */

const at = (day: number) => `2025-01-0${day}T00:00:00.000Z`;

/** Rows as femto wrote them before seq, in plain SQL (no code under test), in this recording order. */
const ROWS = `
  INSERT INTO datasets (id, created_at, updated_at, created_by) VALUES ('m', '${at(1)}', '${at(1)}', 'admin-env');
  INSERT INTO dataset_versions (pk, dataset_id, version_number, state, visibility, title, description, tier, access_level, created_at, updated_at, published_at)
    VALUES (1, 'm', 1, 'published', 'public', 'A model', 'Measured and evaluated.', 3, 'open', '${at(1)}', '${at(1)}', '${at(1)}');
  INSERT INTO activities (id, kind, created_by) VALUES ('act', 'validation', 'admin-env');
  INSERT INTO measurements (id, version_pk, activity_id, observable, value, normalized_value, created_at, created_by) VALUES
    ('ms-z', 1, 'act', 'o', '1', '1', '${at(2)}', 'admin-env'),
    ('ms-a', 1, 'act', 'o', '2', '2', '${at(3)}', 'admin-env'),
    ('ms-m', 1, 'act', 'o', '3', '3', '${at(3)}', 'admin-env');
  INSERT INTO gate_results (measurement_id, version_pk, gate, verdict, value) VALUES ('ms-z', 1, 'g1', 'passed', 1), ('ms-m', 1, 'g1', 'failed', 3), ('ms-z', 1, 'g2', 'failed', 1);
  INSERT INTO evaluations (id, activity_id, model_version_pk, metric, value, created_at, created_by) VALUES
    ('ev-z', 'act', 1, 'acc', 0.5, '${at(2)}', 'admin-env'),
    ('ev-a', 'act', 1, 'acc', 0.7, '${at(3)}', 'admin-env');`;

const RECORDED = { measurements: ['ms-z', 'ms-a', 'ms-m'], evaluations: ['ev-z', 'ev-a'] };
const GATE_RESULTS = 'SELECT seq, measurement_id, gate, verdict, value FROM gate_results ORDER BY seq';
const COUNTERS = 'SELECT version_pk, seq, changed_at FROM version_changes ORDER BY version_pk';

t.test('SQLite 0021: seq numbers the rows in rowid order; gate results, triggers and counters stay', async (t) => {
  const dir = t.testdir({});
  const sqlite = new Database(join(dir, 'old.sqlite'));
  t.teardown(() => sqlite.close());
  sqlite.pragma('foreign_keys = ON');
  migrate(drizzle(sqlite), { migrationsFolder: migrationsUpTo(dir, '0020_markov-chain-normal-form') });
  sqlite.exec(ROWS);
  const results = sqlite.prepare(GATE_RESULTS).all();
  const counters = sqlite.prepare(COUNTERS).all();
  const triggers = `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('measurements', 'gate_results', 'evaluations') ORDER BY name`;
  const triggerSql = sqlite.prepare(triggers).all();
  t.equal(triggerSql.length, 3);

  migrate(drizzle(sqlite), { migrationsFolder: projectPath('migrations') });

  const ids = (table: string) => sqlite.prepare(`SELECT id FROM ${table} ORDER BY seq`).pluck().all();
  t.same(ids('measurements'), RECORDED.measurements, 'measurements in recording order');
  t.same(ids('evaluations'), RECORDED.evaluations, 'evaluations in recording order');
  t.same(sqlite.prepare(GATE_RESULTS).all(), results, 'every gate result kept, with its seq');
  t.same(sqlite.prepare(COUNTERS).all(), counters, 'no change counter moved');
  t.same(sqlite.prepare(triggers).all(), triggerSql, 'the triggers as they were');
  t.same(sqlite.pragma('foreign_key_check'), [], 'foreign keys hold');

  sqlite.exec(
    `INSERT INTO measurements (id, version_pk, activity_id, observable, value, normalized_value, created_by) VALUES ('ms-b', 1, 'act', 'o', '4', '4', 'admin-env')`,
  );
  t.same(ids('measurements'), [...RECORDED.measurements, 'ms-b'], 'a new measurement comes last');
  t.equal(
    sqlite.prepare('SELECT seq FROM version_changes WHERE version_pk = 1').pluck().get(),
    (counters[0] as { seq: number }).seq + 1,
    'and moves its counter',
  );
  t.throws(
    () => sqlite.exec(`INSERT INTO evaluations (id, activity_id, model_version_pk, created_by) VALUES ('ev-z', 'act', 1, 'admin-env')`),
    /UNIQUE/,
    'ids stay unique',
  );
  sqlite.exec(`DELETE FROM measurements WHERE id = 'ms-z'`);
  t.same(sqlite.prepare(GATE_RESULTS).all(), [results[1]], "a measurement's gate results still go with it");
});

t.test('PostgreSQL 0004: seq numbers the rows by creation time, then as stored', requires(t, postgres()), async (t) => {
  const client = new pg.Client({ connectionString: await pgDatabase(t) });
  await client.connect();
  t.teardown(() => client.end());
  await migratePg(drizzlePg(client), { migrationsFolder: migrationsUpTo(t.testdir({}), '0003_markov-chain-normal-form', 'migrations-pg') });
  await client.query(ROWS);
  // As a copy writes them: in id order (ms-a, ms-m, ms-z), which creation time, then storage order, undo.
  await client.query(`DELETE FROM gate_results; DELETE FROM measurements;`);
  await client.query(`INSERT INTO measurements (id, version_pk, activity_id, observable, value, normalized_value, created_at, created_by) VALUES
    ('ms-a', 1, 'act', 'o', '2', '2', '${at(3)}', 'admin-env'), ('ms-m', 1, 'act', 'o', '3', '3', '${at(3)}', 'admin-env'), ('ms-z', 1, 'act', 'o', '1', '1', '${at(2)}', 'admin-env')`);
  await client.query(
    `INSERT INTO gate_results (measurement_id, version_pk, gate, verdict, value) VALUES ('ms-z', 1, 'g1', 'passed', 1), ('ms-m', 1, 'g1', 'failed', 3)`,
  );
  const results = (await client.query(GATE_RESULTS)).rows;

  await migratePg(drizzlePg(client), { migrationsFolder: projectPath('migrations-pg') });

  const ids = async (table: string) => (await client.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY seq`)).rows.map((r) => r.id);
  t.same(await ids('measurements'), ['ms-z', 'ms-a', 'ms-m'], 'measurements by creation time, then as stored');
  t.same(await ids('evaluations'), RECORDED.evaluations, 'evaluations by creation time');
  t.same((await client.query(GATE_RESULTS)).rows, results, 'every gate result kept');
  await client.query(`INSERT INTO evaluations (id, activity_id, model_version_pk, created_by) VALUES ('ev-b', 'act', 1, 'admin-env')`);
  t.same(await ids('evaluations'), [...RECORDED.evaluations, 'ev-b'], 'a new evaluation comes last');
  await t.rejects(
    client.query(
      `INSERT INTO measurements (id, version_pk, activity_id, observable, value, normalized_value, created_by) VALUES ('ms-a', 1, 'act', 'o', '4', '4', 'admin-env')`,
    ),
    { code: '23505' },
    'ids stay unique',
  );
  await client.query(`DELETE FROM measurements WHERE id = 'ms-z'`);
  t.same((await client.query(GATE_RESULTS)).rows, [results[1]], "a measurement's gate results still go with it");
});
