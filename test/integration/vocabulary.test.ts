import t from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'n3';
import { makeApp } from '../helpers/app.js';
import { everyFormat } from '../helpers/formats.js';
import { readCatalog, loadCatalog } from '../../src/modules/datasets/catalog.loader.js';

const DOMAIN = 'https://w3id.org/femto/domain/';
const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
const rest = async (url: string) => (await a.app.inject(url)).json();
const gql = async (query: string) => (await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } })).json().data;
const oaiXml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['set', 'header', 'setSpec'].includes(name) });

t.test('one value per domain: facets, filters, OAI sets and JSON-LD use the ontology IRI', async (t) => {
  const turtle = (await a.app.inject({ url: '/ontology', headers: { accept: 'text/turtle' } })).body;
  const domainIris = new Parser()
    .parse(turtle)
    .filter((q) => q.predicate.value === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' && q.object.value === 'https://w3id.org/femto/ns#Domain')
    .map((q) => q.subject.value);
  t.equal(domainIris.length, 19, 'the ontology has 19 domains');

  const facets = (await rest('/datasets?limit=1')).facets.domain as { value: string; count: number; label: string }[];
  t.ok(
    facets.every((f) => domainIris.includes(f.value)),
    'every facet value is a domain IRI of the ontology',
  );
  t.equal(new Set(facets.map((f) => f.value)).size, facets.length, 'no domain twice');
  t.equal(new Set(facets.map((f) => f.label)).size, facets.length, 'no label twice');
  const gr = facets.find((f) => f.value === `${DOMAIN}gr-frw-lss`)!;
  t.equal(gr.label, 'GR, FRW, LSS');

  // The abbreviation of Table 1, the section heading of §6.1, the notation and the IRI name one domain.
  for (const name of ['GR, FRW, LSS', 'General Relativity, FRW Cosmology, and Large-Scale Structure (LSS)', 'gr-frw-lss', `${DOMAIN}gr-frw-lss`]) {
    t.equal((await rest(`/datasets?domain=${encodeURIComponent(name)}&limit=1`)).total, gr.count, `?domain=${name}`);
  }
  const viaGraphql = await gql(
    '{ datasets(filter: { domain: "General Relativity, FRW Cosmology, and Large-Scale Structure (LSS)" }, first: 1) { totalCount } }',
  );
  t.equal(viaGraphql.datasets.totalCount, gr.count, 'GraphQL filter by section heading');

  const planck = await everyFormat(a, 'planck-legacy-archive');
  t.equal(planck.json.domain, `${DOMAIN}gr-frw-lss`);
  t.equal(planck.graphql.domainLabel, 'GR, FRW, LSS');
  t.match(planck.schemaOrg.about, [{ '@id': `${DOMAIN}gr-frw-lss`, name: 'GR, FRW, LSS' }], 'schema.org about');
  t.ok(
    planck.dcat.theme.some((th: { '@id': string }) => th['@id'] === `${DOMAIN}gr-frw-lss`),
    'DCAT theme',
  );
  t.match(planck.dataciteJson.subjects, [{ subject: 'GR, FRW, LSS', valueUri: `${DOMAIN}gr-frw-lss` }], 'DataCite subject with the IRI');

  const sets = oaiXml.parse((await a.app.inject('/oai?verb=ListSets')).body)['OAI-PMH'].ListSets.set as { setSpec: string[]; setName: string }[];
  const domainSets = sets.filter((s) => s.setSpec[0].startsWith('domain:'));
  t.equal(domainSets.length, 19, 'one OAI set per domain');
  const inGr = oaiXml.parse((await a.app.inject('/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=domain:gr-frw-lss')).body)['OAI-PMH'].ListIdentifiers
    .header;
  t.equal(inGr.length, gr.count, 'the OAI set holds what the facet counts');
});

t.test('Emergent Gravity, the validation-only domain, exists with its observable; Table 1 names SDSS and DES for it', async (t) => {
  const emergent = `${DOMAIN}emergent-gravity`;
  const found = await rest(`/datasets?domain=${encodeURIComponent('Emergent Gravity (Validation-Only)')}&limit=50`);
  t.same(found.items.map((r: { id: string }) => r.id).sort(), ['des', 'sdss'], 'the two sources of its Table 1 row, no invented record');
  t.same((await rest('/datasets/sdss')).alsoInDomains, [emergent]);
  const sets = oaiXml.parse((await a.app.inject('/oai?verb=ListSets')).body)['OAI-PMH'].ListSets.set as { setSpec: string[]; setName: string }[];
  t.ok(
    sets.some((s) => s.setSpec[0] === 'domain:emergent-gravity' && s.setName === 'Emergent Gravity'),
    'an OAI set',
  );
  const turtle = new Parser().parse((await a.app.inject({ url: '/ontology', headers: { accept: 'text/turtle' } })).body);
  t.ok(
    turtle.some(
      (q) =>
        q.subject.value === emergent &&
        q.predicate.value === 'https://w3id.org/femto/ns#status' &&
        q.object.value === 'https://w3id.org/femto/ns#ValidationOnly',
    ),
    'a validation-only domain of the ontology',
  );
  const observables = (await rest('/observables')).items as { domains: string[]; slug: string }[];
  t.ok(
    observables.some((o) => o.slug === 'weak-lensing-shear' && o.domains.includes(emergent)),
    'with its observable (the seed states no numeric gate for it)',
  );
});

t.test('alsoInTiers is a real field, searchable as a tier (REST, GraphQL, OAI)', async (t) => {
  const jhtdb = await rest('/datasets/jhtdb');
  t.equal(jhtdb.tier, 0);
  t.same(jhtdb.alsoInTiers, [2]);
  t.notOk(jhtdb.annotations?.alsoInTiers, 'no longer an annotation only');
  const tier2 = await rest('/datasets?tier=2&limit=500');
  t.ok(
    tier2.items.some((r: { id: string }) => r.id === 'jhtdb'),
    'tier=2 finds JHTDB',
  );
  const tier9 = await rest('/datasets?tier=9&limit=500');
  t.ok(
    tier9.items.some((r: { id: string }) => r.id === 'qiskit'),
    'tier=9 finds Qiskit',
  );
  const facet9 = (await rest('/datasets?limit=1')).facets.tier.find((f: { value: string }) => f.value === '9');
  t.equal(facet9.count, tier9.total, 'the tier facet counts also-in records');
  const viaGraphql = await gql('{ datasets(filter: { tier: 9 }, first: 50) { edges { node { id tier alsoInTiers } } } }');
  t.match(
    viaGraphql.datasets.edges.find((e: { node: { id: string } }) => e.node.id === 'qiskit'),
    { node: { tier: 4, alsoInTiers: [9] } },
  );
  const oai = oaiXml.parse((await a.app.inject('/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=tier:9')).body)['OAI-PMH'].ListIdentifiers.header;
  const qiskit = oai.find((h: { identifier: string }) => h.identifier === 'oai:femto.test:qiskit');
  t.ok(qiskit, 'OAI set tier:9');
  t.same(
    qiskit.setSpec.filter((s: string) => s.startsWith('tier:')),
    ['tier:4', 'tier:9'],
    'its header names both tiers',
  );
});

t.test('formats of a combined Table 1 row: per source where the seed tells them apart, else on the row', async (t) => {
  const formats = async (id: string) => (await rest(`/datasets/${id}`)).formats;
  t.same(await formats('sdss'), ['FITS', 'API'], 'SDSS: the Emergent Gravity row "SDSS / DES | FITS, API"');
  t.same(await formats('des'), ['FITS', 'API']);
  t.same(await formats('jhtdb'), ['API'], 'JHTDB: API by its text, not HDF5');
  t.same(await formats('uktc-taylor-green-vortex'), [], "UKTC does not get JHTDB's API");
  t.notOk((await formats('cell-tracking-challenge')).includes('HDF5'), 'Cell Tracking does not get HDF5');
  t.same(await formats('darus-galaexi-taylor-green-vortex'), ['HDF5'], '"mesh data in HDF5 format"');
  t.same(await formats('table1-tier2-hydrodynamics-benchmarks'), ['API', 'HDF5', 'ZIP'], 'the row keeps its formats');
  t.same(await formats('table1-tier5-gr-frw-lss'), ['FITS', 'API', 'HDF5']);
  t.same(await formats('planck-legacy-archive'), [], 'Planck: the seed states no format');
});

t.test('licences: SPDX or unknown, shown as such in every output; REST takes either', async (t) => {
  const f = await everyFormat(a, 'the-well-gray-scott');
  t.equal(f.json.license, 'unknown');
  t.equal(f.graphql.license, 'unknown');
  t.match(f.schemaOrg.license, { '@type': 'CreativeWork', name: 'unknown' });
  t.match(f.dcat.license, { '@type': 'LicenseDocument', 'rdfs:label': /unknown/i });
  t.match(f.dataciteJson.rightsList, [{ rights: /unknown/i }]);
  t.ok(
    f.oaiDc.rights.some((r: string) => /unknown/i.test(r)),
    'oai_dc',
  );
  t.match(f.html, /<th scope="row">Licence<\/th><td>Licence unknown/);
  const all = await rest('/datasets?limit=500');
  t.ok(
    all.items.every((r: { license: string }) => r.license === 'unknown'),
    'the seeds state no SPDX licence for any bundled record',
  );

  const create = (license: string) =>
    a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: { title: 'x', description: 'y', tier: 3, dataType: 'Raw-Simulation', creators: [{ name: 'A' }], license },
    });
  t.equal((await create('unknown')).json().license, 'unknown');
  t.equal((await create('CC-BY-4.0')).json().license, 'CC-BY-4.0');
  t.match((await create('CC-BY')).json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/license' }] });
});

