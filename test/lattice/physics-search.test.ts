import t from 'tap';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { makeApp, minimalDataset, publishedDataset, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const ildg = shared('fixtures', 'real', 'ildg');
const admin = { id: 'cli', role: 'admin' } as const;

async function withEnsembles(t: Parameters<typeof makeApp>[0]): Promise<TestApp> {
  const a = await makeApp(t);
  const dir = t.testdir({});
  for (const p of ['qcdml1.4.7', 'qcdml2.0']) cpSync(join(ildg.path, p), join(dir, p), { recursive: true });
  await importCommand(a.app.femto.imports, admin, ['qcdml', dir], {}, { out: () => {} });
  return a;
}

const chains = async (a: TestApp, query: string, headers: Record<string, string> = {}) => {
  const res = await a.app.inject({ url: `/datasets?${query}`, headers });
  if (res.statusCode !== 200) throw new Error(res.body);
  return { chains: (res.json().items as { ensemble: { markovChainUri: string } }[]).map((i) => i.ensemble.markovChainUri).sort(), body: res.json() };
};

const HOTQCD = 'mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810';
// The files say mc://USQCD/…, mc://JLDG/…: a chain URI is stored with its host in lower case (RFC 3986 §6.2.2).
const MILC = 'mc://usqcd/MILC/asqtad/2_plus_1_flavor/1648f21b6572m0097m0484';
const QCDSF = 'mc://ldg/qcdsf/clover_nf2p1/b7p20kp12450kp12450-16x32';

t.test('ensembles by range and facet, as the QCDml files state them (REST)', requires(t, ildg), async (t) => {
  const a = await withEnsembles(t);
  t.same((await chains(a, 'beta=6.0..6.3')).chains, [HOTQCD], 'β 6.26 alone lies in 6.0..6.3');
  t.same((await chains(a, 'beta=6.26')).chains, [HOTQCD], 'one value');
  t.same((await chains(a, 'nf=2+1')).chains, [MILC, HOTQCD, QCDSF].sort(), "'+' in a query string is a space: 2+1 still means 2+1");
  t.same((await chains(a, 'nf=2%2B1&L=32..64')).chains, [HOTQCD], 'L = 40 of 40³×8');
  t.same((await chains(a, 'beta=7..&T=..32')).chains, [QCDSF], 'open ranges');
  t.same((await chains(a, 'quarkAction=hisqQuarkAction')).chains, [MILC, HOTQCD].sort());
  t.same((await chains(a, 'gaugeAction=iwasakiRGGluonAction&L=16')).chains, ['mc://jldg/JLQCD/Nf2Overlap/ensemble1', 'mc://jldg/Sample1.4.4']);
  const all = await chains(a, 'format=ILDG');
  t.equal(all.body.total, 9);
  t.same(
    Object.fromEntries((all.body.facets.nf as { value: string; count: number }[]).map((f) => [f.value, f.count])),
    { '2': 5, '2+1': 3, '2+2+2': 1 },
    'nf facet: five two-flavour chains, three 2+1, the MDWG sample with three two-flavour actions',
  );
  const bad = await a.app.inject({ url: '/datasets?beta=6..x' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors, [{ pointer: '/beta' }]);
});

t.test('the same filters over GraphQL', requires(t, ildg), async (t) => {
  const a = await withEnsembles(t);
  const res = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: {
      query:
        '{ datasets(filter: { beta: "6.0..6.3", nf: "2+1", L: "32..64" }) { totalCount edges { node { ensemble { markovChainUri beta L T nf quarks { action flavours mass } configurations { recorded } } } } facets { name values { value count } } } }',
    },
  });
  const data = res.json().data.datasets;
  t.equal(data.totalCount, 1, res.body);
  t.same(data.edges[0].node.ensemble, {
    markovChainUri: HOTQCD,
    beta: 6.26,
    L: 40,
    T: 8,
    nf: '2+1',
    quarks: [
      { action: 'hisqQuarkAction', flavours: 1, mass: 0.081 },
      { action: 'hisqQuarkAction', flavours: 2, mass: 0.002025 },
    ],
    configurations: { recorded: 1 },
  });
  t.same(data.facets.find((f: { name: string }) => f.name === 'nf').values, [{ value: '2+1', count: 1 }]);
});

t.test('collisions by system and √s_NN; a private record is in no answer and no count for those who may not see it', async (t) => {
  const a = await makeApp(t);
  const auau = await publishedDataset(a, {
    title: 'Au+Au at 200 GeV',
    collision: { systems: ['Au+Au'], sqrtSNN: { value: 200, unit: 'GeV' }, events: 5_000_000, simulated: false, subsystems: ['TPC'] },
  });
  await publishedDataset(a, { title: 'p+p at 13.6 TeV', collision: { systems: ['p+p'], sqrtSNN: { value: 13.6, unit: 'TeV' }, simulated: true } });
  await publishedDataset(a, { title: 'hidden Au+Au', visibility: 'private', collision: { systems: ['Au+Au', 'p+p'], sqrtSNN: { value: 200, unit: 'GeV' } } });
  const titles = async (q: string, headers: Record<string, string> = {}) =>
    ((await a.app.inject({ url: `/datasets?${q}`, headers })).json().items as { title: string }[]).map((i) => i.title).sort();
  t.same(await titles('system=Au+Au&sqrtsNN=200'), ['Au+Au at 200 GeV']);
  t.same(await titles('sqrtsNN=1000..'), ['p+p at 13.6 TeV'], '13.6 TeV is 13600 GeV');
  t.same(await titles('system=Au+Au', a.as.curator), ['Au+Au at 200 GeV', 'hidden Au+Au'], 'its holder finds it');
  const facets = (await a.app.inject({ url: '/datasets' })).json().facets.system;
  t.same(
    facets,
    [
      { value: 'Au+Au', count: 1 },
      { value: 'p+p', count: 1 },
    ],
    'anonymous facet counts leave the private record out',
  );
  t.match((await a.app.inject({ url: `/datasets/${auau}` })).json().collision, {
    systems: ['Au+Au'],
    sqrtSNN: { value: 200, unit: 'GeV' },
    sqrtSNNGeV: 200,
    events: 5000000,
    simulated: false,
    subsystems: ['TPC'],
  });
  const refused = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ collision: { systems: ['gold on gold'] } }),
  });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().errors, [{ pointer: '/collision/systems/0' }]);
});

t.test('a Markov chain URI belongs to one record', requires(t, ildg), async (t) => {
  const a = await withEnsembles(t);
  const taken = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ ensemble: { markovChainUri: HOTQCD, size: { x: 4, y: 4, z: 4, t: 8 } } }),
  });
  t.equal(taken.statusCode, 409, taken.body);
  t.match(taken.json(), { code: 'ID_TAKEN', errors: [{ pointer: '/ensemble/markovChainUri' }] });
});
