import t from 'tap';
import { join } from 'node:path';
import { makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

/**
 * Full-text search means the same on SQLite (FTS5, unicode61 remove_diacritics 2, bm25) and PostgreSQL (the
 * tsvector of schema-pg/search.ts, ts_rank): one catalog written through REST into both, the same searches, the same
 * ids, totals, facet counts and pages. The expected ids are written out by hand from the catalog below.
 *
 * Order: bm25 and ts_rank are other formulas. Both rank a record with more occurrences of a word higher and a longer
 * record lower, and equal records by id; where records differ in only one of these (the `spin` records) the order is
 * asserted. Elsewhere (several words, where bm25 weighs rare words up and ts_rank near words; prefixes) the hits are
 * compared as sets, and paging is asserted to visit each hit once on each backend.
 */

const OBS = 'https://w3id.org/femto/observable/';
const ensemble = (i: number, beta: number, flavours: number[]) => ({
  markovChainUri: `mc://backends/${i}`,
  beta,
  size: { x: 16, y: 16, z: 16, t: 32 },
  gaugeAction: 'plaquetteGluonAction',
  quarks: flavours.map((f, q) => ({ action: 'hisqQuarkAction', flavours: f, mass: 0.01 * (q + 1) })),
});

const CATALOG: Record<string, unknown>[] = [
  {
    id: 'ising',
    title: 'Ising Monte Carlo',
    description: 'Critical exponents of the Ising model on a cubic lattice.',
    keywords: ['criticality'],
    tier: 3,
    formats: ['HDF5'],
    domain: 'Stat. Field Theory & RG',
    observables: [OBS + 'magnetic-susceptibility'],
  },
  {
    id: 'xy',
    title: 'XY model vortices',
    description: 'Vortex unbinding near the BKT transition.',
    keywords: ['BKT', 'criticality'],
    tier: 7,
    formats: ['HDF5', 'CSV'],
    observables: [OBS + 'magnetic-susceptibility'],
  },
  {
    id: 'lqcd',
    title: 'Lattice QCD gauge configurations',
    description: 'HISQ ensembles in ILDG format.',
    tier: 8,
    formats: ['ILDG'],
    ensemble: ensemble(1, 6.3, [2, 1]),
  },
  {
    id: 'hot',
    title: 'HotQCD f21_chiral ensembles at 5020 GeV',
    description: 'Finite temperature lattice runs.',
    tier: 8,
    ensemble: ensemble(2, 5.9, [2, 1, 1]),
  },
  { id: 'mix', title: 'A chiral f21 mix', description: 'Mixed action lattice study.', tier: 8, status: 'deprecated' },
  { id: 'resume', title: 'Résumé of ÉCOLE runs', description: 'Naïve café statistics.', tier: 2 },
  {
    id: 'gw',
    title: 'Gravitational wave strain',
    description: 'Detector strain at 16384 Hz.',
    tier: 5,
    dataType: 'Raw-Observational',
    accessLevel: 'embargoed',
    embargoUntil: '2999-01-01',
  },
  { id: 'auau', title: 'Gold collisions', description: 'Au+Au at RHIC.', tier: 6, collision: { systems: ['Au+Au'], sqrtSNN: { value: 200, unit: 'GeV' } } },
  {
    id: 'pp',
    title: 'Proton collisions at 13.6 TeV',
    description: 'p+p minimum bias.',
    tier: 6,
    collision: { systems: ['p+p'], sqrtSNN: { value: 13.6, unit: 'TeV' } },
  },
  {
    id: 'mail',
    title: 'Contact sheet',
    description: 'Write to lattice-qcd@example.org; data at https://example.org/data/v1.2.3 (release v1.2.3).',
    tier: 1,
  },
  // A phrase matches within one field: "alpha beta" runs from the title into the description here only.
  { id: 'across', title: 'Gamma alpha', description: 'Beta delta.', tier: 4 },
  { id: 'within', title: 'Alpha beta', description: 'Gamma delta.', tier: 4 },
  // Ranked alike by both: more occurrences first (a before b), a longer record last (d), equal records by id (b, c).
  { id: 'spin-a', title: 'Spin spin glass', description: 'Replica overlap data.', tier: 9 },
  { id: 'spin-b', title: 'Spin ice glass', description: 'Replica overlap data.', tier: 9 },
  { id: 'spin-c', title: 'Spin ice glass', description: 'Replica overlap data.', tier: 9 },
  { id: 'spin-d', title: 'Spin ice glass', description: 'Replica overlap data from long runs.', tier: 9 },
];

interface Page {
  items: { id: string }[];
  total: number;
  nextCursor: string | null;
  facets: Record<string, { value: string; count: number }[]>;
}

/** Each search, its hits by hand, and whether their order is asserted. */
const SEARCHES: { query: Record<string, string>; ids: string[]; ordered?: boolean; why: string }[] = [
  { query: { q: 'criticality' }, ids: ['ising', 'xy'], why: 'a plain word, in keywords' },
  { query: { q: 'ILDG' }, ids: ['lqcd'], why: 'a description word, in capitals' },
  { query: { q: 'vort' }, ids: ['xy'], why: 'the last word a prefix (vortices, vortex)' },
  { query: { q: 'vort model' }, ids: [], why: 'only the last word is a prefix' },
  { query: { q: 'lattice ens' }, ids: ['hot', 'lqcd'], why: 'words anywhere in the record, all required' },
  { query: { q: 'f21_chiral' }, ids: ['hot'], why: 'an identifier of underscores: a phrase, its parts in that order' },
  { query: { q: 'chiral_f21' }, ids: ['mix'], why: 'the other order' },
  { query: { q: 'f21' }, ids: ['hot', 'mix'], why: 'a part of an identifier is a word' },
  { query: { q: 'alpha_beta' }, ids: ['within'], why: 'a phrase does not run from one field into the next' },
  { query: { q: 'resume ecole' }, ids: ['resume'], why: 'accents and case folded in the record' },
  { query: { q: 'RÉSUMÉ naïve CAFÉ' }, ids: ['resume'], why: 'accents and case folded in the query' },
  { query: { q: '13' }, ids: ['pp'], why: 'a decimal number is two words (13.6)' },
  { query: { q: 'example org' }, ids: ['mail'], why: 'an e-mail address and a URL are words' },
  { query: { q: 'v1 2 3' }, ids: ['mail'], why: 'a version number is words' },
  { query: { q: 'lattice_qcd' }, ids: ['lqcd', 'mail'], why: 'a hyphenated word is its words, in order' },
  { query: { q: '5020 gev' }, ids: ['hot'], why: 'numbers are words' },
  { query: { q: 'spin' }, ids: ['spin-a', 'spin-b', 'spin-c', 'spin-d'], ordered: true, why: 'ranked: occurrences, then length, then id' },
  { query: { q: 'glass spin' }, ids: ['spin-a', 'spin-b', 'spin-c', 'spin-d'], why: 'two words ranked (as a set)' },
  { query: { q: 'lattice', tier: '8' }, ids: ['hot', 'lqcd', 'mix'], why: 'text and a tier' },
  { query: { q: 'lattice', status: 'deprecated' }, ids: ['mix'], why: 'text and a status' },
  { query: { q: 'lattice', nf: '2+1' }, ids: ['lqcd'], why: 'text and a flavour content' },
  { query: { q: 'collisions', system: 'Au+Au' }, ids: ['auau'], why: 'text and a colliding system' },
  { query: { q: 'lattice', beta: '6..' }, ids: ['lqcd'], why: 'text and a β range' },
  { query: { format: 'HDF5' }, ids: ['ising', 'xy'], ordered: true, why: 'a format, no text: by id' },
  { query: { dataType: 'Raw-Observational', accessLevel: 'embargoed' }, ids: ['gw'], why: 'data type and access level' },
  { query: { q: 'nowhere' }, ids: [], why: 'a word no record has' },
  { query: { q: '")( * NEAR(a b) title:lattice OR - ^' }, ids: [], why: 'FTS5 syntax is words or nothing: "near a b title lattice or" are all required' },
  { query: { q: 'lattice OR nowhere' }, ids: [], why: 'OR is a word' },
  { query: { q: '"_" * : ( ) -' }, ids: [], why: 'no word at all' },
  { query: { q: 'gauge -lattice' }, ids: ['lqcd'], why: 'a minus is no negation' },
  { query: { q: "QCD's" }, ids: ['mail'], why: 'an apostrophe separates: qcd, and s a prefix (sheet)' },
];

t.test('full-text search gives the same ids, totals, facets and pages on SQLite and PostgreSQL', requires(t, postgres()), async (t) => {
  // PostgreSQL first: makeApp makes the test's directory afresh, where the SQLite file goes next.
  const pg = await makeApp(t, { FEMTO_DB: await pgDatabase(t) });
  const lite = await makeApp(t, { FEMTO_DB: join(t.testdirName, 'femto.sqlite') });
  t.equal(pg.app.femto.database.dialect, 'postgres');
  t.equal(lite.app.femto.database.dialect, 'sqlite');
  for (const record of CATALOG) for (const a of [lite, pg]) await publishedDataset(a, record);

  const search = async (a: TestApp, query: Record<string, string>): Promise<Page> => {
    const res = await a.app.inject({ url: '/datasets', query: { limit: '100', ...query } });
    t.equal(res.statusCode, 200, `${a.app.femto.database.dialect} ${JSON.stringify(query)}: ${res.body.slice(0, 300)}`);
    return res.json() as Page;
  };
  for (const { query, ids, ordered, why } of SEARCHES) {
    const [l, p] = [await search(lite, query), await search(pg, query)];
    const found = (page: Page) => (ordered ? page.items.map((i) => i.id) : page.items.map((i) => i.id).sort());
    t.same(found(l), ids, `SQLite, ${why}: ${JSON.stringify(query)}`);
    t.same(found(p), ids, `PostgreSQL, ${why}: ${JSON.stringify(query)}`);
    t.same([l.total, p.total], [ids.length, ids.length], `totals, ${why}`);
    t.same(p.facets, l.facets, `facet counts alike, ${why}`);
  }

  const all = await search(pg, {});
  t.equal(all.total, CATALOG.length);
  t.same(all.facets, (await search(lite, {})).facets, 'facet counts of the whole catalog alike');
  t.same(
    all.facets.tier.find((f) => f.value === '8'),
    { value: '8', count: 3 },
    'one facet count by hand',
  );

  // Pages of two, cursor after cursor: every hit once, and (ranked or not) the same pages on both where the order is asserted.
  const walk = async (a: TestApp, query: Record<string, string>) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await a.app.inject({ url: '/datasets', query: { ...query, limit: '2', ...(cursor ? { cursor } : {}) } });
      const page = res.json() as Page;
      pages.push(page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 20);
    return pages;
  };
  for (const query of [{}, { q: 'spin' }, { q: 'lattice' }, { q: 'runs' }]) {
    const [l, p] = [await walk(lite, query), await walk(pg, query)];
    const expected = (await search(lite, query)).items.map((i) => i.id).sort();
    t.same(l.flat().sort(), expected, `SQLite pages ${JSON.stringify(query)} visit every hit once`);
    t.same(p.flat().sort(), expected, `PostgreSQL pages ${JSON.stringify(query)} visit every hit once`);
    if (!('q' in query) || query.q === 'spin') t.same(p, l, `the same pages ${JSON.stringify(query)}`);
  }
});
