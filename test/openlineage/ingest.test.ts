import t from 'tap';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const fixtures = shared('fixtures', 'real', 'openlineage');
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/integration/airflow';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const facet = (body: Record<string, unknown>) => ({ _producer: PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-0-0/X.json', ...body });
const fields = (...names: string[]) => ({ schema: facet({ fields: names.map((name) => ({ name, type: 'DOUBLE' })) }) });

interface Ds {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
  outputFacets?: Record<string, unknown>;
}
const event = (
  eventType: string,
  runId: string,
  over: { inputs?: Ds[]; outputs?: Ds[]; eventTime?: string; job?: Record<string, unknown>; run?: Record<string, unknown>; jobName?: string } = {},
) => ({
  eventType,
  eventTime: over.eventTime ?? new Date().toISOString(),
  run: { runId, facets: over.run ?? {} },
  job: { namespace: 'airflow://reco', name: over.jobName ?? 'tracking.reconstruct', facets: over.job ?? {} },
  inputs: over.inputs ?? [],
  outputs: over.outputs ?? [],
  producer: PRODUCER,
  schemaURL: SCHEMA_URL,
});
const send = (a: TestApp, body: unknown, headers = a.as.curator) => a.app.inject({ method: 'POST', url: '/api/v1/lineage', headers, payload: body as object });
const raw = { namespace: 's3://detector', name: 'raw/run-0042' };
const tracks = { namespace: 's3://reco', name: 'tracks/run-0042' };

