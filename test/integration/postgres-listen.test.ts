import t from 'tap';
import pg from 'pg';
import { postgresPort } from '../../src/db/postgres.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

/** The notifications a listener was called with, and a way to wait for the next. */
function recorder() {
  const calls: (string | undefined)[] = [];
  let waiting: (() => void) | undefined;
  return {
    calls,
    onNotify: (payload?: string) => {
      calls.push(payload);
      waiting?.();
    },
    /** Resolves once `n` calls were made; a hang detector's bound, not a speed check. */
    async count(n: number) {
      const end = Date.now() + 20_000;
      while (calls.length < n) {
        if (Date.now() > end) throw new Error(`${calls.length} notifications, waited for ${n}`);
        await new Promise<void>((r) => {
          waiting = r;
          setTimeout(r, 100);
        });
      }
    },
  };
}

t.test(
  'listen: notifications on the channel, a call without payload after the connection came back, nothing after stop',
  requires(t, postgres()),
  async (t) => {
    const url = await pgDatabase(t);
    const db = postgresPort({ url });
    t.teardown(() => db.close());
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    t.teardown(() => other.end());
    const listeners = async () =>
      (await other.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'femto listen femto_test'`)).rows;

    await t.rejects(
      db.listen!('femto; DROP TABLE x', () => {}),
      RangeError,
      'a channel is a plain name',
    );

    const heard = recorder();
    const stop = await db.listen!('femto_test', heard.onNotify);
    await other.query(`NOTIFY femto_other, 'elsewhere'`);
    await other.query(`NOTIFY femto_test, 'first'`);
    await heard.count(1);
    t.same(heard.calls, ['first'], 'the payload, and nothing of other channels');

    // Notifications are sent at commit, once per distinct payload.
    await other.query('BEGIN');
    await other.query(`NOTIFY femto_test, 'second'`);
    await other.query(`NOTIFY femto_test, 'second'`);
    t.same(heard.calls, ['first'], 'nothing before the commit');
    await other.query('COMMIT');
    await heard.count(2);

    // The server drops the connection (a restart, an administrator): it is made again, and the listener is told that it may have missed something.
    t.equal((await listeners()).length, 1);
    await other.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'femto listen femto_test'`,
    );
    await heard.count(3);
    t.equal(heard.calls[2], undefined, 'a call without payload once listening again');
    t.equal((await listeners()).length, 1, 'listening again, on one connection');
    await other.query(`NOTIFY femto_test, 'third'`);
    await heard.count(4);
    t.same(heard.calls, ['first', 'second', undefined, 'third']);

    await stop();
    t.same(await listeners(), [], 'the connection is closed');
    await other.query(`NOTIFY femto_test, 'after'`);
    // A round trip through the same server after the NOTIFY: a listener still there would have had it by now.
    await db.prepare('SELECT 1').get();
    t.equal(heard.calls.length, 4, 'nothing after stop');
  },
);
