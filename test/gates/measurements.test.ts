import t from 'tap';
import { Writer } from 'n3';
import { quadsOf } from '../helpers/harvest.js';
import { makeApp, publishedDataset, type TestApp } from '../helpers/app.js';

const OBS = 'https://w3id.org/femto/observable/';
const GATE = 'https://w3id.org/femto/gate/';
const R2 = `${GATE}scaling-collapse-r2`;

/** Row counts of everything a measurement writes: a refused request must leave them unchanged. */
const counts = async (a: TestApp) =>
  Object.fromEntries(
    await Promise.all(
      ['measurements', 'gate_results', 'activities', 'activity_inputs'].map(async (table) => [
        table,
        await a.app.femto.database.prepare(`SELECT count(*) AS n FROM ${table}`).scalar<number>(),
      ]),
    ),
  );

async function isingDataset(a: TestApp) {
  return publishedDataset(a, { observables: [`${OBS}scaling-collapse-r2`, `${OBS}magnetic-susceptibility`] });
}

const measure = (a: TestApp, id: string, payload: Record<string, unknown>) =>
  a.app.inject({ method: 'POST', url: `/datasets/${id}/measurements`, headers: a.as.curator, payload });

t.test('a finite-size-scaling R^2 passes or fails the seed 0.98 gate, and gateStatus follows', async (t) => {
  const a = await makeApp(t);
  const id = await isingDataset(a);

  const before = await a.app.inject({ url: `/datasets/${id}` });
  t.equal(before.json().gateStatus.status, 'not-evaluated');
  t.same(
    before.json().gateStatus.gates.map((g: { gate: string; state: string }) => [g.gate, g.state]),
    [[R2, 'not-evaluated']],
  );

  const fail = await measure(a, id, {
    observable: `${OBS}scaling-collapse-r2`,
    value: 0.97,
    method: 'scaling collapse of chi over L = 16..128',
    software: { name: 'fss-fit', version: '1.2' },
  });
  t.equal(fail.statusCode, 201, fail.body);
  const failed = fail.json();
  t.match(fail.headers.location, new RegExp(`/datasets/${id}/measurements/${failed.id}$`));
  t.equal(failed.version, 1, 'defaults to the latest published version');
  t.equal(failed.results.length, 1);
  t.match(failed.results[0], { gate: R2, passed: false, verdict: 'failed', value: 0.97, threshold: { comparison: 'GreaterOrEqual', threshold: 0.98 } });
  t.ok(Math.abs(failed.results[0].margin - -0.01) < 1e-12);

  const afterFail = (await a.app.inject({ url: `/datasets/${id}` })).json().gateStatus;
  t.equal(afterFail.status, 'failed');
  t.same(afterFail.failing, [R2]);

  const pass = await measure(a, id, { observable: 'scaling-collapse-r2', value: 0.98 });
  t.equal(pass.statusCode, 201, pass.body);
  t.match(pass.json().results[0], { passed: true, verdict: 'passed', margin: 0 }, 'the boundary passes (>=)');

  const afterPass = (await a.app.inject({ url: `/datasets/${id}` })).json().gateStatus;
  t.equal(afterPass.status, 'passed', 'the latest result per gate counts');
  t.same(afterPass.failing, []);

  const list = await a.app.inject({ url: `/datasets/${id}/measurements` });
  t.same(
    list.json().items.map((m: { id: string }) => m.id),
    [failed.id, pass.json().id],
  );
  const one = await a.app.inject({ url: `/datasets/${id}/measurements/${failed.id}` });
  t.equal(one.json().software.name, 'fss-fit');

  // the search list carries gateStatus too (record extension)
  const search = await a.app.inject({ url: '/datasets' });
  t.equal(search.json().items.find((d: { id: string }) => d.id === id).gateStatus.status, 'passed');
});

