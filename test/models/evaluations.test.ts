import t from 'tap';
import fc from 'fast-check';
import { makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { evaluationOut, leaderboardOut } from '../../src/modules/models/models.schema.js';
import { rank } from '../../src/modules/models/evaluations.js';
import type { EvaluationRow } from '../../src/modules/models/models.repository.js';

const EFFICIENCY = 'https://w3id.org/femto/metric/tracking-efficiency';
const FAKE_RATE = 'https://w3id.org/femto/metric/fake-track-rate';

const model = (a: TestApp, id: string, over: Record<string, unknown> = {}) =>
  publishedDataset(a, { id, title: `Tracker ${id}`, resourceType: 'Model', dataType: 'AI-Curated', ...over });
const evaluate = (a: TestApp, id: string, payload: Record<string, unknown>, headers = a.as.curator) =>
  a.app.inject({ method: 'POST', url: `/models/${id}/evaluations`, headers, payload });
const board = async (a: TestApp, query: string, headers = {}) => {
  const res = await a.app.inject({ url: `/datasets/bench/leaderboard?${query}`, headers });
  if (res.statusCode !== 200) throw new Error(res.body);
  t.ok(leaderboardOut.safeParse(res.json()).success, 'the leaderboard has the documented shape');
  return res.json() as {
    entries: { rank: number; kind: string; model: { dataset: string | null } | null; algorithm: string | null; split: string | null; value: number }[];
    claims: unknown[];
    metric: { higherIsBetter: boolean };
  };
};
const row = (e: { rank: number; kind: string; model: { dataset: string | null } | null; algorithm: string | null; split: string | null; value: number }) =>
  `${e.rank} ${e.kind === 'model' ? e.model?.dataset : `baseline ${e.algorithm ?? e.model?.dataset}`} ${e.split ?? '-'} ${e.value}`;

t.test('an evaluation is a step that used the model, the benchmark and the baseline', async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'bench' });
  await model(a, 'kalman-net');
  await model(a, 'gnn');
  t.equal((await evaluate(a, 'kalman-net', { benchmark: { dataset: 'bench' }, metric: 'tracking-efficiency', value: 0.9 })).statusCode, 201);
  const res = await evaluate(a, 'gnn', {
    id: 'gnn-on-bench',
    benchmark: { dataset: 'bench', split: 'test' },
    metric: EFFICIENCY,
    value: 0.93,
    uncertainty: 0.005,
    baseline: { model: { dataset: 'kalman-net' }, value: 0.9 },
    software: { name: 'evaluator', version: '1.0' },
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.headers.location, 'http://femto.test/models/gnn/evaluations/gnn-on-bench');
  t.ok(evaluationOut.safeParse(res.json()).success);
  const step = (await a.app.inject({ url: '/activities/gnn-on-bench' })).json();
  t.equal(step.kind, 'evaluation');
  t.same(step.inputs.map((i: { dataset: string; role: string }) => `${i.dataset}:${i.role}`).sort(), ['bench:benchmark', 'gnn:model', 'kalman-net:baseline']);
  t.same(step.outputs, [], 'an evaluation generates no dataset');
  t.match(step.software, { name: 'evaluator', version: '1.0' });
  t.equal((await a.app.inject({ url: '/models/gnn/evaluations/gnn-on-bench' })).json().value, 0.93);
  t.equal((await a.app.inject({ url: '/models/kalman-net/evaluations/gnn-on-bench' })).statusCode, 404, 'named under its own model only');
  t.equal((await a.app.inject({ url: '/models/gnn/evaluations' })).json().items.length, 1);
  t.equal(
    (await evaluate(a, 'gnn', { id: 'gnn-on-bench', benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.9 })).statusCode,
    409,
    'an id is taken once',
  );
  t.equal((await evaluate(a, 'gnn', { benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.9 }, a.as.anonymous)).statusCode, 401);
});

