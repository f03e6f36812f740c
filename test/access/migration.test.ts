import t from 'tap';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { cliActor } from '../../src/modules/auth/auth.schema.js';
import { migrationsUpTo } from '../helpers/migrations.js';

/**
 * Before visibility was split from file access, `restricted` meant "invisible to anonymous callers,
 * visible to every token". A database written then is migrated: nothing it held may become visible
 * to anyone who could not see it, and nothing is lost.
 */

const BEFORE = '0010_domain-labels-to-iris';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const LEGACY_READER = 'femto_legacy-reader-secret';
const LEGACY_CURATOR = 'femto_legacy-curator-secret';
const ADMIN = 'migration-admin-token-0123456789';

/** Rows as femto wrote them before the split, in the columns it had then (plain SQL: no code under test). */
function writeLegacyData(path: string, folder: string) {
  const sqlite = new Database(path);
  sqlite.pragma('foreign_keys = ON');
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  const at = '2025-01-01T00:00:00.000Z';
  sqlite.exec(`
    INSERT INTO tokens (id, hash, role, label, created_at) VALUES
      ('tk-reader', '${sha256(LEGACY_READER)}', 'reader', 'legacy reader', '${at}'),
      ('tk-curator', '${sha256(LEGACY_CURATOR)}', 'curator', 'legacy curator', '${at}');
    INSERT INTO agents (id, kind, name, created_at) VALUES ('ag-secret', 'person', 'Secret Person', '${at}'), ('ag-open', 'person', 'Open Person', '${at}');
    INSERT INTO datasets (id, created_at, updated_at, created_by) VALUES
      ('open-ds', '${at}', '${at}', 'tk-curator'), ('secret-ds', '${at}', '${at}', 'tk-curator'), ('admin-secret', '${at}', '${at}', 'admin-env');
    INSERT INTO dataset_versions (pk, dataset_id, version_number, state, title, description, tier, access_level, created_at, updated_at, published_at) VALUES
      (1, 'open-ds', 1, 'published', 'Open record', 'An open record of the old days.', 3, 'open', '${at}', '${at}', '${at}'),
      (2, 'secret-ds', 1, 'published', 'Secret record title', 'A restricted record of the old days.', 3, 'restricted', '${at}', '${at}', '${at}'),
      (3, 'admin-secret', 1, 'published', 'Admin secret title', 'Restricted, made with FEMTO_ADMIN_TOKEN.', 3, 'restricted', '${at}', '${at}', '${at}');
    UPDATE datasets SET latest_version_pk = CASE id WHEN 'open-ds' THEN 1 WHEN 'secret-ds' THEN 2 ELSE 3 END;
    INSERT INTO version_agents (version_pk, role, position, agent_id) VALUES (1, 'creator', 0, 'ag-open'), (2, 'creator', 0, 'ag-secret');
    INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (1, 'Open record', 'An open record of the old days.', ''), (2, 'Secret record title', 'A restricted record of the old days.', '');
    INSERT INTO activities (id, kind, name, created_at, created_by) VALUES ('secret-step', 'analysis', 'Secret step name', '${at}', 'tk-curator');
    INSERT INTO activity_inputs (activity_id, version_pk) VALUES ('secret-step', 2);
    INSERT INTO activity_outputs (activity_id, version_pk) VALUES ('secret-step', 3);
    INSERT INTO provenance_generation (id, generation) VALUES (1, 1);
    INSERT INTO audit_log (created_at, actor, action, entity_type, entity_id) VALUES ('${at}', 'tk-curator', 'dataset.create', 'dataset', 'secret-ds');
  `);
  sqlite.close();
}

