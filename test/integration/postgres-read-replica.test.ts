import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { postgresPort } from '../../src/db/postgres.js';
import { freePort } from '../helpers/ports.js';
import { requires } from '../helpers/external.js';
import { ADMIN_TOKEN, BASE_URL, minimalDataset } from '../helpers/app.js';
import { pgDatabase, pgStandby, postgresStandby } from '../helpers/postgres.js';

/*
 * FEMTO_DB_READ_URL on a real hot standby of the test cluster (docs/database.md, "Read replica"). Which server
 * answered is told by the server itself (pg_is_in_recovery()), or by what it holds: while the standby's replay is
 * paused, what a curator publishes is on the primary only.
 */

/** A bound the tests that pause replay to see the standby answer never reach. */
const UNREACHED_LAG_MS = 600_000;
const DEADLINE_MS = 30_000;

/** Resolves once `done` answers true; fails past a generous deadline (what it waits for says why). */
async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + DEADLINE_MS; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) if (await done()) return;
  throw new Error(`not within ${DEADLINE_MS} ms: ${what}`);
}

async function port(t: Test, opts: { replicaUrl?: (primaryUrl: string) => string | Promise<string>; maxLagMs?: number } = {}) {
  const standby = await pgStandby();
  const url = await pgDatabase(t);
  // The database on the standby before the port's lag probe asks it (else: "cannot be reached", 3D000 no such database).
  await standby.caughtUp();
  const logged: string[] = [];
  const log = { warn: (m: string) => void logged.push(`warn: ${m}`), info: (m: string) => void logged.push(`info: ${m}`) };
  const replica = { url: await (opts.replicaUrl ?? standby.urlOf)(url), log, retryMs: 0, maxLagMs: opts.maxLagMs ?? UNREACHED_LAG_MS };
  const db = postgresPort({ url, poolSize: 2, replica });
  t.teardown(() => db.close());
  await db.exec('CREATE TABLE kv (k text PRIMARY KEY, v bigint NOT NULL)');
  await standby.caughtUp();
  const onStandby = db.prepare('SELECT pg_is_in_recovery()');
  const served = () => db.onReplica(() => onStandby.scalar<boolean>());
  return { db, standby, logged, onStandby: () => onStandby.scalar<boolean>(), served };
}

/** The port of a standby that answers: once its lag probe has seen it caught up, onReplica's reads go to it. */
async function standbyPort(t: Test, opts: { replicaUrl?: (primaryUrl: string) => string; maxLagMs?: number } = {}) {
  const p = await port(t, opts);
  await until(p.served, 'the lag probe finds the standby caught up');
  return p;
}

t.test('the port: inside onReplica, reads go to the standby and writes to the primary', requires(t, postgresStandby()), async (t) => {
  const { db, logged, onStandby } = await standbyPort(t);
  t.equal(await onStandby(), false, 'outside onReplica: the primary');
  await db.onReplica(async () => {
    t.equal(await onStandby(), true, 'a read: the standby');
    t.equal(await db.transaction(onStandby, { readOnly: true }), true, 'a read-only transaction: the standby');
    const written = await db.transaction(async () => {
      await db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)').run(['a', 1]);
      return [await onStandby(), await db.transaction(onStandby, { readOnly: true })];
    });
    t.same(written, [false, false], 'a write transaction, its reads and a read-only transaction joined to it: the primary');
    t.same(await db.prepare('UPDATE kv SET v = v + 1').run(), { changes: 1 }, 'a write outside a transaction: the primary (a standby refuses it)');
    t.equal(await db.prepare('INSERT INTO kv (k, v) VALUES (?, ?) RETURNING v').scalar(['b', 5]), 5, 'a write that returns rows: the primary');
    t.equal(await db.prepare('SELECT v FROM kv WHERE k = ? FOR UPDATE').scalar('a'), 2, 'a read that locks rows: the primary');
    t.equal(await db.savepoint(onStandby), false, 'a savepoint (a transaction of its own): the primary');
    db.stayOnPrimary();
    t.equal(await onStandby(), false, 'after stayOnPrimary: the primary');
    t.equal(await db.transaction(onStandby, { readOnly: true }), false, 'read-only transactions too');
  });
  t.equal(await db.onReplica(onStandby), true, 'the next onReplica: the standby again');
  t.same(logged, [], 'nothing to tell');
});

