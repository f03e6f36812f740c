import t from 'tap';
import type { Actor } from '../../src/modules/auth/auth.schema.js';
import { makeApp } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';
import { graphBuilder } from './graph.js';

const admin: Actor = { id: 'test-admin', role: 'admin' };

/*
 * The lineage snapshot reads steps past the largest rowid it has read. On PostgreSQL two writers run at once and a
 * rowid is seen only at commit: were a step given rowid 9 to commit after a step with rowid 10 was read, the
 * snapshot would never read it. This holds PostgreSQL to the rule that prevents it (provenance.repository.ts
 * inWriteOrder). SQLite runs one transaction at a time, so the interleaving cannot happen there.
 */
t.test('PostgreSQL: a step committed after a later writer began is in the next answer; rowids follow commit order', requires(t, postgres()), async (t) => {
  const a = await makeApp(t, { FEMTO_DB: await pgDatabase(t) });
  const { lineage, database, repos } = a.app.femto;
  const g = graphBuilder(a.app);
  for (const d of ['a', 'b', 'c']) await g.dataset(d);
  const pk = async (id: string) => (await database.prepare('SELECT latest_version_pk FROM datasets WHERE id = ?').scalar<number>(id))!;
  const from = await pk('a');
  const step = async (id: string, to: string) =>
    repos.provenance.insertActivity(
      { id, kind: 'analysis', createdBy: 'test', createdAt: new Date().toISOString() },
      { agents: [], inputs: [{ versionPk: from, role: null }], outputs: [await pk(to)] },
    );
  const downstream = async () => (await lineage.lineage(admin, { id: 'a', direction: 'DOWNSTREAM', depth: null })).nodes.map((n) => n.id).sort();
  t.same(await downstream(), ['a@1'], 'the reader holds a snapshot');

  // The first writer inserts its step and holds its transaction open.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let inserted!: () => void;
  const insertedFirst = new Promise<void>((resolve) => (inserted = resolve));
  const first = database.transaction(async () => {
    await step('first', 'b');
    inserted();
    await held;
  });
  await insertedFirst;

  // The second writer inserts and commits, if it may: it is let through only once the first has ended (in this
  // process its turn comes after the first's, so it may not even reach the database before then).
  let secondEnded = false;
  const second = database.transaction(() => step('second', 'c')).finally(() => (secondEnded = true));
  const waiting = () => database.prepare('SELECT count(*) FROM pg_locks WHERE NOT granted').scalar<number>();
  for (let i = 0; i < 50 && !secondEnded && (await waiting()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));

  // The reader reads while the first is open (the second has committed, or waits).
  t.notOk((await downstream()).includes('first'), 'an open transaction is not read');

  release();
  await Promise.all([first, second]);
  t.same(await downstream(), ['a@1', 'b@1', 'c@1', 'first', 'second'], "the reader's next answer has both steps");
  t.same(lineage.snapshotStats().fullBuilds, 1, 'appended to the snapshot: the rowids follow on from its cursor');
  t.same(await database.prepare('SELECT id FROM activities ORDER BY rowid').column(), ['first', 'second'], 'rowid order is commit order');
});
