import t from 'tap';
import { makeApp, minimalDataset, publishedDataset, type TestApp } from '../helpers/app.js';

const OBS = 'https://w3id.org/femto/observable/';
const STAT_FIELD_THEORY = { value: 'https://w3id.org/femto/domain/stat-field-theory-rg', label: 'Stat. Field Theory & RG' };

type Who = 'anonymous' | 'reader' | 'curator' | 'admin';

/** Every write route, with a request that succeeds for a curator. */
const writes: {
  name: string;
  minimum: 'curator' | 'admin';
  request: (a: TestApp, ids: { draft: string; published: string }) => Parameters<TestApp['app']['inject']>[0] & object;
}[] = [
  { name: 'POST /datasets', minimum: 'curator', request: () => ({ method: 'POST', url: '/datasets', payload: minimalDataset() }) },
  {
    name: 'PATCH /datasets/{id}',
    minimum: 'curator',
    request: (_a, ids) => ({ method: 'PATCH', url: `/datasets/${ids.draft}`, headers: { 'if-match': '*' }, payload: { title: 'changed' } }),
  },
  { name: 'POST /datasets/{id}/versions', minimum: 'curator', request: (_a, ids) => ({ method: 'POST', url: `/datasets/${ids.published}/versions` }) },
  { name: 'POST /datasets/{id}/publish', minimum: 'curator', request: (_a, ids) => ({ method: 'POST', url: `/datasets/${ids.draft}/publish` }) },
  {
    name: 'POST /activities',
    minimum: 'curator',
    request: (_a, ids) => ({ method: 'POST', url: '/activities', payload: { kind: 'analysis', inputs: [{ dataset: ids.published }] } }),
  },
  {
    name: 'POST /agents',
    minimum: 'curator',
    request: () => ({ method: 'POST', url: '/agents', payload: { type: 'Software', name: `tool-${Math.random()}` } }),
  },
  { name: 'POST /tokens', minimum: 'admin', request: () => ({ method: 'POST', url: '/tokens', payload: { role: 'reader' } }) },
];

const rank: Record<Who, number> = { anonymous: 0, reader: 1, curator: 2, admin: 3 };

for (const w of writes) {
  t.test(`auth matrix: ${w.name}`, async (t) => {
    for (const who of ['anonymous', 'reader', 'curator', 'admin'] as Who[]) {
      const a = await makeApp(t);
      const published = await publishedDataset(a);
      const draft = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() })).json().id;
      const req = w.request(a, { draft, published });
      const res = await a.app.inject({ ...req, headers: { ...(req.headers as Record<string, string>), ...a.as[who] } });
      const expected = who === 'anonymous' ? 401 : rank[who] >= rank[w.minimum] ? [200, 201] : 403;
      if (Array.isArray(expected)) t.ok(expected.includes(res.statusCode), `${who}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      else {
        t.equal(res.statusCode, expected, `${who} gets ${expected}`);
        t.equal(res.json().code, expected === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', `${who}: coded error`);
      }
    }
  });
}

t.test('an anonymous write is refused naming what needs a token; an unknown route stays a 404', async (t) => {
  const a = await makeApp(t);
  const res = await a.app.inject({ method: 'POST', url: '/datasets', payload: minimalDataset() });
  t.equal(res.statusCode, 401);
  t.match(res.json(), { code: 'UNAUTHENTICATED', detail: 'POST /datasets needs a token' });
  const unknown = await a.app.inject({ method: 'POST', url: '/no-such-route', payload: {} });
  t.equal(unknown.statusCode, 404, 'a route without a schema is not an error');
  t.equal(unknown.json().code, 'ROUTE_NOT_FOUND');
});

t.test('an anonymous GET or HEAD of a route that declares a token answers as a read: a draft is 404 like an unknown record, never 401', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a);
  t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${id}/versions`, headers: a.as.curator })).statusCode, 201, 'a draft is open');
  for (const method of ['GET', 'HEAD'] as const) {
    const draft = await a.app.inject({ method, url: `/datasets/${id}/draft` });
    const unknown = await a.app.inject({ method, url: '/datasets/no-such-record/draft' });
    t.equal(draft.statusCode, 404, `${method}: the draft does not exist for an anonymous caller`);
    t.equal(unknown.statusCode, 404, `${method}: nor does an unknown record's`);
    t.equal(draft.headers['content-type'], unknown.headers['content-type'], `${method}: the same kind of answer`);
    if (method === 'GET') t.equal(draft.json().code, unknown.json().code);
  }
  t.equal((await a.app.inject({ url: `/datasets/${id}/draft`, headers: a.as.curator })).statusCode, 200, 'its curator reads it');
});

