import t from 'tap';
import fc from 'fast-check';
import { buildApp, type App } from '../../src/app.js';
import { createLineageService } from '../../src/modules/lineage/lineage.service.js';
import { ProvenanceSnapshot } from '../../src/modules/lineage/lineage.snapshot.js';
import type { Actor } from '../../src/modules/auth/auth.schema.js';
import { makeApp } from '../helpers/app.js';
import { graphBuilder } from './graph.js';

const admin: Actor = { id: 'test-admin', role: 'admin' };

/** A lineage service of its own on the same database: its first answer comes from a full scan. */
function freshService(app: App) {
  const { repos, gates, config } = app.femto;
  return createLineageService({
    repo: repos.lineage,
    reader: app.femto.reader,
    heldBy: (actor) => app.femto.datasets.heldBy(actor),
    gateStatus: (pks) => gates.gateStatusFor(pks),
    limits: { ...config.lineage, timeoutMs: config.requestTimeoutMs },
  });
}

type Service = ReturnType<typeof freshService>;
type Query = { id: string; direction: 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH'; depth: number | null; version?: number };
const answer = async (s: Service, q: Query) => {
  const l = await s.lineage(admin, q);
  return { nodes: l.nodes.map((n) => `${n.id} ${n.depth}`), edges: l.edges.map((e) => `${e.from} ${e.relation} ${e.to}`), truncated: l.truncatedReason };
};

const op = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('dataset' as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('version' as const), of: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('step' as const),
      ins: fc.array(fc.nat(), { maxLength: 3 }),
      outs: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
      other: fc.boolean(),
      validation: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('query' as const),
      of: fc.nat(),
      direction: fc.constantFrom('UPSTREAM', 'DOWNSTREAM', 'BOTH'),
      depth: fc.option(fc.integer({ min: 0, max: 6 })),
    }),
    weight: 4,
  },
);

t.test('after single-activity inserts interleaved with queries, answers equal those of a fresh snapshot, and only the first query scanned', async (t) => {
  const a = await makeApp(t);
  // A replica on the same file: some steps are written by it, as another process would.
  const other = await buildApp(a.config);
  t.teardown(() => other.close());
  const here = graphBuilder(a.app);
  const there = graphBuilder(other);
  const live = a.app.femto.lineage;
  const { lineage: repo } = a.app.femto.repos;
  // A snapshot kept by appends alone, beside the service's: see the last check of each run.
  const appended = new ProvenanceSnapshot(await repo.scan());
  let run = 0;
  let queries = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
      const prefix = `r${run++}-`;
      // Versions in creation order: a step reads earlier ones and writes a later one not yet generated, so the graph stays a DAG.
      const versions: { dataset: string; version: number }[] = [];
      const generated = new Set<number>();
      const dataset = async () => {
        const id = await here.dataset(`${prefix}d${versions.length}`);
        versions.push({ dataset: id, version: 1 });
      };
      await dataset();
      for (const [k, o] of ops.entries()) {
        if (o.op === 'dataset') await dataset();
        else if (o.op === 'version') {
          const id = versions[o.of % versions.length].dataset;
          versions.push({ dataset: id, version: await here.newVersion(id) });
        } else if (o.op === 'step') {
          const free = versions.map((_, i) => i).filter((i) => i > 0 && !generated.has(i));
          if (!free.length) continue;
          const outs = [...new Set(o.outs.map((x) => free[x % free.length]))];
          const cut = Math.min(...outs);
          const ins = [...new Set(o.ins.map((x) => x % cut))];
          outs.forEach((i) => generated.add(i));
          await (o.other ? there : here).step(
            `${prefix}s${k}`,
            ins.map((i) => versions[i]),
            outs.map((i) => versions[i]),
            o.validation ? 'validation' : 'analysis',
          );
        } else {
          const v = versions[o.of % versions.length];
          const q: Query = { id: v.dataset, version: v.version, direction: o.direction, depth: o.depth };
          t.same(await answer(live, q), await answer(freshService(a.app), q), `${prefix} query ${k}`);
          queries++;
        }
      }
      // Every end of every step is a published version the snapshot describes, whether built whole or by appends, whoever
      // wrote: the lineage service's guards for an end it does not know are unreachable through the API (test/README.md).
      if (appended.generation !== (await repo.generation())) t.ok(appended.apply(await repo.changes(appended.cursor)), `${prefix} appended`);
      for (const snap of [appended, new ProvenanceSnapshot(await repo.scan())]) {
        const unknownEnd = snap.activityIds.findIndex((_, i) => snap.someEnd(i, (pk) => !snap.knows(pk)));
        t.equal(unknownEnd, -1, `${prefix} no step has an end the snapshot does not know`);
      }
    }),
    { numRuns: 40 },
  );
  t.ok(queries > 0);
  const stats = live.snapshotStats();
  t.equal(stats.fullBuilds, 1, 'one full build, by the first query; every later write was appended');
  t.ok(stats.appends > 0);
});