t.test('what an evaluation must say, and what it may not', async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'bench' });
  await model(a, 'gnn');
  await publishedDataset(a, { id: 'not-a-model' });
  const refused: [Record<string, unknown>, number, string][] = [
    [{ metric: EFFICIENCY, value: 0.9 }, 400, '/benchmark'],
    [{ benchmark: { dataset: 'bench' }, value: 0.9 }, 400, '/metric'],
    [{ benchmark: { dataset: 'bench' }, metric: EFFICIENCY }, 400, '/statement'],
    [{ statement: 'better', uncertainty: 0.1 }, 400, '/uncertainty'],
    [
      { benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.9, baseline: { model: { dataset: 'gnn' }, algorithm: 'Kalman filter' } },
      400,
      '/baseline',
    ],
    [{ benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: Number.NaN }, 400, '/value'],
    [{ benchmark: { dataset: 'nowhere' }, metric: EFFICIENCY, value: 0.9 }, 422, '/benchmark/dataset'],
    [{ benchmark: { dataset: 'bench', version: 7 }, metric: EFFICIENCY, value: 0.9 }, 422, '/benchmark/version'],
    [{ benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.9, baseline: { model: { dataset: 'not-a-model' } } }, 422, '/baseline/model'],
    [{ benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.9, higherIsBetter: false }, 422, '/higherIsBetter'],
    [{ benchmark: { dataset: 'bench' }, metric: 'track purity', value: 0.9 }, 422, '/higherIsBetter'],
    [{ benchmark: { dataset: 'bench' }, metric: 'javascript:alert(1)', value: 0.9, higherIsBetter: true }, 400, '/metric'],
    [{ benchmark: { dataset: 'gnn' }, metric: EFFICIENCY, value: 0.9 }, 422, '/benchmark'],
  ];
  for (const [payload, status, pointer] of refused) {
    const res = await evaluate(a, 'gnn', payload);
    t.equal(res.statusCode, status, `${JSON.stringify(payload)}: ${res.body}`);
    t.ok(
      res.json().errors?.some((e: { pointer: string }) => e.pointer === pointer),
      `${JSON.stringify(payload)} names ${pointer}: ${JSON.stringify(res.json().errors)}`,
    );
  }
  const dataset = await evaluate(a, 'not-a-model', { benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.9 });
  t.equal(dataset.statusCode, 422, 'only models are evaluated');
  t.equal((await evaluate(a, 'nothing', { statement: 'x' })).statusCode, 404);

  // A metric femto does not define: its direction is stated once, and then holds.
  t.equal((await evaluate(a, 'gnn', { benchmark: { dataset: 'bench' }, metric: 'track purity', value: 0.8, higherIsBetter: true })).statusCode, 201);
  const again = await evaluate(a, 'gnn', { benchmark: { dataset: 'bench' }, metric: 'track purity', value: 0.85 });
  t.equal(again.statusCode, 201, 'the direction need not be stated twice');
  t.match(again.json().metric, { id: 'track purity', higherIsBetter: true, definedBy: 'statement' });
  t.equal(
    (await evaluate(a, 'gnn', { benchmark: { dataset: 'bench' }, metric: 'track purity', value: 0.85, higherIsBetter: false })).statusCode,
    409,
    'a contradicting direction conflicts',
  );
  // An observable of the ontology: the direction of its gates (scaling collapse R^2 >= 0.98: higher is better).
  const observable = await evaluate(a, 'gnn', { benchmark: { dataset: 'bench' }, metric: 'scaling-collapse-r2', value: 0.99 });
  t.equal(observable.statusCode, 201, observable.body);
  t.match(observable.json().metric, { id: 'https://w3id.org/femto/observable/scaling-collapse-r2', higherIsBetter: true, definedBy: 'observable' });
});

t.test("a leaderboard ranks model versions in the metric's direction, per split, with their baselines", async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'bench' });
  for (const id of ['m1', 'm2', 'm3', 'm4']) await model(a, id);
  await model(a, 'hidden', { accessLevel: 'restricted' });
  const rate = (id: string, value: number, extra: Record<string, unknown> = {}) =>
    evaluate(a, id, { benchmark: { dataset: 'bench', split: 'test' }, metric: 'fake-track-rate', value, ...extra });
  t.equal((await rate('m1', 0.05, { baseline: { algorithm: 'Kalman-filter tracker', value: 0.08 } })).statusCode, 201);
  t.equal((await rate('m2', 0.03)).statusCode, 201);
  t.equal((await rate('m3', 0.05)).statusCode, 201);
  t.equal((await rate('m4', 0.2)).statusCode, 201);
  t.equal((await rate('m4', 0.02, { baseline: { model: { dataset: 'm1' } } })).statusCode, 201, 'the latest evaluation of m4 supersedes its first');
  t.equal((await rate('hidden', 0.01)).statusCode, 201);
  t.equal((await evaluate(a, 'm1', { benchmark: { dataset: 'bench', split: 'validation' }, metric: FAKE_RATE, value: 0.04 })).statusCode, 201);
  t.equal(
    (
      await evaluate(a, 'm2', {
        benchmark: { dataset: 'bench' },
        metric: FAKE_RATE,
        statement: 'fewer fakes than the Kalman filter',
        baseline: { algorithm: 'Kalman-filter tracker' },
      })
    ).statusCode,
    201,
  );

  const anonymous = await board(a, 'metric=fake-track-rate');
  t.equal(anonymous.metric.higherIsBetter, false, 'fake rate: lower is better');
  // Ranks written by hand: lower first, equal values share a rank, each split ranked on its own, m1 (a ranked model) not repeated as m4's baseline.
  t.same(anonymous.entries.map(row), [
    '1 m4 test 0.02',
    '2 m2 test 0.03',
    '3 m1 test 0.05',
    '3 m3 test 0.05',
    '5 baseline Kalman-filter tracker test 0.08',
    '1 m1 validation 0.04',
  ]);
  t.equal(anonymous.claims.length, 1, 'the claim is listed apart, unranked');
  const reader = await board(a, 'metric=fake-track-rate&split=test', a.as.reader);
  t.same(
    reader.entries.map(row).slice(0, 2),
    ['1 hidden test 0.01', '2 m4 test 0.02'],
    'a reader sees the restricted model ranked; anonymous callers do not see it at all',
  );
  t.equal((await a.app.inject({ url: '/datasets/bench/leaderboard?metric=fake-track-rate&version=9' })).statusCode, 404);
  t.equal((await a.app.inject({ url: '/datasets/bench/leaderboard' })).statusCode, 400, 'metric is required');
  t.same((await board(a, 'metric=accuracy')).entries, [], 'nothing measured for that metric');
});