t.test('bad credentials are refused, not ignored', async (t) => {
  const a = await makeApp(t);
  for (const authorization of ['Bearer nope', 'Token abc', 'Basic ' + Buffer.from('no-colon').toString('base64')]) {
    const res = await a.app.inject({ url: '/datasets', headers: { authorization } });
    t.equal(res.statusCode, 401, authorization);
    t.equal(res.json().code, 'INVALID_TOKEN');
    t.match(res.headers['www-authenticate'], /Bearer/);
  }
  const basic = 'Basic ' + Buffer.from(`femto.repo:${a.as.curator.authorization.slice(7)}`).toString('base64');
  const ok = await a.app.inject({ method: 'POST', url: '/datasets', headers: { authorization: basic }, payload: minimalDataset() });
  t.equal(ok.statusCode, 201, 'HTTP Basic with repository id : token works too');
});

t.test('a revoked token stops working', async (t) => {
  const a = await makeApp(t);
  const made = await a.app.femto.auth.createToken('curator');
  const headers = { authorization: `Bearer ${made.token}` };
  t.equal((await a.app.inject({ method: 'POST', url: '/datasets', headers, payload: minimalDataset() })).statusCode, 201);
  await a.app.femto.auth.revokeToken(made.id);
  t.equal((await a.app.inject({ method: 'POST', url: '/datasets', headers, payload: minimalDataset() })).statusCode, 401);
});

t.test('tokens are stored only as hashes', async (t) => {
  const a = await makeApp(t);
  const made = await a.app.femto.auth.createToken('reader');
  const rows = await a.app.femto.database.prepare('SELECT * FROM tokens').all();
  t.notOk(JSON.stringify(rows).includes(made.token), 'the secret is nowhere in the table');
  const res = await a.app.inject({ method: 'POST', url: '/tokens', headers: a.as.admin, payload: { role: 'curator', label: 'ci' } });
  t.equal(res.statusCode, 201);
  t.match(res.json().token, /^femto_/);
});

t.test('private records (what a record created as restricted only is) are invisible to anonymous callers on every route', async (t) => {
  const a = await makeApp(t);
  const secret = await publishedDataset(a, { id: 'secret', title: 'Hidden QCD run', accessLevel: 'restricted', keywords: ['hidden'] });
  t.equal(
    (await a.app.inject({ url: '/datasets/secret', headers: a.as.curator })).json().visibility,
    'private',
    'restricted, with no visibility said: private',
  );
  const open = await publishedDataset(a, { id: 'open-one', title: 'Open QCD run' });
  await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { id: 'mix', kind: 'analysis', inputs: [{ dataset: secret }], outputs: [{ dataset: open }] },
  });

  for (const url of ['/datasets/secret', '/datasets/secret/versions', '/datasets/secret/versions/1']) {
    t.equal((await a.app.inject(url)).statusCode, 404, `anonymous ${url}`);
    t.equal((await a.app.inject({ url, headers: a.as.reader })).statusCode, 200, `reader ${url}`);
  }
  const list = (await a.app.inject('/datasets?q=QCD')).json();
  t.same(
    list.items.map((i: { id: string }) => i.id),
    ['open-one'],
    'search hides it',
  );
  t.equal(list.total, 1, 'and does not count it');
  t.equal((await a.app.inject({ url: '/datasets?q=QCD', headers: a.as.reader })).json().total, 2);

  const activity = (await a.app.inject('/activities/mix')).json();
  t.same(
    activity.inputs,
    [{ dataset: null, version: null, title: null, hidden: true, restricted: true, role: null }],
    'a step shows only that a hidden input exists',
  );
  const gql = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ dataset(id: "secret") { title } }' } });
  t.same(gql.json().data.dataset, null, 'GraphQL hides it too');
});

