import t from 'tap';
import pg from 'pg';
import { postgresPort, WRITE_LOCK } from '../../src/db/postgres.js';
import type { Database } from '../../src/db/port.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

/*
 * The PostgreSQL adapter holds the port's promises (docs/database.md) on a real server: a transaction's statements
 * run on its own connection while other requests go on beside it, unseen until it commits; read-modify-write
 * transactions lose no update (SERIALIZABLE, run again when PostgreSQL aborts one); rows come back shaped as SQLite's
 * driver gives them.
 */

const KV = 'CREATE TABLE kv (k text PRIMARY KEY, v bigint NOT NULL, on_off boolean, doc json)';

async function fresh(t: Parameters<typeof pgDatabase>[0], poolSize = 4): Promise<Database> {
  const db = postgresPort({ url: await pgDatabase(t), poolSize });
  t.teardown(() => db.close());
  await db.exec(KV);
  return db;
}

const keys = async (db: Database) => (await db.prepare('SELECT k FROM kv ORDER BY k').column<string>()).join(',');
const put = (db: Database, k: string, v = 0) => db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)').run([k, v]);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

t.test('rows, columns and values come back as SQLite gives them', requires(t, postgres()), async (t) => {
  const db = await fresh(t);
  await db.prepare('INSERT INTO kv (k, v, on_off, doc) VALUES (@k, @v, @on, @doc)').run({ k: 'a', v: 2 ** 40, on: 1, doc: '{"x":[1]}' });
  t.same(await db.prepare('SELECT k AS theKey, v, count(*) OVER () AS n FROM kv').get(), { theKey: 'a', v: 2 ** 40, n: 1 }, 'camelCase alias, int8 as numbers');
  t.same(await db.prepare('SELECT k, v FROM kv').values(), [['a', 2 ** 40]]);
  t.equal(await db.prepare('SELECT sum(v) FROM kv').scalar(), 2 ** 40, 'numeric as a number');
  t.same(await db.prepare('SELECT doc FROM kv').scalar(), { x: [1] }, 'json arrives parsed');
  t.equal(await db.prepare('SELECT on_off FROM kv').scalar(), true, 'a 1 bound to a boolean column is true');
  t.equal(await db.prepare('SELECT k FROM kv WHERE @v IS NULL OR v = @v').scalar({ v: null }), 'a', 'a NULL test on a bare parameter');
  t.equal(await db.prepare('SELECT k FROM kv WHERE @v IS NULL OR v = @v').scalar({ v: 3 }), undefined, 'and its value compared as the column');
  t.same(await db.prepare('UPDATE kv SET v = v + 1').run(), { changes: 1 });
  await db.exec(`INSERT INTO kv (k, v) VALUES ('big', 9007199254740993)`);
  await t.rejects(db.prepare('SELECT v FROM kv WHERE k = ?').scalar('big'), /beyond 2\^53/, 'an integer a double cannot hold is refused, not rounded');
  await db.exec(`INSERT INTO kv (k, v) VALUES ('round', 10000000000000000)`);
  t.equal(await db.prepare('SELECT v FROM kv WHERE k = ?').scalar('round'), 1e16, 'one it can hold, past 2^53 too, is read');
});

t.test(
  'a request beside an open transaction neither waits for it nor sees its rows; its rollback takes back only its own',
  requires(t, postgres()),
  async (t) => {
    const db = await fresh(t);
    const paused = gate();
    const reached = gate();
    const first = db.transaction(async () => {
      await put(db, 'a1');
      reached.open();
      await paused.opened;
      await put(db, 'a2');
      throw new Error('refused');
    });
    await reached.opened;
    await put(db, 'b1');
    t.equal(await keys(db), 'b1', 'the open transaction is unseen and does not block');
    paused.open();
    await t.rejects(first, /refused/);
    t.equal(await keys(db), 'b1', 'the rollback left the other write');
  },
);

