import t from 'tap';
import { readFileSync } from 'node:fs';
import { BASE_URL, makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';
import { statementCounter } from '../helpers/statements.js';
import { assertInvalid, assertValid, provJsonSchema } from '../helpers/validators.js';
import { available, shared } from '../helpers/external.js';
import { manifestOut, type Manifest } from '../../src/modules/models/models.schema.js';

const R2 = 'https://w3id.org/femto/observable/scaling-collapse-r2';
const MODELS = ['model-a', 'model-b', 'model-c'];

/** A datasheet answering each of the seven sections once (the sections of Gebru et al.). */
const FULL_DATASHEET = {
  motivation: { purpose: 'Train trackers.' },
  composition: { instanceCount: 1000 },
  collection: { acquisition: 'Simulated.' },
  preprocessing: { preprocessing: 'None.' },
  uses: { recommendedUses: ['tracking'] },
  distribution: { method: 'HTTPS download.' },
  maintenance: { maintainer: 'The lab' },
};

const file = (name: string, sha = 'ab') => ({ urls: [`https://data.example.org/${name}.h5`], checksum: { algorithm: 'sha256', value: sha.repeat(32) } });

/**
 * raw -> mid -> train-a -> model-a -> (fine-tuned with extra) -> model-c
 *            \-> train-b -> model-b
 */
async function graph(a: TestApp) {
  await publishedDataset(a, { id: 'raw', title: 'Raw collisions', tier: 3, observables: [R2], distributions: [file('raw')] });
  await publishedDataset(a, { id: 'mid', title: 'Selected events', distributions: [file('mid', 'cd')], publisher: 'Lab' });
  await publishedDataset(a, { id: 'train-a', title: 'Training set A', distributions: [file('a', 'ef')], datasheet: FULL_DATASHEET });
  await publishedDataset(a, { id: 'train-b', title: 'Training set B', license: 'CC0-1.0', distributions: [file('b', '01')] });
  await publishedDataset(a, {
    id: 'extra',
    title: 'Fine-tuning data',
    license: 'unknown',
    distributions: [{ urls: ['https://data.example.org/extra.h5'] }],
    datasheet: { uses: { outOfScopeUses: ['physics results'] } },
  });
  for (const id of MODELS) await publishedDataset(a, { id, title: `Model ${id}`, resourceType: 'Model', dataType: 'AI-Curated' });
  await step(a, { kind: 'selection', inputs: [{ dataset: 'raw' }], outputs: [{ dataset: 'mid' }] });
  await step(a, { kind: 'selection', inputs: [{ dataset: 'mid' }], outputs: [{ dataset: 'train-a' }, { dataset: 'train-b' }] });
  await step(a, {
    id: 'train-model-a',
    kind: 'training',
    software: { name: 'trainer', version: '2.1', commit: 'abcdef1' },
    inputs: [{ dataset: 'train-a', role: 'training-data' }],
    outputs: [{ dataset: 'model-a' }],
  });
  await step(a, { kind: 'training', inputs: [{ dataset: 'train-b', role: 'training-data' }], outputs: [{ dataset: 'model-b' }] });
  await step(a, {
    id: 'tune-model-c',
    kind: 'fine-tuning',
    inputs: [
      { dataset: 'model-a', role: 'base-model' },
      { dataset: 'extra', role: 'fine-tuning-data' },
    ],
    outputs: [{ dataset: 'model-c' }],
  });
}

const manifest = async (a: TestApp, id: string, headers: Record<string, string> = {}): Promise<Manifest> => {
  const res = await a.app.inject({ url: `/models/${id}/manifest`, headers });
  if (res.statusCode !== 200) throw new Error(`${id}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const manifests = (a: TestApp) => Promise.all(MODELS.map((id) => manifest(a, id)));

t.test('a manifest names the exact training data, through fine-tuning, with everything a reviewer checks', async (t) => {
  const a = await makeApp(t);
  await graph(a);
  const [ma, mb, mc] = await manifests(a);
  for (const m of [ma, mb, mc]) {
    const parsed = manifestOut.safeParse(m);
    t.ok(parsed.success, `${m.model.dataset}: the documented shape ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`);
  }
  t.same(
    ma.trainingData.map((d) => [d.id, d.role, d.via]),
    [['train-a@1', 'training-data', null]],
  );
  t.same(
    ma.trainingSteps.map((s) => [s.id, s.kind, s.software]),
    [['train-model-a', 'training', { name: 'trainer', version: '2.1', repository: null, commit: 'abcdef1' }]],
    'linked to the software version',
  );
  t.same(
    mc.trainingData.map((d) => [d.id, d.role, d.via]),
    [
      ['extra@1', 'fine-tuning-data', null],
      ['train-a@1', 'training-data', 'model-a@1'],
    ],
    "a fine-tuned model's training set includes its base model's, through it",
  );
  t.same(
    mc.trainingSteps.map((s) => s.id),
    ['tune-model-c', 'train-model-a'],
  );
  t.same(
    ma.lineage.datasets.map((d) => `${d.id}:${d.depth}`),
    ['train-a@1:1', 'mid@1:2', 'raw@1:3'],
    'the lineage up to the raw source',
  );
  t.same(ma.rawSources, ['raw@1']);
  const trainA = ma.trainingData[0];
  t.same(
    trainA.distributions.map((d) => d.checksum),
    [{ algorithm: 'sha256', value: 'ef'.repeat(32) }],
  );
  t.equal(trainA.license, 'CC-BY-4.0');
  t.equal(trainA.uri, `${BASE_URL}/datasets/train-a/versions/1`);
  t.same(mb.summary.licences, ['CC0-1.0']);
  t.same(mc.summary.missingChecksums, ['extra@1'], 'a file without a checksum is named');
  t.same(mc.summary.unlicensed, ['extra@1'], "a licence recorded as 'unknown' is no licence");
  t.same(mc.summary.licences, ['CC-BY-4.0']);
  t.same(trainA.datasheet, FULL_DATASHEET, "the training data's datasheet");
  t.match(trainA.datasheetCompleteness, { sections: { answered: 7, total: 7 }, complete: true });
  t.match(mc.trainingData.find((d) => d.id === 'extra@1')?.datasheetCompleteness, { sections: { answered: 1, total: 7 }, complete: false });
  t.same(mc.summary.incompleteDatasheets, ['extra@1'], 'a datasheet that leaves sections unanswered is named');
  t.same(mb.summary.incompleteDatasheets, ['train-b@1'], 'so is training data without one');
  t.same(ma.summary.incompleteDatasheets, []);
  t.equal(mc.summary.complete, false);
  t.same(ma.summary.notEvaluated, ['raw@1'], "raw's gate was never evaluated");
  t.equal(ma.summary.complete, true);
  t.equal((await a.app.inject({ url: '/models/train-a/manifest' })).statusCode, 404, 'a dataset has no training-set manifest');
});

t.test('a changed upstream gate result or an upstream withdrawal shows in the manifest of every downstream model, and impact lists them', async (t) => {
  const a = await makeApp(t);
  await graph(a);
  const measure = (value: number) =>
    a.app.inject({ method: 'POST', url: '/datasets/raw/measurements', headers: a.as.curator, payload: { observable: R2, value } });

  const before = await a.app.inject({ url: '/models/model-b/manifest' });
  t.equal((await measure(0.9)).statusCode, 201, 'R^2 0.9 fails the >= 0.98 gate');
  for (const m of await manifests(a)) {
    t.same(m.summary.failedGates, ['raw@1'], `${m.model.dataset}: the failed upstream gate shows`);
    t.equal(m.lineage.datasets.find((d) => d.id === 'raw@1')?.gateStatus?.status, 'failed');
    t.equal(m.summary.complete, false);
  }
  const after = await a.app.inject({ url: '/models/model-b/manifest', headers: { 'if-none-match': before.headers.etag as string } });
  t.equal(after.statusCode, 200, 'the old ETag no longer matches');

  t.equal((await measure(0.99)).statusCode, 201);
  for (const m of await manifests(a)) t.same(m.summary.failedGates, [], `${m.model.dataset}: the latest result passed`);

  const doi = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({
      data: { type: 'dois', attributes: { doi: '10.5072/mid-1', url: `${BASE_URL}/datasets/mid`, event: 'publish', publisher: 'Lab' } },
    }),
  });
  t.equal(doi.statusCode, 201, doi.body);
  t.same(
    (await manifest(a, 'model-a')).lineage.datasets.find((d) => d.id === 'mid@1')?.doi,
    { doi: '10.5072/mid-1', state: 'findable' },
    'the DOI of an upstream version',
  );
  const hide = await a.app.inject({
    method: 'PUT',
    url: '/dois/10.5072/mid-1',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes: { event: 'hide', withdrawalReason: 'selection bug' } } }),
  });
  t.equal(hide.statusCode, 200, hide.body);
  for (const m of await manifests(a)) {
    t.same(m.summary.withdrawn, ['mid@1'], `${m.model.dataset}: the withdrawn upstream version shows`);
    t.match(m.lineage.datasets.find((d) => d.id === 'mid@1')?.withdrawn, { reason: 'selection bug' });
    t.equal(m.summary.complete, false);
  }
  const impact = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ impact(id: "raw") { datasets { id } truncated } }' } });
  const ids = impact.json().data.impact.datasets.map((n: { id: string }) => n.id);
  for (const id of MODELS) t.ok(ids.includes(`${id}@1`), `impact of raw lists ${id}`);
});

t.test('what the caller may not see stays hidden in the manifest; PROV-JSON passes the official schema', async (t) => {
  const a = await makeApp(t);
  await graph(a);
  await publishedDataset(a, { id: 'secret', title: 'Secret calibration CANARY-7', accessLevel: 'restricted' });
  await publishedDataset(a, { id: 'model-s', resourceType: 'Model' });
  await step(a, { kind: 'training', inputs: [{ dataset: 'secret' }, { dataset: 'train-b' }], outputs: [{ dataset: 'model-s' }] });
  const anonymous = await a.app.inject({ url: '/models/model-s/manifest' });
  t.notMatch(anonymous.body, /CANARY-7|secret/, 'no trace of the private dataset');
  t.same(
    anonymous
      .json()
      .trainingData.map((d: { id: string; restricted: boolean }) => `${d.id} ${d.restricted}`)
      .sort(),
    ['hidden:1 true', 'train-b@1 false'],
    'a placeholder stands for it',
  );
  t.equal(anonymous.json().summary.restricted, 1);
  t.equal(anonymous.json().summary.complete, false);
  const reader = await manifest(a, 'model-s', a.as.reader);
  t.ok(
    reader.trainingData.some((d) => d.id === 'secret@1' && d.restricted),
    'a reader sees it, marked restricted',
  );

  // Files under an active embargo: the version is listed with its checksum, its location is not (the read pipeline's view).
  const embargoed = { urls: ['https://data.example.org/EMBARGOED-FILE.h5'], checksum: { algorithm: 'sha256', value: '77'.repeat(32) } };
  await publishedDataset(a, { id: 'held-back', accessLevel: 'embargoed', embargoUntil: '2999-01-01T00:00:00Z', distributions: [embargoed] });
  await publishedDataset(a, { id: 'model-e', resourceType: 'Model' });
  await step(a, { kind: 'training', inputs: [{ dataset: 'held-back' }], outputs: [{ dataset: 'model-e' }] });
  for (const accept of ['application/json', 'application/json; profile="http://www.w3.org/Submission/prov-json/"']) {
    const res = await a.app.inject({ url: '/models/model-e/manifest', headers: { accept } });
    t.equal(res.statusCode, 200);
    t.notMatch(res.body, /EMBARGOED-FILE/, `${accept}: no embargoed file location for an anonymous caller`);
    t.match(res.body, '77'.repeat(32), `${accept}: the checksum a reviewer compares is there`);
  }
  const insider = await manifest(a, 'model-e', a.as.reader);
  t.same(insider.trainingData[0].distributions[0].urls, embargoed.urls, 'a reader sees the location');

  const prov = await a.app.inject({
    url: '/models/model-c/manifest',
    headers: { accept: 'application/json; profile="http://www.w3.org/Submission/prov-json/"' },
  });
  t.equal(prov.statusCode, 200);
  t.equal(prov.headers['content-type'], 'application/json; profile="http://www.w3.org/Submission/prov-json/"');
  const doc = prov.json();
  await assertValid(t, provJsonSchema, doc, 'the PROV-JSON bundle is valid PROV-JSON');
  await assertInvalid(
    t,
    provJsonSchema,
    { ...doc, bundle: { 'x:b': { wasGeneratedBy: { 'x:g': { 'prov:activity': 'x:a' } } } } },
    'the schema refuses a generation without its entity',
  );
  const bundle = doc.bundle['manifest:bundle'];
  t.ok(bundle.entity['dataset:train-a/versions/1']['femto:trainingData'], 'training data are marked');
  t.same(bundle.entity['dataset:raw/versions/1']['femto:checksum'], [`sha256:${'ab'.repeat(32)}`]);
  t.ok(Object.values(bundle.wasDerivedFrom).some((d) => (d as Record<string, string>)['prov:usedEntity'] === 'dataset:extra/versions/1'));
  // The shared fixture folder's own PROV-JSON bundle example passes the same validator: it is the official one.
  const example = shared('fixtures', 'real', 'prov', 'json', 'bundle1.json');
  if (available(t, 'the official example passes too', example))
    await assertValid(t, provJsonSchema, JSON.parse(readFileSync(example.path, 'utf8')), 'the official example passes too');
  t.equal((await a.app.inject({ url: '/models/model-c/manifest?format=turtle' })).statusCode, 406);
});

t.test('a manifest is built from the lineage snapshot: its statements do not grow with the depth of the lineage', async (t) => {
  const chain = async (a: TestApp, length: number) => {
    await publishedDataset(a, { id: 'd0' });
    for (let i = 1; i <= length; i++) {
      await publishedDataset(a, { id: `d${i}` });
      await step(a, { kind: 'selection', inputs: [{ dataset: `d${i - 1}` }], outputs: [{ dataset: `d${i}` }] });
    }
    await publishedDataset(a, { id: 'model', resourceType: 'Model' });
    await step(a, { kind: 'training', inputs: [{ dataset: `d${length}` }], outputs: [{ dataset: 'model' }] });
  };
  // The counter hooks better-sqlite3's statements: both apps stay on SQLite in the PostgreSQL lane too.
  const short = await makeApp(t, { FEMTO_DB: ':memory:' });
  const long = await makeApp(t, { FEMTO_DB: ':memory:' });
  await chain(short, 2);
  await chain(long, 20);
  const counter = statementCounter(short.app.femto.database.sqlite);
  t.teardown(counter.restore);
  const measure = (a: TestApp) =>
    counter.during(async () => {
      const res = await a.app.inject({ url: '/models/model/manifest' });
      if (res.statusCode !== 200) throw new Error(res.body);
    });
  await measure(short);
  await measure(long);
  const [s, l] = [await measure(short), await measure(long)];
  t.equal((await long.app.inject({ url: '/models/model/manifest' })).json().lineage.datasets.length, 21);
  t.equal(l.executed, s.executed, `as many statements for 20 upstream steps as for 2 (${s.executed})`);
  t.same([s.prepared, l.prepared], [0, 0], 'every statement was prepared before the request');
});
