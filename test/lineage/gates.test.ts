import t from 'tap';
import { makeApp, type TestApp } from '../helpers/app.js';
import { gql, graphBuilder } from './graph.js';

const R2 = 'https://w3id.org/femto/observable/scaling-collapse-r2';
const R2_GATE = 'https://w3id.org/femto/gate/scaling-collapse-r2';

const measure = async (a: TestApp, id: string, value: number) => {
  const res = await a.app.inject({ method: 'POST', url: `/datasets/${id}/measurements`, headers: a.as.curator, payload: { observable: R2, value } });
  if (res.statusCode !== 201) throw new Error(res.body);
};

/**
 * final <- s2 <- {mid, other}; mid <- s1 <- {bad, good, secret}. bad (two steps up) fails the
 * R^2 >= 0.98 gate, good passes it, secret (private) fails it; other carries no observable.
 */
async function graph(t: Parameters<Parameters<typeof t.test>[1]>[0]) {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  await g.dataset('bad', { observables: [R2] });
  await g.dataset('good', { observables: [R2] });
  await g.dataset('secret', { observables: [R2], visibility: 'private' });
  for (const id of ['mid', 'other', 'final']) await g.dataset(id);
  await g.step('s1', ['bad', 'good', 'secret'], ['mid']);
  await g.step('s2', ['mid', 'other'], ['final']);
  await measure(a, 'bad', 0.97);
  await measure(a, 'good', 0.99);
  await measure(a, 'secret', 0.5);
  return a;
}

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id).sort();

t.test('every dataset node carries its gate status; steps and placeholders carry none', async (t) => {
  const a = await graph(t);
  const { body } = await gql(a.app, `{ lineage(id: "final") { nodes { id gateStatus { status failing { iri } } } } }`);
  t.notOk(body.errors, JSON.stringify(body.errors));
  const status = Object.fromEntries(body.data.lineage.nodes.map((n: { id: string; gateStatus: unknown }) => [n.id, n.gateStatus]));
  t.same(status['bad@1'], { status: 'failed', failing: [{ iri: R2_GATE }] });
  t.same(status['good@1'], { status: 'passed', failing: [] });
  t.same(status['mid@1'], { status: 'not_evaluated', failing: [] });
  t.equal(status.s1, null);
  t.equal(status['hidden:1'], null, 'nothing about a record the caller may not see');
});

t.test('failedGate selects the upstream datasets that failed a gate, with the paths to them', async (t) => {
  const a = await graph(t);
  const q = `{ lineage(id: "final", filter: { failedGate: true }) { nodes { id depth gateStatus { status } } edges { from to relation } truncated } }`;
  const anon = (await gql(a.app, q)).body.data.lineage;
  t.same(ids(anon.nodes), ['bad@1', 'final@1', 'mid@1', 's1', 's2'], 'good, other and the private placeholder stay out');
  t.equal(anon.nodes.find((n: { id: string }) => n.id === 'bad@1').depth, 2, 'depths are those of the whole walk');
  t.same(anon.edges.map((e: { from: string; relation: string; to: string }) => `${e.from} ${e.relation} ${e.to}`).sort(), [
    'final@1 WAS_GENERATED_BY s2',
    'mid@1 WAS_GENERATED_BY s1',
    's1 USED bad@1',
    's2 USED mid@1',
  ]);
  t.equal(anon.truncated, false);

  // A reader holding the private record may see it, so its failure selects it too.
  const reader = (await gql(a.app, q, a.as.reader)).body.data.lineage;
  t.same(ids(reader.nodes), ['bad@1', 'final@1', 'mid@1', 's1', 's2', 'secret@1']);

  // Nothing failed downstream of good: only the root is left, and the walk was complete.
  const none = (await gql(a.app, `{ lineage(id: "good", direction: DOWNSTREAM, filter: { failedGate: true }) { nodes { id } edges { from } truncated } }`)).body
    .data.lineage;
  t.same(none, { nodes: [{ id: 'good@1' }], edges: [], truncated: false });
});

t.test('failedGate keeps truncated honest: a failing dataset beyond the bound is reported as possibly left out', async (t) => {
  const a = await graph(t);
  const l = (await gql(a.app, `{ lineage(id: "final", depth: 1, filter: { failedGate: true }) { nodes { id } truncated truncatedReason } }`)).body.data.lineage;
  t.same(l, { nodes: [{ id: 'final@1' }], truncated: true, truncatedReason: 'DEPTH' });
});

t.test('the REST twin: gateStatus per node and ?failedGate=true', async (t) => {
  const a = await graph(t);
  const all = await a.app.inject({ url: '/datasets/final/lineage' });
  t.equal(all.statusCode, 200, all.body);
  const status = Object.fromEntries(all.json().nodes.map((n: { id: string; gateStatus: string | null }) => [n.id, n.gateStatus]));
  t.match(status, { 'bad@1': 'failed', 'good@1': 'passed', 'mid@1': 'not-evaluated', s1: null, 'hidden:1': null });
  t.equal(all.json().root.gateStatus, 'not-evaluated');

  const failed = await a.app.inject({ url: '/datasets/final/lineage?failedGate=true' });
  t.equal(failed.statusCode, 200, failed.body);
  t.same(ids(failed.json().nodes), ['bad@1', 'final@1', 'mid@1', 's1', 's2']);
  t.same(ids((await a.app.inject({ url: '/datasets/final/lineage?failedGate=false' })).json().nodes), ids(all.json().nodes));
  t.equal((await a.app.inject({ url: '/datasets/final/lineage?failedGate=maybe' })).statusCode, 400);
});
