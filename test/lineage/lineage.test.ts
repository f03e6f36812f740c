import t from 'tap';
import { makeApp } from '../helpers/app.js';
import { gql, graphBuilder, LINEAGE_FIELDS } from './graph.js';

const lineage = (args: string) => `{ lineage(${args}) { ${LINEAGE_FIELDS} } }`;
const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id).sort();

t.test('a dataset with no inputs is its own whole lineage', async (t) => {
  const a = await makeApp(t);
  graphBuilder(a.app).dataset('raw');
  const { body } = await gql(a.app, lineage('id: "raw"'));
  t.same(body.data.lineage, {
    root: { id: 'raw@1' },
    nodes: [{ id: 'raw@1', kind: 'DATASET', depth: 0, version: 1, restricted: false, hidden: false }],
    edges: [],
    truncated: false,
    truncatedReason: null,
  });
});

t.test('a disjoint graph stays out of the walk', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  for (const id of ['a0', 'a1', 'b0', 'b1']) g.dataset(id);
  g.step('sa', ['a0'], ['a1']);
  g.step('sb', ['b0'], ['b1']);
  const { body } = await gql(a.app, lineage('id: "a1", direction: BOTH'));
  t.same(ids(body.data.lineage.nodes), ['a0@1', 'a1@1', 'sa']);
});

t.test('a diamond reaches its common ancestor once, at the shortest depth, with every edge', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  for (const id of ['r', 'b', 'c', 'd']) g.dataset(id);
  g.step('to-b', ['r'], ['b']);
  g.step('to-c', ['r'], ['c']);
  g.step('to-d', ['b', 'c'], ['d']);
  const l = (await gql(a.app, lineage('id: "d"'))).body.data.lineage;
  t.same(ids(l.nodes), ['b@1', 'c@1', 'd@1', 'r@1', 'to-b', 'to-c', 'to-d']);
  t.equal(l.nodes.find((n: { id: string }) => n.id === 'r@1').depth, 2);
  t.equal(l.edges.length, 7);
  t.ok(l.edges.some((e: object) => JSON.stringify(e) === JSON.stringify({ from: 'to-b', to: 'r@1', relation: 'USED' })));
  t.ok(l.edges.some((e: object) => JSON.stringify(e) === JSON.stringify({ from: 'd@1', to: 'to-d', relation: 'WAS_GENERATED_BY' })));
  t.equal(l.truncated, false);
});

t.test('wide fan-in: every input of a step is one step away', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  const inputs = Array.from({ length: 300 }, (_, i) => g.dataset(`in-${i}`));
  g.dataset('merged');
  g.step('merge', inputs, ['merged']);
  const l = (await gql(a.app, lineage('id: "merged", depth: 1'))).body.data.lineage;
  t.equal(l.nodes.length, 302);
  t.ok(l.nodes.every((n: { id: string; depth: number }) => n.depth === (n.id === 'merged@1' ? 0 : 1)));
  t.equal(l.edges.length, 301);
  t.equal(l.truncated, false);
});

async function chain(t: Parameters<Parameters<typeof t.test>[1]>[0], steps: number, env: Record<string, string> = {}) {
  const a = await makeApp(t, env);
  const g = graphBuilder(a.app);
  for (let i = 0; i <= steps; i++) g.dataset(`c${i}`);
  for (let i = 1; i <= steps; i++) g.step(`s${i}`, [`c${i - 1}`], [`c${i}`]);
  return a;
}

t.test('a long chain past the depth bound is truncated, and says why', async (t) => {
  const a = await chain(t, 8);
  const l = (await gql(a.app, lineage(`id: "c8", depth: 5`))).body.data.lineage;
  t.equal(l.truncated, true);
  t.equal(l.truncatedReason, 'DEPTH');
  t.equal(Math.max(...l.nodes.map((n: { depth: number }) => n.depth)), 5);
  t.same(ids(l.nodes), ['c3@1', 'c4@1', 'c5@1', 'c6@1', 'c7@1', 'c8@1', 's4', 's5', 's6', 's7', 's8']);
});

