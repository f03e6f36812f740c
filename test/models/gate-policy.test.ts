import t from 'tap';
import { ConfigError } from '../../src/config.js';
import { parseBaselineRule } from '../../src/modules/gates/gates.service.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, makeApp, minimalDataset, publishedDataset, step, type TestApp } from '../helpers/app.js';

const BEATS = 'https://w3id.org/femto/ns#BeatsBaseline';

const evaluate = (a: TestApp, id: string, value: number, baseline: number, split = 'test') =>
  a.app.inject({
    method: 'POST',
    url: `/models/${id}/evaluations`,
    headers: a.as.curator,
    payload: {
      benchmark: { dataset: 'bench', split },
      metric: 'tracking-efficiency',
      value,
      baseline: { algorithm: 'Kalman-filter tracker', value: baseline },
    },
  });
const publishDoi = (a: TestApp, id: string) =>
  a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({
      data: { type: 'dois', attributes: { prefix: '10.5072', url: `${BASE_URL}/datasets/${id}`, event: 'publish', publisher: 'Tracking Lab' } },
    }),
  });
const gateStatus = async (a: TestApp, id: string) => (await a.app.inject({ url: `/datasets/${id}` })).json().gateStatus;

t.test('FEMTO_GATE_POLICY: beats-baseline, absolute or relative, checked at start', async (t) => {
  t.same(parseBaselineRule('beats-baseline'), { by: 0, relative: false });
  t.same(parseBaselineRule('beats-baseline>=0.02'), { by: 0.02, relative: false });
  t.same(parseBaselineRule('beats-baseline >= 5%'), { by: 0.05, relative: true });
  t.equal(parseBaselineRule('tomography-fidelity'), null);
  await t.rejects(makeApp(t, { FEMTO_GATE_POLICY: '{"7": ["beats-baseline>0.1"]}' }), ConfigError, 'a malformed rule stops the start');
  await t.rejects(makeApp(t, { FEMTO_GATE_POLICY: '{"7": ["beats-baseline>=-1"]}' }), ConfigError);
});

t.test('a model tier policy "beats baseline by >= x" blocks DOI publication until an evaluation clears the bar', async (t) => {
  // Only this rule: the bundled policies ask more of tier 7 (a generating step) before a DOI.
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '{"7": ["beats-baseline>=0.02"]}', FEMTO_POLICY_DIR: t.testdir({}) });
  await publishedDataset(a, { id: 'bench', tier: 7 });
  await publishedDataset(a, { id: 'tracker', tier: 7, resourceType: 'Model', publisher: 'Tracking Lab' });

  const none = await publishDoi(a, 'tracker');
  t.equal(none.statusCode, 422, 'no evaluation yet: refused');
  t.match(JSON.stringify(none.json()), /not-evaluated/);

  t.equal((await evaluate(a, 'tracker', 0.92, 0.91)).statusCode, 201);
  const narrow = await publishDoi(a, 'tracker');
  t.equal(narrow.statusCode, 422, 'better by 0.01 only: refused');
  t.match(JSON.stringify(narrow.json()), /Beats its baseline by at least 0\.02[^"]*failed|failed/);
  const status = await gateStatus(a, 'tracker');
  t.equal(status.status, 'failed');
  t.match(status.gates, [{ gate: BEATS, state: 'failed', value: 0.92 }]);
  t.ok(Math.abs(status.gates[0].margin - -0.01) < 1e-9, 'margin: 0.92 - 0.91 - 0.02');

  t.equal((await evaluate(a, 'tracker', 0.95, 0.91)).statusCode, 201, 'a later evaluation of the same comparison supersedes the first');
  t.equal((await gateStatus(a, 'tracker')).status, 'passed');
  const ok = await publishDoi(a, 'tracker');
  t.equal(ok.statusCode, 201, ok.body);

  // Another tier is not governed by the rule; a dataset has no evaluations to judge.
  await publishedDataset(a, { id: 'other-model', tier: 3, resourceType: 'Model', publisher: 'Tracking Lab' });
  t.equal((await publishDoi(a, 'other-model')).statusCode, 201);
});

