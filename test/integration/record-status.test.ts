import t from 'tap';
import { BASE_URL, makeApp, publishedDataset } from '../helpers/app.js';
import { everyFormat, publishersIn } from '../helpers/formats.js';

/**
 * The releases seed 002 (the QCD proposal of September 12, 2025) announces in its timeline and
 * technical approach, read from the seed itself: none of them exists yet.
 */
const SEED_002_PLANNED = {
  'Y1Q1 Det: simulated 5 million Au+Au sPHENIX TPC data': 'sphenix-auau-tpc-sim',
  'Y1Q1 Det: similar simulated Pb+Pb ALICE TPC dataset': 'alice-pbpb-tpc-sim',
  'Y1Q1 Det: simulated few million CLAS12 e+P/D data': 'clas12-ep-ed-sim',
  'Y1Q2 LQCD: curation of 10 PB of clover gauge configurations': 'lqcd-clover-gauge-configurations',
  'Y1Q2 DAP: inventory of priority datasets (STAR named)': 'star-datasets',
  'Y1Q3 Det: simulated p+p and Au+Au sPHENIX data with silicon and calorimeter': 'sphenix-pp-auau-multisubsystem-sim',
  'Y1Q3 Det: similar simulated ALICE TPC, silicon and calorimeter data': 'alice-tpc-silicon-calorimeter-sim',
  'Y1Q3 Det: simulated polarized e+p CLAS12 data': 'clas12-polarized-ep-sim',
  'Y1Q3 LQCD: gauge configuration libraries in ILDG format': 'lqcd-gauge-configurations-ildg',
  'Y1Q4 Det: ePIC Barrel Imaging Calorimeter waveform dataset': 'epic-bic-waveform-sim',
  'Y1Q4 LQCD: correlation functions at non-zero temperature': 'lqcd-correlation-functions-nonzero-temperature',
  'Y2Q2 Det: curated real Hall C J/psi-007 dataset': 'hallc-jpsi-007',
  'Y2Q2 LQCD: two- and three-point correlation functions (HISQ, DWF)': 'lqcd-hadron-structure-correlation-functions',
  'Y2Q3 Det: 5 million real sPHENIX Au+Au events': 'sphenix-auau-real',
  'Y2Q3 Det: real ALICE Pb+Pb events': 'alice-pbpb-real',
  'Y2Q3 Det: real CLAS12 e+P/e+D events': 'clas12-ep-ed-real',
  'Y2Q3 DAP: reconstructed track-level data for a unified FM': 'qcd-reconstructed-track-level-data',
  'Y2Q4 LQCD: workflow and processing tools for correlation functions': 'lqcd-correlation-function-tools',
  'Second thrust: curated collection of HISQ/DWF/clover gauge configurations': 'lqcd-gauge-configurations',
  'Second thrust: hadron-structure inputs for the EIC': 'lqcd-hadron-structure-inputs',
  'Third thrust: preserved late-stage analysis workflows': 'qcd-preserved-analysis-workflows',
  'Introduction: final physics results at the end of the provenance chain': 'qcd-final-physics-results',
};

const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
const gql = async (query: string) => (await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } })).json();

t.test('every release seed 002 plans is planned, on every channel, and names no publisher femto stands in for', async (t) => {
  for (const [release, id] of Object.entries(SEED_002_PLANNED)) {
    const f = await everyFormat(a, id);
    t.equal(f.json.status, 'planned', `${release}: REST`);
    t.equal(f.graphql.status, 'planned', `${release}: GraphQL`);
    t.equal(f.schemaOrg.creativeWorkStatus, 'planned', `${release}: schema.org creativeWorkStatus`);
    t.equal(f.dcat.status['@id'], 'https://w3id.org/femto/record-status/planned', `${release}: DCAT adms:status (no ADMS term fits "planned")`);
    t.ok(
      f.turtle.some((q) => q.predicate.value === 'http://www.w3.org/ns/adms#status' && q.object.value.endsWith('/planned')),
      `${release}: Turtle adms:status`,
    );
    t.ok(
      f.dataciteJson.descriptions.some(
        (d: { descriptionType: string; description: string }) => d.descriptionType === 'Other' && /^Status: Planned/.test(d.description),
      ),
      `${release}: DataCite description Other`,
    );
    t.ok(
      f.oaiDatacite.descriptions.description.some(
        (d: { '@descriptionType': string; '#text': string }) => d['@descriptionType'] === 'Other' && /Planned/.test(d['#text']),
      ),
      `${release}: oai_datacite`,
    );
    t.ok(
      f.oaiDc.description.some((d: string) => /^Status: Planned/.test(d)),
      `${release}: oai_dc`,
    );
    t.match(f.html, /<th scope="row">Status<\/th><td><span class="badge status planned">planned<\/span>/, `${release}: landing page`);
    const iris = [`${BASE_URL}/datasets/${id}/versions/1`];
    t.same(
      publishersIn(f, iris),
      Object.fromEntries(Object.keys(publishersIn(f, iris)).map((k) => [k, []])),
      `${release}: no format names a publisher the seed does not`,
    );
    t.notMatch(f.html, /femto \(\d{4}\)/, `${release}: the citation is not "femto (year)"`);
    t.match(
      f.html,
      /<th scope="row">Publisher<\/th><td>No publisher recorded\. femto hosts this record/,
      `${release}: the landing page says no publisher is recorded`,
    );
  }
});