t.test('read-modify-write transactions lose no update, and writers take turns instead of aborting one another', requires(t, postgres()), async (t) => {
  const db = await fresh(t, 8);
  await put(db, 'n', 0);
  const read = db.prepare<{ v: number }>('SELECT v FROM kv WHERE k = ?');
  const write = db.prepare('UPDATE kv SET v = ? WHERE k = ?');
  const increments = 20;
  let attempts = 0;
  await Promise.all(
    Array.from({ length: increments }, () =>
      db.transaction(async () => {
        attempts++;
        const { v } = (await read.get('n'))!;
        await new Promise((resolve) => setTimeout(resolve, 2));
        await write.run([v + 1, 'n']);
      }),
    ),
  );
  t.equal((await read.get('n'))!.v, increments, 'every increment counted');
  t.equal(attempts, increments, 'no transaction ran again: each writer began after the previous one committed (WRITE_LOCK)');
});

t.test('nested transactions join; a savepoint rolls back alone; a read-only transaction refuses writes', requires(t, postgres()), async (t) => {
  const db = await fresh(t);
  await db.transaction(async () => {
    await put(db, 'outer');
    await db.transaction(async () => put(db, 'joined'));
    t.ok(db.inTransaction);
    await t.rejects(
      db.savepoint(async () => {
        await put(db, 'inner');
        await put(db, 'outer'); // duplicate key: the savepoint, not the transaction, is lost
      }),
      /duplicate key/,
    );
    await put(db, 'after');
  });
  t.equal(await keys(db), 'after,joined,outer');
  t.notOk(db.inTransaction);
  await t.rejects(
    db.transaction(async () => put(db, 'ro'), { readOnly: true }),
    { code: '25006' },
    'READ ONLY',
  );
});

t.test('writers waiting for their turn hold no pooled connection: reads beside them still run', requires(t, postgres()), async (t) => {
  const db = await fresh(t, 2);
  await put(db, 'a');
  const url = (db as unknown as { pool: { options: { connectionString: string } } }).pool.options.connectionString;
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  t.teardown(() => holder.end());
  await holder.query('SELECT pg_advisory_lock($1)', [WRITE_LOCK]);
  const writers = [1, 2, 3].map((i) => db.transaction(async () => put(db, `w${i}`)));
  const read = await Promise.race([keys(db), new Promise((resolve) => setTimeout(resolve, 10_000, 'still waiting'))]);
  t.equal(read, 'a', 'a read outside transactions answers while three writers wait (pool of 2)');
  await holder.query('SELECT pg_advisory_unlock($1)', [WRITE_LOCK]);
  await Promise.all(writers);
  t.equal(await keys(db), 'a,w1,w2,w3', 'then every writer commits, in turn');
});

t.test(
  "a writer stopped in its transaction is ended by PostgreSQL: the write lock is freed, another process's writers go on",
  requires(t, postgres()),
  async (t) => {
    const url = await pgDatabase(t);
    const frozen = postgresPort({ url, poolSize: 2, idleInTransactionMs: 300 });
    const other = postgresPort({ url, poolSize: 2 });
    t.teardown(() => Promise.all([frozen.close(), other.close()]));
    await other.exec(KV);
    const entered = gate();
    const thaw = gate();
    const stalled = frozen.transaction(async () => {
      await put(frozen, 'never');
      entered.open();
      // The process stops here, holding the write lock, long past the idle limit.
      await thaw.opened;
      await put(frozen, 'never-either');
    });
    await entered.opened;
    const wrote = await Promise.race([
      other.transaction(() => put(other, 'after')).then(() => 'wrote'),
      new Promise((r) => setTimeout(r, 10_000, 'still waiting')),
    ]);
    t.equal(wrote, 'wrote', "the other process's writer got the lock");
    thaw.open();
    await t.rejects(stalled, { code: '25P03' }, "the stopped transaction fails when it resumes, with the server's reason (answered 503)");
    t.equal(await keys(other), 'after', 'and wrote nothing');
    await frozen.transaction(() => put(frozen, 'later'));
    t.equal(await keys(other), 'after,later', 'the frozen process writes again afterwards');
  },
);
