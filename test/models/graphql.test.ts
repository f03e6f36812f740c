import t from 'tap';
import { buildSchema, validate, parse } from 'graphql';
import { loadSchema } from '../../src/plugins/graphql.js';
import { makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';

const gql = async (a: TestApp, query: string, headers: Record<string, string> = {}) => {
  const res = await a.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query } });
  const body = res.json();
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

const MODEL_QUERY = `{
  dataset(id: "tracker") {
    resourceType
    modelCard { completeness { answered total missing } modelDetails { modelType parametersCount basis } intendedUse { primaryUses } factors { relevantFactors } }
    evaluations { id kind value difference metric { id label higherIsBetter definedBy } benchmark { dataset { id title } version } baseline { algorithm value } activity { kind } }
    trainingSetManifest {
      trainingData { id role dataset { id version } license doi distributions { checksum { algorithm value } } gateStatus { status } datasheet { composition { instanceCount } completeness { sections { answered total } complete } } }
      trainingSteps { id kind software { name version } activity { id } }
      upstream { id depth rawSource }
      edges { from to relation }
      rawSources
      summary { trainingDatasets licences complete incompleteDatasheets }
    }
    gateStatus { status gates { iri label state gate { slug } measurement } }
  }
  leaderboard(dataset: "bench", metric: "tracking-efficiency") {
    metric { id higherIsBetter }
    entries { rank kind model { dataset { id } version } algorithm value baselines { algorithm value difference } }
    claims { statement }
  }
  metrics { slug higherIsBetter unit }
}`;

t.test('GraphQL: typed model cards, evaluations, manifests and leaderboards', async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'bench' });
  await publishedDataset(a, {
    id: 'train',
    datasheet: { composition: { instanceCount: 4_000_000_000 } },
    distributions: [{ urls: ['https://data.example.org/t.h5'], checksum: { algorithm: 'md5', value: 'ab'.repeat(16) } }],
  });
  await publishedDataset(a, {
    id: 'tracker',
    resourceType: 'Model',
    modelCard: { modelDetails: { modelType: 'GNN', parametersCount: 3_000_000_000, basis: 'the paper' }, intendedUse: { primaryUses: ['tracking'] } },
  });
  await step(a, {
    kind: 'training',
    software: { name: 'trainer', version: '3' },
    inputs: [{ dataset: 'train', role: 'training-data' }],
    outputs: [{ dataset: 'tracker' }],
  });
  const ev = await a.app.inject({
    method: 'POST',
    url: '/models/tracker/evaluations',
    headers: a.as.curator,
    payload: { benchmark: { dataset: 'bench' }, metric: 'tracking-efficiency', value: 0.9, baseline: { algorithm: 'Kalman filter', value: 0.95 } },
  });
  t.equal(ev.statusCode, 201);

  const data = await gql(a, MODEL_QUERY);
  const d = data.dataset;
  t.same(d.modelCard.completeness, {
    answered: 2,
    total: 9,
    missing: ['factors', 'metrics', 'evaluationData', 'trainingData', 'quantitativeAnalyses', 'ethicalConsiderations', 'caveatsAndRecommendations'],
  });
  t.same(d.modelCard.modelDetails, { modelType: 'GNN', parametersCount: 3e9, basis: 'the paper' }, 'counts beyond 32 bits survive');
  t.equal(d.modelCard.factors, null, 'an unanswered section is null');
  t.match(d.evaluations, [
    {
      kind: 'measurement',
      value: 0.9,
      metric: { label: 'Track reconstruction efficiency', higherIsBetter: true, definedBy: 'metric' },
      benchmark: { dataset: { id: 'bench' }, version: 1 },
      baseline: { algorithm: 'Kalman filter', value: 0.95 },
      activity: { kind: 'evaluation' },
    },
  ]);
  t.ok(Math.abs(d.evaluations[0].difference + 0.05) < 1e-9, 'worse than the baseline by 0.05');
  t.match(d.trainingSetManifest.trainingData, [
    {
      id: 'train@1',
      role: 'training-data',
      dataset: { id: 'train', version: 1 },
      license: 'CC-BY-4.0',
      doi: null,
      distributions: [{ checksum: { algorithm: 'md5' } }],
      gateStatus: { status: 'not_evaluated' },
    },
  ]);
  t.same(
    d.trainingSetManifest.trainingData[0].datasheet,
    { composition: { instanceCount: 4e9 }, completeness: { sections: { answered: 1, total: 7 }, complete: false } },
    "the training data's datasheet, typed, with its completeness",
  );
  t.same(d.trainingSetManifest.summary.incompleteDatasheets, ['train@1']);
  t.match(d.trainingSetManifest.trainingSteps, [
    { kind: 'training', software: { name: 'trainer', version: '3' }, activity: { id: d.trainingSetManifest.trainingSteps[0].id } },
  ]);
  t.same(d.trainingSetManifest.rawSources, ['train@1']);
  t.match(d.trainingSetManifest.edges, [
    { from: 'tracker@1', relation: 'WAS_GENERATED_BY' },
    { to: 'train@1', relation: 'USED' },
  ]);
  t.match(d.gateStatus, {
    status: 'failed',
    gates: [{ iri: 'https://w3id.org/femto/ns#BeatsBaseline', state: 'failed', gate: null, measurement: d.evaluations[0].id }],
  });
  t.match(data.leaderboard.entries, [
    { rank: 1, kind: 'baseline', algorithm: 'Kalman filter', value: 0.95 },
    { rank: 2, kind: 'model', model: { dataset: { id: 'tracker' } }, value: 0.9, baselines: [{ algorithm: 'Kalman filter' }] },
  ]);
  t.ok(data.metrics.some((m: { slug: string; higherIsBetter: boolean }) => m.slug === 'fake-track-rate' && !m.higherIsBetter));

  const plain = await gql(a, '{ dataset(id: "bench") { modelCard { completeness { answered } } evaluations { id } trainingSetManifest { rawSources } } }');
  t.same(plain.dataset, { modelCard: null, evaluations: [], trainingSetManifest: null }, 'a dataset has none of them');
  const missing = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ leaderboard(dataset: "nothing", metric: "accuracy") { split } }' },
  });
  t.equal(missing.json().data.leaderboard, null);
  t.equal(missing.json().errors[0].extensions.code, 'NOT_FOUND');
});

t.test('every field of the model card schema has its GraphQL field', async (t) => {
  const { modelCardBody } = await import('../../src/modules/models/model-card.schema.js');
  const schema = buildSchema(loadSchema());
  const sections = Object.entries(modelCardBody.shape).map(([section, s]) => {
    const inner = (s as unknown as { unwrap(): { shape?: Record<string, unknown>; def?: { in?: { shape: Record<string, unknown> } } } }).unwrap();
    const shape = inner.shape ?? inner.def?.in?.shape ?? {};
    return `${section} { ${Object.keys(shape).join(' ')} }`;
  });
  const errors = validate(schema, parse(`{ dataset(id: "x") { modelCard { ${sections.join(' ')} } } }`));
  t.same(
    errors.map((e) => e.message),
    [],
    'the SDL asks for every section and field the zod schema holds',
  );
});
