import t from 'tap';
import { makeApp, publishedDataset } from '../helpers/app.js';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

t.test('GraphQL over HTTP: requests that fail before execution carry no data entry', async (t) => {
  const a = await makeApp(t);
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    a.app.inject({ method: 'POST', url: '/graphql', headers, payload: payload as object });

  for (const accept of ['application/json', GRAPHQL_RESPONSE]) {
    const syntax = await post({ query: '{ nope' }, { accept });
    t.equal(syntax.statusCode, 400, `${accept}: a syntax error is 400`);
    t.notOk('data' in syntax.json(), `${accept}: no data entry`);
    t.match(syntax.json().errors[0], { message: /Syntax Error/, locations: [{ line: 1 }] });
    t.match(syntax.headers['content-type'], accept);

    const invalid = await post({ query: '{ noSuchField }' }, { accept });
    t.equal(invalid.statusCode, 400, `${accept}: a validation error is 400`);
    t.notOk('data' in invalid.json());

    const variables = await post({ query: 'query ($n: Int!) { datasets(first: $n) { totalCount } }', variables: { n: 'many' } }, { accept });
    t.equal(variables.statusCode, 400, `${accept}: variables that do not coerce are a request error`);
    t.notOk('data' in variables.json());

    const badToken = await post({ query: '{ __typename }' }, { accept, authorization: 'Bearer not-a-token' });
    t.equal(badToken.statusCode, 401, `${accept}: a bad token is 401`);
    t.notOk('data' in badToken.json());
    t.equal(badToken.json().errors[0].extensions.code, 'INVALID_TOKEN');
  }

  const viaGet = await a.app.inject({
    method: 'GET',
    url: `/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
    headers: { accept: GRAPHQL_RESPONSE },
  });
  t.equal(viaGet.statusCode, 405, 'a mutation over GET is 405');
  t.notOk('data' in viaGet.json());
});

t.test('GraphQL over HTTP: an executed request is 200 with data, and Accept picks the media type', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a);
  const query = `{ lineage(id: "no-such-dataset") { truncated } dataset(id: "${id}") { id title } }`;

  const legacy = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  t.equal(legacy.statusCode, 200);
  t.match(legacy.headers['content-type'], /^application\/json/, 'application/json without an Accept header');
  const modern = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { accept: `${GRAPHQL_RESPONSE}, application/json;q=0.9` },
    payload: { query },
  });
  t.equal(modern.statusCode, 200);
  t.match(modern.headers['content-type'], /^application\/graphql-response\+json/);

  for (const body of [legacy.json(), modern.json()]) {
    t.equal(body.data.lineage, null, 'an unknown lineage root nulls its own field');
    t.equal(body.data.dataset.id, id, 'the rest of the answer stands');
    t.match(body.errors, [{ path: ['lineage'], extensions: { code: 'NOT_FOUND' } }]);
  }
});

t.test('GraphQL batches: bounded by FEMTO_GRAPHQL_MAX_BATCH, each operation checked', async (t) => {
  const a = await makeApp(t, { FEMTO_GRAPHQL_MAX_BATCH: '3' });
  const ok = await a.app.inject({ method: 'POST', url: '/graphql', payload: [{ query: '{ __typename }' }, { query: '{ a: __typename }' }] });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), [{ data: { __typename: 'Query' } }, { data: { a: 'Query' } }]);

  const tooMany = await a.app.inject({ method: 'POST', url: '/graphql', payload: Array.from({ length: 4 }, () => ({ query: '{ __typename }' })) });
  t.equal(tooMany.statusCode, 400);
  t.notOk('data' in tooMany.json());
  t.equal(tooMany.json().errors[0].extensions.code, 'BATCH_TOO_LARGE');

  const oneAbusive = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: [{ query: '{ __typename }' }, { query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }` }],
  });
  t.equal(oneAbusive.statusCode, 400, 'one document past a bound refuses the batch');
  t.equal(oneAbusive.json().errors[0].extensions.code, 'QUERY_TOO_MANY_ALIASES');
});

t.test('a resolver failure that no code explains says no more than a 500 would', async (t) => {
  const a = await makeApp(t);
  a.app.femto.search.search = () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secret internals')");
  };
  const res = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ datasets(first: 1) { totalCount } }' } });
  t.equal(res.statusCode, 200);
  t.match(res.json().errors[0], { message: /unexpected error/, extensions: { code: 'INTERNAL' } });
  t.notMatch(res.body, /secret internals/);
});
