import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { loadCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { projectPath } from '../../src/paths.js';
import { BASE_URL, doiRequest, makeApp, publishedDataset, step } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

// Each command is a process that compiles femto through tsx: generous on a loaded machine.
t.setTimeout(900_000);

const femto = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', projectPath('src/cli.ts'), ...args], {
    encoding: 'utf8',
    cwd: projectPath(),
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });

/** A femto database with the bundled catalog, lineage, DOIs in every state, and the audit log their writes left. */
async function populated(t: Parameters<typeof makeApp>[0]): Promise<string> {
  // The source is an SQLite file in both test lanes.
  const a = await makeApp(t, { FEMTO_DB: join(t.testdir({}), 'source.sqlite') });
  await loadCatalog(a.app.femto);
  const raw = await publishedDataset(a, {
    publisher: 'Lattice Lab',
    keywords: ['Résumé', 'lattice'],
    distributions: [{ urls: ['https://example.org/a.h5'], sizeBytes: 5_000_000_000 }],
  });
  const derived = await publishedDataset(a, { title: 'Derived', publisher: 'Lattice Lab', version: '2.0' });
  await step(a, { inputs: [{ dataset: raw }], outputs: [{ dataset: derived }], parameters: { z: 1, a: 0.1 } });
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/raw-1', url: `${BASE_URL}/datasets/${raw}`, event: 'publish' });
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/derived-1', url: `${BASE_URL}/datasets/${derived}`, event: 'publish' });
  await doiRequest(a, 'PUT', '/dois/10.5072/derived-1', { event: 'hide', withdrawalReason: 'superseded' });
  const third = await publishedDataset(a, { title: 'Third', publisher: 'Lattice Lab' });
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/draft-1', url: `${BASE_URL}/datasets/${third}` });
  return a.config.dbPath;
}

const sqliteTables = (db: Database.Database) =>
  (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name NOT LIKE 'dataset_fts_%' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);

/** A value as both sides mean it: numbers as numbers (PostgreSQL's bigint arrives as text), 0/1 as booleans where PostgreSQL has a boolean, JSON parsed. */
function sameValue(sqliteValue: unknown, pgValue: unknown): boolean {
  if (sqliteValue === null || pgValue === null) return sqliteValue === pgValue;
  if (typeof pgValue === 'boolean') return Boolean(sqliteValue) === pgValue;
  if (typeof pgValue === 'object') return JSON.stringify(JSON.parse(sqliteValue as string)) === JSON.stringify(pgValue);
  if (typeof sqliteValue === 'number') return sqliteValue === Number(pgValue);
  return sqliteValue === pgValue;
}