t.test(
  'the port: a replica that cannot be reached is passed over for the primary, told once, until it answers again',
  requires(t, postgresStandby()),
  async (t) => {
    const closed = await port(t, { replicaUrl: async (url) => Object.assign(new URL(url), { port: String(await freePort()) }).toString() });
    t.equal(await closed.db.onReplica(closed.onStandby), false, 'nothing listens: the primary answers');
    t.equal(await closed.db.onReplica(() => closed.db.transaction(closed.onStandby, { readOnly: true })), false, 'a read-only transaction too');
    t.equal(closed.logged.length, 1, 'one line for the outage');
    t.match(
      closed.logged[0],
      /^warn: the read replica FEMTO_DB_READ_URL=postgres:\/\/postgres@127\.0\.0\.1:\d+\/femto_test_\w+ cannot be reached \(ECONNREFUSED\)/,
    );

    const { db, standby, logged, onStandby } = await standbyPort(t);
    t.equal(await db.onReplica(onStandby), true, 'the standby answers (and its connection stays in the pool)');
    standby.stop();
    let restarted = false;
    t.teardown(() => restarted || standby.start());
    await db.onReplica(async () => {
      t.equal(await onStandby(), false, 'the standby stopped: the primary answers');
      standby.start();
      restarted = true;
      t.equal(await onStandby(), false, 'a request that fell back to the primary stays there (never older after newer)');
    });
    t.equal(await db.onReplica(onStandby), true, 'the next request: the standby, back');
    t.match(logged, [/^warn: .* cannot be reached/, /^info: .* answers again/], 'the outage and its end, one line each');
  },
);

t.test(
  'the port: a standby more than FEMTO_DB_READ_MAX_LAG_MS behind the primary is passed over until it catches up, told once each way',
  requires(t, postgresStandby()),
  async (t) => {
    const standby = await pgStandby();
    // The cluster trusts 127.0.0.1: a password is sent, and must not be logged.
    const withPassword = (url: string) => Object.assign(new URL(standby.urlOf(url)), { password: 'standby-secret' }).toString();
    const { db, logged, onStandby, served } = await standbyPort(t, { maxLagMs: 300, replicaUrl: withPassword });
    await standby.pauseReplay();
    let resumed = false;
    t.teardown(() => resumed || standby.resumeReplay());
    await db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)').run(['written during the pause', 1]);
    const value = db.prepare('SELECT v FROM kv WHERE k = ?');
    // Within the bound a read may still come from the standby, which has not replayed the row; past it, from the primary.
    await until(async () => (await db.onReplica(() => value.scalar('written during the pause'))) === 1, 'an anonymous read finds the row');
    t.equal(await served(), false, 'replay still paused: reads go to the primary');

    await db.onReplica(async () => {
      t.equal(await onStandby(), false, 'a request that started while the standby was behind reads the primary');
      await standby.resumeReplay();
      resumed = true;
      await until(served, 'replay resumed: the next request reads the standby');
      t.equal(await onStandby(), false, 'and the request that started on the primary stays there (never older after newer)');
    });
    t.equal(await db.onReplica(() => value.scalar('written during the pause')), 1, 'the standby replayed the row');

    const behind =
      /^warn: the read replica FEMTO_DB_READ_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/femto_test_\w+ is more than 300 ms \(FEMTO_DB_READ_MAX_LAG_MS\) behind the primary; anonymous reads go to the primary until it catches up$/;
    const within =
      /^info: the read replica FEMTO_DB_READ_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/femto_test_\w+ is within 300 ms \(FEMTO_DB_READ_MAX_LAG_MS\) of the primary again; anonymous reads go to it$/;
    t.ok(logged.length >= 2 && logged.length % 2 === 0, 'told when it fell behind and when it caught up', { logged });
    logged.forEach((line, i) => t.match(line, i % 2 ? within : behind, `line ${i + 1}: ${i % 2 ? 'caught up' : 'behind'}, once each (password blanked)`));
    t.notOk(logged.join('\n').includes('standby-secret'), 'the password is not logged');
  },
);