t.test('a chain exactly as long as the bound is complete: not truncated', async (t) => {
  const a = await chain(t, 5);
  const l = (await gql(a.app, lineage(`id: "c5", depth: 5`))).body.data.lineage;
  t.equal(l.truncated, false);
  t.equal(l.truncatedReason, null);
  t.equal(l.nodes.length, 11);
  const deeper = (await gql(a.app, lineage(`id: "c5", depth: 4`))).body.data.lineage;
  t.equal(deeper.truncated, true);
});

t.test('the node budget truncates honestly', async (t) => {
  const a = await chain(t, 30, { FEMTO_LINEAGE_NODE_BUDGET: '10' });
  const l = (await gql(a.app, lineage(`id: "c30", depth: null`))).body.data.lineage;
  t.equal(l.nodes.length, 10);
  t.equal(l.truncated, true);
  t.equal(l.truncatedReason, 'NODE_BUDGET');
  const present = new Set(l.nodes.map((n: { id: string }) => n.id));
  t.ok(l.edges.every((e: { from: string; to: string }) => present.has(e.from) && present.has(e.to)), 'no edge to a node left out');
});

t.test('depth: null walks as deep as FEMTO_LINEAGE_MAX_DEPTH allows; more is refused with a code', async (t) => {
  const a = await chain(t, 6, { FEMTO_LINEAGE_MAX_DEPTH: '4' });
  const l = (await gql(a.app, lineage(`id: "c6", depth: null`))).body.data.lineage;
  t.equal(Math.max(...l.nodes.map((n: { depth: number }) => n.depth)), 4);
  t.equal(l.truncatedReason, 'DEPTH');
  const refused = await gql(a.app, lineage(`id: "c6", depth: 5`));
  t.equal(refused.body.errors![0].extensions!.code, 'VALIDATION_FAILED');
});

t.test('depth over REST: at FEMTO_LINEAGE_MAX_DEPTH it is served, past it or below 0 refused naming the parameter', async (t) => {
  const a = await chain(t, 6, { FEMTO_LINEAGE_MAX_DEPTH: '4' });
  const atBound = await a.app.inject('/datasets/c6/lineage?depth=4');
  t.equal(atBound.statusCode, 200);
  t.match(atBound.json(), { depth: 4, truncated: true, truncatedReason: 'DEPTH' });
  t.equal(atBound.json().nodes.length, 9);
  for (const depth of ['5', '-1']) {
    const refused = await a.app.inject(`/datasets/c6/lineage?depth=${depth}`);
    t.equal(refused.statusCode, 400, `depth=${depth}`);
    t.match(refused.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: 'querystring/depth' }] }, `depth=${depth}: the same pointer whichever check refused it`);
  }
  t.match((await a.app.inject('/datasets/c6/lineage?depth=5')).json().errors[0].message, /from 0 to 4/, 'the message states the bound');
  const zero = (await a.app.inject('/datasets/c6/lineage?depth=0')).json();
  t.same(zero.nodes.map((n: { id: string }) => n.id), ['c6@1']);
  t.equal(zero.truncated, true);
});

t.test('version-exact: each version has its own lineage; version: roots the walk at an older one', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  g.dataset('p');
  g.dataset('q');
  g.dataset('x');
  g.step('make-x1', ['p'], [{ dataset: 'x', version: 1 }]);
  t.equal(g.newVersion('x'), 2);
  g.step('make-x2', ['q'], [{ dataset: 'x', version: 2 }]);
  g.dataset('y');
  g.step('use-x1', [{ dataset: 'x', version: 1 }], ['y']);

  const latest = (await gql(a.app, lineage('id: "x"'))).body.data.lineage;
  t.same(ids(latest.nodes), ['make-x2', 'q@1', 'x@2']);
  const asOfV1 = (await gql(a.app, lineage('id: "x", version: 1'))).body.data.lineage;
  t.same(ids(asOfV1.nodes), ['make-x1', 'p@1', 'x@1']);
  const byNodeId = (await gql(a.app, lineage('id: "x@1"'))).body.data.lineage;
  t.same(byNodeId.nodes, asOfV1.nodes);
  // y used x v1, so its lineage goes through x@1 to p, never to q.
  const y = (await gql(a.app, lineage('id: "y"'))).body.data.lineage;
  t.same(ids(y.nodes), ['make-x1', 'p@1', 'use-x1', 'x@1', 'y@1']);
  const views = await gql(a.app, `{ lineage(id: "y") { nodes { id dataset { id version } } } }`);
  t.same(views.body.data.lineage.nodes.find((n: { id: string }) => n.id === 'x@1').dataset, { id: 'x', version: 1 });
});