t.test('sizes and counts the seeds state, in bytes (decimal units) and records', async (t) => {
  const expected: [string, number | null, number | null, string][] = [
    ['the-well-gray-scott', 153_800_000_000, 1200, '153.8 GB, 1200 trajectories'],
    ['the-well-active-matter', null, 225, '225 simulations'],
    ['lqcd-clover-gauge-configurations', 10 * 10 ** 15, null, '10 PB'],
    ['sphenix-auau-tpc-sim', null, 5_000_000, 'simulated 5 million Au+Au'],
    ['sphenix-auau-real', null, 5_000_000, '5 million sPHENIX Au+Au collision events'],
    ['kreuzer-skarke-calabi-yau', null, 473_800_776, '473,800,776 polytopes'],
    ['math-dataset', null, 12_500, '12,500 problems'],
    ['physqa', null, 1008, '1,008 word problems'],
    ['camel-physics', null, 20_000, '20,000 pairs'],
  ];
  for (const [id, bytes, count, seed] of expected) {
    const f = await everyFormat(a, id);
    t.same([f.json.sizeBytes, f.json.recordCount], [bytes, count], `${id}: REST (${seed})`);
    t.same([f.graphql.sizeBytes, f.graphql.recordCount], [bytes, count], `${id}: GraphQL`);
    const sizes = f.dataciteJson.sizes ?? [];
    if (bytes != null) t.ok(sizes.includes(`${bytes} bytes`), `${id}: DataCite size`);
    if (count != null) t.ok(sizes.includes(`${count} records`), `${id}: DataCite count`);
    const so = (f.schemaOrg.size ?? []) as { value: number; unitText: string }[];
    t.same(
      so.map((s) => s.value),
      [bytes, count].filter((v) => v != null),
      `${id}: schema.org size`,
    );
  }
  t.equal((await rest('/datasets/lqcd-gauge-configurations')).sizeBytes, null, 'the 10 PB is the clover part only');
  t.equal((await rest('/datasets/arxiv-physics-corpus')).recordCount, null, '"1.2M+" is a lower bound, not a count');
  const huge = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: { title: 'x', description: 'y', tier: 8, dataType: 'Raw-Simulation', license: 'unknown', creators: [{ name: 'A' }], sizeBytes: 10 ** 16 },
  });
  t.equal(huge.json().sizeBytes, 10 ** 16, 'sizes beyond 2^53 bytes are accepted');
});

