import t from 'tap';
import { Store, DataFactory } from 'n3';
import { BASE_URL, makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';
import { quadsOf } from '../helpers/harvest.js';
import { assertValid, googleDatasetShapes } from '../helpers/validators.js';

const { namedNode } = DataFactory;
const FEMTO = 'https://w3id.org/femto/ns#';
const MLS = 'http://www.w3.org/ns/mls#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const LONG_TITLE = 'Charged-particle tracks from simulated proton-proton collisions, selected for training';

async function setup(a: TestApp) {
  await publishedDataset(a, { id: 'bench' });
  await publishedDataset(a, { id: 'train', title: LONG_TITLE });
  await publishedDataset(a, {
    id: 'tracker',
    title: 'GNN tracker',
    resourceType: 'Model',
    modelCard: { modelDetails: { parametersCount: 1_200_000, modelDate: '2025-08' }, intendedUse: { primaryUses: ['charged-particle tracking'] } },
  });
  await step(a, { id: 'train-tracker', kind: 'training', name: 'Train the tracker', inputs: [{ dataset: 'train' }], outputs: [{ dataset: 'tracker' }] });
}
const evaluate = (a: TestApp, value: number) =>
  a.app.inject({
    method: 'POST',
    url: '/models/tracker/evaluations',
    headers: a.as.curator,
    payload: {
      id: `ev-${String(value).replace('.', '')}`,
      benchmark: { dataset: 'bench', split: 'test' },
      metric: 'tracking-efficiency',
      value,
      baseline: { algorithm: 'Kalman filter', value: 0.9 },
    },
  });

t.test('JSON-LD: a model is an ML Schema model with its card, evaluations and manifest, and still a Google Dataset', async (t) => {
  const a = await makeApp(t);
  await setup(a);
  t.equal((await evaluate(a, 0.93)).statusCode, 201);
  const res = await a.app.inject({ url: '/datasets/tracker', headers: { accept: 'application/ld+json' } });
  t.equal(res.statusCode, 200);
  const quads = await quadsOf([res.json()], BASE_URL);
  const store = new Store(quads);
  const model = namedNode(`${BASE_URL}/datasets/tracker/versions/1`);
  const one = (s: ReturnType<typeof namedNode> | import('n3').Term, p: string) => {
    const objects = store.getObjects(s, namedNode(p), null);
    t.equal(objects.length, 1, `one ${p}`);
    return objects[0];
  };
  t.equal(one(model, 'http://schema.org/additionalType').value, `${MLS}Model`);
  const card = one(model, `${FEMTO}modelCard`);
  t.ok(
    store.has(DataFactory.quad(card as never, namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), namedNode(`${FEMTO}ModelCard`))),
    'a femto:ModelCard',
  );
  const details = one(card, `${FEMTO}modelDetails`);
  const count = one(details, `${FEMTO}parameterCount`);
  t.same([count.value, (count as import('n3').Literal).datatype.value], ['1200000', `${XSD}integer`]);
  t.equal((one(details, `${FEMTO}modelDate`) as import('n3').Literal).datatype.value, `${XSD}gYearMonth`);
  t.same(
    store.getObjects(one(card, `${FEMTO}intendedUse`), namedNode(`${FEMTO}primaryUses`), null).map((o) => o.value),
    ['charged-particle tracking'],
  );
  const evaluation = one(model, `${FEMTO}evaluation`);
  t.equal(evaluation.value, `${BASE_URL}/models/tracker/evaluations/ev-093`);
  t.equal(one(evaluation, `${MLS}specifiedBy`).value, 'https://w3id.org/femto/metric/tracking-efficiency');
  const value = one(evaluation, `${MLS}hasValue`) as import('n3').Literal;
  t.same([Number(value.value), value.datatype.value], [0.93, `${XSD}double`], 'the score, an xsd:double');
  t.equal(one(evaluation, 'http://www.w3.org/ns/prov#used').value, `${BASE_URL}/datasets/bench/versions/1`);
  t.equal(one(evaluation, `${FEMTO}baselineAlgorithm`).value, 'Kalman filter');
  t.equal(one(model, `${FEMTO}trainingSetManifest`).value, `${BASE_URL}/models/tracker/manifest?version=1`);
  await assertValid(t, googleDatasetShapes, quads, 'Google Dataset Search still accepts the model');
});