t.test(
  'the OpenLineage fixtures: valid events accepted, the invalid ones refused with the JSON pointer of the field at fault',
  requires(t, fixtures),
  async (t) => {
    const a = await makeApp(t);
    const refused: Record<string, string> = {
      'proxy-fluentd-event_invalid_dataset_facet.json': '/outputs/0/facets/ownership/owners/0',
      'proxy-fluentd-event_invalid_input_dataset_facet.json': '/inputs/0/inputFacets/dataQualityMetrics',
      'proxy-fluentd-event_invalid_job_facet.json': '/job/facets/ownership/owners/0',
      'proxy-fluentd-event_invalid_output_dataset_facet.json': '/outputs/0/outputFacets/outputStatistics/rowCount',
      'proxy-fluentd-event_invalid_run_facet.json': '/run/facets/parent/run',
      'proxy-fluentd-event_no_run_id.json': '/run',
      // A matcher's partial event from the Spark integration's tests: no eventTime, producer or schemaURL.
      'spark-pysparkHiveCompleteEvent.json': '/',
      // Valid only where input-dataset facets go unchecked (the fluentd proxy's default): its dataQualityMetrics lacks the columnMetrics the facet schema requires.
      'proxy-fluentd-event_full.json': '/inputs/0/inputFacets/dataQualityMetrics',
    };
    const dir = join(fixtures.path, 'events');
    for (const file of readdirSync(dir).sort()) {
      const res = await send(a, JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (refused[file]) {
        t.equal(res.statusCode, 400, `${file} refused`);
        t.equal(res.headers['content-type'], 'application/problem+json');
        t.equal(res.json().errors[0].pointer, refused[file], `${file}: ${res.json().detail}`);
      } else t.ok([200, 201].includes(res.statusCode), `${file} accepted: ${res.body.slice(0, 200)}`);
    }
    for (const file of readdirSync(join(fixtures.path, 'marquez', 'events')).sort()) {
      const res = await send(a, JSON.parse(readFileSync(join(fixtures.path, 'marquez', 'events', file), 'utf8')));
      const invalid = { 'event_without_schema_url.json': '/', 'event_full.json': '/inputs/0/inputFacets/dataQualityMetrics' }[file];
      if (invalid) t.match(res.json(), { status: 400, errors: [{ pointer: invalid }] }, `${file} refused`);
      else t.ok([200, 201].includes(res.statusCode), `Marquez ${file} accepted: ${res.body.slice(0, 200)}`);
    }
    const full = JSON.parse(readFileSync(join(dir, 'client-python-example_full_event.json'), 'utf8'));
    const again = await send(a, full);
    t.equal(again.statusCode, 200, 'a replayed event changes nothing');
    t.equal(again.json().status, 'unchanged');
  },
);

t.test('two invalid facets: the one named is the first in the order of the standard facet files, not of the event', async (t) => {
  const a = await makeApp(t);
  // ParentRunFacet.json wants `run` an object; DocumentationJobFacet.json wants `description` a string, and sorts first.
  const parent = { parent: facet({ run: 'r', job: { namespace: 'airflow://reco', name: 'nightly' } }) };
  const documentation = { documentation: facet({ description: 42 }) };
  const pointerOf = async (over: { run?: Record<string, unknown>; job?: Record<string, unknown> }) => {
    const res = await send(a, event('COMPLETE', randomUUID(), { outputs: [tracks], ...over }));
    t.equal(res.statusCode, 400);
    return res.json().errors[0].pointer as string;
  };
  t.equal(await pointerOf({ run: parent }), '/run/facets/parent/run');
  t.equal(await pointerOf({ job: documentation }), '/job/facets/documentation/description');
  t.equal(await pointerOf({ run: parent, job: documentation }), '/job/facets/documentation/description', 'the run facet comes first in the event');
});

t.test('a run: START and RUNNING recorded, COMPLETE makes a step between exact versions with software, agents and parameters', async (t) => {
  const a = await makeApp(t);
  const runId = randomUUID();
  const job = {
    sourceCodeLocation: facet({
      type: 'git',
      url: 'https://git.example.org/reco/blob/4f2a9c1/reco.py',
      repoUrl: 'https://git.example.org/reco',
      version: '4f2a9c1b7e',
      tag: 'v2.1',
    }),
    ownership: facet({
      owners: [
        { name: 'user:ada', type: 'person' },
        { name: 'team:tracking', type: 'team' },
      ],
    }),
    documentation: facet({ description: 'Track reconstruction.' }),
  };
  const run = {
    executionParameters: facet({ parameters: [{ key: 'bField', value: '0.5T' }] }),
    processing_engine: facet({ name: 'spark', version: '3.5.1' }),
    environmentVariables: facet({ environmentVariables: [{ name: 'SECRET', value: 'do-not-publish' }] }),
  };
  const start = await send(a, event('START', runId, { inputs: [{ ...raw, facets: fields('adc') }], job, run, eventTime: '2026-01-01T10:00:00Z' }));
  t.equal(start.statusCode, 201, start.body);
  const running = await send(a, event('RUNNING', runId, { eventTime: '2026-01-01T10:05:00Z' }));
  t.equal(running.statusCode, 201);
  const state = await a.app.inject({ url: `/api/v1/lineage/runs/${runId}`, headers: a.as.curator });
  t.match(state.json(), { state: 'RUNNING', startedAt: '2026-01-01T10:00:00.000Z', activityId: null, events: 2 });
  t.equal((await a.app.inject({ url: `/api/v1/lineage/runs/${runId}` })).statusCode, 401, 'runs are for curators');

  const done = await send(
    a,
    event('COMPLETE', runId, {
      outputs: [{ ...tracks, facets: fields('px', 'py'), outputFacets: { outputStatistics: facet({ rowCount: 1200, size: 4096 }) } }],
      eventTime: '2026-01-01T11:00:00Z',
    }),
  );
  t.equal(done.statusCode, 201, done.body);
  const stepId = `ol-run-${runId}`;
  t.equal(done.headers.location, `${BASE_URL}/activities/${stepId}`);
  const step = (await a.app.inject({ url: `/activities/${stepId}` })).json();
  t.match(step, {
    name: 'tracking.reconstruct',
    description: 'Track reconstruction.',
    software: { name: 'tracking.reconstruct', version: 'v2.1', repository: 'https://git.example.org/reco', commit: '4f2a9c1b7e' },
    startedAt: '2026-01-01T10:00:00.000Z',
    endedAt: '2026-01-01T11:00:00.000Z',
    parameters: { bField: '0.5T', openlineage: { runId, job: { namespace: 'airflow://reco' }, processingEngine: { name: 'spark', version: '3.5.1' } } },
  });
  t.notMatch(JSON.stringify(step), /do-not-publish/, 'environment variables are not published');
  t.same(step.agents.map((g: { name: string; type: string; role: string }) => [g.name, g.type, g.role]).sort(), [
    ['team:tracking', 'Organization', 'owner'],
    ['user:ada', 'Person', 'owner'],
  ]);
  t.same(
    step.inputs.map((i: { version: number }) => i.version),
    [1],
  );
  const [out] = step.outputs;
  t.match(out.dataset, /^ol-tracks-run-0042-[0-9a-f]{8}$/, 'the documented id rule');
  const output = (await a.app.inject({ url: `/datasets/${out.dataset}` })).json();
  t.match(output, {
    version: 1,
    title: 'tracks/run-0042',
    recordCount: 1200,
    sizeBytes: 4096,
    annotations: { openlineage: { namespace: 's3://reco', name: 'tracks/run-0042', run: runId } },
  });
  t.match((await a.app.inject({ url: `/api/v1/lineage/runs/${runId}`, headers: a.as.curator })).json(), {
    state: 'COMPLETE',
    activityId: stepId,
    endedAt: '2026-01-01T11:00:00.000Z',
  });

  const replay = await send(a, event('COMPLETE', runId, { outputs: [tracks], eventTime: '2026-01-01T11:00:07Z' }));
  t.equal(replay.statusCode, 200, 'a second COMPLETE changes nothing');
  t.match(replay.json().message, /already ended COMPLETE/);
  t.equal((await a.app.inject({ url: `/datasets/${out.dataset}/versions` })).json().items.length, 1, 'no new version');
});

t.test('out of order: COMPLETE before START; FAIL and ABORT recorded without outputs', async (t) => {
  const a = await makeApp(t);
  const runId = randomUUID();
  t.equal((await send(a, event('COMPLETE', runId, { inputs: [raw], outputs: [tracks], eventTime: '2026-01-01T11:00:00Z' }))).statusCode, 201);
  const late = await send(a, event('START', runId, { eventTime: '2026-01-01T10:00:00Z' }));
  t.equal(late.statusCode, 200);
  t.match(
    (await a.app.inject({ url: `/api/v1/lineage/runs/${runId}`, headers: a.as.curator })).json(),
    { state: 'COMPLETE', startedAt: '2026-01-01T10:00:00.000Z', activityId: `ol-run-${runId}` },
    'the late START only dates the run',
  );

  const failed = randomUUID();
  await send(a, event('START', failed, { inputs: [raw] }));
  const fail = await send(a, event('FAIL', failed, { outputs: [{ namespace: 's3://reco', name: 'never-written' }] }));
  t.equal(fail.statusCode, 201);
  t.match((await a.app.inject({ url: `/api/v1/lineage/runs/${failed}`, headers: a.as.curator })).json(), { state: 'FAIL', activityId: null });
  t.equal((await a.app.inject({ url: `/activities/ol-run-${failed}` })).statusCode, 404, 'no step');
  t.equal((await a.app.inject({ url: `/datasets?q=never-written` })).json().items.length, 0, 'no output dataset');
  const after = await send(a, event('COMPLETE', failed, { outputs: [{ namespace: 's3://reco', name: 'never-written' }] }));
  t.equal(after.statusCode, 200, 'a failed run stays failed');
  const aborted = randomUUID();
  await send(a, event('ABORT', aborted));
  t.match((await a.app.inject({ url: `/api/v1/lineage/runs/${aborted}`, headers: a.as.curator })).json(), { state: 'ABORT' });
});

t.test('versions follow the schema and version facets; lineage from events is queryable over GraphQL like hand-made steps', async (t) => {
  const a = await makeApp(t);
  const produce = (runId: string, schema: string[], over: Record<string, unknown> = {}) =>
    send(a, event('COMPLETE', runId, { inputs: [raw], outputs: [{ ...tracks, facets: { ...fields(...schema), ...over } }] }));
  const r1 = randomUUID();
  const r2 = randomUUID();
  const r3 = randomUUID();
  await produce(r1, ['px']);
  await produce(r2, ['px', 'py']);
  const same = await produce(r3, ['px', 'py']);
  t.match(same.json().message, /not linked again/, 'the same schema names the same version, generated once');
  const id = (await a.app.inject({ url: `/activities/ol-run-${r1}` })).json().outputs[0].dataset;
  t.same(
    (await a.app.inject({ url: `/datasets/${id}/versions` })).json().items.map((v: { version: number }) => v.version),
    [1, 2],
    'a new version when the schema changed, none when it did not',
  );
  const versioned = await produce(randomUUID(), ['px', 'py'], { version: facet({ datasetVersion: '7' }) });
  t.match(versioned.json().message, /new dataset versions .*@3/, 'a version facet names its own version');

  // A downstream job reads v2 (by its schema) and writes a training set.
  const r4 = randomUUID();
  await send(
    a,
    event('COMPLETE', r4, {
      jobName: 'ml.build-training-set',
      inputs: [{ ...tracks, facets: fields('px', 'py') }],
      outputs: [{ namespace: 's3://ml', name: 'training/tracks' }],
    }),
  );
  const trainingSet = (await a.app.inject({ url: `/activities/ol-run-${r4}` })).json();
  t.same(
    trainingSet.inputs.map((i: { dataset: string; version: number }) => [i.dataset, i.version]),
    [[id, 2]],
  );
  const query = `{ lineage(id: "${trainingSet.outputs[0].dataset}", direction: UPSTREAM, depth: 5) { nodes { id kind } edges { from to relation } } }`;
  const res = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  const { nodes, edges } = res.json().data.lineage;
  const ids = nodes.map((n: { id: string }) => n.id);
  t.ok(ids.includes(`ol-run-${r4}`) && ids.includes(`${id}@2`) && ids.includes(`ol-run-${r2}`), `upstream of the training set: ${ids.join(', ')}`);
  t.ok(
    edges.some((e: { from: string; to: string }) => e.from === `ol-run-${r2}` || e.to === `ol-run-${r2}`),
    'the step that wrote v2 is an edge',
  );
  t.notOk(ids.includes(`${id}@1`), 'v1 is not upstream');

  // The same graph by hand: a curated dataset read by a pipeline names it in femto's own namespace.
  const curated = await publishedDataset(a, { title: 'Calibration constants' });
  const r5 = randomUUID();
  const linked = await send(
    a,
    event('COMPLETE', r5, { inputs: [{ namespace: BASE_URL, name: curated }], outputs: [{ namespace: 's3://reco', name: 'calibrated' }] }),
  );
  t.equal(linked.statusCode, 201, linked.body);
  t.same(
    (await a.app.inject({ url: `/activities/ol-run-${r5}` })).json().inputs.map((i: { dataset: string; version: number }) => [i.dataset, i.version]),
    [[curated, 1]],
  );
});

t.test('one event, all or nothing; curator tokens only', async (t) => {
  const a = await makeApp(t);
  const runId = randomUUID();
  const bad = await send(a, event('COMPLETE', runId, { inputs: [raw, { namespace: BASE_URL, name: 'no-such-dataset' }], outputs: [tracks] }));
  t.equal(bad.statusCode, 422);
  t.match(bad.json(), { code: 'UNKNOWN_REFERENCE', errors: [{ pointer: '/inputs/1/name' }] });
  t.equal((await a.app.inject({ url: `/api/v1/lineage/runs/${runId}`, headers: a.as.curator })).statusCode, 404, 'the run was not recorded');
  t.equal((await a.app.inject({ url: '/datasets?q=raw' })).json().items.length, 0, 'the input dataset made before the refusal is gone');
  const fixed = await send(a, event('COMPLETE', runId, { inputs: [raw], outputs: [tracks] }));
  t.equal(fixed.statusCode, 201, 'the corrected event is taken');

  // Concurrent senders share commits; each event is still applied once, in order.
  const racing = randomUUID();
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      send(
        a,
        event('COMPLETE', racing, {
          inputs: [raw],
          outputs: [{ namespace: 's3://reco', name: 'raced' }],
          eventTime: `2026-01-01T12:00:${String(i).padStart(2, '0')}Z`,
        }),
      ),
    ),
  );
  t.same(
    answers.map((r) => r.statusCode).sort(),
    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201],
    'one COMPLETE makes the step, the other eleven change nothing',
  );
  t.match((await a.app.inject({ url: `/api/v1/lineage/runs/${racing}`, headers: a.as.curator })).json(), {
    state: 'COMPLETE',
    events: 12,
    endedAt: '2026-01-01T12:00:00.000Z',
  });

  t.equal((await send(a, event('START', randomUUID()), {})).statusCode, 401);
  t.equal((await send(a, event('START', randomUUID()), a.as.reader)).statusCode, 403);
});

