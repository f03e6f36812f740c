import t from 'tap';
import { buildApp } from '../../src/app.js';
import { makeApp } from '../helpers/app.js';
import { gql, graphBuilder } from './graph.js';

const nodeIds = async (app: Parameters<typeof gql>[0], id: string) =>
  ((await gql(app, `{ lineage(id: "${id}") { nodes { id } } }`)).body.data.lineage.nodes as { id: string }[]).map((n) => n.id).sort();

t.test('a step recorded by another app instance on the same file is in the next answer of this one', async (t) => {
  const first = await makeApp(t);
  // A second replica: its own process state, its own connection, the same SQLite file.
  const second = await buildApp(first.config);
  t.teardown(() => second.close());
  const g1 = graphBuilder(first.app);
  await g1.dataset('x');
  await g1.dataset('y');
  await g1.dataset('z');
  await g1.step('x-to-y', ['x'], ['y']);
  t.same(await nodeIds(first.app, 'y'), ['x-to-y', 'x@1', 'y@1'], 'the first instance holds a snapshot now');
  t.same(await nodeIds(first.app, 'z'), ['z@1']);

  await graphBuilder(second).step('y-to-z', ['y'], ['z']);
  t.same(await nodeIds(first.app, 'z'), ['x-to-y', 'x@1', 'y-to-z', 'y@1', 'z@1'], 'the first instance saw the generation move and re-read the graph');
  t.same(await nodeIds(second, 'z'), await nodeIds(first.app, 'z'));

  // And the other way round: the instance that wrote last still sees a write of the first.
  await g1.dataset('w');
  await g1.step('z-to-w', ['z'], ['w']);
  t.same((await nodeIds(second, 'w')).length, 7);
});

t.test('the provenance generation moves in the same transaction as the activity insert', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  await g.dataset('p');
  await g.dataset('q');
  const { repos, database } = a.app.femto;
  const before = await repos.lineage.generation();
  // Another connection to the same database: a second app (SQLite: its own connection to the file; PostgreSQL: its own pool).
  const other = await buildApp(a.config);
  t.teardown(() => other.close());
  const otherGeneration = () => other.femto.repos.lineage.generation();
  const pk = async (id: string) => (await database.prepare('SELECT latest_version_pk FROM datasets WHERE id = ?').scalar<number>(id))!;
  const activity = (id: string) => ({ id, kind: 'analysis', createdBy: 'test', createdAt: new Date().toISOString() });
  const links = { agents: [], inputs: [{ versionPk: await pk('p'), role: null }], outputs: [await pk('q')] };

  let inside = -1;
  let seenByOther = -1;
  await t.rejects(
    repos.provenance.transaction(async () => {
      await repos.provenance.insertActivity(activity('rolled-back'), links);
      inside = await repos.lineage.generation();
      seenByOther = await otherGeneration();
      throw new Error('abort');
    }),
  );
  t.equal(inside, before + 1, 'bumped inside the transaction');
  t.equal(seenByOther, before, 'another connection does not see it before the commit');
  t.equal(await repos.lineage.generation(), before, 'rolled back with the edges');
  t.notOk(await repos.provenance.activityExists('rolled-back'));

  await repos.provenance.transaction(() => repos.provenance.insertActivity(activity('kept'), links));
  t.equal(await repos.lineage.generation(), before + 1);
  t.equal(await otherGeneration(), before + 1, 'committed together with the activity');
  t.ok(await repos.provenance.activityExists('kept'));
});
