import t from 'tap';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { projectPath } from '../../src/paths.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

async function migrated(t: Parameters<typeof pgDatabase>[0]): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: await pgDatabase(t) });
  await client.connect();
  t.teardown(() => client.end());
  await migrate(drizzle(client), { migrationsFolder: projectPath('migrations-pg') });
  return client;
}

const sqlite = () => {
  const database = openDatabase(':memory:');
  applyMigrations(database);
  return database;
};

t.test('migrations-pg apply to an empty database and leave what the SQLite migrations leave', requires(t, postgres()), async (t) => {
  const client = await migrated(t);
  const reference = sqlite();
  t.teardown(() => reference.close());

  const tables = (
    await client.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)
  ).rows.map((r) => r.name);
  const sqliteTables = (
    reference.sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name NOT LIKE 'dataset_fts_%' ORDER BY 1`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  t.same(tables, sqliteTables, 'the same tables');

  const triggers = (await client.query<{ name: string }>(`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`)).rows.map((r) => r.name);
  const sqliteTriggers = (reference.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1`).all() as { name: string }[]).map(
    (r) => r.name,
  );
  // PostgreSQL's one trigger of its own: NOTIFY of provenance writes to the other replicas (migrations-pg 0007); SQLite has no NOTIFY.
  const pgOnly = ['provenance_generation_notify'];
  t.same(
    triggers.filter((name) => !pgOnly.includes(name)),
    sqliteTriggers,
    'every SQLite trigger has its PL/pgSQL twin',
  );
  t.same(
    pgOnly.filter((name) => triggers.includes(name)),
    pgOnly,
    'and PostgreSQL has its own',
  );

  t.same(
    (await client.query(`SELECT id, name, email FROM users ORDER BY id`)).rows,
    reference.sqlite.prepare('SELECT id, name, email FROM users ORDER BY id').all(),
    'the same users',
  );
  t.same(
    (await client.query(`SELECT id::int, seq::int FROM catalog_changes`)).rows,
    reference.sqlite.prepare('SELECT id, seq FROM catalog_changes').all(),
    'the catalog counter',
  );
  const createdAt = (await client.query<{ at: string }>(`SELECT created_at AS at FROM users LIMIT 1`)).rows[0].at;
  t.match(createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'default timestamps are ISO-8601 UTC text to the millisecond, as SQLite writes them');

  await migrate(drizzle(client), { migrationsFolder: projectPath('migrations-pg') });
  t.equal((await client.query(`SELECT count(*)::int AS n FROM users`)).rows[0].n, 3, 'applying them again changes nothing');
});

