import t from 'tap';
import fc from 'fast-check';
import { join } from 'node:path';
import { BASE_URL, makeApp, testBackend } from '../helpers/app.js';
import type { ParsedUnit } from '../../src/modules/imports/imports.schema.js';
import { DEFER_CHANGES_FROM } from '../../src/modules/imports/imports.service.js';
import { agentsByRow, frozenClock, INSTANTS, lines, snapshot } from '../helpers/equivalence.js';

/*
 * A bulk import (batches of units in one transaction, the change counters of new step edges counted
 * once per batch) must leave exactly the database that the same units applied one at a time leave
 * (each its own transaction, every change trigger firing per row): every table, row for row. Each
 * catalog comes in two files imported at two instants, so that the second file's steps move the
 * change dates of records the first one made.
 */

const dataset = (i: number, over: Record<string, unknown> = {}) => ({
  id: `ds-${i}`,
  title: `Dataset ${i}`,
  description: `Configurations of batch ${i % 3}.`,
  tier: i % 4,
  dataType: 'Raw-Simulation',
  license: 'CC-BY-4.0',
  creators: [{ name: `Physicist ${i % 3}` }, ...(i % 2 ? [{ name: 'CERN', type: 'Organization' }] : [])],
  keywords: ['lattice', `batch-${i % 3}`],
  formats: ['HDF5'],
  ...(i % 5 === 4 ? { visibility: 'private' } : {}),
  ...over,
});
const step = (i: number, inputs: number[], outputs: number[]) => ({
  record: 'activity',
  id: `step-${i}`,
  kind: 'simulation',
  name: `step ${i}`,
  software: { name: 'sim', version: '1.0' },
  inputs: inputs.map((d) => ({ dataset: `ds-${d}` })),
  outputs: outputs.map((d) => ({ dataset: `ds-${d}` })),
});

/**
 * Two files, each enough units that its batch counts its changes at its end (DEFER_CHANGES_FROM): datasets (some
 * private) with a chain of steps over them, then steps with several inputs and outputs over those datasets, a changed
 * record (a second version), and refused units among them.
 */
function catalog(): string[] {
  const first: unknown[] = [];
  for (let i = 0; i < DEFER_CHANGES_FROM; i++) first.push(dataset(100 + i));
  for (let i = 0; i < 12; i++) first.push(dataset(i));
  first.push(step(0, [], [0]), step(1, [0], [1, 2]));
  const second: unknown[] = [];
  for (let i = 1; i < DEFER_CHANGES_FROM; i++) second.push(step(100 + i, [100 + i - 1], [100 + i]));
  second.push(step(2, [1, 2, 4], [3]), step(3, [3], [4]), step(4, [3, 9], [5, 6]));
  second.push(step(5, [6], [0]), step(6, [404], [7]), dataset(2, { description: 'Recalibrated.' }), step(7, [2, 5], [8, 9]));
  second.push({ id: 'Not A Slug', title: 'x' }, step(8, [8], [10]));
  return [lines(first), lines(second)];
}

const event = (run: number, inputs: string[], outputs: string[], facets: Record<string, unknown> = {}) => ({
  eventType: 'COMPLETE',
  eventTime: `2026-01-01T00:00:0${run % 10}.000Z`,
  run: { runId: `00000000-0000-4000-8000-${String(run).padStart(12, '0')}`, facets: {} },
  job: { namespace: 'test://pipeline', name: `job-${run % 2}`, facets: {} },
  inputs: inputs.map((name) => ({ namespace: 's3://bucket', name })),
  outputs: outputs.map((name) => ({ namespace: 's3://bucket', name, facets })),
  producer: 'https://example.org/test',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
});

/** Runs whose outputs are new datasets, read by later runs (in the second file too); one rewrites a table under a new schema (a new version of it). */
function events(): string[] {
  const chain = (from: number) =>
    Array.from({ length: DEFER_CHANGES_FROM }, (_, k) => event(100 + from + k, from + k ? [`pad-${from + k - 1}`] : [], [`pad-${from + k}`]));
  const schema = (fields: string[]) => ({
    schema: {
      _producer: 'https://example.org/test',
      _schemaURL: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
      fields: fields.map((name) => ({ name, type: 'double' })),
    },
  });
  return [
    lines([...chain(0), event(1, [], ['raw']), event(2, ['raw'], ['calibrated', 'rejected']), event(3, ['calibrated'], ['tracks'], schema(['pt']))]),
    lines([
      ...chain(DEFER_CHANGES_FROM),
      event(4, ['tracks', 'raw'], ['histograms']),
      event(5, ['calibrated'], ['tracks'], schema(['pt', 'eta'])),
      event(6, ['tracks'], ['fits']),
    ]),
  ];
}