t.test('what exists is available: the bibliography items of seed 002 and the public sources of seed 000', async (t) => {
  for (const id of ['fm4npp', 'tpcpp-10m', 'planck-legacy-archive', 'jhtdb', 'uktc-taylor-green-vortex']) {
    t.equal((await a.app.inject(`/datasets/${id}`)).json().status, 'available', id);
  }
  for (const id of ['sympy-pde-separation-corpus', 'ising-xy-spin-configurations', 'qiskit-quantum-diagnostics-dataset']) {
    t.equal((await a.app.inject(`/datasets/${id}`)).json().status, 'planned', `${id}: a "(derived product)" the seed says can be generated`);
  }
});

t.test('status is a facet and a filter (REST, GraphQL, portal) and shows in search results', async (t) => {
  const all = (await a.app.inject('/datasets?limit=1')).json();
  const planned = all.facets.status.find((f: { value: string }) => f.value === 'planned');
  const available = all.facets.status.find((f: { value: string }) => f.value === 'available');
  t.equal(planned.count + available.count, all.total, 'every record has one status');
  t.ok(planned.count >= Object.keys(SEED_002_PLANNED).length);
  const filtered = (await a.app.inject('/datasets?status=planned&limit=500')).json();
  t.equal(filtered.total, planned.count);
  t.ok(filtered.items.every((r: { status: string }) => r.status === 'planned'));
  for (const id of Object.values(SEED_002_PLANNED))
    t.ok(
      filtered.items.some((r: { id: string }) => r.id === id),
      `?status=planned finds ${id}`,
    );
  t.match((await a.app.inject('/datasets?status=bogus')).json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: 'querystring/status' }] });

  const viaGraphql = await gql(
    '{ datasets(filter: { status: planned }, first: 1) { totalCount edges { node { status } } facets { name values { value count } } } }',
  );
  t.equal(viaGraphql.data.datasets.totalCount, planned.count, 'GraphQL filter');
  t.equal(viaGraphql.data.datasets.edges[0].node.status, 'planned');

  const portal = await a.app.inject('/?status=planned&q=sPHENIX');
  t.match(portal.body, /<span class="badge status planned" title="record status">planned<\/span>/, 'portal results show the status');
  t.match(portal.body, /<h2>Status<\/h2>/, 'portal facet');
});

t.test('only an available record may get a findable DOI; the 422 names the status', async (t) => {
  // The bundled catalog belongs to the catalog user: an admin gives its records DOIs.
  const post = (attributes: Record<string, unknown>) =>
    a.app.inject({
      method: 'POST',
      url: '/dois',
      headers: { ...a.as.admin, 'content-type': 'application/vnd.api+json' },
      payload: { data: { type: 'dois', attributes } },
    });
  // A publisher stated by the curator, so only the status stands in the way.
  const planned = await post({
    prefix: '10.5072',
    url: `${BASE_URL}/datasets/sphenix-auau-real`,
    event: 'publish',
    publisher: { name: 'Brookhaven National Laboratory' },
  });
  t.equal(planned.statusCode, 422);
  t.match(planned.json().errors[0], { code: 'DOI_RECORD_NOT_AVAILABLE', source: 'event', detail: /is planned/ });
  const registered = await post({
    prefix: '10.5072',
    url: `${BASE_URL}/datasets/sphenix-auau-real`,
    event: 'register',
    publisher: { name: 'Brookhaven National Laboratory' },
  });
  t.equal(registered.statusCode, 201, 'a registered DOI (not findable) may be prepared for a planned release');

  const id = await publishedDataset(a, { title: 'A release in preparation', status: 'in-preparation', publisher: 'Lattice Lab' });
  const preparing = await post({ prefix: '10.5072', url: `${BASE_URL}/datasets/${id}`, event: 'publish' });
  t.match(preparing.json().errors[0], { code: 'DOI_RECORD_NOT_AVAILABLE', detail: /is in-preparation/ });
  const dcat = (await a.app.inject(`/datasets/${id}?format=dcat`)).json();
  t.equal(dcat.status['@id'], 'http://purl.org/adms/status/UnderDevelopment', 'ADMS term where one fits');
  const ready = await publishedDataset(a, { title: 'A release that exists', publisher: 'Lattice Lab' });
  t.equal((await post({ prefix: '10.5072', url: `${BASE_URL}/datasets/${ready}`, event: 'publish' })).statusCode, 201, 'available (the default) may');
});