async function replicated(t: Test, maxLagMs = UNREACHED_LAG_MS) {
  const standby = await pgStandby();
  const primary = await pgDatabase(t);
  await standby.caughtUp();
  const logged: { level: number; msg: string }[] = [];
  const config = loadConfig({
    FEMTO_DB: primary,
    FEMTO_DB_READ_URL: standby.urlOf(primary),
    FEMTO_DB_READ_MAX_LAG_MS: String(maxLagMs),
    FEMTO_SEED_ON_EMPTY: 'false',
    FEMTO_ADMIN_TOKEN: ADMIN_TOKEN,
    FEMTO_BASE_URL: BASE_URL,
    FEMTO_OUTBOX_WORKER: 'false',
  });
  const app = await buildApp(config, {
    logger: { level: 'info', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
  });
  t.teardown(() => app.close());
  const token = async (role: 'reader' | 'curator') => ({ authorization: `Bearer ${(await app.femto.auth.createToken(role)).token}` });
  const as = { anonymous: {}, reader: await token('reader'), curator: await token('curator') };
  const publish = async (title: string, over: Record<string, unknown> = {}) => {
    const created = await app.inject({ method: 'POST', url: '/datasets', headers: as.curator, payload: minimalDataset({ title, ...over }) });
    t.equal(created.statusCode, 201, `${title} created`, { body: created.body });
    const id = created.json().id as string;
    t.equal((await app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: as.curator })).statusCode, 200, `${title} published`);
    return id;
  };
  const read = async (who: keyof typeof as, url: string, method: 'GET' | 'HEAD' = 'GET') => {
    const res = await app.inject({ method, url, headers: as[who] });
    return { status: res.statusCode, title: method === 'GET' && res.statusCode === 200 ? (res.json().title as string) : undefined };
  };
  // Where an anonymous request's reads go now: the port's own routing, asked which server answers.
  const { database } = app.femto;
  const served = () => database.onReplica(() => database.prepare('SELECT pg_is_in_recovery()').scalar<boolean>()) as Promise<boolean>;
  // The standby holds the new database and its migrations, and the lag probe has seen it, before anonymous requests read it.
  await standby.caughtUp();
  await until(served, 'the lag probe finds the standby caught up');
  return { app, as, standby, publish, read, logged, served };
}

