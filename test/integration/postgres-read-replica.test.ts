import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { requires } from '../helpers/external.js';
import { ADMIN_TOKEN, BASE_URL, minimalDataset } from '../helpers/app.js';
import { pgDatabase, pgStandby, postgresStandby } from '../helpers/postgres.js';

/*
 * FEMTO_DB_READ_URL on a real hot standby of the test cluster (docs/database.md, "Read replica"). Which server
 * answered is told by what it holds: while the standby's replay is paused, what a curator publishes is on the
 * primary only.
 */

async function replicated(t: Test) {
  const standby = await pgStandby();
  const primary = await pgDatabase(t);
  const logged: { level: number; msg: string }[] = [];
  const config = loadConfig({
    FEMTO_DB: primary,
    FEMTO_DB_READ_URL: standby.urlOf(primary),
    FEMTO_SEED_ON_EMPTY: 'false',
    FEMTO_ADMIN_TOKEN: ADMIN_TOKEN,
    FEMTO_BASE_URL: BASE_URL,
    FEMTO_OUTBOX_WORKER: 'false',
  });
  const app = await buildApp(config, { logger: { level: 'info', stream: { write: (line: string) => void (logged.push(JSON.parse(line)), process.env.DBG && process.stderr.write(line)) } } });
  t.teardown(() => app.close());
  const token = async (role: 'reader' | 'curator') => ({ authorization: `Bearer ${(await app.femto.auth.createToken(role)).token}` });
  const as = { anonymous: {}, reader: await token('reader'), curator: await token('curator') };
  const publish = async (title: string) => {
    const created = await app.inject({ method: 'POST', url: '/datasets', headers: as.curator, payload: minimalDataset({ title }) });
    t.equal(created.statusCode, 201, `${title} created`, { body: created.body });
    const id = created.json().id as string;
    t.equal((await app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: as.curator })).statusCode, 200, `${title} published`);
    return id;
  };
  const read = async (who: keyof typeof as, url: string, method: 'GET' | 'HEAD' = 'GET') => {
    const res = await app.inject({ method, url, headers: as[who] });
    return { status: res.statusCode, title: method === 'GET' && res.statusCode === 200 ? (res.json().title as string) : undefined };
  };
  // The standby holds the new database and its migrations before anonymous requests read it.
  await standby.caughtUp();
  return { app, standby, publish, read, logged };
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
  const { standby, publish, read } = await replicated(t);
  await standby.pauseReplay();
  t.teardown(() => standby.resumeReplay());
  const id = await publish('Published during the pause');
  t.same(await read('anonymous', `/datasets/${id}`), { status: 404, title: undefined }, 'the standby has not replayed it');
  t.equal((await read('anonymous', `/datasets/${id}/lineage`)).status, 200, 'its lineage (a snapshot of the primary) is answered with the primary');
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
