import t from 'tap';
import { makeApp } from '../helpers/app.js';
import type { GraphScan } from '../../src/modules/lineage/lineage.repository.js';
import { ProvenanceSnapshot } from '../../src/modules/lineage/lineage.snapshot.js';
import { walk } from '../../src/modules/lineage/lineage.walk.js';
import { gql, graphBuilder } from './graph.js';

t.test('GraphQL documents past the depth or complexity limit are refused with a code', async (t) => {
  // The pre-parse bounds (bytes, tokens, aliases) are opened wide: this test is about the validation rule.
  const a = await makeApp(t, {
    FEMTO_GRAPHQL_MAX_DEPTH: '8',
    FEMTO_GRAPHQL_MAX_COMPLEXITY: '2000',
    FEMTO_GRAPHQL_MAX_BYTES: '100000',
    FEMTO_GRAPHQL_MAX_TOKENS: '20000',
    FEMTO_GRAPHQL_MAX_ALIASES: '5000',
  });

  const nested = (levels: number) => `{ dataset(id: "x") { ${'versions { dataset { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
  const deep = await gql(a.app, nested(5));
  t.equal(deep.body.errors![0].extensions!.code, 'QUERY_TOO_DEEP');
  t.match(deep.body.errors![0].message, /more than 8 levels deep/, 'nested selection sets are refused before parsing');

  const viaFragments = await gql(
    a.app,
    `query Sneaky { dataset(id: "x") { ...A } }
    fragment A on Dataset { versions { dataset { ...B } } }
    fragment B on Dataset { versions { dataset { ...C } } }
    fragment C on Dataset { versions { dataset { versions { dataset { id } } } } }`,
  );
  t.equal(viaFragments.body.errors![0].extensions!.code, 'QUERY_TOO_DEEP', 'fragments do not hide depth');
  t.match(viaFragments.body.errors![0].message, /'Sneaky' is 10 levels deep; the limit is 8/);

  const wide = await gql(a.app, `{ datasets(first: 500) { edges { node { id title creators { name } } } } }`);
  t.equal(wide.status, 400);
  t.notOk('data' in wide.body, 'nothing ran: a request refused before execution has no data entry');
  t.equal(wide.body.errors![0].extensions!.code, 'QUERY_TOO_COMPLEX');

  const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: dataset(id: "x") { id title }`).join(' ');
  t.equal((await gql(a.app, `{ ${aliases} }`)).body.errors![0].extensions!.code, 'QUERY_TOO_COMPLEX', 'aliases are counted');

  const variable = await gql(a.app, `query ($n: Int) { datasets(first: $n) { edges { node { id title creators { name } } } } }`, {}, { n: 5 });
  t.equal(variable.body.errors![0].extensions!.code, 'QUERY_TOO_COMPLEX', 'a variable page size is priced at its maximum');

  const fine = await gql(a.app, `{ datasets(first: 20) { totalCount edges { node { id title creators { name } } } } }`);
  t.equal(fine.status, 200);
  t.notOk(fine.body.errors);
});

t.test('service errors keep their code in extensions', async (t) => {
  const a = await makeApp(t);
  const res = await gql(a.app, `{ lineage(id: "nope") { truncated } }`);
  t.equal(res.body.errors![0].extensions!.code, 'NOT_FOUND');
  const bad = await gql(a.app, `{ datasets(filter: { dataType: "Nonsense" }) { totalCount } }`);
  t.equal(bad.body.errors![0].extensions!.code, 'VALIDATION_FAILED');
});

t.test('a lineage walk that outlives the request timeout is stopped with TIMEOUT', async (t) => {
  const a = await makeApp(t, { FEMTO_REQUEST_TIMEOUT_MS: '1000' });
  const g = graphBuilder(a.app);
  for (let i = 0; i <= 5; i++) await g.dataset(`c${i}`);
  for (let i = 1; i <= 5; i++) await g.step(`s${i}`, [`c${i - 1}`], [`c${i}`]);
  t.equal((await gql(a.app, `{ lineage(id: "c5") { truncated } }`)).body.data.lineage.truncated, false);
  // A clock that jumps 0.6 s per reading: the walk sees its deadline pass between two levels.
  const realNow = Date.now;
  let fake = realNow();
  Date.now = () => (fake += 600);
  let error: { code: string; message: string } | undefined;
  try {
    await a.app.femto.lineage.lineage({ id: 't', role: 'reader' }, { id: 'c5' });
  } catch (e) {
    error = e as { code: string; message: string };
  } finally {
    Date.now = realNow;
  }
  t.equal(error?.code, 'TIMEOUT');
  t.equal(error?.message, 'The lineage walk did not finish within 1000 ms', 'the message names the limit the walk ran into');
});

t.test('the walk stops only once its deadline has passed: with the clock at the deadline it goes on', async (t) => {
  // TIMEOUT says the walk "did not finish within" its limit; the deadline is the start plus the limit, so that is true only past it.
  const versions: GraphScan['versions'] = [1, 2, 3].map((pk) => [pk, `c${pk}`, 1, 'open', null, null, 'public']);
  const snap = new ProvenanceSnapshot({
    generation: 1,
    activities: [
      [1, 's1', 'analysis'],
      [2, 's2', 'analysis'],
    ],
    inputs: [
      [1, 's1', 1],
      [2, 's2', 2],
    ],
    outputs: [
      [1, 's1', 2],
      [2, 's2', 3],
    ],
    versions,
  });
  const deadline = 1_000_000;
  const walkAt = (clock: number) => {
    const realNow = Date.now;
    Date.now = () => clock;
    try {
      return walk(snap, 'up', { versions: [3] }, { maxDepth: 10, budget: 100, deadline, timeoutMs: 1000, kinds: null, passes: null, hiddenStep: () => false });
    } finally {
      Date.now = realNow;
    }
  };
  t.equal(walkAt(deadline).keys.length, 5, 'at the deadline: c3, s2, c2, s1, c1');
  t.throws(() => walkAt(deadline + 1), { code: 'TIMEOUT', message: 'The lineage walk did not finish within 1000 ms' }, 'a millisecond past it: stopped');
});
