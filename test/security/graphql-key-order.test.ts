import t from 'tap';
import { makeApp } from '../helpers/app.js';

/**
 * mercurius answers a document's first run (graphql-js) and its later ones (cached, compiled by graphql-jit) through
 * different paths: were the keys of the answer ordered differently, its raw bytes would tell a caller whether someone
 * sent the same query text recently.
 */
t.test('an answer is serialised the same whether its query text was asked before or not (no cache side channel)', async (t) => {
  const a = await makeApp(t);
  // A text no one sent before, executed with a field error: both data and errors in the answer.
  const query = `{ datasets(after: "not-a-cursor-${process.hrtime.bigint()}") { totalCount } __typename }`;
  const ask = async () => (await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } })).body;
  const first = await ask();
  const later = [await ask(), await ask()];
  const keys = (body: string) => Object.keys(JSON.parse(body) as object);
  // The order the GraphQL spec suggests (Response Format): errors first when present.
  t.same(keys(first), ['errors', 'data'], first);
  for (const body of later) t.equal(body, first, 'a later run answers byte for byte what the first did');

  const batch = `[{"query": ${JSON.stringify(query.replace('not-a-cursor', 'batched'))}}, {"query": "{ __typename }"}]`;
  const askBatch = async () => (await a.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: batch })).body;
  const firstBatch = await askBatch();
  t.equal(await askBatch(), firstBatch, 'nor in a batch');
  t.same(
    (JSON.parse(firstBatch) as object[]).map((r) => Object.keys(r)),
    [['errors', 'data'], ['data']],
  );
});