t.test('the change-counter triggers count what the SQLite ones count', requires(t, postgres()), async (t) => {
  const client = await migrated(t);
  const reference = sqlite();
  t.teardown(() => reference.close());
  // The same writes on both: a published version, an upstream version and the step between them, a findable DOI.
  const writes = [
    `INSERT INTO datasets (id, updated_at, created_by) VALUES ('a', '2025-01-01T00:00:00.000Z', 't'), ('b', '2025-01-01T00:00:00.000Z', 't')`,
    `INSERT INTO dataset_versions (pk, dataset_id, version_number, state, title, description, access_level, updated_at, published_at)
       VALUES (1, 'a', 1, 'published', 'A', 'a', 'open', '2025-01-02T00:00:00.000Z', '2025-01-02T00:00:00.000Z'),
              (2, 'b', 1, 'published', 'B', 'b', 'open', '2025-01-03T00:00:00.000Z', '2025-01-03T00:00:00.000Z')`,
    `INSERT INTO activities (id, kind, created_at, created_by) VALUES ('s', 'derivation', '2025-01-04T00:00:00.000Z', 't')`,
    `INSERT INTO activity_inputs (activity_id, version_pk) VALUES ('s', 1)`,
    `INSERT INTO activity_outputs (activity_id, version_pk) VALUES ('s', 2)`,
    `INSERT INTO dois (doi, state, dataset_id, version_pk, attributes, registration_status, updated_at) VALUES ('10.5072/x', 'findable', 'b', 2, '{}', 'pending', '2025-01-05T00:00:00.000Z')`,
    `UPDATE dois SET updated_at = '2025-01-06T00:00:00.000Z', withdrawn_at = '2025-01-06T00:00:00.000Z'`,
  ];
  for (const sql of writes) {
    await client.query(sql);
    reference.sqlite.exec(sql);
  }
  const read = `SELECT version_pk AS pk, seq, changed_at FROM version_changes ORDER BY 1`;
  const counters = (await client.query(read)).rows.map((r: Record<string, unknown>) => ({ ...r, pk: Number(r.pk), seq: Number(r.seq) }));
  t.same(counters, reference.sqlite.prepare(read).all(), 'version_changes alike');
  t.same(
    (await client.query(`SELECT id, modified_at FROM datasets ORDER BY id`)).rows,
    reference.sqlite.prepare(`SELECT id, modified_at FROM datasets ORDER BY id`).all(),
    'record datestamps alike',
  );
  t.same(
    Number((await client.query(`SELECT seq FROM catalog_changes`)).rows[0].seq),
    (reference.sqlite.prepare(`SELECT seq FROM catalog_changes`).get() as { seq: number }).seq,
    'catalog counter alike',
  );
});

t.test('the full-text document folds case and accents and does not stem, as FTS5 unicode61 remove_diacritics does', requires(t, postgres()), async (t) => {
  const client = await migrated(t);
  await client.query(`INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (1, 'Résumé of Lattice Configurations', 'Gauge ensembles', 'QCD')`);
  const lexemes = (await client.query<{ document: string }>(`SELECT document::text FROM dataset_fts`)).rows[0].document;
  // The weight says the column (title A, description B, keywords C): phrases match within one, as in FTS5.
  t.equal(lexemes, `'configurations':4A 'ensembles':6B 'gauge':5B 'lattice':3A 'of':2A 'qcd':7C 'resume':1A`);
  const hit = await client.query(`SELECT rowid FROM dataset_fts WHERE document @@ plainto_tsquery('femto_search', 'RESUME configurations')`);
  t.equal(hit.rowCount, 1);
});

t.test('the full-text document cuts words where FTS5 unicode61 does: every non-word character separates, compounds too', requires(t, postgres()), async (t) => {
  const client = await migrated(t);
  // PostgreSQL's parser alone keeps 3.14, v1.2.3, a@b.org, URLs and a—b whole and repeats a hyphenated word's parts.
  // Left out: what unaccent folds and unicode61 keeps (ß → ss, æ → ae, ½ → 1/2, full-width → ASCII), where PostgreSQL finds more.
  const text = 'HotQCD f21_chiral at 3.14 GeV, v1.2.3 a@b.org http://x.org/p?q=1 L³×T a—b xy-model ΣΟΦΙΑ Résumé e\u0301cole x₂';
  const fts5 = sqlite();
  t.teardown(() => fts5.close());
  fts5.sqlite.exec(`CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, dataset_fts, 'instance')`);
  fts5.sqlite.prepare(`INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (1, ?, '', '')`).run(text);
  const expected = (fts5.sqlite.prepare(`SELECT term, "offset" FROM words ORDER BY "offset"`).all() as { term: string; offset: number }[]).map(
    (w) => `${w.term}:${w.offset + 1}`,
  );
  await client.query(`INSERT INTO dataset_fts (rowid, title) VALUES (1, $1)`, [text]);
  const found = (
    await client.query<{ w: string }>(`SELECT lexeme || ':' || p AS w FROM dataset_fts, unnest(document) u, unnest(u.positions) p ORDER BY p`)
  ).rows.map((r) => r.w);
  t.same(found, expected);
});