t.test('changes that are not a plain append make the next query build the snapshot afresh', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  const { lineage, database } = a.app.femto;
  const ids = async (id: string) => (await lineage.lineage(admin, { id, direction: 'BOTH', depth: null })).nodes.map((n) => n.id).sort();
  for (const d of ['a', 'b', 'c', 'e']) await g.dataset(d);
  await g.step('a-b', ['a'], ['b']);
  t.same(await ids('b'), ['a-b', 'a@1', 'b@1']);
  await g.step('b-c', ['b'], ['c']);
  t.same(await ids('c'), ['a-b', 'a@1', 'b-c', 'b@1', 'c@1']);
  t.match(lineage.snapshotStats(), { fullBuilds: 1, appends: 1 });

  // A rowid gap: some row the snapshot never saw may lie below it.
  const pk = async (id: string) => (await database.prepare('SELECT latest_version_pk FROM datasets WHERE id = ?').scalar<number>(id))!;
  await database.transaction(async () => {
    const rowid = (await database.prepare('SELECT max(rowid) FROM activities').scalar<number>())! + 5;
    await database
      .prepare("INSERT INTO activities (rowid, id, kind, created_by, created_at) VALUES (?, 'c-e', 'analysis', 'test', '2026-01-01T00:00:00Z')")
      .run(rowid);
    // PostgreSQL's rowid is an identity: it goes on past the value written, as SQLite's does.
    if (database.dialect === 'postgres') await database.prepare("SELECT setval(pg_get_serial_sequence('activities', 'rowid'), ?)").get(rowid);
    await database.prepare("INSERT INTO activity_inputs (activity_id, version_pk) VALUES ('c-e', ?)").run(await pk('c'));
    await database.prepare("INSERT INTO activity_outputs (activity_id, version_pk) VALUES ('c-e', ?)").run(await pk('e'));
    await database.prepare('UPDATE provenance_generation SET generation = generation + 1 WHERE id = 1').run();
  });
  t.same(await ids('e'), ['a-b', 'a@1', 'b-c', 'b@1', 'c-e', 'c@1', 'e@1']);
  t.match(lineage.snapshotStats(), { fullBuilds: 2, appends: 1 });

  // A published version row that changed under the snapshot (the datasets repository never does this).
  await database.prepare("UPDATE dataset_versions SET access_level = 'restricted' WHERE pk = ?").run(await pk('e'));
  await g.dataset('f');
  await g.step('e-f', ['e'], ['f']);
  t.ok(
    (await lineage.lineage(admin, { id: 'f', direction: 'UPSTREAM', depth: 1 })).nodes.find((n) => n.id === 'e@1')?.restricted,
    'the changed row is read again',
  );
  t.match(lineage.snapshotStats(), { fullBuilds: 3, appends: 1 });
});