t.test('concurrent events share a commit: one the schema refuses and one naming an unknown femto dataset fail alone, the others are stored once', async (t) => {
  const a = await makeApp(t);
  const good = Array.from({ length: 6 }, (_, i) =>
    event('COMPLETE', randomUUID(), { inputs: [raw], outputs: [{ namespace: 's3://reco', name: `shared-${i}` }] }),
  );
  const unknown = event('COMPLETE', randomUUID(), { inputs: [{ namespace: BASE_URL, name: 'no-such-dataset' }], outputs: [tracks] });
  const invalid = { ...event('COMPLETE', randomUUID()), eventTime: 42 };
  const runs = async () => (await a.app.inject({ url: '/api/v1/lineage/runs/' + unknown.run.runId, headers: a.as.curator })).statusCode;
  const first = await Promise.all([...good.slice(0, 3), unknown, invalid, ...good.slice(3)].map((e) => send(a, e)));
  t.same(
    first.map((r) => r.statusCode),
    [201, 201, 201, 422, 400, 201, 201, 201],
    'each answered for itself',
  );
  t.match(first[4].json(), { errors: [{ pointer: '/eventTime' }] });
  t.equal(await runs(), 404, 'the refused run left nothing');
  const again = await Promise.all(good.map((e) => send(a, e)));
  t.same(
    again.map((r) => `${r.statusCode} ${r.json().status}`),
    good.map(() => '200 unchanged'),
    'the same events again change nothing',
  );
  for (const e of good)
    t.match((await a.app.inject({ url: '/api/v1/lineage/runs/' + e.run.runId, headers: a.as.curator })).json(), { state: 'COMPLETE', events: 1 });
});

