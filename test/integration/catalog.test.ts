import t from 'tap';
import { makeApp } from '../helpers/app.js';
import { readCatalog } from '../../src/modules/datasets/catalog.loader.js';

/**
 * Every dataset, database, corpus, toolkit and product the seed documents name, by catalog id and
 * the name the seed uses. Table 1 rows naming two sources are two entries.
 */
const seedNames: Record<string, [string, RegExp][]> = {
  '000 Table 1 and tier sections': [
    ['sympy', /SymPy/],
    ['pulp', /PuLP/],
    ['jhtdb', /Johns Hopkins Turbulence/],
    ['athena-plus-plus', /Athena\+\+/],
    ['pluto-code', /PLUTO/],
    ['qiskit-dynamics', /Qiskit Dynamics/],
    ['pys3de', /PyS³DE/],
    ['the-well-gray-scott', /Gray-Scott/],
    ['the-well', /The Well/],
    ['dsmc-lbm-codes', /DSMC/],
    ['chapman-enskog-theory', /Chapman-Enskog/],
    ['uktc-taylor-green-vortex', /UK Turbulence Consortium/],
    ['darus-galaexi-taylor-green-vortex', /DaRUS/],
    ['the-well-active-matter', /Active Matter/],
    ['cell-tracking-challenge', /Cell Tracking/],
    ['ising-xy-monte-carlo', /Ising\/XY/],
    ['gray-scott-extensions', /Gray-Scott Extensions/],
    ['driven-dissipative-lattice-simulations', /Driven Lattice Simulations/],
    ['qiskit', /^Qiskit$/],
    ['planck-legacy-archive', /Planck/],
    ['sdss', /Sloan Digital Sky Survey/],
    ['des', /Dark Energy Survey/],
    ['ligo-gwosc', /Gravitational-Wave Open Science Center/],
    ['mms', /Magnetospheric Multiscale/],
    ['cluster', /Cluster/],
    ['cdaweb', /CDAWeb/],
    ['materials-project', /Materials Project/],
    ['arpys', /arpys/],
    ['cern-open-data', /CERN Open Data/],
    ['hepdata', /HEPData/],
    ['lattice-gauge-toy-models', /toy models/],
    ['illustristng', /IllustrisTNG/],
    ['gwpy', /GWpy/],
    ['lammps', /LAMMPS/],
    ['lattice-qcd-configurations', /Lattice QCD Configurations/],
  ],
  '001 tables': [
    ['arxiv-physics-corpus', /ArXiv Physics Corpus/],
    ['aps-physics-journals', /Physics Journals/],
    ['feynman-symbolic-regression', /Feynman Symbolic Regression/],
    ['kreuzer-skarke-calabi-yau', /Kreuzer–Skarke/],
    ['sxs-waveforms', /SXS Waveforms/],
    ['hep-ml-datasets', /HIGGS/],
    ['quantum-optics-experiments', /Quantum Optics/],
    ['cfd-simulations', /CFD/],
    ['graph-network-simulations', /Graph Network/],
    ['math-dataset', /MATH Dataset/],
    ['physqa', /PhysQA/],
    ['camel-physics', /Camel Physics/],
    ['formal-theorem-libraries', /Formal Theorem/],
    ['symbolic-integration-ode-sets', /Symbolic Integration/],
    ['pinnacle', /PINNacle/],
  ],
  '002 QCD products': [
    ['fm4npp', /FM4NPP/],
    ['tpcpp-10m', /TPCpp-10M/],
    ['sphenix-auau-tpc-sim', /sPHENIX/],
    ['alice-pbpb-tpc-sim', /ALICE/],
    ['clas12-ep-ed-sim', /CLAS12/],
    ['epic-bic-waveform-sim', /ePIC/],
    ['lqcd-gauge-configurations-ildg', /ILDG/],
    ['lqcd-hadron-structure-correlation-functions', /correlation functions/],
    ['lqcd-hadron-structure-inputs', /[Hh]adron-structure inputs/],
    ['qcd-preserved-analysis-workflows', /[Pp]reserved/],
  ],
};

