import t from 'tap';
import { ConfigError, loadConfig, parseGatePolicy } from '../../src/config.js';
import { FemtoError } from '../../src/errors.js';
import { BASE_URL, makeApp, publishedDataset, type TestApp } from '../helpers/app.js';

const OBS = 'https://w3id.org/femto/observable/';
const R2 = 'https://w3id.org/femto/gate/scaling-collapse-r2';

const pkOf = async (a: TestApp, id: string) => (await a.app.femto.repos.datasets.concept(id))!.latestVersionPk!;

async function refusal(fn: () => Promise<void>): Promise<FemtoError | null> {
  try {
    await fn();
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

t.test(
  'FEMTO_GATE_POLICY is a gates rule of the publication policies: it blocks a findable DOI while a required gate was never judged or failed, then allows',
  async (t) => {
    const a = await makeApp(t, { FEMTO_GATE_POLICY: '3:required' });
    const id = await publishedDataset(a, { tier: 3, observables: [`${OBS}scaling-collapse-r2`] });
    const pk = await pkOf(a, id);

    const never = await refusal(() => a.app.femto.policies.check(pk, 'doi'));
    t.ok(never, 'never evaluated: refused');
    t.equal(never?.code, 'POLICY_UNMET');
    t.equal(never?.status, 422);
    t.same(never?.extra.gates, [{ gate: R2, label: 'Finite-size scaling collapse R^2 >= 0.98', state: 'not-evaluated' }]);
    t.match(never?.message, /FEMTO_GATE_POLICY\/tier-3-gates unmet/);
    t.match(never?.errors, [{ pointer: '/gates', message: /scaling collapse R\^2 >= 0\.98 \(.*\): not-evaluated/ }]);

    const post = (value: number) =>
      a.app.inject({ method: 'POST', url: `/datasets/${id}/measurements`, headers: a.as.curator, payload: { observable: `${OBS}scaling-collapse-r2`, value } });
    t.equal((await post(0.9)).statusCode, 201);
    const failed = await refusal(() => a.app.femto.policies.check(pk, 'doi'));
    t.match(failed?.extra.gates, [{ gate: R2, state: 'failed' }], 'failed: refused, naming the gate');

    t.equal((await post(0.985)).statusCode, 201);
    t.equal(await refusal(() => a.app.femto.policies.check(pk, 'doi')), null, 'passes after a passing measurement');

    // other tiers are not governed by this policy
    const other = await publishedDataset(a, { tier: 5 });
    t.equal(await refusal(async () => a.app.femto.policies.check(await pkOf(a, other), 'doi')), null);
  },
);

t.test('a policy naming gates applies to those gates only, whatever the dataset declares', async (t) => {
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '{"4": ["tomography-fidelity"]}' });
  const id = await publishedDataset(a, { tier: 4 });
  t.match((await refusal(async () => a.app.femto.policies.check(await pkOf(a, id), 'doi')))?.extra.gates, [
    { gate: 'https://w3id.org/femto/gate/tomography-fidelity', state: 'not-evaluated' },
  ]);
  const res = await a.app.inject({
    method: 'POST',
    url: `/datasets/${id}/measurements`,
    headers: a.as.curator,
    payload: { observable: 'tomography-fidelity', value: 0.95 },
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(await refusal(async () => a.app.femto.policies.check(await pkOf(a, id), 'doi')), null, 'fidelity 0.95 meets >= 0.95');
  const none = await makeApp(t);
  const free = await publishedDataset(none, { tier: 4 });
  t.equal(await refusal(async () => none.app.femto.policies.check(await pkOf(none, free), 'doi')), null, 'no policy, no requirement');
});

t.test('DOI publish (POST and PUT /dois) is refused while a required gate has not passed; register is not', async (t) => {
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '3:required' });
  const id = await publishedDataset(a, { tier: 3, publisher: 'Lattice Lab', observables: [`${OBS}scaling-collapse-r2`] });
  const url = `${BASE_URL}/datasets/${id}`;
  const dois = (method: 'POST' | 'PUT', path: string, attributes: Record<string, unknown>) =>
    a.app.inject({
      method,
      url: path,
      headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
      payload: JSON.stringify({ data: { type: 'dois', attributes } }),
    });

  const refused = await dois('POST', '/dois', { doi: '10.5072/ising-r2', url, event: 'publish' });
  t.equal(refused.statusCode, 422, refused.body);
  t.match(refused.headers['content-type'], 'application/vnd.api+json');
  const body = refused.json();
  t.match(body.errors, [
    {
      status: '422',
      code: 'POLICY_UNMET',
      source: 'gates',
      title: `FEMTO_GATE_POLICY/tier-3-gates: Finite-size scaling collapse R^2 >= 0.98 (${R2}): not-evaluated`,
    },
  ]);
  t.same(body.meta.gates, [{ gate: R2, label: 'Finite-size scaling collapse R^2 >= 0.98', state: 'not-evaluated' }]);
  t.equal((await a.app.inject({ method: 'GET', url: '/dois/10.5072/ising-r2', headers: a.as.curator })).statusCode, 404, 'nothing was stored');

  // register is not public (DataCite: registered DOIs are not in the search index), so the policy allows it
  const registered = await dois('POST', '/dois', { doi: '10.5072/ising-r2', url, event: 'register' });
  t.equal(registered.statusCode, 201, registered.body);
  t.equal(registered.json().data.attributes.state, 'registered');

  const measure = (value: number) =>
    a.app.inject({ method: 'POST', url: `/datasets/${id}/measurements`, headers: a.as.curator, payload: { observable: `${OBS}scaling-collapse-r2`, value } });
  t.equal((await measure(0.91)).statusCode, 201);
  const failing = await dois('PUT', '/dois/10.5072/ising-r2', { event: 'publish' });
  t.equal(failing.statusCode, 422, 'PUT publish refused while the gate fails');
  t.match(failing.json().meta.gates, [{ gate: R2, state: 'failed' }]);
  t.equal(
    (await a.app.inject({ method: 'GET', url: '/dois/10.5072/ising-r2', headers: a.as.curator })).json().data.attributes.state,
    'registered',
    'state unchanged',
  );

  t.equal((await measure(0.99)).statusCode, 201);
  const published = await dois('PUT', '/dois/10.5072/ising-r2', { event: 'publish' });
  t.equal(published.statusCode, 200, published.body);
  t.equal(published.json().data.attributes.state, 'findable');

  // POST with publish for a passing version of another dataset, and a concept DOI that resolves to a failing version
  const other = await publishedDataset(a, { tier: 3, publisher: 'Lattice Lab', observables: [`${OBS}scaling-collapse-r2`] });
  t.equal(
    (await dois('POST', '/dois', { doi: '10.5072/other-all', url: `${BASE_URL}/datasets/${other}/versions`, event: 'publish' })).statusCode,
    422,
    'a concept DOI is judged by the version it resolves to',
  );
  const free = await publishedDataset(a, { tier: 5, publisher: 'Lattice Lab' });
  t.equal(
    (await dois('POST', '/dois', { doi: '10.5072/free', url: `${BASE_URL}/datasets/${free}`, event: 'publish' })).statusCode,
    201,
    'tiers without a policy publish freely',
  );
});