t.test('BOTH walks up and down from the root', async (t) => {
  const a = await chain(t, 4);
  const l = (await gql(a.app, lineage('id: "c2", direction: BOTH, depth: 1'))).body.data.lineage;
  t.same(ids(l.nodes), ['c1@1', 'c2@1', 'c3@1', 's2', 's3']);
  t.equal(l.truncated, true);
  t.same(
    l.edges.map((e: object) => JSON.stringify(e)).sort(),
    [
      { from: 'c2@1', to: 's2', relation: 'WAS_GENERATED_BY' },
      { from: 's2', to: 'c1@1', relation: 'USED' },
      { from: 's3', to: 'c2@1', relation: 'USED' },
      { from: 'c3@1', to: 's3', relation: 'WAS_GENERATED_BY' },
    ].map((e) => JSON.stringify(e)).sort(),
  );
});

t.test('an activity can be the root', async (t) => {
  const a = await chain(t, 3);
  const l = (await gql(a.app, lineage('id: "s2", direction: BOTH'))).body.data.lineage;
  t.same(ids(l.nodes), ['c0@1', 'c1@1', 'c2@1', 'c3@1', 's1', 's2', 's3']);
  t.equal(l.root.id, 's2');
});

t.test('private datasets are opaque placeholders for anonymous callers, full nodes for their holders', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  g.dataset('open-raw', { tier: 1 });
  g.dataset('secret-mid', { title: 'Secret calibration', visibility: 'private', accessLevel: 'restricted', tier: 5 });
  g.dataset('open-result', { tier: 1 });
  g.step('calibrate', ['open-raw'], ['secret-mid']);
  g.step('analyse', ['secret-mid'], ['open-result']);
  const q = (filter = '') => `{ lineage(id: "open-result"${filter}) { ${LINEAGE_FIELDS} nodes { id dataset { title } } } }`;

  // The tier filter would drop the tier-5 record for a reader; it must not act on what anonymous callers cannot see.
  const anon = await gql(a.app, q(', filter: { tier: [1] }'));
  t.notMatch(anon.raw, /secret|Secret/, 'nothing about the private record leaks');
  const l = anon.body.data.lineage;
  const placeholder = l.nodes.find((n: { id: string }) => n.id.startsWith('hidden:'));
  t.same(placeholder, { id: placeholder.id, kind: 'DATASET', depth: 1, version: null, restricted: true, hidden: true, dataset: null });
  t.same(ids(l.nodes).filter((id: string) => !id.startsWith('hidden:')), ['analyse', 'calibrate', 'open-raw@1', 'open-result@1'], 'the graph stays connected through it');
  t.ok(l.edges.some((e: { from: string; to: string }) => e.from === 'analyse' && e.to === placeholder.id));

  const reader = (await gql(a.app, q(), a.as.reader)).body.data.lineage;
  const full = reader.nodes.find((n: { id: string }) => n.id === 'secret-mid@1');
  t.same(full.dataset, { title: 'Secret calibration' });
  t.notOk(reader.nodes.some((n: { id: string }) => n.id.startsWith('hidden:')));

  const root = await gql(a.app, lineage('id: "secret-mid"'));
  t.equal(root.body.errors![0].extensions!.code, 'NOT_FOUND', 'a private root does not exist for anonymous callers');
  const unknown = await gql(a.app, lineage('id: "secret-xxx"'));
  t.same(root.body.errors![0].message.replace('secret-mid', 'X'), unknown.body.errors![0].message.replace('secret-xxx', 'X'), 'in the words an unknown id gets');
});