t.test('femto import openlineage: the same events from a file, the same records; the endpoint then knows them', async (t) => {
  const a = await makeApp(t);
  const runId = randomUUID();
  const events = [
    event('START', runId, { inputs: [raw] }),
    event('COMPLETE', runId, { outputs: [tracks] }),
    { ...event('COMPLETE', randomUUID()), schemaURL: undefined },
  ];
  const file = join(t.testdir({ 'events.jsonl': events.map((e) => JSON.stringify(e)).join('\n') }), 'events.jsonl');
  const out: string[] = [];
  const { importCommand } = await import('../../src/modules/imports/imports.cli.js');
  const [counts] = await importCommand(a.app.femto.imports, { id: 'cli', role: 'admin' }, [file], {}, { out: (l) => out.push(l) });
  t.match(counts, { format: 'openlineage', created: 1, updated: 1, refused: 1 }, out.join('\n'));
  t.match(out[2], /^refused\t.*events\.jsonl:3\t.*schemaURL/);
  const step = (await a.app.inject({ url: `/activities/ol-run-${runId}` })).json();
  t.same([step.inputs.length, step.outputs.length], [1, 1]);
  const replay = await send(a, events[1]);
  t.equal(replay.statusCode, 200, 'an event imported from a file is the same event over HTTP');
});