t.test(
  'anonymous GET and HEAD read the standby; a request with credentials, or by another method, reads the primary',
  requires(t, postgresStandby()),
  async (t) => {
    const { standby, publish, read, app } = await replicated(t);
    const before = await publish('Published before the pause');
    await standby.caughtUp();
    t.same(await read('anonymous', `/datasets/${before}`), { status: 200, title: 'Published before the pause' }, 'replayed: anonymous sees it');

    await standby.pauseReplay();
    t.teardown(() => standby.resumeReplay());
    const during = await publish('Published during the pause');
    t.same(await read('curator', `/datasets/${during}`), { status: 200, title: 'Published during the pause' }, 'the curator reads its write at once');
    t.same(await read('reader', `/datasets/${during}`), { status: 200, title: 'Published during the pause' }, 'any credentials: the primary');
    t.same(await read('anonymous', `/datasets/${during}`), { status: 404, title: undefined }, 'anonymous GET: the standby, which has not replayed it');
    t.same(await read('anonymous', `/datasets/${during}`, 'HEAD'), { status: 404, title: undefined }, 'anonymous HEAD: the standby too');
    const graphql = await app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ dataset(id: "${during}") { title } }` } });
    t.same(graphql.json().data?.dataset, { title: 'Published during the pause' }, 'an anonymous POST (a GraphQL query): the primary');
    t.same(await read('anonymous', `/datasets/${before}`), { status: 200, title: 'Published before the pause' }, 'what the standby has, it serves');

    await standby.resumeReplay();
    await standby.caughtUp();
    t.same(await read('anonymous', `/datasets/${during}`), { status: 200, title: 'Published during the pause' }, 'replayed: anonymous sees it');
  },
);

t.test('a request that uses the lineage snapshot reads from the primary from then on', requires(t, postgresStandby()), async (t) => {
  const { app, standby, publish, read, as } = await replicated(t);
  const input = await publish('Input');
  await standby.caughtUp();
  t.equal((await read('curator', `/datasets/${input}/lineage`)).status, 200, 'the snapshot is built');
  await standby.pauseReplay();
  t.teardown(() => standby.resumeReplay());
  const output = await publish('Output, published during the pause');
  const recorded = await app.inject({
    method: 'POST',
    url: '/activities',
    headers: as.curator,
    payload: { kind: 'analysis', inputs: [{ dataset: input }], outputs: [{ dataset: output }] },
  });
  t.equal(recorded.statusCode, 201, 'a step recorded during the pause: a new provenance generation on the primary only');
  t.equal((await read('curator', `/datasets/${input}/lineage`)).status, 200, 'the snapshot catches up with it');
  t.same(await read('anonymous', `/datasets/${output}`), { status: 404, title: undefined }, 'the standby has not replayed them');
  t.equal((await read('anonymous', `/datasets/${output}/lineage`)).status, 200, 'the lineage of what only the primary has is answered, from the primary');
  t.equal((await read('anonymous', `/datasets/${input}/lineage`)).status, 200);
  t.match(app.femto.lineage.snapshotStats(), { fullBuilds: 1, appends: 1 }, 'built once and caught up once: never rebuilt as of the standby');
});

t.test('with the standby stopped, anonymous reads answer from the primary, and the log says so once', requires(t, postgresStandby()), async (t) => {
  const { standby, publish, read, logged } = await replicated(t);
  const id = await publish('Published before the stop');
  await standby.caughtUp();
  t.equal((await read('anonymous', `/datasets/${id}`)).status, 200, 'a connection to the standby is open in its pool');
  standby.stop();
  t.teardown(() => standby.start());
  const after = await publish('Published while the standby is down');
  for (const url of [`/datasets/${id}`, `/datasets/${after}`, `/datasets/${id}`]) t.equal((await read('anonymous', url)).status, 200, `anonymous GET ${url}`);
  const told = logged.filter((l) => l.msg.includes('FEMTO_DB_READ_URL'));
  t.equal(told.length, 1, 'one line for the outage');
  t.match(told[0], { level: 40, msg: /cannot be reached.*anonymous reads go to the primary/ });
});

t.test(
  'a record withdrawn while the standby replay is paused: past FEMTO_DB_READ_MAX_LAG_MS an anonymous reader gets it from the primary, withdrawn',
  requires(t, postgresStandby()),
  async (t) => {
    const { app, as, standby, publish, read, logged, served } = await replicated(t, 300);
    const doi = async (method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) => {
      const res = await app.inject({
        method,
        url,
        headers: { ...as.curator, 'content-type': 'application/vnd.api+json' },
        payload: JSON.stringify({ data: { type: 'dois', attributes } }),
      });
      t.ok(res.statusCode < 300, `${method} ${url} ${String(attributes.event)}`, { body: res.body });
    };
    // A findable DOI needs a publisher; hiding it withdraws the record (a tombstone, 410).
    const id = await publish('Withdrawn during the pause', { publisher: 'Lattice Lab' });
    await doi('POST', '/dois', { doi: '10.5072/paused-1', url: `${BASE_URL}/datasets/${id}`, event: 'publish' });
    await standby.caughtUp();
    await until(served, 'the standby caught up is read again');
    t.same(await read('anonymous', `/datasets/${id}`), { status: 200, title: 'Withdrawn during the pause' }, 'findable: anonymous sees it');

    await standby.pauseReplay();
    let resumed = false;
    t.teardown(() => resumed || standby.resumeReplay());
    await doi('PUT', '/dois/10.5072/paused-1', { event: 'hide', withdrawalReason: 'Withdrawn while the standby was paused' });
    t.equal((await read('curator', `/datasets/${id}`)).status, 410, 'withdrawn on the primary at once');
    // Within the bound an anonymous read may still come from the standby, which holds the record findable; past it, never.
    await until(async () => (await read('anonymous', `/datasets/${id}`)).status === 410, 'an anonymous GET answers 410');
    t.equal(await served(), false, 'replay still paused: anonymous reads go to the primary');
    t.equal((await read('anonymous', `/datasets/${id}`, 'HEAD')).status, 410, 'HEAD too');

    await standby.resumeReplay();
    resumed = true;
    await until(served, 'replay resumed: anonymous reads go back to the standby');
    t.equal((await read('anonymous', `/datasets/${id}`)).status, 410, 'the standby replayed the withdrawal');
    const told = logged.filter((l) => l.msg.includes('FEMTO_DB_READ_MAX_LAG_MS'));
    t.match(told[0], {
      level: 40,
      msg: /is more than 300 ms \(FEMTO_DB_READ_MAX_LAG_MS\) behind the primary; anonymous reads go to the primary until it catches up/,
    });
    t.match(told.at(-1), { level: 30, msg: /is within 300 ms \(FEMTO_DB_READ_MAX_LAG_MS\) of the primary again; anonymous reads go to it/ });
  },
);
