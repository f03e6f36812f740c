import t from 'tap';
import { makeApp } from '../helpers/app.js';
import { everyFormat } from '../helpers/formats.js';

const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
const gql = async (query: string) => {
  const res = (await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } })).json();
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
};
const generatedBy = async (id: string) =>
  (await gql(`{ dataset(id: "${id}") { generatedBy { id kind implied inputs { role dataset { id } } } } }`)).dataset.generatedBy as {
    id: string;
    kind: string;
    implied: boolean;
    inputs: { role: string; dataset: { id: string } }[];
  };

t.test('seed 002: from raw detector signals and lattice configurations through to final physics results', async (t) => {
  const answer = await gql(`{ lineage(id: "qcd-final-physics-results", direction: UPSTREAM, depth: 20) {
    nodes { id kind dataset { id } activity { id implied } } truncated } }`);
  const upstream = new Set(answer.lineage.nodes.flatMap((n: { dataset: { id: string } | null }) => (n.dataset ? [n.dataset.id] : [])));
  t.notOk(answer.lineage.truncated);
  for (const id of ['sphenix-auau-real', 'alice-pbpb-real', 'clas12-ep-ed-real']) t.ok(upstream.has(id), `detector branch: ${id}`);
  for (const id of ['lqcd-gauge-configurations', 'lqcd-hadron-structure-correlation-functions', 'lqcd-correlation-functions-nonzero-temperature']) {
    t.ok(upstream.has(id), `lattice branch: ${id}`);
  }
  const final = await generatedBy('qcd-final-physics-results');
  t.ok(final.implied, 'which lattice products enter the analysis is implied, and marked so');
  t.same(
    final.inputs
      .filter((i) => i.role === 'lattice-input')
      .map((i) => i.dataset.id)
      .sort(),
    ['lqcd-correlation-functions-nonzero-temperature', 'lqcd-hadron-structure-inputs'],
  );
  const rest = (await a.app.inject('/datasets/qcd-final-physics-results/lineage?direction=UPSTREAM&depth=20')).json();
  t.ok(
    rest.nodes.some((n: { dataset?: string }) => n.dataset === 'lqcd-gauge-configurations'),
    'the REST twin agrees',
  );
});

t.test('the steps seed 000 describes are recorded, with roles', async (t) => {
  const cases: [string, string, [string, string][]][] = [
    ['jhtdb-convergence-datasets', 'JHTDB -> custom convergence datasets', [['jhtdb', 'source-data']]],
    ['sde-time-series-traces', 'Qiskit Dynamics -> SDE time series', [['qiskit-dynamics', 'toolkit']]],
    [
      'driven-lattice-simulation-traces',
      'driven-lattice simulation traces',
      [
        ['driven-dissipative-lattice-simulations', 'theoretical-framework'],
        ['qiskit-dynamics', 'lindblad-solver'],
      ],
    ],
    [
      'sdss-des-matter-power-spectrum',
      'SDSS/DES -> P(k)',
      [
        ['sdss', 'galaxy-catalog'],
        ['des', 'galaxy-catalog'],
      ],
    ],
    [
      'agent-based-micro-macro-datasets',
      'agent-based micro -> macro',
      [
        ['agent-based-active-matter-toolkits', 'simulation-code'],
        ['lammps', 'simulation-code'],
        ['amep', 'analysis-toolkit'],
      ],
    ],
    [
      'qiskit-synthetic-tomography-dataset',
      'tomography with the Lindblad solver',
      [
        ['qiskit', 'toolkit'],
        ['qiskit-dynamics', 'lindblad-solver'],
      ],
    ],
  ];
  for (const [output, what, inputs] of cases) {
    const step = await generatedBy(output);
    const byId = (x: string[], y: string[]) => x[0].localeCompare(y[0]);
    t.same(step.inputs.map((i) => [i.dataset.id, i.role]).sort(byId), [...inputs].sort(byId), what);
  }
  t.equal(
    (await a.app.inject('/datasets/sdss-des-matter-power-spectrum')).json().status,
    'planned',
    'a product the seed says is computed, not one that exists',
  );
});

t.test('implied steps are marked on every channel; stated ones are not', async (t) => {
  const implied = await generatedBy('driven-lattice-simulation-traces');
  t.ok(implied.implied, 'GraphQL');
  t.equal((await a.app.inject(`/activities/${implied.id}`)).json().implied, true, 'REST');
  t.equal((await a.app.inject('/activities/sdss-des-power-spectrum-estimation')).json().implied, false, 'a stated step');
  t.ok((await generatedBy('fm4npp')).implied, 'TPCpp-10M -> FM4NPP: the seed cites them together without stating the training set');

  const f = await everyFormat(a, 'driven-lattice-simulation-traces');
  t.equal(f.schemaOrg['prov:wasGeneratedBy'][0]['femto:implied'], true, 'schema.org');
  t.equal(f.dcat.wasGeneratedBy[0].implied, true, 'DCAT');
  t.ok(
    f.turtle.some((q) => q.predicate.value === 'https://w3id.org/femto/ns#implied' && q.object.value === 'true'),
    'Turtle',
  );
  t.match(f.html, /implied by the source, not stated/, 'landing page');
  const portal = await a.app.inject('/portal/lineage/driven-lattice-simulation-traces?direction=UPSTREAM');
  t.match(portal.body, /\(implied\)/, 'portal lineage graph');
});
