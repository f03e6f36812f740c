import { statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { openDatabase } from '../../src/db/client.js';
import { startCheckpointer } from '../../src/db/checkpointer.js';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

const PAGE = 4096;
/** A fresh WAL database file with a table to fill. */
function database(t: Test) {
  const path = join(t.testdir({}), 'wal.sqlite');
  const db = openDatabase(path);
  db.sqlite.exec('CREATE TABLE filler (blob BLOB)');
  t.teardown(async () => db.sqlite.open && (await db.close()));
  const fill = db.sqlite.prepare(
    'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @pages) INSERT INTO filler SELECT randomblob(@bytes) FROM n',
  );
  return {
    db,
    /** One transaction writing about `pages` pages (more than SQLite's automatic checkpoint threshold of 1,000 when asked). */
    write: (pages: number) => db.sqlite.transaction(() => fill.run({ bytes: PAGE - 100, pages }))(),
    fileBytes: () => statSync(path).size,
    path,
  };
}

const autoCheckpoint = (db: ReturnType<typeof openDatabase>) => db.sqlite.pragma('wal_autocheckpoint', { simple: true });

t.test('while the worker runs, a commit past 1,000 WAL pages does not checkpoint; stopping it checkpoints and hands the job back', async (t) => {
  const { db, write, fileBytes, path } = database(t);
  const before = fileBytes();
  const checkpoints = await startCheckpointer(db.sqlite, path, 60_000);
  t.equal(autoCheckpoint(db), 0, 'the connection no longer checkpoints in its commits');
  write(1500);
  t.equal(fileBytes(), before, 'the database file is untouched right after the commit: its pages are in the WAL only');
  t.equal(db.sqlite.prepare('SELECT count(*) FROM filler').pluck().get(), 1500, 'and the commit is read back');
  await checkpoints.stop();
  t.ok(fileBytes() >= 1500 * PAGE, `the last checkpoint copied the pages into the database file (${fileBytes()} bytes)`);
  t.equal(autoCheckpoint(db), 1000, 'SQLite checkpoints by itself again');
});

t.test('the worker checkpoints while the connection writes', async (t) => {
  const { db, write, fileBytes, path } = database(t);
  const checkpoints = await startCheckpointer(db.sqlite, path, 20);
  t.teardown(() => checkpoints.stop());
  write(1200);
  const deadline = Date.now() + 10_000;
  while (fileBytes() < 1200 * PAGE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.ok(fileBytes() >= 1200 * PAGE, 'the pages reached the database file without a checkpoint of the writing connection');
});

t.test('a worker that cannot start leaves checkpoints where they were', async (t) => {
  const { db } = database(t);
  await t.rejects(startCheckpointer(db.sqlite, join(t.testdir({}), 'missing', 'x.sqlite'), 20));
  t.equal(autoCheckpoint(db), 1000);
});

t.test('the server runs the worker, and stops it when it closes', async (t) => {
  const config = loadConfig({ FEMTO_DB: join(t.testdir({}), 'femto.sqlite'), FEMTO_SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' });
  const app = await startServer(config);
  t.equal(app.femto.database.sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  await app.close();
  t.notOk(app.femto.database.sqlite.open);
});