t.test('a step between private records collapses into their placeholder: nothing behind it shows', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  g.dataset('old-secret', { title: 'Older secret', visibility: 'private' });
  g.dataset('new-secret', { title: 'Newer secret', visibility: 'private' });
  g.dataset('public-out');
  g.step('secret-step', ['old-secret'], ['new-secret'], 'simulation');
  g.step('publish-step', ['new-secret'], ['public-out']);

  for (const direction of ['UPSTREAM', 'BOTH']) {
    const anon = await gql(a.app, `{ lineage(id: "public-out", direction: ${direction}, depth: 10) { ${LINEAGE_FIELDS} } }`);
    t.notMatch(anon.raw, /secret-step|simulation|old-secret/, `${direction}: nothing of the step nor what is behind it`);
    t.same(ids(anon.body.data.lineage.nodes), ['hidden:1', 'public-out@1', 'publish-step'], `${direction}: one placeholder, no count of what it hides`);
  }
  const kindFilter = await gql(a.app, lineage('id: "public-out", depth: 10, filter: { activityKind: ["analysis"] }'));
  t.same(ids(kindFilter.body.data.lineage.nodes), ['hidden:1', 'public-out@1', 'publish-step'], 'an activity-kind filter does not reach it either');
  t.equal((await a.app.inject('/activities/secret-step')).statusCode, 404, 'GET /activities/{id}: not found, as an unknown id');
  t.equal((await gql(a.app, lineage('id: "secret-step"'))).body.errors![0].extensions!.code, 'NOT_FOUND', 'not a lineage root either');
  const holder = await gql(a.app, lineage('id: "public-out", depth: 10'), a.as.reader);
  t.same(ids(holder.body.data.lineage.nodes), ['new-secret@1', 'old-secret@1', 'public-out@1', 'publish-step', 'secret-step'], 'its holders see it all');
});

t.test('filters: tier, data type and activity kind prune the walk', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  g.dataset('sim', { tier: 2, dataType: 'Raw-Simulation' });
  g.dataset('obs', { tier: 2, dataType: 'Raw-Observational' });
  g.dataset('feat', { tier: 4, dataType: 'AI-Curated' });
  g.dataset('model', { tier: 6, dataType: 'AI-Curated' });
  g.step('extract', ['sim', 'obs'], ['feat'], 'feature-extraction');
  g.step('train', ['feat'], ['model'], 'training');
  const run = async (filter: string) => ids((await gql(a.app, lineage(`id: "model", filter: ${filter}`))).body.data.lineage.nodes);
  t.same(await run('{ activityKind: ["training"] }'), ['feat@1', 'model@1', 'train']);
  t.same(await run('{ dataType: ["AI-Curated", "Raw-Simulation"] }'), ['extract', 'feat@1', 'model@1', 'sim@1', 'train']);
  t.same(await run('{ tier: [6] }'), ['model@1', 'train']);
});

t.test('a data-type filter keeps records that have no tier; a tier filter drops them', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  g.dataset('raw', { dataType: 'Raw-Simulation' });
  g.dataset('feat', { dataType: 'AI-Curated' });
  g.dataset('model', { tier: 6, dataType: 'AI-Curated' });
  g.step('extract', ['raw'], ['feat'], 'feature-extraction');
  g.step('train', ['feat'], ['model'], 'training');
  const run = async (filter: string) => ids((await gql(a.app, lineage(`id: "model", filter: ${filter}`))).body.data.lineage.nodes);
  t.same(await run('{ dataType: ["AI-Curated"] }'), ['extract', 'feat@1', 'model@1', 'train']);
  t.same(await run('{ tier: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }'), ['model@1', 'train'], 'no tier is in no tier');
});

