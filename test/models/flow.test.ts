import t from 'tap';
import { makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';
import { cardOut, evaluationOut, leaderboardOut, manifestOut } from '../../src/modules/models/models.schema.js';

const card = {
  modelDetails: { modelType: 'graph neural network tracker', architecture: 'message-passing GNN', parametersCount: 1200000, trainingProcedure: 'supervised, 40 epochs' },
  intendedUse: { primaryUses: ['charged-particle tracking in TPCs'], outOfScopeUses: ['calorimeter clustering'] },
};

async function model(a: TestApp, id: string, over: Record<string, unknown> = {}) {
  return publishedDataset(a, { id, title: `Model ${id}`, resourceType: 'Model', dataType: 'AI-Curated', modelCard: card, ...over });
}

t.test('describe a model, train-link it, evaluate it against a baseline, rank it, read its manifest', async (t) => {
  const a = await makeApp(t);
  const raw = await publishedDataset(a, { id: 'raw-hits', title: 'Raw TPC hits', distributions: [{ urls: ['https://data.example.org/hits.h5'], checksum: { algorithm: 'sha256', value: 'ab'.repeat(32) } }] });
  const train = await publishedDataset(a, { id: 'train-set', title: 'Training tracks', license: 'CC-BY-4.0', distributions: [{ urls: ['https://data.example.org/train.h5'], checksum: { algorithm: 'md5', value: 'cd'.repeat(16) } }] });
  await step(a, { kind: 'reconstruction', inputs: [{ dataset: raw }], outputs: [{ dataset: train }] });
  const bench = await publishedDataset(a, { id: 'bench', title: 'Benchmark events' });
  const m = await model(a, 'tracker');
  await step(a, { kind: 'training', software: { name: 'trainer', version: '2.1', commit: 'abcdef1' }, inputs: [{ dataset: train, role: 'training-data' }], outputs: [{ dataset: m }] });
  const other = await model(a, 'other-tracker');

  const ev = await a.app.inject({
    method: 'POST',
    url: `/models/${m}/evaluations`,
    headers: a.as.curator,
    payload: { benchmark: { dataset: bench, split: 'test' }, metric: 'tracking-efficiency', value: 0.95, uncertainty: 0.01, baseline: { algorithm: 'Kalman-filter tracker', value: 0.91 } },
  });
  t.equal(ev.statusCode, 201, ev.body);
  t.ok(evaluationOut.safeParse(ev.json()).success);
  t.match(ev.json(), { kind: 'measurement', metric: { id: 'https://w3id.org/femto/metric/tracking-efficiency', higherIsBetter: true, definedBy: 'metric' }, baseline: { algorithm: 'Kalman-filter tracker', value: 0.91 } });
  t.ok(Math.abs(ev.json().difference - 0.04) < 1e-9);
  const ev2 = await a.app.inject({ method: 'POST', url: `/models/${other}/evaluations`, headers: a.as.curator, payload: { benchmark: { dataset: bench, split: 'test' }, metric: 'tracking-efficiency', value: 0.97, baseline: { model: { dataset: m } } } });
  t.equal(ev2.statusCode, 201, ev2.body);
  t.equal(ev2.json().baseline.value, 0.95, "the baseline model's own evaluation gives its value");

  const board = await a.app.inject({ url: `/datasets/${bench}/leaderboard?metric=tracking-efficiency` });
  t.equal(board.statusCode, 200, board.body);
  t.ok(leaderboardOut.safeParse(board.json()).success);

  const manifest = await a.app.inject({ url: `/models/${m}/manifest` });
  t.equal(manifest.statusCode, 200, manifest.body);
  const parsed = manifestOut.safeParse(manifest.json());
  t.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  const prov = await a.app.inject({ url: `/models/${m}/manifest?format=prov-json` });
  t.equal(prov.statusCode, 200, prov.body);

  const c = await a.app.inject({ url: `/models/${m}/card` });
  t.equal(c.statusCode, 200, c.body);
  t.ok(cardOut.safeParse(c.json()).success);
  const status = await a.app.inject({ url: `/datasets/${m}` });
  t.match(status.json().gateStatus, { status: 'passed', gates: [{ gate: 'https://w3id.org/femto/ns#BeatsBaseline', state: 'passed' }] });
});