t.test(`a database at ${BEFORE} with restricted records: migrated, nothing becomes visible, nothing is lost`, async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'femto.sqlite');
  writeLegacyData(path, migrationsUpTo(dir, BEFORE));

  const app = await buildApp(
    loadConfig({
      FEMTO_DB: path,
      FEMTO_SEED_ON_EMPTY: 'false',
      FEMTO_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'silent',
      FEMTO_OUTBOX_WORKER: 'false',
      FEMTO_BASE_URL: 'http://femto.test',
    }),
  );
  t.teardown(() => app.close());
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  await app.femto.auth.createUser(cliActor, { id: 'newcomer', name: 'Newcomer' });
  const newcomer = bearer((await app.femto.auth.createToken('reader', 'new user', 'newcomer')).token);

  const sqlite = app.femto.database.sqlite!;
  t.same(
    sqlite.prepare('SELECT dataset_id AS id, visibility, access_level AS access FROM dataset_versions ORDER BY pk').all(),
    [
      { id: 'open-ds', visibility: 'public', access: 'open' },
      { id: 'secret-ds', visibility: 'private', access: 'restricted' },
      { id: 'admin-secret', visibility: 'private', access: 'restricted' },
    ],
    'restricted versions became private with restricted files; open ones stayed public',
  );
  t.same(
    sqlite.prepare('SELECT id, owner_id AS owner FROM datasets ORDER BY id').all(),
    [
      { id: 'admin-secret', owner: 'admin' },
      { id: 'open-ds', owner: 'default' },
      { id: 'secret-ds', owner: 'default' },
    ],
    'each record is owned by the user of the token that created it',
  );
  t.same(
    sqlite.prepare("SELECT id, user_id AS user FROM tokens WHERE id IN ('tk-curator', 'tk-reader') ORDER BY id").all(),
    [
      { id: 'tk-curator', user: 'default' },
      { id: 'tk-reader', user: 'default' },
    ],
    'older tokens act for the default user',
  );
  t.same(
    sqlite.prepare('SELECT actor, user_id AS user FROM audit_log WHERE entity_id = ?').all('secret-ds'),
    [{ actor: 'tk-curator', user: 'default' }],
    'the audit log names the user behind each old entry',
  );

  const secrets = ['Secret record title', 'Secret Person', 'Secret step name', 'Admin secret title', 'secret-ds', 'admin-secret'];
  const routes = [
    '/datasets/secret-ds',
    '/datasets/secret-ds/versions',
    '/datasets/secret-ds/versions/1',
    '/datasets/admin-secret',
    '/activities/secret-step',
    '/datasets?limit=100',
    '/datasets?q=secret',
    '/catalog?limit=100',
    '/sitemap.xml',
    '/agents?limit=100',
    '/oai?verb=ListRecords&metadataPrefix=oai_dc',
    '/datasets/open-ds/lineage?direction=BOTH',
  ];
  for (const [who, headers] of [
    ['anonymous', {}],
    ['a reader of another user', newcomer],
  ] as const) {
    for (const url of routes) {
      const res = await app.inject({ url, headers });
      // An id the caller typed may come back (as an unknown one would); nothing else of the records may.
      const leaked = secrets.filter((s) => !url.includes(s) && res.body.includes(s));
      t.same(leaked, [], `${who}: ${url} (${res.statusCode}) names nothing of the restricted records`);
    }
    t.equal((await app.inject({ url: '/datasets/secret-ds', headers })).statusCode, 404, `${who}: the restricted record does not exist`);
  }
  t.equal((await app.inject({ url: '/datasets?limit=100' })).json().total, 1, 'anonymous search counts the open record only');

  // Those who saw the records before still do: the legacy tokens (the default user owns them) and the admin.
  for (const [who, headers] of [
    ['legacy reader', bearer(LEGACY_READER)],
    ['legacy curator', bearer(LEGACY_CURATOR)],
    ['admin', bearer(ADMIN)],
  ] as const) {
    const res = await app.inject({ url: '/datasets/secret-ds', headers });
    t.equal(res.statusCode, 200, `${who} still reads the restricted record`);
    t.equal(res.json().title, 'Secret record title', `${who}: nothing of it was lost`);
  }
  t.equal(
    (await app.inject({ url: '/datasets/admin-secret', headers: bearer(LEGACY_READER) })).statusCode,
    404,
    "the default user does not hold the admin's record",
  );
  t.equal((await app.inject({ url: '/datasets/admin-secret', headers: bearer(ADMIN) })).statusCode, 200);
  t.equal((await app.inject({ url: '/activities/secret-step', headers: bearer(LEGACY_READER) })).statusCode, 200, 'a holder of one end sees the step');
});
