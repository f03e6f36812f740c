import t from 'tap';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, validate } from 'graphql';
import { GraphQLClient, gql } from 'graphql-request';
import { makeApp } from '../helpers/app.js';
import { loadSchema } from '../../src/plugins/graphql.js';

/**
 * graphql-request against a listening femto. Each answer is checked with graphql-js, the reference implementation,
 * against femto's published SDL: the document validates, and executing it over the answer itself (default
 * resolvers read the fields back) reproduces the answer exactly, which holds only when every value has its
 * declared type, nullability and list shape.
 */
t.test('graphql-request: search, a dataset with its DOI and gate status, and lineage, every answer true to the SDL', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  const client = new GraphQLClient(`http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}/graphql`);
  const schema = buildSchema(loadSchema());

  const queries = {
    search: gql`
      query Search($q: String) {
        datasets(query: $q, first: 3) { totalCount edges { cursor node { id title version accessLevel tier } } pageInfo { hasNextPage endCursor } }
      }
    `,
    dataset: gql`
      {
        dataset(id: "fm4npp") { id title resourceType license creators { name } doi { doi state } gateStatus { status } }
      }
    `,
    lineage: gql`
      {
        lineage(id: "fm4npp", direction: UPSTREAM, depth: 5) { nodes { id kind depth } edges { from to relation } truncated }
      }
    `,
  };
  const answers: Record<string, Record<string, unknown>> = {
    search: await client.request(queries.search, { q: 'lattice' }),
    dataset: await client.request(queries.dataset),
    lineage: await client.request(queries.lineage),
  };
  for (const [name, query] of Object.entries(queries)) {
    const document = parse(query);
    t.same(
      validate(schema, document).map((e) => e.message),
      [],
      `${name}: the document validates against the SDL`,
    );
    const replay = await execute({ schema, document, rootValue: answers[name], variableValues: { q: 'lattice' } });
    t.same(replay.errors ?? [], [], `${name}: every value has its declared type`);
    t.same(replay.data, answers[name], `${name}: the answer is exactly what the SDL allows`);
  }
  const search = answers.search as { datasets: { totalCount: number; edges: { node: { title: string } }[] } };
  t.ok(search.datasets.totalCount > 0 && search.datasets.edges.length > 0, 'search finds lattice datasets');
  const lineage = answers.lineage as { lineage: { nodes: { id: string }[] } };
  t.ok(
    lineage.lineage.nodes.some((n) => n.id === 'tpcpp-10m@1'),
    'FM4NPP was trained on TPCpp-10M',
  );
  const rest = (await a.app.inject({ url: '/datasets/fm4npp' })).json();
  t.equal((answers.dataset as { dataset: { title: string } }).dataset.title, rest.title, 'GraphQL and REST tell the same record');
});
