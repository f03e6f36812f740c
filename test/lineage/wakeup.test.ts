import t from 'tap';
import type { Actor } from '../../src/modules/auth/auth.schema.js';
import type { App } from '../../src/app.js';
import { makeApp } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';
import { graphBuilder } from './graph.js';

const admin: Actor = { id: 'test-admin', role: 'admin' };

/** Two apps on one database, ready as a serving process is (the wake-ups start with the server). */
async function replicas(t: Parameters<typeof makeApp>[0]): Promise<[App, App]> {
  const url = await pgDatabase(t);
  const apps: [App, App] = [(await makeApp(t, { FEMTO_DB: url })).app, (await makeApp(t, { FEMTO_DB: url })).app];
  await Promise.all(apps.map((app) => app.ready()));
  return apps;
}

/** Resolves once `check` holds; a hang detector, not a speed check: the bound is far beyond what a wake-up takes. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; !(await check());) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ids = async (app: App, id: string) => (await app.femto.lineage.lineage(admin, { id, direction: 'BOTH', depth: null })).nodes.map((n) => n.id).sort();

t.test(
  "a step recorded through one replica brings the other's lineage snapshot up to date before anything is read there",
  requires(t, postgres()),
  async (t) => {
    const [writer, reader] = await replicas(t);
    const g = graphBuilder(writer);
    for (const d of ['a', 'b', 'c']) await g.dataset(d);
    await g.step('a-b', ['a'], ['b']);
    t.same(await ids(reader, 'b'), ['a-b', 'a@1', 'b@1'], 'the reader built its snapshot');
    const { lineage } = reader.femto;
    t.match(lineage.snapshotStats(), { fullBuilds: 1, appends: 0 });

    await g.step('b-c', ['b'], ['c']);
    const generation = await writer.femto.repos.lineage.generation();
    await until(() => lineage.snapshotStats().generation === generation, 'the reader caught up');
    t.match(lineage.snapshotStats(), { fullBuilds: 1, appends: 1 }, 'appended in the background, without a read');

    t.same(await ids(reader, 'c'), ['a-b', 'a@1', 'b-c', 'b@1', 'c@1'], 'the next read has the step');
    t.match(lineage.snapshotStats(), { fullBuilds: 1, appends: 1 }, 'and paid no catch-up');
  },
);

t.test('after the server dropped their listening connections, replicas listen again and catch up', requires(t, postgres()), async (t) => {
  const [writer, reader] = await replicas(t);
  const g = graphBuilder(writer);
  for (const d of ['a', 'b', 'c']) await g.dataset(d);
  await g.step('a-b', ['a'], ['b']);
  await ids(reader, 'b');
  const { lineage } = reader.femto;

  // Both replicas' listeners are dropped (as by a restart of the server); a step is written while they are away.
  const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'femto listen femto_provenance'`;
  const dropped = await writer.femto.database.prepare(`SELECT count(pg_terminate_backend(pid)) AS n FROM (${listeners}) l`).scalar<number>();
  t.equal(dropped, 2, 'one listener per replica');
  await g.step('b-c', ['b'], ['c']);
  const generation = await writer.femto.repos.lineage.generation();
  await until(() => lineage.snapshotStats().generation === generation, 'the reader caught up on reconnecting');
  await until(async () => (await writer.femto.database.prepare(listeners).all()).length === 2, 'both listen again');
  t.match(lineage.snapshotStats(), { fullBuilds: 1, appends: 1 });
});

t.test('SQLite has nothing to listen on: following is a no-op and reads stay current', async (t) => {
  const { app, config } = await makeApp(t, { FEMTO_DB: `${t.testdir({})}/femto.sqlite` });
  t.equal(app.femto.database.listen, undefined);
  t.equal(await app.femto.repos.lineage.watchGeneration(() => t.fail('no wake-up on SQLite')), undefined);
  t.ok(config.dbPath.endsWith('.sqlite'));
});
