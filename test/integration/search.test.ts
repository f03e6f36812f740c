import t from 'tap';
import { makeApp, publishedDataset } from '../helpers/app.js';

const OBS = 'https://w3id.org/femto/observable/';

t.test('full-text search, filters, facets and cursor paging', async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, { id: 'ising', title: 'Ising Monte Carlo', tier: 3, keywords: ['criticality'], formats: ['HDF5'], domain: 'Stat. Field Theory & RG', observables: [OBS + 'magnetic-susceptibility'] });
  await publishedDataset(a, { id: 'xy', title: 'XY model vortices', tier: 7, keywords: ['BKT', 'criticality'], formats: ['HDF5', 'CSV'], observables: [OBS + 'magnetic-susceptibility'] });
  await publishedDataset(a, { id: 'lqcd', title: 'Lattice QCD gauge configurations', description: 'HISQ ensembles in ILDG format.', tier: 8, dataType: 'Raw-Simulation', formats: ['ILDG'] });
  await publishedDataset(a, { id: 'gw', title: 'Gravitational wave strain', tier: 5, dataType: 'Raw-Observational', accessLevel: 'embargoed', embargoUntil: '2999-01-01' });

  const text = (await a.app.inject('/datasets?q=criticality')).json();
  t.same(text.items.map((i: { id: string }) => i.id).sort(), ['ising', 'xy'], 'keywords are searched');
  t.same((await a.app.inject('/datasets?q=ildg')).json().items.map((i: { id: string }) => i.id), ['lqcd'], 'descriptions are searched, case-insensitively');
  t.same((await a.app.inject('/datasets?q=vort')).json().items.map((i: { id: string }) => i.id), ['xy'], 'the last word is a prefix');
  t.equal((await a.app.inject('/datasets?q=%22%29%28*')).statusCode, 200, 'FTS syntax in user input is harmless');

  const filtered = (await a.app.inject(`/datasets?format=HDF5&observable=${encodeURIComponent(OBS + 'magnetic-susceptibility')}&tier=7`)).json();
  t.same(filtered.items.map((i: { id: string }) => i.id), ['xy']);
  t.same((await a.app.inject('/datasets?dataType=Raw-Observational&accessLevel=embargoed')).json().items.map((i: { id: string }) => i.id), ['gw']);

  const all = (await a.app.inject('/datasets')).json();
  t.equal(all.total, 4);
  t.same(all.facets.format, [{ value: 'HDF5', count: 2 }, { value: 'CSV', count: 1 }, { value: 'ILDG', count: 1 }]);
  t.same(all.facets.observable, [{ value: OBS + 'magnetic-susceptibility', count: 2 }]);
  t.same(all.facets.tier.map((f: { value: string }) => f.value).sort(), ['3', '5', '7', '8']);
  t.same(all.facets.dataType, [{ value: 'Raw-Simulation', count: 3 }, { value: 'Raw-Observational', count: 1 }]);
  t.same((await a.app.inject('/datasets?q=criticality')).json().facets.tier.map((f: { value: string }) => f.value).sort(), ['3', '7'], 'facets count the filtered set');

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null; total: number } = (await a.app.inject(`/datasets?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  t.same(seen.sort(), ['gw', 'ising', 'lqcd', 'xy'], 'paging visits every record once');

  const bad = await a.app.inject('/datasets?cursor=garbage');
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].pointer, 'querystring/cursor', 'named like every other query parameter');
  const badGql = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ datasets(after: "garbage") { totalCount } }' } });
  t.match(badGql.json().errors[0].extensions, { code: 'VALIDATION_FAILED', errors: [{ pointer: 'args/after' }] }, 'GraphQL names its own argument');
  const badTier = await a.app.inject('/datasets?tier=11');
  t.equal(badTier.statusCode, 400);
  t.match(badTier.json().errors[0].pointer, /querystring\/tier/);
});