t.test('relative rules, and the gate without any policy: a model that loses to its baseline failed', async (t) => {
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '{"5": ["beats-baseline>=10%"]}' });
  await publishedDataset(a, { id: 'bench', tier: 5 });
  await publishedDataset(a, { id: 'rel', tier: 5, resourceType: 'Model', publisher: 'Tracking Lab' });
  t.equal((await evaluate(a, 'rel', 0.54, 0.5)).statusCode, 201);
  t.equal((await gateStatus(a, 'rel')).status, 'failed', '0.54 is 8% better than 0.5: below 10%');
  t.equal((await evaluate(a, 'rel', 0.56, 0.5)).statusCode, 201);
  t.equal((await gateStatus(a, 'rel')).status, 'passed', '12% better');

  await publishedDataset(a, { id: 'raw' });
  await publishedDataset(a, { id: 'loser', resourceType: 'Model' });
  await step(a, { kind: 'training', inputs: [{ dataset: 'raw' }], outputs: [{ dataset: 'loser' }] });
  t.equal((await gateStatus(a, 'loser')).status, 'not-evaluated');
  t.equal((await evaluate(a, 'loser', 0.8, 0.9)).statusCode, 201);
  t.equal((await gateStatus(a, 'loser')).status, 'failed', 'worse than its baseline: the gate (by >= 0) failed');
  const lineage = await a.app.inject({ url: '/datasets/raw/lineage?direction=DOWNSTREAM&failedGate=true' });
  t.same(
    lineage.json().nodes.map((n: { id: string; gateStatus: string | null }) => `${n.id}:${n.gateStatus}`),
    ['raw@1:not-evaluated', lineage.json().nodes[1].id + ':null', 'loser@1:failed'],
    'the lineage filter finds the failing model downstream',
  );

  // A claim has no value: it is not judged, so it neither passes nor fails a gate.
  await publishedDataset(a, { id: 'claimed', resourceType: 'Model' });
  const claim = await a.app.inject({
    method: 'POST',
    url: '/models/claimed/evaluations',
    headers: a.as.curator,
    payload: { statement: 'outperformed baseline methods', baseline: { algorithm: 'baseline methods' } },
  });
  t.equal(claim.statusCode, 201, claim.body);
  t.match(await gateStatus(a, 'claimed'), { status: 'not-evaluated', gates: [{ gate: BEATS, state: 'not-evaluable', value: null }] });
});

t.test("a policy file states the same rules: beatsBaseline judges the tier's models, datasheetComplete is checked at publish", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'femto-policies-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'models.yaml'),
    [
      'policy: model-release',
      'title: Model releases',
      'rules:',
      '  - id: beats-baseline',
      '    description: Every evaluation beats its baseline by 5% of its value.',
      '    on: [doi]',
      '    tiers: [5]',
      '    require: { beatsBaseline: { by: 0.05, relative: true } }',
      '  - id: datasheet',
      '    description: The datasheet answers every section.',
      '    on: [publish]',
      '    tiers: [4]',
      '    require: { datasheetComplete: true }',
      '',
    ].join('\n'),
  );
  const a = await makeApp(t, { FEMTO_POLICY_DIR: dir });
  await publishedDataset(a, { id: 'bench', tier: 5 });
  await publishedDataset(a, { id: 'rel', tier: 5, resourceType: 'Model', publisher: 'Tracking Lab' });
  t.match(
    (await publishDoi(a, 'rel')).json(),
    { errors: [{ code: 'POLICY_UNMET', title: /model-release\/beats-baseline: .*no evaluation/ }] },
    'not judged yet: refused',
  );
  t.equal((await evaluate(a, 'rel', 0.52, 0.5)).statusCode, 201);
  t.equal((await gateStatus(a, 'rel')).status, 'failed', "4% better: below 5%, by the file's rule");
  t.equal((await publishDoi(a, 'rel')).statusCode, 422);
  t.equal((await evaluate(a, 'rel', 0.53, 0.5)).statusCode, 201);
  t.equal((await gateStatus(a, 'rel')).status, 'passed', '6% better');
  t.equal((await publishDoi(a, 'rel')).statusCode, 201);

  const created = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: { ...minimalDataset({ id: 'sheetless', tier: 4 }), datasheet: { motivation: { purpose: 'Tests.' } } },
  });
  t.equal(created.statusCode, 201, created.body);
  const refused = await a.app.inject({ method: 'POST', url: '/datasets/sheetless/publish', headers: a.as.curator });
  t.equal(refused.statusCode, 422);
  t.match(refused.json(), { code: 'POLICY_UNMET', errors: [{ pointer: '/datasheet/composition' }] }, 'each unanswered section by its pointer');
  t.equal(refused.json().errors.length, 6, 'six of the seven sections unanswered');
});