t.test('the evaluation is a validation activity that used the version, and JSON-LD carries it as DQV', async (t) => {
  const a = await makeApp(t);
  const id = await isingDataset(a);
  const m = (await measure(a, id, { observable: `${OBS}scaling-collapse-r2`, value: 0.991, software: 'fss-fit' })).json();

  const act = await a.app.inject({ url: `/activities/${m.activity}` });
  t.equal(act.statusCode, 200, act.body);
  t.equal(act.json().kind, 'validation');
  t.match(act.json().inputs, [{ dataset: id, version: 1, role: 'evaluated' }]);
  t.same(act.json().outputs, []);
  t.equal(act.json().software.name, 'fss-fit');
  t.equal(act.json().parameters.measurement, m.id);

  const res = await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'application/ld+json' } });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.headers['content-type'], /application\/ld\+json/);
  const doc = res.json();
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString(await quadsOf([doc], 'http://femto.test'));
  const version = `http://femto.test/datasets/${id}/versions/1`;
  const qm = `<http://femto.test/datasets/${id}/measurements/${m.id}#scaling-collapse-r2>`;
  t.match(nquads, `<${version}> <http://www.w3.org/ns/dqv#hasQualityMeasurement> ${qm}`);
  t.match(nquads, `${qm} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dqv#QualityMeasurement>`);
  t.match(nquads, `${qm} <http://www.w3.org/ns/dqv#isMeasurementOf> <${R2}>`);
  t.match(nquads, `${qm} <http://www.w3.org/ns/dqv#computedOn> <${version}>`);
  t.match(nquads, new RegExp(`${escape(qm)} <http://www.w3.org/ns/dqv#value> "9\\.91E-1"\\^\\^<http://www.w3.org/2001/XMLSchema#double>`));
  t.match(nquads, `${qm} <http://www.w3.org/ns/prov#wasGeneratedBy> <http://femto.test/activities/${m.activity}>`);
  t.match(nquads, `<${version}> <http://schema.org/variableMeasured>`);
  t.match(nquads, `<http://schema.org/propertyID> "${OBS}scaling-collapse-r2"`);
  t.match(nquads, `<http://schema.org/name> "Scaling-collapse coefficient of determination"`, 'the observable is named by the ontology');
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

t.test('units are converted with QUDT multipliers; an incompatible unit is refused', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { tier: 6, observables: [`${OBS}reconnection-rate`] });
  const pct = await measure(a, id, { observable: `${OBS}reconnection-rate`, value: 10, unit: '%' });
  t.equal(pct.statusCode, 201, pct.body);
  t.match(pct.json(), { unit: 'http://qudt.org/vocab/unit/PERCENT', normalizedUnit: 'http://qudt.org/vocab/unit/UNITLESS' });
  t.ok(Math.abs(pct.json().normalizedValue - 0.1) < 1e-15);
  t.match(pct.json().results[0], { gate: `${GATE}fast-reconnection-rate`, passed: true }, '10 % is the upper bound 0.1, inclusive');
  const over = await measure(a, id, { observable: `${OBS}reconnection-rate`, value: 10.5, unit: 'unit:PERCENT' });
  t.equal(over.json().results[0].passed, false);

  const before = await counts(a);
  const bad = await measure(a, id, { observable: `${OBS}reconnection-rate`, value: 0.05, unit: 'm/s' });
  t.equal(bad.statusCode, 422, bad.body);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  t.match(bad.json(), { code: 'UNPROCESSABLE', errors: [{ pointer: '/unit' }] });
  t.same(await counts(a), before, 'nothing stored');

  const speed = await publishedDataset(a, { tier: 1, observables: [`${OBS}front-speed`] });
  const cm = await measure(a, speed, { observable: `${OBS}front-speed`, value: 250, unit: 'cm/s', uncertainty: 5 });
  t.equal(cm.statusCode, 201, cm.body);
  t.equal(cm.json().normalizedValue, 2.5);
  t.equal(cm.json().uncertainty, 0.05);
  t.same(cm.json().results, [], 'no gate judges the front speed');
});

