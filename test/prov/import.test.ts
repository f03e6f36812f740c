import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { derivationChain, graphOf } from '../helpers/provenance.js';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { system } from '../../src/modules/auth/auth.schema.js';

const fixtures = shared('fixtures', 'real', 'prov');
const fixture = (path: string) => readFileSync(join(fixtures.path, path));
const post = (a: TestApp, body: Buffer | string | object) =>
  a.app.inject({
    method: 'POST',
    url: '/import/prov-json',
    headers: { ...a.as.curator, 'content-type': 'application/json' },
    payload: typeof body === 'object' && !Buffer.isBuffer(body) ? JSON.stringify(body) : body,
  });

interface Result {
  key: string;
  status: string;
  message: string;
  subject?: string;
  errors?: { pointer: string }[];
}

t.test('an exported lineage imports back as the same graph: unchanged into the same femto, the same steps into another', async (t) => {
  const a = await makeApp(t);
  const { out } = await derivationChain(a);
  const exported = (await a.app.inject({ url: `/datasets/${out}/lineage?format=prov-json`, headers: a.as.curator })).body;

  const same = await post(a, exported);
  t.equal(same.statusCode, 200, same.body.slice(0, 300));
  t.match(same.json(), { created: 0, updated: 0, refused: 0 }, 'every dataset and step is already there');

  const b = await makeApp(t);
  const copied = await post(b, exported);
  t.equal(copied.statusCode, 201, copied.body.slice(0, 300));
  t.match(copied.json(), { created: 6, refused: 0 }, 'four dataset versions, two steps');
  const outInB = (copied.json().results as Result[]).find((r) => r.message.includes('Training set'))!.subject!;
  t.same(await graphOf(b, outInB), await graphOf(a, out), 'same steps, kinds, software, times, parameters, agents and ends (with input roles)');

  const again = await post(b, exported);
  t.equal(again.statusCode, 200);
  t.match(again.json(), { created: 0, updated: 0, unchanged: 6 }, 'a second import changes nothing');
});

t.test(
  'a PROV-JSON document from elsewhere: datasets, a step with software from its plan, agents with their iDs, a derivation the document implies',
  async (t) => {
    const a = await makeApp(t);
    const doc = {
      prefix: { ex: 'https://lab.example.org/prov/', s: 'https://schema.org/', orcid: 'https://orcid.org/' },
      entity: {
        'ex:raw': { 'prov:label': 'Raw scans', 's:identifier': { $: 'https://doi.org/10.1234/raw-scans', type: 'xsd:anyURI' } },
        'ex:calibrated': { 'prov:label': 'Calibrated scans', 's:license': 'https://spdx.org/licenses/CC-BY-4.0' },
        'ex:summary': { 'prov:label': 'Summary table' },
        'ex:calibrate.py': { 'prov:type': { $: 'prov:Plan', type: 'prov:QUALIFIED_NAME' }, 'prov:label': 'calibrate.py', 's:softwareVersion': '1.4' },
      },
      activity: { 'ex:calibration': { 'prov:label': 'calibrate', 'prov:startTime': '2024-03-01T09:00:00', 'prov:endTime': '2024-03-01T10:30:00+01:00' } },
      agent: {
        'orcid:0000-0002-1825-0097': { 'prov:type': { $: 'prov:Person', type: 'prov:QUALIFIED_NAME' }, 'prov:label': 'Josiah Carberry' },
        'ex:lab': { 'prov:type': { $: 'prov:Organization', type: 'prov:QUALIFIED_NAME' }, 'prov:label': 'Example Lab' },
      },
      used: { '_:u1': { 'prov:activity': 'ex:calibration', 'prov:entity': 'ex:raw', 'prov:role': 'scans' } },
      wasGeneratedBy: { '_:g1': { 'prov:entity': 'ex:calibrated', 'prov:activity': 'ex:calibration' } },
      wasAssociatedWith: {
        '_:a1': { 'prov:activity': 'ex:calibration', 'prov:agent': 'orcid:0000-0002-1825-0097', 'prov:plan': 'ex:calibrate.py', 'prov:role': 'operator' },
      },
      wasAttributedTo: { '_:at1': { 'prov:entity': 'ex:raw', 'prov:agent': 'ex:lab' } },
      wasDerivedFrom: { '_:d1': { 'prov:generatedEntity': 'ex:summary', 'prov:usedEntity': 'ex:calibrated' } },
    };
    const res = await post(a, doc);
    t.equal(res.statusCode, 201, res.body.slice(0, 400));
    t.match(res.json(), { created: 5, refused: 0 }, 'three datasets (the plan is software, not a dataset), one step, one implied step');
    const results = res.json().results as Result[];
    const step = (await a.app.inject({ url: `/activities/${results.find((r) => r.key.endsWith('calibration'))!.subject}` })).json();
    t.match(step, {
      name: 'calibrate',
      kind: 'other',
      software: { name: 'calibrate.py', version: '1.4' },
      agents: [{ name: 'Josiah Carberry', orcid: '0000-0002-1825-0097', role: 'operator' }],
      inputs: [{ title: 'Raw scans', role: 'scans' }],
      outputs: [{ title: 'Calibrated scans' }],
    });
    t.same(
      [Date.parse(step.startedAt), Date.parse(step.endedAt)],
      [Date.parse('2024-03-01T09:00:00Z'), Date.parse('2024-03-01T09:30:00Z')],
      'times with their offsets; one without is UTC',
    );
    const raw = (await a.app.inject({ url: `/datasets/${step.inputs[0].dataset}` })).json();
    t.match(raw.creators, [{ name: 'Example Lab', type: 'Organization' }], 'wasAttributedTo: the creators');
    t.match(raw.relatedIdentifiers, [{ type: 'DOI', value: '10.1234/raw-scans', relation: 'IsIdenticalTo' }]);
    t.equal((await a.app.inject({ url: `/datasets/${step.outputs[0].dataset}` })).json().license, 'CC-BY-4.0');
    const implied = (await a.app.inject({ url: `/activities/${results.find((r) => r.key.startsWith('derivation:'))!.subject}` })).json();
    t.match(
      implied,
      { implied: true, inputs: [{ title: 'Calibrated scans' }], outputs: [{ title: 'Summary table' }] },
      'wasDerivedFrom without an activity: an implied step',
    );

    const undeclared = await post(a, { prefix: {}, entity: { 'nope:x': {} } });
    t.equal(undeclared.statusCode, 400);
    t.equal(undeclared.json().errors[0].pointer, '/entity/nope:x', 'a qualified name whose prefix is not declared');
    t.equal((await a.app.inject({ method: 'POST', url: '/import/prov-json', payload: doc })).statusCode, 401, 'curators only');
  },
);