t.test('a domain the ontology does not name is refused: at load with its file and entry, over REST with its pointer', async (t) => {
  const empty = await makeApp(t);
  const dir = t.testdir({ 'x.yaml': 'source: x\ndatasets:\n  - id: typo\n    title: t\n    description: d\n    status: available\n    domain: GR FRW LSS\n' });
  await t.rejects(loadCatalog(empty.app.femto, readCatalog(dir)), /x\.yaml[\s\S]*datasets\.0 \(typo\)\.domain: 'GR FRW LSS'/);
  t.ok(await empty.app.femto.repos.datasets.isEmpty(), 'nothing loaded');
  const res = await empty.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: empty.as.curator,
    payload: {
      title: 'x',
      description: 'y',
      tier: 3,
      dataType: 'Raw-Simulation',
      license: 'unknown',
      creators: [{ name: 'A' }],
      domain: 'Astrology',
      alsoInDomains: ['Lattice Gauge', 'Numerology'],
    },
  });
  t.equal(res.statusCode, 422);
  t.match(res.json(), { code: 'UNKNOWN_REFERENCE', errors: [{ pointer: '/domain' }, { pointer: '/alsoInDomains/1' }] });
  const ok = await empty.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: empty.as.curator,
    payload: {
      title: 'x',
      description: 'y',
      tier: 3,
      dataType: 'Raw-Simulation',
      license: 'unknown',
      creators: [{ name: 'A' }],
      domain: 'statistical field theory & renormalization group',
    },
  });
  t.equal(ok.json().domain, `${DOMAIN}stat-field-theory-rg`, 'any name of the domain, case aside, is stored as its IRI');
});
