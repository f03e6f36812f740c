import { mapInOrder } from '../../src/lib/in-order.js';
import t from 'tap';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeApp } from '../helpers/app.js';
import { gql, graphBuilder } from './graph.js';

/**
 * Counts every statement SQLite executes, whether drizzle prepared it for one call or a repository
 * keeps it prepared: the execution methods of better-sqlite3's Statement are wrapped.
 */
function countStatements(t: Parameters<Parameters<typeof t.test>[1]>[0]) {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const counter = { n: 0 };
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      counter.n++;
      return original.apply(this, args);
    };
    t.teardown(() => {
      proto[method] = original;
    });
  }
  return counter;
}

/** The counter wraps better-sqlite3: these tests count on an SQLite file in either lane (the repositories' SQL is the same on PostgreSQL). */
const sqliteApp = (t: Parameters<typeof makeApp>[0]) => makeApp(t, { FEMTO_DB: join(t.testdir({}), 'femto.sqlite') });

const LIST = (first: number) => `{ datasets(first: ${first}) { edges { node { id title creators { name agent { id } }
  versions { version dataset { id } } latestVersion { version }
  generatedBy { id kind inputs { dataset { id creators { name } } } } usedBy { id } } } } }`;

t.test('a list of datasets with creators, versions and generatedBy costs a number of statements independent of its length', async (t) => {
  const a = await sqliteApp(t);
  const g = graphBuilder(a.app);
  for (let i = 0; i < 60; i++) await g.dataset(`d${String(i).padStart(2, '0')}`);
  for (let i = 1; i < 60; i++) await g.step(`s${i}`, [`d${String(i - 1).padStart(2, '0')}`], [`d${String(i).padStart(2, '0')}`]);
  const counter = countStatements(t);
  const cost = async (first: number) => {
    counter.n = 0;
    const res = await gql(a.app, LIST(first));
    t.notOk(res.body.errors, JSON.stringify(res.body.errors));
    t.equal(res.body.data.datasets.edges.length, first);
    return counter.n;
  };
  const five = await cost(5);
  const fifty = await cost(50);
  t.ok(fifty > 0);
  t.equal(fifty, five, `50 datasets: ${fifty} statements, 5 datasets: ${five}`);
});

t.test('lineage nodes resolve their datasets and activities in batches', async (t) => {
  const a = await sqliteApp(t);
  const g = graphBuilder(a.app);
  // Two levels of fan-in: `width` steps each reading `width` inputs.
  const tree = async (width: number, p: string) => {
    await g.dataset(p);
    const mids = await mapInOrder(
      Array.from({ length: width }, (_, i) => `${p}-m${i}`),
      (id) => g.dataset(id),
    );
    await g.step(`${p}-top`, mids, [p]);
    for (const [i, m] of mids.entries()) {
      const leaves = await mapInOrder(
        Array.from({ length: width }, (_, j) => `${p}-l${i}-${j}`),
        (id) => g.dataset(id),
      );
      await g.step(`${p}-s${i}`, leaves, [m]);
    }
  };
  await tree(12, 'wide');
  await tree(2, 'narrow');
  const counter = countStatements(t);
  const cost = async (id: string) => {
    counter.n = 0;
    const res = await gql(
      a.app,
      `{ lineage(id: "${id}", depth: 2) { nodes { id dataset { title creators { name } } activity { kind agents { role } inputs { dataset { id } } } } } }`,
    );
    t.notOk(res.body.errors);
    return counter.n;
  };
  // The first lineage query after a write reads the graph into memory; the comparison is of answers from that snapshot.
  await cost('narrow');
  // 157 nodes against 7, in as many levels: neither the walk nor the loaders may add a statement per node.
  t.equal(await cost('wide'), await cost('narrow'));
});