t.test('femto db copy: every table arrives whole, verified, with sequences and triggers working', requires(t, postgres()), async (t) => {
  const from = await populated(t);
  const to = await pgDatabase(t);

  const run = femto('db', 'copy', '--from', from, '--to', to, '--batch-rows', '7');
  t.equal(run.status, 0, run.stderr);
  const source = new Database(from, { readonly: true });
  t.teardown(() => source.close());
  const tables = sqliteTables(source);
  const printed = new Map(
    run.stdout
      .split('\n')
      .map((line) => line.split(/\s+/))
      .filter((cells) => cells.length === 3 && /^[0-9a-f]{64}$/.test(cells[2]))
      .map(([name, rows]) => [name, Number(rows)]),
  );
  t.same([...printed.keys()].sort(), tables, 'the report names every table of the source');
  t.match(run.stdout, /every row count and digest matches the source/);

  const withRowid = ['dataset_fts', 'activities', 'activity_inputs', 'activity_outputs'];
  const target = new pg.Client({ connectionString: to });
  await target.connect();
  t.teardown(() => target.end());
  for (const table of tables) {
    const count = (source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    t.equal(printed.get(table), count, `${table}: the reported count is the source's`);
    // By name: SQLite appends the columns later migrations add, PostgreSQL has them in the schema's order.
    const names = (source.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).all() as { name: string }[]).map((c) => `"${c.name}"`);
    // The rowid where PostgreSQL has a twin of it (the full-text table's key; the lineage snapshot's cursor on the provenance tables).
    const columns = (withRowid.includes(table) ? ['rowid', ...names] : names).join(', ');
    // Every table's primary key is among its first three columns (or its rowid, selected first).
    const order = Array.from({ length: Math.min(3, names.length) }, (_, i) => i + 1).join(', ');
    const want = source.prepare(`SELECT ${columns} FROM "${table}" ORDER BY ${order}`).raw(true).all() as unknown[][];
    const got = (await target.query({ text: `SELECT ${columns} FROM "${table}" ORDER BY ${order}`, rowMode: 'array' })).rows as unknown[][];
    const differing = want.filter((row, i) => !got[i] || row.some((v, j) => !sameValue(v, got[i][j])));
    t.same(
      { rows: got.length, differing: differing.slice(0, 1).map((row) => [row, got[want.indexOf(row)]]) },
      { rows: want.length, differing: [] },
      `${table}: every row as in SQLite`,
    );
  }
  t.ok(Number((await target.query(`SELECT count(*) AS n FROM dois WHERE is_concept = false`)).rows[0].n) >= 3, 'the DOIs are there');
  t.ok(Number((await target.query(`SELECT count(*) AS n FROM audit_log`)).rows[0].n) > 10, 'and the audit log');

  const before = (await target.query(`SELECT max(pk) AS pk FROM dataset_versions`)).rows[0].pk as string;
  const next = await target.query(
    `INSERT INTO dataset_versions (dataset_id, state, title, description, access_level, updated_at) SELECT id, 'draft', 'x', 'y', 'open', '2030-01-01T00:00:00.000Z' FROM datasets LIMIT 1 RETURNING pk`,
  );
  t.equal(Number(next.rows[0].pk), Number(before) + 1, 'identity sequences continue after the copied rows');
  const seq = async () => Number((await target.query(`SELECT seq FROM catalog_changes`)).rows[0].seq);
  const counted = await seq();
  t.equal(counted, (source.prepare(`SELECT seq FROM catalog_changes`).get() as { seq: number }).seq, 'the change counters arrive as they were');
  await target.query(`UPDATE version_changes SET changed_at = '2031-01-01T00:00:00.000Z' WHERE version_pk = (SELECT min(version_pk) FROM version_changes)`);
  t.equal(await seq(), counted + 1, 'and the triggers are on again');

  await migrate(drizzle(target), { migrationsFolder: projectPath('migrations-pg') });
  // Every migration drizzle-kit journaled for PostgreSQL, no more: none applied twice after the copy's own run.
  const journaled = (JSON.parse(readFileSync(projectPath('migrations-pg/meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  t.equal(
    Number((await target.query(`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`)).rows[0].n),
    journaled,
    "drizzle's migrator sees migrations-pg applied",
  );
});

t.test('femto db copy refuses a target that is not empty, and changes nothing in it', requires(t, postgres()), async (t) => {
  const from = await populated(t);
  const to = await pgDatabase(t);
  const target = new pg.Client({ connectionString: to });
  await target.connect();
  t.teardown(() => target.end());
  await target.query(`CREATE TABLE notes (body text)`);
  await target.query(`INSERT INTO notes VALUES ('mine')`);

  const refused = femto('db', 'copy', '--from', from, '--to', to);
  t.equal(refused.status, 1);
  t.match(JSON.parse(refused.stderr), {
    status: 409,
    code: 'TARGET_NOT_EMPTY',
    type: /\/problems\/TARGET_NOT_EMPTY$/,
    errors: [{ pointer: '/tables/public.notes', message: 'holds rows' }],
  });
  const tables = (await target.query(`SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`)).rows;
  t.same(tables, [{ table_name: 'notes' }], 'nothing was created');
  t.same((await target.query(`SELECT body FROM notes`)).rows, [{ body: 'mine' }], 'nothing was changed');

  const empty = await pgDatabase(t);
  t.equal(femto('db', 'copy', '--from', from, '--to', empty).status, 0, 'the first copy into a new database');
  const again = femto('db', 'copy', '--from', from, '--to', empty);
  t.equal(again.status, 1, 'a second copy into it is refused');
  t.match(JSON.parse(again.stderr), { code: 'TARGET_NOT_EMPTY', errors: [{ message: 'holds rows' }] });
});