t.test('a curve is judged point by point; a gate without a stated number is not evaluable', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { tier: 2, observables: [`${OBS}cavity-velocity-profile`, `${OBS}reconnection-rate`] });
  const curve = await measure(a, id, { observable: `${OBS}cavity-velocity-profile`, value: [0, -0.21, -0.38, 0.47, 1] });
  t.equal(curve.statusCode, 201, curve.body);
  t.match(curve.json().results, [
    { gate: `${GATE}lid-driven-cavity-benchmark`, passed: null, verdict: 'not-evaluable', value: null, margin: null, reason: /without a number/ },
  ]);
  const rr = await measure(a, id, { observable: `${OBS}reconnection-rate`, value: [0.02, 0.5, 0.05] });
  t.match(rr.json().results[0], { passed: false, value: 0.5 }, 'the worst point is reported');
  const status = (await a.app.inject({ url: `/datasets/${id}` })).json().gateStatus;
  t.equal(status.status, 'failed');
  t.match(
    status.gates.find((g: { gate: string }) => g.gate === `${GATE}lid-driven-cavity-benchmark`),
    { state: 'not-evaluable' },
  );
});

t.test('bad input is a problem+json and stores nothing', async (t) => {
  const a = await makeApp(t);
  const id = await isingDataset(a);
  const before = await counts(a);
  const cases: [string, string, Record<string, unknown>, number, string, string?][] = [
    ['non-numeric value', id, { observable: `${OBS}scaling-collapse-r2`, value: 'high' }, 400, 'VALIDATION_FAILED', '/value'],
    ['non-numeric point of a curve', id, { observable: `${OBS}scaling-collapse-r2`, value: [0.9, 'x'] }, 400, 'VALIDATION_FAILED'],
    ['unknown observable', id, { observable: `${OBS}no-such-thing`, value: 1 }, 422, 'UNKNOWN_REFERENCE', '/observable'],
    ['unknown unit', id, { observable: `${OBS}scaling-collapse-r2`, value: 1, unit: 'furlong' }, 422, 'UNKNOWN_REFERENCE', '/unit'],
    ['unknown gate', id, { observable: `${OBS}scaling-collapse-r2`, value: 1, gate: 'no-such-gate' }, 422, 'UNKNOWN_REFERENCE', '/gate'],
    ['gate of another observable', id, { observable: `${OBS}scaling-collapse-r2`, value: 1, gate: 'tomography-fidelity' }, 422, 'UNPROCESSABLE', '/gate'],
    ['unknown version', id, { observable: `${OBS}scaling-collapse-r2`, value: 1, version: 9 }, 422, 'UNKNOWN_REFERENCE', '/version'],
    ['unknown dataset', 'no-such-dataset', { observable: `${OBS}scaling-collapse-r2`, value: 1 }, 404, 'NOT_FOUND'],
  ];
  for (const [name, ds, payload, status, code, pointer] of cases) {
    const res = await measure(a, ds, payload);
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.match(res.headers['content-type'], /application\/problem\+json/, name);
    t.equal(res.json().code, code, name);
    if (pointer)
      t.ok(
        res.json().errors.some((e: { pointer: string }) => e.pointer === pointer),
        `${name} points at ${pointer}`,
      );
  }
  const reader = await a.app.inject({
    method: 'POST',
    url: `/datasets/${id}/measurements`,
    headers: a.as.reader,
    payload: { observable: `${OBS}scaling-collapse-r2`, value: 1 },
  });
  t.equal(reader.statusCode, 403, 'curators only');
  t.same(await counts(a), before, 'nothing stored');
});