t.test('the bundled catalog holds every dataset the seeds name, and loads on first start', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  for (const [seed, names] of Object.entries(seedNames)) {
    for (const [id, title] of names) {
      const res = await a.app.inject({ url: `/datasets/${id}`, headers: a.as.reader });
      t.equal(res.statusCode, 200, `${seed}: ${id}`);
      if (res.statusCode === 200) t.match(res.json().title, title, `${seed}: ${id} is "${title.source}"`);
    }
  }
  const files = readCatalog();
  const total = files.reduce((n, f) => n + f.content.datasets.length, 0);
  t.equal((await a.app.inject({ url: '/datasets?limit=1', headers: a.as.reader })).json().total, total, 'every catalog entry is searchable over REST');
});

t.test("catalog values are the seeds' own", async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const gs = (await a.app.inject('/datasets/the-well-gray-scott')).json();
  t.match(gs, { tier: 1, domain: 'https://w3id.org/femto/domain/rd-pattern-formation', dataType: 'AI-Curated', formats: ['HDF5'] });
  t.ok(gs.distributions.some((d: { urls: string[] }) => d.urls.includes('https://huggingface.co/collections/polymathic-ai/the-well-67e129f4ca23e0447395d74c')));
  const uktc = (await a.app.inject('/datasets/uktc-taylor-green-vortex')).json();
  t.ok(
    uktc.relatedIdentifiers.some((r: { type: string; value: string }) => r.type === 'DOI' && r.value === '10.5281/zenodo.2577238'),
    'Table 1 DOI',
  );
  const pinn = (await a.app.inject('/datasets/pinnacle')).json();
  t.ok(
    pinn.relatedIdentifiers.some((r: { type: string; value: string }) => r.type === 'arXiv' && r.value === '2306.08827'),
    'seed 001 arXiv id',
  );
  const aps = (await a.app.inject('/datasets/aps-physics-journals')).json();
  t.match(
    aps,
    { visibility: 'public', accessLevel: 'restricted', accessConditions: /subscription/ },
    '"Restricted (subscription)": findable, with how to get access (FAIR A1.2)',
  );
  t.equal(gs.license, 'unknown', 'no licence invented where the seed states none');
});

t.test('the derivation steps the seeds describe are in the lineage', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const generatedBy = async (id: string) => {
    const res = await a.app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: `{ dataset(id: "${id}") { generatedBy { kind inputs { dataset { id } } } } }` },
    });
    return res.json().data.dataset.generatedBy as { kind: string; inputs: { dataset: { id: string } }[] };
  };
  t.same(
    (await generatedBy('fm4npp')).inputs.map((i) => i.dataset.id),
    ['tpcpp-10m'],
    'TPCpp-10M -> FM4NPP',
  );
  t.same(
    (await generatedBy('lqcd-hadron-structure-inputs')).inputs.map((i) => i.dataset.id),
    ['lqcd-hadron-structure-correlation-functions'],
  );
  t.same(
    (await generatedBy('lqcd-hadron-structure-correlation-functions')).kind,
    'correlation-function-extraction',
    'gauge configurations -> correlation functions',
  );
  t.same(
    (await generatedBy('gray-scott-rda-simulations')).inputs.map((i) => i.dataset.id),
    ['gray-scott-extensions'],
    'Gray-Scott -> advection-extended',
  );
  const fss = (await a.app.inject('/activities/ising-xy-finite-size-scaling')).json();
  t.match(fss, { kind: 'analysis', inputs: [{ dataset: 'ising-xy-spin-configurations' }] }, 'Ising/XY Monte Carlo -> finite-size scaling');
});

t.test('a broken catalog file is refused with its name and the field', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'source: x\ndatasets:\n  - id: Bad Id\n    title: t\n    description: d\n' });
  t.throws(() => readCatalog(dir), /bad\.yaml[\s\S]*datasets\.0\.id/);
});

t.test('a catalog that fails half-way leaves the database as it was', async (t) => {
  const a = await makeApp(t);
  const dir = t.testdir({
    'a.yaml':
      'source: x\ndatasets:\n  - id: first\n    title: t\n    description: d\n    status: available\nactivities:\n  - id: broken-step\n    kind: analysis\n    inputs: [ { dataset: first } ]\n    outputs: [ { dataset: missing } ]\n',
  });
  const { loadCatalog } = await import('../../src/modules/datasets/catalog.loader.js');
  await t.rejects(loadCatalog(a.app.femto, readCatalog(dir)), /missing/);
  t.equal((await a.app.inject({ url: '/datasets', headers: a.as.admin })).json().total, 0, 'the dataset written before the failure was rolled back');
  t.ok(await a.app.femto.repos.datasets.isEmpty());
});
