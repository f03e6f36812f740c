import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrationsUpTo } from '../helpers/migrations.js';

/** Mirrors stored before replicas had sites are migrated without loss: every URL, in order, each with its protocol. */
t.test('0018 keeps every mirror and gives each its protocol', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'old.sqlite');
  const sqlite = new Database(path);
  sqlite.pragma('foreign_keys = ON');
  migrate(drizzle(sqlite), { migrationsFolder: migrationsUpTo(dir, '0017_physics-blocks') });
  const at = '2025-01-01T00:00:00.000Z';
  // Rows as femto wrote them then, in plain SQL: no code under test.
  sqlite.exec(`
    INSERT INTO datasets (id, created_at, updated_at, created_by) VALUES ('mirrored', '${at}', '${at}', 'admin-env');
    INSERT INTO dataset_versions (pk, dataset_id, version_number, state, title, description, tier, access_level, created_at, updated_at, published_at)
      VALUES (1, 'mirrored', 1, 'published', 'Mirrored record', 'Served from three places.', 3, 'open', '${at}', '${at}', '${at}');
    UPDATE datasets SET latest_version_pk = 1;
    INSERT INTO distributions (pk, version_pk, position, checksum_algorithm, checksum_value, size_bytes) VALUES (7, 1, 0, 'md5', '5eb63bbbe01eeed093cb22bb8f5acdc3', 11);
    INSERT INTO distribution_locations (distribution_pk, position, url) VALUES
      (7, 0, 'https://data.example.org/x.h5'), (7, 1, 'ROOT://eos.example.org//x.h5'), (7, 2, 'http://mirror.example.org/x.h5');
  `);
  sqlite.close();

  const app = await buildApp(
    loadConfig({ FEMTO_DB: path, FEMTO_SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false', FEMTO_BASE_URL: 'http://femto.test' }),
  );
  t.teardown(() => app.close());
  const record = (await app.inject('/datasets/mirrored')).json();
  t.same(
    record.distributions[0].urls,
    ['https://data.example.org/x.h5', 'ROOT://eos.example.org//x.h5', 'http://mirror.example.org/x.h5'],
    'every URL, in order',
  );
  t.same(
    record.distributions[0].replicas.map((r: { protocol: string; site: string | null; checksum: unknown }) => [r.protocol, r.site, r.checksum]),
    [
      ['https', null, null],
      ['root', null, null],
      ['http', null, null],
    ],
    "each an origin replica with its protocol, the checksum staying the distribution's",
  );
  t.match((await app.inject('/datasets/mirrored/locations')).json(), {
    distributions: [{ checksum: { algorithm: 'md5' }, sizeBytes: 11, replicas: [{ verified: null }, { verified: null }, { verified: null }] }],
  });
  t.equal((await app.inject('/resolve/mirrored?protocol=root')).headers.location, 'ROOT://eos.example.org//x.h5');
});