t.test('dataset observables are checked against the ontology', async (t) => {
  const a = await makeApp(t);
  const created = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: {
      title: 't',
      description: 'd',
      tier: 3,
      dataType: 'Raw-Simulation',
      license: 'CC-BY-4.0',
      creators: [{ name: 'A' }],
      observables: [`${OBS}magnetization`, 'https://example.org/not-an-observable'],
    },
  });
  t.equal(created.statusCode, 422, created.body);
  t.match(created.json(), { code: 'UNKNOWN_REFERENCE', errors: [{ pointer: '/observables/1' }] });
  const ok = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: {
      title: 't',
      description: 'd',
      tier: 3,
      dataType: 'Raw-Simulation',
      license: 'CC-BY-4.0',
      creators: [{ name: 'A' }],
      observables: [`${OBS}magnetization`],
    },
  });
  t.equal(ok.statusCode, 201, ok.body);
  const patched = await a.app.inject({
    method: 'PATCH',
    url: `/datasets/${ok.json().id}`,
    headers: a.as.curator,
    payload: { observables: ['https://example.org/x'] },
  });
  t.equal(patched.statusCode, 422);
  t.match(patched.json(), { errors: [{ pointer: '/observables/0' }] });
});

t.test('GraphQL: ontology terms, gate status and measurements of a dataset', async (t) => {
  const a = await makeApp(t);
  const id = await isingDataset(a);
  await measure(a, id, { observable: `${OBS}scaling-collapse-r2`, value: 0.95 });
  const res = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: {
      query: `{
        gates(tier: 3) { iri comparison threshold observable { symbol } }
        observables(tier: 3) { slug }
        observable(iri: "scaling-collapse-r2") { gates { slug } }
        dataset(id: "${id}") {
          observableTerms { symbol unit }
          gateStatus { status failing { slug } gates { state value gate { slug } } }
          measurements { values results { passed verdict margin gate { threshold } } activity { kind } }
        }
      }`,
    },
  });
  t.equal(res.statusCode, 200, res.body);
  const d = res.json().data;
  t.notOk(res.json().errors, JSON.stringify(res.json().errors));
  t.same(d.gates, [{ iri: R2, comparison: 'GreaterOrEqual', threshold: 0.98, observable: { symbol: 'R^2' } }]);
  t.ok(d.observables.some((o: { slug: string }) => o.slug === 'magnetic-susceptibility'));
  t.same(d.observable.gates, [{ slug: 'scaling-collapse-r2' }]);
  t.same(
    d.dataset.observableTerms.map((o: { symbol: string }) => o.symbol),
    ['R^2', 'χ'],
  );
  t.same(d.dataset.gateStatus, {
    status: 'failed',
    failing: [{ slug: 'scaling-collapse-r2' }],
    gates: [{ state: 'failed', value: 0.95, gate: { slug: 'scaling-collapse-r2' } }],
  });
  t.match(d.dataset.measurements, [
    { values: [0.95], results: [{ passed: false, verdict: 'failed', gate: { threshold: 0.98 } }], activity: { kind: 'validation' } },
  ]);
});

t.test('the bundled Ising dataset can be judged (catalog observables resolve in the ontology)', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const ds = (await a.app.inject({ url: '/datasets/ising-xy-spin-configurations' })).json();
  t.ok(ds.observables.includes(`${OBS}scaling-collapse-r2`));
  t.equal(ds.gateStatus.status, 'not-evaluated');
  const payload = { observable: `${OBS}scaling-collapse-r2`, value: 0.993 };
  t.equal(
    (await measure(a, 'ising-xy-spin-configurations', payload)).statusCode,
    403,
    'the bundled catalog belongs to the catalog user: a curator measures it once an admin shares it',
  );
  const res = await a.app.inject({ method: 'POST', url: '/datasets/ising-xy-spin-configurations/measurements', headers: a.as.admin, payload });
  t.equal(res.statusCode, 201, res.body);
  t.equal((await a.app.inject({ url: '/datasets/ising-xy-spin-configurations' })).json().gateStatus.status, 'passed');
});
