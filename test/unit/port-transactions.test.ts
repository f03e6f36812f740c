import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type Database_ } from '../../src/db/client.js';

/*
 * One SQLite connection serves every request; a transaction's function awaits between its
 * statements. These tests hold the port to its promise: statements of other call chains never run
 * inside an open transaction (they wait for its end), so nothing reads another's uncommitted rows
 * and a rollback takes back only the transaction's own writes.
 */

async function fresh(t: { teardown(fn: () => unknown): void }): Promise<Database_> {
  const dir = mkdtempSync(join(tmpdir(), 'femto-port-'));
  const db = openDatabase(join(dir, 'port.sqlite'));
  t.teardown(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  return db;
}

const keys = async (db: Database_) => (await db.prepare('SELECT k FROM kv ORDER BY k').column<string>()).join(',');
const put = (db: Database_, k: string, v = 0) => db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)').run([k, v]);

/** A promise and the function that resolves it: a transaction paused on something slow. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A transaction that writes a1, pauses until `resume` is called, writes a2 and ends as `end` does; returned once it paused. */
async function pausedAfterA1<T>(db: Database_, end: () => T) {
  const paused = gate();
  const reached = gate();
  const transaction = db.transaction(async () => {
    await put(db, 'a1');
    reached.open();
    await paused.opened;
    await put(db, 'a2');
    return end();
  });
  await reached.opened;
  return { transaction, resume: paused.open };
}

t.test('a request writing and reading while a transaction awaits neither joins it nor sees its rows; the rollback leaves its write', async (t) => {
  const db = await fresh(t);
  const { transaction: first, resume } = await pausedAfterA1(db, () => {
    throw new Error('refused');
  });
  let secondDone = false;
  const second = (async () => {
    await put(db, 'b1');
    const seen = await keys(db);
    secondDone = true;
    return seen;
  })();
  // Several turns of the event loop: the second request's statements wait for the transaction.
  await sleep(20);
  t.notOk(secondDone, 'the other request waits while the transaction is open');
  t.equal(db.inTransaction, false, 'this test itself is outside the transaction');
  resume();
  await t.rejects(first, /refused/);
  t.equal(await second, 'b1', 'the other request saw its own write and none of the rolled-back transaction');
  t.equal(await keys(db), 'b1', 'the rollback took back a1 and a2 only');
});

t.test('a committed transaction is seen whole by the request that waited for it', async (t) => {
  const db = await fresh(t);
  const { transaction: first, resume } = await pausedAfterA1(db, () => 'committed');
  const second = (async () => {
    await put(db, 'b1');
    return keys(db);
  })();
  await sleep(10);
  resume();
  t.equal(await first, 'committed');
  t.equal(await second, 'a1,a2,b1', 'the waiting request ran after the commit: both a1 and a2, never one without the other');
});

t.test('read-modify-write transactions awaiting between read and write lose no update', async (t) => {
  const db = await fresh(t);
  await put(db, 'n', 0);
  const read = db.prepare<{ v: number }>('SELECT v FROM kv WHERE k = ?');
  const write = db.prepare('UPDATE kv SET v = ? WHERE k = ?');
  const increments = 40;
  await Promise.all(
    Array.from({ length: increments }, (_, i) =>
      db.transaction(async () => {
        const { v } = (await read.get('n'))!;
        // Something slow between the read and the write (in a real request it must not be: every other request waits).
        await (i % 2 ? sleep(1) : new Promise((resolve) => setImmediate(resolve)));
        await write.run([v + 1, 'n']);
      }),
    ),
  );
  t.equal((await read.get('n'))!.v, increments, 'every increment counted: no transaction read another one’s state mid-flight');
});

t.test('nested transactions join the open one; a savepoint rolls back alone', async (t) => {
  const db = await fresh(t);
  await db.transaction(async () => {
    await put(db, 'outer');
    await db.transaction(async () => {
      t.ok(db.inTransaction, 'the nested call runs inside the open transaction');
      await put(db, 'joined');
    });
    await t.rejects(
      db.savepoint(async () => {
        await put(db, 'undone');
        throw new Error('unit refused');
      }),
      /unit refused/,
    );
    await put(db, 'after');
  });
  t.equal(await keys(db), 'after,joined,outer', 'the savepoint took back its own row, the transaction kept the rest');
  await t.rejects(
    db.transaction(async () => {
      await put(db, 'x');
      await db.transaction(() => Promise.reject(new Error('inner fails')));
    }),
    /inner fails/,
  );
  t.equal(await keys(db), 'after,joined,outer', 'an error in a joined call rolls the outermost back');
});

t.test('a second transaction waits for the first instead of nesting in it', async (t) => {
  const db = await fresh(t);
  const paused = gate();
  const order: string[] = [];
  const first = db.transaction(async () => {
    order.push('first begins');
    await paused.opened;
    await put(db, 'first');
    order.push('first ends');
  });
  const second = db.transaction(async () => {
    order.push('second begins');
    await put(db, 'second');
    throw new Error('second refused');
  });
  await sleep(10);
  paused.open();
  await first;
  await t.rejects(second, /second refused/);
  t.same(order, ['first begins', 'first ends', 'second begins']);
  t.equal(await keys(db), 'first', "the second transaction's rollback did not take the first's committed row");
});
