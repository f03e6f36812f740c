import t from 'tap';
import type { Test } from 'tap';
import fc from 'fast-check';
import { join } from 'node:path';
import { BASE_URL, makeApp, testBackend } from '../helpers/app.js';
import type { Importer, ParsedUnit, UnitResult } from '../../src/modules/imports/imports.schema.js';
import { DEFER_CHANGES_FROM, GROUP_BULK_FROM } from '../../src/modules/imports/imports.service.js';
import { countingBulk, frozenClock, INSTANTS, lines, snapshot } from '../helpers/equivalence.js';

/*
 * The OpenLineage bulk writer (a batch of events in a fixed number of statements) must leave exactly the database, and
 * give exactly the answers, that the same events ingested one at a time leave and give: every table, row for row. Where
 * it does not take a batch (a run seen before, a version facet, a femto dataset, a refusal, a repeated event) the batch
 * goes one event at a time, with the same outcome.
 */

const actor = { id: 'importer', role: 'admin' as const };
const runId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (second: number) => `2026-01-01T00:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000Z`;

interface Ev {
  type?: string;
  run: number;
  second: number;
  inputs?: string[];
  outputs?: string[];
  facets?: Record<string, unknown>;
  femtoInput?: string;
}

function event({ type = 'COMPLETE', run, second, inputs = [], outputs = [], facets, femtoInput }: Ev) {
  return {
    eventType: type,
    eventTime: at(second),
    run: { runId: runId(run), facets: {} },
    job: { namespace: 'test://pipeline', name: `job-${run % 3}`, facets: {} },
    inputs: [...inputs.map((name) => ({ namespace: 's3://bucket', name })), ...(femtoInput ? [{ namespace: BASE_URL, name: femtoInput }] : [])],
    outputs: outputs.map((name) => ({ namespace: 's3://bucket', name, ...(facets ? { facets } : {}) })),
    producer: 'https://example.org/test',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  };
}

const schemaFacet = (fields: string[]) => ({
  schema: {
    _producer: 'https://example.org/test',
    _schemaURL: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
    fields: fields.map((name) => ({ name, type: 'double' })),
  },
});

/** A chain of plain runs: run `from + k` reads the table the run before it wrote (or, for the first, an unknown one) and writes a new table. */
const chain = (from: number, n: number, second: number) =>
  Array.from({ length: n }, (_, k) =>
    event({ run: from + k, second: second + k, inputs: [k ? `t-${from + k - 1}` : `source-${from}`], outputs: [`t-${from + k}`] }),
  );

async function twoApps(t: Test, files?: string) {
  const dir = files ?? t.testdir({});
  // On SQLite a file each in one folder (the property makes many); the PostgreSQL lane gives each app a database of its own.
  const make = (side: string) => makeApp(t, testBackend() === 'sqlite' ? { FEMTO_DB: join(dir, `${side}-${Math.random().toString(36).slice(2)}.sqlite`) } : {});
  return [(await make('bulk')).app, (await make('single')).app] as const;
}
type App = Awaited<ReturnType<typeof twoApps>>[0];

/** The file imported on `bulk` in batches (counting those the bulk writer took) and on `single` one event at a time: the answers of each. */
async function importBoth(bulk: App, single: App, text: string, batchSize: number) {
  const input = { kind: 'file' as const, name: 'events.jsonl', bytes: Buffer.from(text) };
  const counting = countingBulk(bulk.femto.imports.registry.get('openlineage'));
  const answers: string[][] = [[], []];
  await bulk.femto.imports.run(actor, counting.importer, bulk.femto.imports.parse(counting.importer, input), {
    batchSize,
    onResult: (r) => answers[0].push(`${r.status} ${r.message}`),
  });
  const one = single.femto.imports;
  const importer = one.registry.get('openlineage');
  for (const unit of one.parse(importer, input)) {
    const r = 'refused' in unit ? { status: 'refused', message: unit.refused.message } : await one.submit(actor, importer, unit);
    answers[1].push(`${r.status} ${r.message}`);
  }
  return { answers, taken: counting.taken() };
}

async function sameRows(t: Test, bulk: App, single: App) {
  const a = await snapshot(bulk.femto.database);
  const b = await snapshot(single.femto.database);
  for (const table of Object.keys(b)) if (JSON.stringify(a[table]) !== JSON.stringify(b[table])) t.same(a[table], b[table], `${table}: the same rows`);
  t.same(a, b, 'every table the same');
  return b;
}