t.test('a restricted record counts in no facet for anonymous callers, and in every facet for readers', async (t) => {
  const a = await makeApp(t);
  // The restricted record shares some facet values with the open one and has values of its own in every facet.
  await publishedDataset(a, {
    id: 'secret',
    title: 'Hidden QCD run',
    accessLevel: 'restricted',
    status: 'deprecated',
    tier: 9,
    domain: 'Stat. Field Theory & RG',
    dataType: 'Raw-Observational',
    formats: ['HDF5', 'ROOT'],
    observables: [OBS + 'magnetic-susceptibility'],
    ensemble: {
      markovChainUri: 'mc://secret',
      size: { x: 8, y: 8, z: 8, t: 16 },
      gaugeAction: 'plaquetteGluonAction',
      quarks: [
        { action: 'hisqQuarkAction', flavours: 2, mass: 0.01 },
        { action: 'wilsonQuarkAction', flavours: 1, mass: 0.1 },
      ],
    },
    collision: { systems: ['Au+Au', 'p+p'] },
  });
  await publishedDataset(a, {
    id: 'open-one',
    title: 'Open QCD run',
    tier: 3,
    domain: 'Stat. Field Theory & RG',
    formats: ['HDF5'],
    observables: [OBS + 'magnetic-susceptibility'],
    ensemble: {
      markovChainUri: 'mc://open',
      size: { x: 8, y: 8, z: 8, t: 16 },
      gaugeAction: 'plaquetteGluonAction',
      quarks: [{ action: 'hisqQuarkAction', flavours: 2 }],
    },
    collision: { systems: ['Au+Au'] },
  });

  const anonymous = {
    status: [{ value: 'available', count: 1 }],
    tier: [{ value: '3', count: 1 }],
    domain: [{ ...STAT_FIELD_THEORY, count: 1 }],
    dataType: [{ value: 'Raw-Simulation', count: 1 }],
    format: [{ value: 'HDF5', count: 1 }],
    observable: [{ value: OBS + 'magnetic-susceptibility', count: 1 }],
    nf: [{ value: '2', count: 1 }],
    gaugeAction: [{ value: 'plaquetteGluonAction', count: 1 }],
    quarkAction: [{ value: 'hisqQuarkAction', count: 1 }],
    system: [{ value: 'Au+Au', count: 1 }],
  };
  const reader = {
    status: [
      { value: 'available', count: 1 },
      { value: 'deprecated', count: 1 },
    ],
    tier: [
      { value: '3', count: 1 },
      { value: '9', count: 1 },
    ],
    domain: [{ ...STAT_FIELD_THEORY, count: 2 }],
    dataType: [
      { value: 'Raw-Observational', count: 1 },
      { value: 'Raw-Simulation', count: 1 },
    ],
    format: [
      { value: 'HDF5', count: 2 },
      { value: 'ROOT', count: 1 },
    ],
    observable: [{ value: OBS + 'magnetic-susceptibility', count: 2 }],
    nf: [
      { value: '2', count: 1 },
      { value: '2+1', count: 1 },
    ],
    gaugeAction: [{ value: 'plaquetteGluonAction', count: 2 }],
    quarkAction: [
      { value: 'hisqQuarkAction', count: 2 },
      { value: 'wilsonQuarkAction', count: 1 },
    ],
    system: [
      { value: 'Au+Au', count: 2 },
      { value: 'p+p', count: 1 },
    ],
  };
  // With and without text: the two filtered sets search runs on.
  for (const url of ['/datasets?q=QCD', '/datasets']) {
    const anon = (await a.app.inject(url)).json();
    t.same(anon.facets, anonymous, `anonymous ${url}: every facet counts the open record only`);
    t.equal(anon.total, 1);
    const member = (await a.app.inject({ url, headers: a.as.reader })).json();
    t.same(member.facets, reader, `reader ${url}: every facet counts both`);
    t.equal(member.total, 2);
  }
});