t.test(
  'the PROV-JSON fixtures: what femto records is imported, what it does not is refused with its reason; malformed documents refused with a pointer',
  requires(t, fixtures),
  async (t) => {
    const a = await makeApp(t);
    // Read off the fixture files: what each states, and what femto makes of it.
    const expected: Record<string, { created: number; refused: string[]; status: number }> = {
      'entity8.json': { created: 1, refused: [], status: 201 },
      'attribution8.json': { created: 1, refused: [], status: 201 },
      'generation5.json': { created: 2, refused: [], status: 201 },
      'derivation8.json': { created: 3, refused: [], status: 201 },
      'activity8.json': { created: 0, refused: ['a step needs at least one input or output'], status: 400 },
      'association9.json': { created: 0, refused: ['a step needs at least one input or output'], status: 400 },
      'bundle1.json': {
        created: 0,
        refused: ['a bundle (provenance of provenance) is not imported', 'a bundle (provenance of provenance) is not imported'],
        status: 422,
      },
      'delegation8.json': { created: 0, refused: ['femto records no actedOnBehalfOf relation'], status: 422 },
      'end10.json': { created: 0, refused: ['femto records no wasEndedBy relation'], status: 422 },
    };
    t.same(readdirSync(join(fixtures.path, 'json')).sort(), Object.keys(expected).sort(), 'every fixture has its expectation');
    for (const [file, want] of Object.entries(expected)) {
      const fresh = await makeApp(t);
      const res = await post(fresh, fixture(join('json', file)));
      const body = res.json();
      // Nothing applied: the first refusal as problem+json (400 a step femto cannot record, 422 a relation it has no record for), every unit's result with it.
      t.equal(res.statusCode, want.status, `${file}: ${res.body.slice(0, 300)}`);
      t.equal(body.created ?? 0, want.created, `${file}: created`);
      const refused = (body.results as Result[]).filter((r) => r.status === 'refused').map((r) => r.message);
      t.same(
        refused.map((m) => want.refused.find((w) => m.includes(w)) ?? m),
        want.refused,
        `${file}: refused with the reason`,
      );
    }

    const malformed: Record<string, string> = {
      'bad_bundle_shape.json': '/bundle',
      'bad_prefix_map.json': '/prefix',
      'bad_record_content.json': '/entity/ex:e1',
      'bad_record_shape.json': '/entity',
      'bad_typed_literal.json': '/entity/ex:e1/ex:attr',
      'unknown_record_type.json': '/',
    };
    for (const [file, pointer] of Object.entries(malformed)) {
      const res = await post(a, fixture(join('malformed', file)));
      t.equal(res.statusCode, 400, file);
      t.equal(res.headers['content-type'], 'application/problem+json');
      t.equal(res.json().errors[0].pointer, pointer, `${file}: ${res.json().detail}`);
    }
    t.equal((await post(a, fixture('malformed/not_well_formed.xml'))).statusCode, 400, 'not JSON at all');
  },
);

t.test('femto import prov-json <file>, and a PROV-JSON file recognised without naming the format', async (t) => {
  const a = await makeApp(t);
  const { out } = await derivationChain(a);
  const b = await makeApp(t);
  const file = join(t.testdir({}), 'lineage.json');
  writeFileSync(file, (await a.app.inject({ url: `/datasets/${out}/lineage?format=prov-json`, headers: a.as.curator })).body);
  const lines: string[] = [];
  const [counts] = await importCommand(b.app.femto.imports, system, [file], {}, { out: (l) => lines.push(l) });
  t.match(counts, { format: 'prov-json', created: 6, refused: 0 }, lines.join('\n'));
});
