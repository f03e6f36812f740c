import t from 'tap';
import { makeApp, publishedDataset, step } from '../helpers/app.js';

t.test('a derivation step links exact versions, software and agents', async (t) => {
  const a = await makeApp(t);
  const raw = await publishedDataset(a, { id: 'raw' });
  const out = await publishedDataset(a, { id: 'out' });
  const res = await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: {
      id: 'reco-1',
      kind: 'reconstruction',
      name: 'Track reconstruction',
      software: { name: 'tracker', version: '2.1', repository: 'https://git.example/tracker', commit: 'abcdef1' },
      parameters: { field: 1.4 },
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: '2026-01-02T00:00:00Z',
      agents: [{ type: 'Person', name: 'Grace', orcid: '0000-0001-5109-3700', role: 'operator' }],
      inputs: [{ dataset: raw, version: 1, role: 'raw-signals' }],
      outputs: [{ dataset: out }],
    },
  });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), {
    id: 'reco-1',
    kind: 'reconstruction',
    software: { name: 'tracker', version: '2.1', commit: 'abcdef1' },
    parameters: { field: 1.4 },
    agents: [{ name: 'Grace', orcid: '0000-0001-5109-3700', role: 'operator' }],
    inputs: [{ dataset: 'raw', version: 1, role: 'raw-signals' }],
    outputs: [{ dataset: 'out', version: 1 }],
  });
  t.same((await a.app.inject('/activities/reco-1')).json(), res.json(), 'GET returns what POST made');
  t.equal((await a.app.inject('/activities/nope')).statusCode, 404);
});

t.test("a step's times are compared as instants, whatever offset each is written in", async (t) => {
  const a = await makeApp(t);
  const raw = await publishedDataset(a);
  const post = (id: string, startedAt: string, endedAt: string) =>
    a.app.inject({
      method: 'POST',
      url: '/activities',
      headers: a.as.curator,
      payload: { id, kind: 'analysis', inputs: [{ dataset: raw }], startedAt, endedAt },
    });
  // 08:00Z to 09:00Z: the end reads earlier as text, yet it is an hour after the start.
  const later = await post('across-offsets', '2026-01-01T10:00:00+02:00', '2026-01-01T09:00:00Z');
  t.equal(later.statusCode, 201, later.body);
  // 09:00Z to 08:30Z: the end reads later as text, yet it is half an hour before the start.
  const earlier = await post('ends-first', '2026-01-01T09:00:00Z', '2026-01-01T10:30:00+02:00');
  t.equal(earlier.statusCode, 400, earlier.body);
  t.match(earlier.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/endedAt' }] });
  t.equal((await a.app.inject('/activities/ends-first')).statusCode, 404, 'nothing stored');
});

t.test('unknown datasets and versions are refused with 422 and nothing is stored', async (t) => {
  const a = await makeApp(t);
  const raw = await publishedDataset(a);
  for (const [payload, pointer] of [
    [{ inputs: [{ dataset: 'ghost' }] }, '/inputs/0/dataset'],
    [{ inputs: [{ dataset: raw, version: 7 }] }, '/inputs/0/version'],
    [{ inputs: [{ dataset: raw }], outputs: [{ dataset: 'ghost' }] }, '/outputs/0/dataset'],
  ] as const) {
    const res = await a.app.inject({ method: 'POST', url: '/activities', headers: a.as.curator, payload: { id: 'x', kind: 'analysis', ...payload } });
    t.equal(res.statusCode, 422, JSON.stringify(payload));
    t.equal(res.json().code, 'UNKNOWN_REFERENCE');
    t.equal(res.json().errors[0].pointer, pointer);
  }
  t.equal((await a.app.inject('/activities/x')).statusCode, 404, 'no partial step was left behind');
  const draftOnly = (
    await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: { title: 'd', description: 'd', tier: 1, dataType: 'Theoretical', license: 'MIT', creators: [{ name: 'X' }] },
    })
  ).json().id;
  const unpublished = await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { kind: 'analysis', inputs: [{ dataset: draftOnly }] },
  });
  t.equal(unpublished.statusCode, 422);
  t.equal(unpublished.json().code, 'NOT_PUBLISHED');
});