t.test('a batch of first-seen runs goes through the bulk writer and leaves the same rows and answers as one event at a time', async (t) => {
  const setClock = frozenClock(t);
  const [bulk, single] = await twoApps(t);
  // First file: a chain whose first run reads a table nobody wrote, a run naming no dataset, a run with two inputs (one written earlier in the batch) and two outputs.
  const first = [
    ...chain(0, DEFER_CHANGES_FROM, 0),
    event({ run: 500, second: 200 }),
    event({ run: 501, second: 201, inputs: ['t-3', 'source-x'], outputs: ['u-1', 'u-2'] }),
  ];
  // Second file, later: runs reading what the first file made (femto knows it before the batch), and a new chain.
  const second = [...chain(1000, DEFER_CHANGES_FROM, 300), event({ run: 502, second: 500, inputs: ['u-2', 't-7'], outputs: ['u-3'] })];
  let taken = 0;
  for (const [i, file] of [first, second].entries()) {
    setClock(INSTANTS[i]);
    const r = await importBoth(bulk, single, lines(file), 1000);
    t.same(r.answers[0], r.answers[1], `file ${i}: the same answers, event by event`);
    taken += r.taken;
  }
  t.equal(taken, 2, 'both batches went through the bulk writer');
  const rows = await sameRows(t, bulk, single);
  t.equal(rows.activities.length, 2 * DEFER_CHANGES_FROM + 2, 'a step per run that named a dataset');
  t.ok(rows.version_changes.length > 100 && rows.audit_log.length > 300 && rows.ol_versions.length > 200, 'the tables compared hold the import');

  // Replayed whole: every event already received, nothing changes.
  setClock(INSTANTS[1] + 1000);
  const replay = await importBoth(bulk, single, lines([...first, ...second]), 1000);
  t.same(replay.answers[0], replay.answers[1]);
  t.ok(
    replay.answers[0].every((a) => a.startsWith('unchanged')),
    'a replay changes nothing',
  );
  await sameRows(t, bulk, single);
});

/*
 * Random event streams: a plain chain (so that some batches are for the bulk writer) with trouble mixed in — runs
 * completed twice, STARTs after or before their COMPLETE, FAIL and RUNNING events, outputs that exist already (a new
 * version), a schema facet (a version named by its fields), femto datasets that do not exist (refused), events the schema
 * refuses, events sent twice — and sometimes the whole stream replayed. Batches of 100 or 1,000: either way the same
 * rows and answers as one event at a time.
 */
const table = (size: number) => fc.nat(size + 20).map((n) => `t-${n}`);
const trouble = (size: number) =>
  fc.oneof(
    fc.record({ t: fc.constant('run' as const), type: fc.constantFrom('COMPLETE', 'START', 'RUNNING', 'FAIL'), run: fc.nat(size + 5), second: fc.nat(900) }),
    fc.record({
      t: fc.constant('complete' as const),
      run: fc.integer({ min: 2000, max: 2010 }),
      second: fc.nat(900),
      inputs: fc.array(table(size), { maxLength: 2 }),
      outputs: fc.array(table(size), { maxLength: 2 }),
      schema: fc.option(fc.constantFrom(['pt'], ['pt', 'eta']), { nil: undefined }),
    }),
    fc.record({ t: fc.constant('femto' as const), run: fc.integer({ min: 3000, max: 3010 }), second: fc.nat(900) }),
    fc.record({ t: fc.constant('invalid' as const), second: fc.nat(900) }),
    fc.record({ t: fc.constant('again' as const), of: fc.nat(size - 1) }),
  );
const stream = fc.integer({ min: DEFER_CHANGES_FROM, max: DEFER_CHANGES_FROM + 20 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    tail: fc.array(fc.tuple(fc.nat(size + 10), trouble(size)), { maxLength: 6 }),
    batchSize: fc.constantFrom(1000, DEFER_CHANGES_FROM),
    replay: fc.boolean(),
  }),
);