for (const [format, text] of [
  ['jsonl', catalog],
  ['openlineage', events],
] as const) {
  t.test(`${format}: a bulk import leaves the same rows as the same units applied one at a time`, async (t) => {
    const setClock = frozenClock(t);
    const bulk = await makeApp(t);
    const single = await makeApp(t);
    const actor = { id: 'importer', role: 'admin' as const };
    // Agents named by the records exist with the same ids in both (a new agent's id is random, and audit digests of records name it).
    for (const { app } of [bulk, single]) {
      for (const [id, name, type] of [
        ['ag-p0', 'Physicist 0', 'Person'],
        ['ag-p1', 'Physicist 1', 'Person'],
        ['ag-p2', 'Physicist 2', 'Person'],
        ['ag-cern', 'CERN', 'Organization'],
      ] as const) {
        await app.femto.provenance.createAgent(actor, { id, name, type });
      }
    }
    const bulkImports = bulk.app.femto.imports;
    const one = single.app.femto.imports;
    const importer = bulkImports.registry.get(format);
    const total = { bulk: { created: 0, updated: 0, refused: 0 }, single: { created: 0, updated: 0, refused: 0 } };
    for (const [i, file] of text().entries()) {
      setClock(INSTANTS[i]);
      const input = { kind: 'file' as const, name: `part-${i}.${format}`, bytes: Buffer.from(file) };
      const units = bulkImports.parse(importer, input);
      t.ok(units.length >= DEFER_CHANGES_FROM, `file ${i}: ${units.length} units, a batch that defers its change counts`);
      const counts = await bulkImports.run(actor, importer, units, { batchSize: 1000 });
      for (const k of ['created', 'updated', 'refused'] as const) total.bulk[k] += counts[k];
      for (const unit of one.parse(one.registry.get(format), input) as ParsedUnit[]) {
        const status = 'refused' in unit ? 'refused' : (await one.submit(actor, one.registry.get(format), unit)).status;
        if (status !== 'unchanged') total.single[status]++;
      }
    }
    t.same(total.single, total.bulk, `the same outcome unit by unit: ${JSON.stringify(total.bulk)}`);
    if (format === 'jsonl') t.ok(total.bulk.refused >= 3 && total.bulk.updated === 1, 'refused units and a new version among the units');

    const a = await snapshot(bulk.app.femto.database);
    const b = await snapshot(single.app.femto.database);
    t.same(Object.keys(a), Object.keys(b));
    for (const table of Object.keys(b)) t.same(a[table], b[table], `${table}: the same rows`);
    t.ok(b.version_changes.length > 5 && b.audit_log.length > 5 && b.import_ledger.length > 5 && b.search.length > 5, 'the tables compared hold the import');
  });
}

t.test('a group commit (concurrent submits in one transaction) leaves the same rows and answers as the same units submitted one at a time', async (t) => {
  const setClock = frozenClock(t);
  setClock(INSTANTS[0]);
  const group = await makeApp(t);
  const single = await makeApp(t);
  const actor = { id: 'importer', role: 'admin' as const };
  const firstRun = JSON.parse(events()[1].split('\n')[DEFER_CHANGES_FROM]) as ReturnType<typeof event>;
  // Refused while applied, after writing: a new dataset first, then a femto dataset that does not exist (all of it rolled back).
  const refused = {
    ...event(7, ['only-in-refused'], ['never']),
    inputs: [...event(7, ['only-in-refused'], []).inputs, { namespace: BASE_URL, name: 'no-such' }],
  };
  const units = (app: typeof group.app) =>
    app.femto.imports.parse(app.femto.imports.registry.get('openlineage'), {
      kind: 'file',
      name: 'events.jsonl',
      // The first file's chain, a run refused mid-way, the same event twice (a replay within the group), runs reading what earlier ones of the group made.
      bytes: Buffer.from(events()[0] + lines([refused, firstRun, firstRun, event(8, ['histograms'], ['plots'])])),
    }) as ParsedUnit[];
  const importer = (app: typeof group.app) => app.femto.imports.registry.get('openlineage');
  const grouped = await Promise.all(
    units(group.app).map(async (u) => ('refused' in u ? { status: 'refused' } : group.app.femto.imports.submit(actor, importer(group.app), u))),
  );
  const oneByOne: { status: string; message?: string }[] = [];
  for (const u of units(single.app))
    oneByOne.push('refused' in u ? { status: 'refused' } : await single.app.femto.imports.submit(actor, importer(single.app), u));
  t.same(
    grouped.map((r) => [r.status, 'message' in r ? r.message : undefined]),
    oneByOne.map((r) => [r.status, r.message]),
    'the same answers, in order',
  );
  t.same(
    oneByOne.slice(-4).map((r) => r.status),
    ['refused', 'created', 'unchanged', 'created'],
    'the refused run, the run and its replay, a run after them',
  );
  const a = await snapshot(group.app.femto.database);
  const b = await snapshot(single.app.femto.database);
  for (const table of Object.keys(b)) t.same(a[table], b[table], `${table}: the same rows`);
  t.notOk(
    b.ol_datasets.some((r) => String(r).includes('only-in-refused')),
    'nothing of the refused run is left',
  );
});

/*
 * Random catalogs against the same units applied one at a time: new records (some private, some naming agents femto
 * does not know yet: odd ones), chains of steps, then a tail of trouble — a record given twice (the same or changed), steps
 * naming records that do not exist, generating a version twice, reading their own output or closing a cycle, lines
 * that are not records — and sometimes the whole file replayed. Batches of 100 or more go through the bulk writer
 * when it takes them, and fall back to one unit at a time otherwise: either way the same rows and answers.
 */