t.test('steps that would close a derivation cycle are refused with 409', async (t) => {
  const a = await makeApp(t);
  const [x, y, z] = [await publishedDataset(a, { id: 'x' }), await publishedDataset(a, { id: 'y' }), await publishedDataset(a, { id: 'z' })];
  await step(a, { inputs: [{ dataset: x }], outputs: [{ dataset: y }] });
  await step(a, { inputs: [{ dataset: y }], outputs: [{ dataset: z }] });
  const closing = await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { kind: 'analysis', inputs: [{ dataset: z }], outputs: [{ dataset: x }] },
  });
  t.equal(closing.statusCode, 409);
  t.equal(closing.json().code, 'DERIVATION_CYCLE');
  const selfLoop = await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { kind: 'analysis', inputs: [{ dataset: x }], outputs: [{ dataset: x }] },
  });
  t.equal(selfLoop.statusCode, 409, 'a step cannot produce its own input');
  const twice = await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { kind: 'analysis', inputs: [{ dataset: x }], outputs: [{ dataset: z }] },
  });
  t.equal(twice.statusCode, 409, 'a version is generated by one step only');
  t.equal(twice.json().code, 'CONFLICT');
});

t.test('a new version is a new node: linking it to its old upstream is not a cycle', async (t) => {
  const a = await makeApp(t);
  const x = await publishedDataset(a, { id: 'x' });
  const y = await publishedDataset(a, { id: 'y' });
  await step(a, { inputs: [{ dataset: x }], outputs: [{ dataset: y }] });
  await a.app.inject({ method: 'POST', url: `/datasets/${x}/versions`, headers: a.as.curator });
  await a.app.inject({ method: 'POST', url: `/datasets/${x}/publish`, headers: a.as.curator });
  const res = await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { kind: 'curation', inputs: [{ dataset: y }], outputs: [{ dataset: x, version: 2 }] },
  });
  t.equal(res.statusCode, 201, 'x v2 derived from y (derived from x v1) is a DAG over versions');
});

t.test('agents: register, list with a cursor, refuse a duplicate ORCID', async (t) => {
  const a = await makeApp(t);
  const made = await a.app.inject({
    method: 'POST',
    url: '/agents',
    headers: a.as.curator,
    payload: { type: 'Organization', name: 'Brookhaven National Laboratory', ror: 'https://ror.org/02ex6cf31' },
  });
  t.equal(made.statusCode, 201, made.body);
  t.equal(made.json().ror, '02ex6cf31', 'ROR ids are stored bare');
  await a.app.inject({ method: 'POST', url: '/agents', headers: a.as.curator, payload: { type: 'Person', name: 'Ada', orcid: '0000-0002-1825-0097' } });
  const dup = await a.app.inject({
    method: 'POST',
    url: '/agents',
    headers: a.as.curator,
    payload: { type: 'Person', name: 'Ada L.', orcid: 'https://orcid.org/0000-0002-1825-0097' },
  });
  t.equal(dup.statusCode, 409);
  // Agents nothing names yet are for curators, who register them to name them.
  const curator = { headers: a.as.curator };
  const page1 = (await a.app.inject({ url: '/agents?limit=1', ...curator })).json();
  t.equal(page1.items.length, 1);
  const page2 = (await a.app.inject({ url: `/agents?limit=1&cursor=${page1.nextCursor}`, ...curator })).json();
  t.equal(page2.items.length, 1);
  t.not(page2.items[0].id, page1.items[0].id);
  t.equal(page2.nextCursor, null);
  t.equal((await a.app.inject({ url: '/agents?type=Person', ...curator })).json().items[0].name, 'Ada');
  t.equal((await a.app.inject({ url: `/agents/${made.json().id}`, ...curator })).json().name, 'Brookhaven National Laboratory');
  t.same((await a.app.inject('/agents')).json().items, [], 'anonymous callers see only agents something they may see names');
  t.equal((await a.app.inject(`/agents/${made.json().id}`)).statusCode, 404);
  await publishedDataset(a, { id: 'by-bnl', creators: [{ type: 'Organization', name: 'Brookhaven National Laboratory', ror: 'https://ror.org/02ex6cf31' }] });
  t.equal((await a.app.inject(`/agents/${made.json().id}`)).json().name, 'Brookhaven National Laboratory', 'named by a public record: public');
});