t.test('property: random event streams leave the same rows and answers in bulk as one event at a time', async (t) => {
  const setClock = frozenClock(t);
  setClock(INSTANTS[0]);
  const dir = t.testdir({});
  let taken = 0;
  await fc.assert(
    fc.asyncProperty(stream, async ({ size, tail, batchSize, replay }) => {
      const events: unknown[] = chain(0, size, 0);
      // Each piece of trouble at its place in the stream (the chain's batches before it stay plain).
      for (const [place, x] of [...tail].sort((a, b) => b[0] - a[0])) {
        const e =
          x.t === 'run'
            ? event({ type: x.type, run: x.run, second: x.second, inputs: [`t-${Math.max(0, x.run - 1)}`], outputs: [`t-${x.run}`] })
            : x.t === 'complete'
              ? event({ run: x.run, second: x.second, inputs: x.inputs, outputs: x.outputs, facets: x.schema && schemaFacet(x.schema) })
              : x.t === 'femto'
                ? event({ run: x.run, second: x.second, inputs: ['t-1'], outputs: [`f-${x.run}`], femtoInput: 'no-such-dataset' })
                : x.t === 'invalid'
                  ? { ...event({ run: 4000, second: x.second }), run: { facets: {} } }
                  : events[x.of];
        events.splice(Math.min(place, events.length), 0, e);
      }
      const [bulk, single] = await twoApps(t, dir);
      for (const pass of replay ? [0, 1] : [0]) {
        const r = await importBoth(bulk, single, lines(events), batchSize);
        t.same(r.answers[0], r.answers[1], `pass ${pass}: the same answers, event by event`);
        taken += r.taken;
      }
      await sameRows(t, bulk, single);
      await Promise.all([bulk.close(), single.close()]);
    }),
    { numRuns: 12, seed: 20261205 },
  );
  t.ok(taken > 0, `the bulk writer took ${taken} batches of the streams`);
});

/** Units of a file, as a request at a time would submit them. */
const unitsOf = (app: App, text: string) =>
  app.femto.imports.parse(app.femto.imports.registry.get('openlineage'), {
    kind: 'file',
    name: 'events.jsonl',
    bytes: Buffer.from(text),
  }) as ParsedUnit[];

t.test('a group commit of concurrent events goes through the bulk writer with the same rows and answers as one at a time', async (t) => {
  const setClock = frozenClock(t);
  setClock(INSTANTS[0]);
  const [group, single] = await twoApps(t);
  const text = lines([...chain(0, 3 * GROUP_BULK_FROM, 0), event({ run: 90, second: 90, inputs: ['t-2'], outputs: ['u-90'] })]);
  const counting = countingBulk(group.femto.imports.registry.get('openlineage'));
  // All submitted in one event-loop turn: one group.
  const grouped = await Promise.all(unitsOf(group, text).map((u) => group.femto.imports.submit(actor, counting.importer, u)));
  t.equal(counting.taken(), 1, 'the group went through the bulk writer');
  const oneByOne: UnitResult[] = [];
  for (const u of unitsOf(single, text)) oneByOne.push(await single.femto.imports.submit(actor, single.femto.imports.registry.get('openlineage'), u));
  t.same(
    grouped.map((r) => `${r.status} ${r.message}`),
    oneByOne.map((r) => `${r.status} ${r.message}`),
    'the same answers, in order',
  );
  await sameRows(t, group, single);
});

t.test("femto's own fault in one event of a group fails that event alone: the others are applied and answered", async (t) => {
  const { app } = await makeApp(t);
  const openlineage = app.femto.imports.registry.get('openlineage');
  // An importer that fails as a bug would (a plain Error, a 500) on one unit and applies the others as OpenLineage does.
  const faulty: Importer = {
    ...openlineage,
    applyBulk: undefined,
    apply: (unit, a, o) => (unit.source === 'events.jsonl:3' ? Promise.reject(new Error('a bug in one unit')) : openlineage.apply(unit, a, o)),
  };
  const units = unitsOf(app, lines(chain(0, 2 * GROUP_BULK_FROM, 0)));
  const settled = await Promise.allSettled(units.map((u) => app.femto.imports.submit(actor, faulty, u)));
  t.same(
    settled.map((s) => s.status),
    units.map((u) => (u.source === 'events.jsonl:3' ? 'rejected' : 'fulfilled')),
    'only the faulty event fails',
  );
  t.match((settled[2] as PromiseRejectedResult).reason, { message: 'a bug in one unit' }, 'with its own error');
  t.ok(
    settled.every((s) => s.status === 'rejected' || s.value.status === 'created'),
    'every other event is created',
  );
  const runs = await app.femto.database.prepare('SELECT count(*) FROM ol_runs').scalar();
  t.equal(runs, units.length - 1, 'and stored, the faulty one not');
});