t.test('path: the shortest derivation paths, either way round', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  for (const id of ['r', 'b', 'c', 'd', 'e', 'alone']) g.dataset(id);
  g.step('to-b', ['r'], ['b']);
  g.step('to-c', ['r'], ['c']);
  g.step('to-d', ['b', 'c'], ['d']);
  g.step('to-e', ['r'], ['e']);
  g.step('e-to-d', ['e'], ['d'].map(() => ({ dataset: 'd', version: g.newVersion('d') })));
  const q = (from: string, to: string) => `{ path(from: "${from}", to: "${to}") { length truncated truncatedReason paths { nodes { id } edges { from to relation } } } }`;
  const down = (await gql(a.app, q('r', 'd@1'))).body.data.path;
  t.equal(down.length, 2);
  t.same(down.paths.map((p: { nodes: { id: string }[] }) => p.nodes.map((n) => n.id).join(' ')).sort(), ['r@1 to-b b@1 to-d d@1', 'r@1 to-c c@1 to-d d@1']);
  t.same(down.paths[0].edges[0].relation, 'USED');
  const anyVersion = (await gql(a.app, q('r', 'd'))).body.data.path;
  t.same(anyVersion.paths.map((p: { nodes: { id: string }[] }) => p.nodes.map((n) => n.id).join(' ')).sort(), ['r@1 to-b b@1 to-d d@1', 'r@1 to-c c@1 to-d d@1', 'r@1 to-e e@1 e-to-d d@2']);
  const up = (await gql(a.app, q('d@1', 'r'))).body.data.path;
  t.same(up.paths.map((p: { nodes: { id: string }[] }) => p.nodes[0].id + '..' + p.nodes.at(-1)!.id), ['d@1..r@1', 'd@1..r@1']);
  const none = (await gql(a.app, q('r', 'alone'))).body.data.path;
  t.same(none, { length: null, truncated: false, truncatedReason: null, paths: [] });
});

t.test('path lists only the shortest paths: a longer route that meets one of them midway is not a path', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  for (const id of ['z', 'r', 'x', 'y', 't']) g.dataset(id);
  g.step('s0', ['z'], ['r']);
  g.step('s1', ['r'], ['x']);
  // s2 reads r (one step from z) and x (two steps): the detour through x reaches s2, and r upstream, a level late.
  g.step('s2', ['r', 'x'], ['y']);
  g.step('s3', ['y'], ['t']);
  const q = (from: string, to: string) => `{ path(from: "${from}", to: "${to}") { length truncated paths { nodes { id } } } }`;
  const paths = (p: { paths: { nodes: { id: string }[] }[] }) => p.paths.map((x) => x.nodes.map((n) => n.id).join(' '));
  const down = (await gql(a.app, q('z', 't'))).body.data.path;
  t.same(paths(down), ['z@1 s0 r@1 s2 y@1 s3 t@1'], 'downstream');
  t.equal(down.length, 3);
  const up = (await gql(a.app, q('t', 'z'))).body.data.path;
  t.same(paths(up), ['t@1 s3 y@1 s2 r@1 s0 z@1'], 'upstream');
  t.equal(up.length, 3);
  t.equal(up.truncated, false);
});

t.test('path to a dataset: the versions nearest the start only', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  for (const id of ['r', 'd', 'm']) g.dataset(id);
  g.step('near', ['r'], ['d']);
  g.step('to-m', ['r'], ['m']);
  g.step('far', ['m'], [{ dataset: 'd', version: g.newVersion('d') }]);
  const p = (await gql(a.app, `{ path(from: "r", to: "d") { length paths { nodes { id } } } }`)).body.data.path;
  t.same(p, { length: 1, paths: [{ nodes: [{ id: 'r@1' }, { id: 'near' }, { id: 'd@1' }] }] }, 'd@2, two steps away, is not listed');
  const toV2 = (await gql(a.app, `{ path(from: "r", to: "d@2") { length paths { nodes { id } } } }`)).body.data.path;
  t.same(toV2, { length: 2, paths: [{ nodes: [{ id: 'r@1' }, { id: 'to-m' }, { id: 'm@1' }, { id: 'far' }, { id: 'd@2' }] }] });
});

