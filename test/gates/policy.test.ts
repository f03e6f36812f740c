import t from 'tap';
import { ConfigError, loadConfig, parseGatePolicy } from '../../src/config.js';
import { FemtoError } from '../../src/errors.js';
import { makeApp, publishedDataset, type TestApp } from '../helpers/app.js';

const OBS = 'https://w3id.org/femto/observable/';
const R2 = 'https://w3id.org/femto/gate/scaling-collapse-r2';

const pkOf = (a: TestApp, id: string) => a.app.femto.repos.datasets.concept(id)!.latestVersionPk!;

function refusal(fn: () => void): FemtoError | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof FemtoError) return e;
    throw e;
  }
}

t.test('FEMTO_GATE_POLICY: JSON or tier:required list, checked at start', async (t) => {
  t.same(parseGatePolicy(''), {});
  t.same(parseGatePolicy('3:required, 6:required'), { 3: 'all', 6: 'all' });
  t.same(parseGatePolicy('{"4": ["tomography-fidelity"], "3": "all"}'), { 3: 'all', 4: ['tomography-fidelity'] });
  t.throws(() => parseGatePolicy('{"4": '), ConfigError);
  t.throws(() => parseGatePolicy('{"12": "all"}'), ConfigError);
  t.throws(() => parseGatePolicy('3:maybe'), ConfigError);
  t.throws(() => loadConfig({ FEMTO_GATE_POLICY: '{"3": 5}' }), ConfigError);
  await t.rejects(makeApp(t, { FEMTO_GATE_POLICY: '{"3": ["no-such-gate"]}' }), ConfigError, 'an unknown gate stops the start');
  await t.rejects(makeApp(t, { FEMTO_GATE_POLICY: '{"8": ["ward-identity"]}' }), ConfigError, 'a gate that states no number could never pass');
});

t.test('assertPublishable blocks while a required gate was never judged or failed, then allows', async (t) => {
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '3:required' });
  const id = await publishedDataset(a, { tier: 3, observables: [`${OBS}scaling-collapse-r2`] });
  const pk = pkOf(a, id);

  const never = refusal(() => a.app.femto.gates.assertPublishable(pk));
  t.ok(never, 'never evaluated: refused');
  t.equal(never?.code, 'UNPROCESSABLE');
  t.equal(never?.status, 422);
  t.same(never?.extra.gates, [{ gate: R2, label: 'Finite-size scaling collapse R^2 >= 0.98', state: 'not-evaluated' }]);
  t.match(never?.message, /scaling collapse R\^2 >= 0\.98 \(not-evaluated\)/);

  const post = (value: number) => a.app.inject({ method: 'POST', url: `/datasets/${id}/measurements`, headers: a.as.curator, payload: { observable: `${OBS}scaling-collapse-r2`, value } });
  t.equal((await post(0.9)).statusCode, 201);
  const failed = refusal(() => a.app.femto.gates.assertPublishable(pk));
  t.match(failed?.extra.gates, [{ gate: R2, state: 'failed' }], 'failed: refused, naming the gate');

  t.equal((await post(0.985)).statusCode, 201);
  t.equal(refusal(() => a.app.femto.gates.assertPublishable(pk)), null, 'passes after a passing measurement');

  // other tiers are not governed by this policy
  const other = await publishedDataset(a, { tier: 5 });
  t.equal(refusal(() => a.app.femto.gates.assertPublishable(pkOf(a, other))), null);
});

t.test('a policy naming gates applies to those gates only, whatever the dataset declares', async (t) => {
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '{"4": ["tomography-fidelity"]}' });
  const id = await publishedDataset(a, { tier: 4 });
  t.match(refusal(() => a.app.femto.gates.assertPublishable(pkOf(a, id)))?.extra.gates, [{ gate: 'https://w3id.org/femto/gate/tomography-fidelity', state: 'not-evaluated' }]);
  const res = await a.app.inject({ method: 'POST', url: `/datasets/${id}/measurements`, headers: a.as.curator, payload: { observable: 'tomography-fidelity', value: 0.95 } });
  t.equal(res.statusCode, 201, res.body);
  t.equal(refusal(() => a.app.femto.gates.assertPublishable(pkOf(a, id))), null, 'fidelity 0.95 meets >= 0.95');
  const none = await makeApp(t);
  const free = await publishedDataset(none, { tier: 4 });
  t.equal(refusal(() => none.app.femto.gates.assertPublishable(pkOf(none, free))), null, 'no policy, no requirement');
});