t.test('a run links only versions its sender may see: a private version named by its version facet is unknown, as when named without one', async (t) => {
  const a = await makeApp(t);
  const curator = async (user: string) => {
    t.equal((await a.app.inject({ method: 'POST', url: '/users', headers: a.as.admin, payload: { id: user, name: user } })).statusCode, 201);
    const token = await a.app.inject({ method: 'POST', url: '/tokens', headers: a.as.admin, payload: { role: 'curator', user } });
    return { authorization: `Bearer ${token.json().token}` };
  };
  const alice = await curator('alice');
  const bob = await curator('bob');
  const calibration = (version?: string) => ({
    namespace: 's3://alice-lab',
    name: 'calibration/2026',
    ...(version ? { facets: { version: facet({ datasetVersion: version }) } } : {}),
  });
  const made = await send(a, event('COMPLETE', randomUUID(), { outputs: [calibration('v7')] }), alice);
  t.equal(made.statusCode, 201, made.body);
  const id = /new dataset versions (\S+)@1/.exec(made.json().message)![1];
  // Alice keeps it to herself (a private version, as a sharing choice leaves it).
  await a.app.femto.database.prepare(`UPDATE dataset_versions SET visibility = 'private' WHERE dataset_id = ?`).run(id);
  t.equal((await a.app.inject({ url: `/datasets/${id}`, headers: bob })).statusCode, 404, 'bob may not see it');

  const unkeyed = await send(a, event('COMPLETE', randomUUID(), { inputs: [calibration()], outputs: [tracks] }), bob);
  const keyedRun = randomUUID();
  const keyed = await send(a, event('COMPLETE', keyedRun, { inputs: [calibration('v7')], outputs: [tracks] }), bob);
  t.equal(keyed.statusCode, unkeyed.statusCode, 'named by its version facet as without one');
  t.equal(keyed.json().detail, unkeyed.json().detail);
  t.equal(keyed.json().code, 'NOT_FOUND');
  t.equal((await a.app.inject({ url: `/activities/ol-run-${keyedRun}`, headers: a.as.admin })).statusCode, 404, 'no step links it');
});