t.test('impact: every downstream version with its access level; placeholders for what the caller may not see', async (t) => {
  const a = await makeApp(t);
  const g = graphBuilder(a.app);
  g.dataset('src');
  g.dataset('mid', { accessLevel: 'embargoed', embargoUntil: '2999-01-01' });
  g.dataset('hidden', { visibility: 'private', accessLevel: 'restricted' });
  g.dataset('leaf');
  g.step('s1', ['src'], ['mid', 'hidden']);
  g.step('s2', ['mid', 'hidden'], ['leaf']);
  const q = `{ impact(id: "src") { id truncated datasets { id depth restricted dataset { id accessLevel } } } }`;
  const curator = (await gql(a.app, q, a.as.curator)).body.data.impact;
  t.same(
    curator.datasets.map((d: { id: string; dataset: { accessLevel: string } }) => `${d.id} ${d.dataset.accessLevel}`).sort(),
    ['hidden@1 restricted', 'leaf@1 open', 'mid@1 embargoed'],
  );
  const anon = (await gql(a.app, q)).body.data.impact;
  t.equal(anon.datasets.length, 3);
  t.same(anon.datasets.find((d: { restricted: boolean }) => d.restricted).dataset, null);
});

t.test('bad data holding a cycle still ends', async (t) => {
  const a = await chain(t, 3);
  // Cycles are refused at write; forge one underneath the service to prove the walk's visited set.
  a.app.femto.database.sqlite.prepare(`INSERT INTO activity_inputs (activity_id, version_pk) SELECT 's1', pk FROM dataset_versions WHERE dataset_id = 'c3'`).run();
  const l = (await gql(a.app, lineage('id: "c3", depth: null'))).body.data.lineage;
  t.same(ids(l.nodes), ['c0@1', 'c1@1', 'c2@1', 'c3@1', 's1', 's2', 's3']);
  t.equal(l.truncated, false);
});

t.test('REST twin returns the same structure as GraphQL', async (t) => {
  const a = await chain(t, 3);
  const rest = await a.app.inject({ url: '/datasets/c3/lineage?direction=UPSTREAM&depth=2' });
  t.equal(rest.statusCode, 200);
  const graph = (await gql(a.app, `{ lineage(id: "c3", depth: 2) { root { id kind depth version restricted hidden } direction depth nodes { id kind depth version restricted hidden } edges { from to relation } truncated truncatedReason } }`)).body.data.lineage;
  const body = rest.json();
  t.same(
    { ...body, root: { ...body.root }, nodes: body.nodes.map(({ dataset: _d, activity: _a, gateStatus: _g, ...n }: Record<string, unknown>) => n) },
    { ...graph, root: { ...graph.root, dataset: body.root.dataset, activity: null, gateStatus: 'not-evaluated' } },
  );
  t.same(new Set(body.nodes.map((n: { kind: string; gateStatus: string | null }) => `${n.kind} ${n.gateStatus}`)), new Set(['DATASET not-evaluated', 'ACTIVITY null']));
  t.equal((await a.app.inject({ url: '/datasets/c3/lineage?depth=-1' })).statusCode, 400);
  t.equal((await a.app.inject({ url: '/datasets/nope/lineage' })).statusCode, 404);
});

t.test('the bundled catalog: fm4npp back to tpcpp-10m', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const l = (await gql(a.app, `{ lineage(id: "fm4npp") { nodes { id dataset { title } activity { kind } } truncated } }`)).body.data.lineage;
  t.ok(l.nodes.some((n: { id: string }) => n.id === 'tpcpp-10m@1'));
  t.ok(l.nodes.some((n: { activity: { kind: string } | null }) => n.activity?.kind === 'training'));
  t.equal(l.truncated, false);
});