t.test('landing pages: the model card section and a coloured one-step lineage picture that follows its neighbours', async (t) => {
  const a = await makeApp(t);
  await setup(a);
  const page = await a.app.inject({ url: '/datasets/tracker', headers: { accept: 'text/html' } });
  t.equal(page.statusCode, 200);
  const html = page.body;
  t.match(html, /<h2 id="model-card">Model card<\/h2>/);
  for (const heading of [
    'Model details',
    'Intended use',
    'Factors',
    'Metrics',
    'Evaluation data',
    'Training data',
    'Quantitative analyses',
    'Ethical considerations',
    'Caveats and recommendations',
  ]) {
    t.match(html, `<h3>${heading}</h3>`, `section ${heading}`);
  }
  t.equal(html.match(/<p class="missing">Not stated\.<\/p>/g)?.length, 7, 'the seven unanswered sections say so');
  t.match(html, '2 of 9 sections answered');
  t.match(html, `href="${BASE_URL}/portal/models/tracker"`, 'links the model page');
  t.match(html, `href="${BASE_URL}/models/tracker/manifest?version=1"`, 'links the manifest from the training data section');
  t.match(html, /<svg class="lineage"/, 'the lineage picture is embedded');
  t.match(html, /<ul class="legend"/, 'with its legend');
  t.equal(html.match(/<script(?![^>]*application\/ld\+json)/g), null, 'no script but the JSON-LD data block');

  const train = async () => a.app.inject({ url: '/datasets/train', headers: { accept: 'text/html' } });
  const before = await train();
  t.match(before.body, `<title>${LONG_TITLE} v1 (not evaluated)</title>`, 'the full name on hover, though the box clips it');
  t.match(before.body, /<g class="node dataset root not-evaluated" data-id="train@1">/);
  t.match(before.body, /<g class="node dataset not-evaluated" data-id="tracker@1"><title>GNN tracker v1 \(not evaluated\)<\/title>/);
  t.equal((await evaluate(a, 0.85)).statusCode, 201, 'the model loses to its baseline');
  const after = await train();
  t.not(after.headers.etag, before.headers.etag, "a neighbour's new evaluation changes the page");
  t.match(after.body, /<g class="node dataset failed" data-id="tracker@1"><title>GNN tracker v1 \(validation failed\)<\/title>/, 'and its colour');
  t.match(
    (await a.app.inject({ url: '/datasets/tracker', headers: { accept: 'text/html' } })).body,
    /<g class="node dataset root failed" data-id="tracker@1">/,
  );

  const lineage = await a.app.inject({ url: '/portal/lineage/train?direction=DOWNSTREAM' });
  t.match(lineage.body, /<g class="node dataset failed" data-id="tracker@1">/, 'the lineage page colours nodes too');
  t.match(lineage.body, /<ul class="legend"/);
});

t.test('a gate result moves the pictures of the neighbours', async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'raw', tier: 3, observables: ['https://w3id.org/femto/observable/scaling-collapse-r2'] });
  await publishedDataset(a, { id: 'derived' });
  await step(a, { kind: 'selection', inputs: [{ dataset: 'raw' }], outputs: [{ dataset: 'derived' }] });
  const derived = () => a.app.inject({ url: '/datasets/derived', headers: { accept: 'text/html' } });
  t.match((await derived()).body, /<g class="node dataset not-evaluated" data-id="raw@1">/);
  const m = await a.app.inject({
    method: 'POST',
    url: '/datasets/raw/measurements',
    headers: a.as.curator,
    payload: { observable: 'scaling-collapse-r2', value: 0.99 },
  });
  t.equal(m.statusCode, 201);
  t.match((await derived()).body, /<g class="node dataset passed" data-id="raw@1">/);
});