const trouble = (size: number) =>
  fc.oneof(
    // Even records only: their creators are agents made beforehand (a changed record's audit entry digests the one before, agent ids and all).
    fc.record({ t: fc.constant('dataset' as const), i: fc.nat((size + 2) >> 1).map((k) => 2 * k), changed: fc.boolean() }),
    fc.record({
      t: fc.constant('step' as const),
      inputs: fc.array(fc.nat(size + 2), { maxLength: 2 }),
      outputs: fc.array(fc.nat(size + 2), { minLength: 1, maxLength: 2 }),
    }),
    // A step reading its own output, or generating the chain's first record from one downstream of it.
    fc.record({ t: fc.constant('loop' as const), i: fc.integer({ min: 40, max: size - 1 }) }),
    fc.record({ t: fc.constant('cycle' as const), i: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ t: fc.constant('cycle' as const), i: fc.integer({ min: 1, max: 30 }) }),
    fc.constant({ t: 'invalid' as const }),
  );
const scenario = fc
  .record({ size: fc.integer({ min: DEFER_CHANGES_FROM, max: DEFER_CHANGES_FROM + 10 }), chain: fc.integer({ min: 1, max: 30 }), seed: fc.nat(1000) })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      tail: fc.array(trouble(base.size), { maxLength: 3 }),
      batchSize: fc.constantFrom(1000, DEFER_CHANGES_FROM),
      replay: fc.boolean(),
    }),
  );

t.test('property: random catalogs leave the same rows and answers in bulk as one unit at a time', async (t) => {
  const setClock = frozenClock(t);
  setClock(INSTANTS[0]);
  const dir = t.testdir({});
  const actor = { id: 'importer', role: 'admin' as const };
  let run = 0;
  await fc.assert(
    fc.asyncProperty(scenario, async ({ base, tail, batchSize, replay }) => {
      const records: unknown[] = [];
      // Each step of the chain right after the record it generates: batches of records and steps interleaved.
      for (let i = 0; i < base.size; i++) {
        const newcomer = i % 2 ? [{ name: `Newcomer ${(i * base.seed) % 3}` }] : [];
        records.push(dataset(i, { creators: [{ name: `Physicist ${(i + base.seed) % 3}` }, ...newcomer] }));
        if (i >= 1 && i <= base.chain) records.push(step(i - 1, [i - 1], [i]));
      }
      tail.forEach((x, n) => {
        if (x.t === 'dataset') records.push(dataset(x.i, x.changed ? { description: `Changed ${n}.` } : {}));
        else if (x.t === 'step') records.push(step(1000 + n, x.inputs, x.outputs));
        else if (x.t === 'loop') records.push(step(1000 + n, [x.i], [x.i]));
        else if (x.t === 'cycle') records.push(step(1000 + n, [Math.min(x.i, base.chain)], [0]));
        else records.push({ id: `Not Valid ${n}`, title: 'x' });
      });
      const file = lines(records);
      const answers: string[][] = [[], []];
      const apps = [];
      for (const side of ['bulk', 'single']) {
        run++;
        // On SQLite a file each in one folder; the PostgreSQL lane gives each app a database of its own.
        const { app } = await makeApp(t, testBackend() === 'sqlite' ? { FEMTO_DB: join(dir, `${run}-${side}.sqlite`) } : {});
        for (const [id, name] of [
          ['ag-p0', 'Physicist 0'],
          ['ag-p1', 'Physicist 1'],
          ['ag-p2', 'Physicist 2'],
        ] as const) {
          await app.femto.provenance.createAgent(actor, { id, name, type: 'Person' });
        }
        apps.push(app);
      }
      const [bulk, single] = apps;
      for (const pass of replay ? [0, 1] : [0]) {
        const input = { kind: 'file' as const, name: `catalog-${pass}.jsonl`, bytes: Buffer.from(file) };
        const importer = bulk.femto.imports.registry.get('jsonl');
        await bulk.femto.imports.run(actor, importer, bulk.femto.imports.parse(importer, input), {
          batchSize,
          onResult: (r) => answers[0].push(`${r.status} ${r.message}`),
        });
        const one = single.femto.imports;
        for (const unit of one.parse(one.registry.get('jsonl'), input)) {
          const r = 'refused' in unit ? { status: 'refused', message: unit.refused.message } : await one.submit(actor, one.registry.get('jsonl'), unit);
          answers[1].push(`${r.status} ${r.message}`);
        }
      }
      t.same(answers[0], answers[1], 'the same answers, unit by unit');
      const a = await agentsByRow(await snapshot(bulk.femto.database), bulk.femto.database);
      const b = await agentsByRow(await snapshot(single.femto.database), single.femto.database);
      for (const table of Object.keys(b)) if (JSON.stringify(a[table]) !== JSON.stringify(b[table])) t.same(a[table], b[table], `${table}: the same rows`);
      t.same(a, b, 'every table the same');
      await Promise.all(apps.map((app) => app.close()));
    }),
    { numRuns: 10, seed: 20261205 },
  );
});