t.test("a private baseline model's score stays hidden from callers who may not see the model", async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'bench' });
  await model(a, 'secret-tracker', { accessLevel: 'restricted' }); // restricted alone: a private record
  await model(a, 'gnn');
  t.equal(
    (await evaluate(a, 'secret-tracker', { id: 'ev-secret', benchmark: { dataset: 'bench' }, metric: EFFICIENCY, value: 0.987, uncertainty: 0.004 }))
      .statusCode,
    201,
  );
  // The holder cites it as gnn's baseline: its score is borrowed from its own evaluation.
  const res = await evaluate(a, 'gnn', {
    id: 'ev-gnn',
    benchmark: { dataset: 'bench' },
    metric: EFFICIENCY,
    value: 0.9,
    baseline: { model: { dataset: 'secret-tracker' } },
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().baseline.value, 0.987, 'the holder sees the borrowed score');

  for (const [who, headers] of [['anonymous', {}]] as const) {
    const evaluation = await a.app.inject({ url: '/models/gnn/evaluations/ev-gnn', headers });
    t.equal(evaluation.statusCode, 200);
    t.match(
      evaluation.json().baseline,
      { model: { hidden: true }, value: null, uncertainty: null, fromEvaluation: null },
      `${who}: a placeholder without its score`,
    );
    t.equal(evaluation.json().difference, null, `${who}: no difference to give the score back`);
    const lb = await a.app.inject({ url: `/datasets/bench/leaderboard?metric=tracking-efficiency`, headers });
    t.notMatch(lb.body, /0\.987|0\.004|ev-secret|secret-tracker/, `${who}: the leaderboard carries nothing of the private model`);
    t.same(
      lb.json().entries.map((e: { kind: string }) => e.kind),
      ['model'],
      `${who}: gnn ranked alone`,
    );
  }
});

t.test('property: a rank is one more than the number of strictly better values in the same split', async (t) => {
  const version = (pk: number) => ({ pk, datasetId: `m${pk}`, versionNumber: 1, title: `m${pk}`, state: 'published' as const, accessLevel: 'open' as const });
  const rowOf = (pk: number, split: string | null, value: number, higherIsBetter: boolean): EvaluationRow => ({
    id: `e${pk}`,
    activityId: `e${pk}`,
    split,
    metric: 'x',
    metricLabel: 'x',
    higherIsBetter,
    value,
    uncertainty: null,
    baselineAlgorithm: null,
    baselineValue: null,
    baselineUncertainty: null,
    baselineEvaluationId: null,
    statement: null,
    createdAt: '',
    model: { ...version(pk), withdrawn: false },
    benchmark: null,
    baseline: null,
    software: null,
    basis: null,
    description: null,
  });
  const endpoint = (v: ReturnType<typeof version> | null) => v && { dataset: v.datasetId, version: 1, title: v.title, restricted: false };
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(null, 'test', 'val'), fc.integer({ min: -5, max: 5 })), { maxLength: 30 }), fc.boolean(), (evals, higher) => {
      const rows = evals.map(([split, v], i) => rowOf(i + 1, split, v / 4, higher));
      const entries = rank(rows, higher, endpoint);
      if (entries.length !== rows.length) return false;
      return entries.every((e) => e.rank === 1 + entries.filter((o) => o.split === e.split && (higher ? o.value > e.value : o.value < e.value)).length);
    }),
  );
  t.pass('ranks agree with the count of better values');
});
