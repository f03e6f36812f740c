import t from 'tap';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { derivationChain, graphOf } from '../helpers/provenance.js';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { system } from '../../src/modules/auth/auth.schema.js';

const fixtures = shared('fixtures', 'real', 'rocrate');
const fixture = (path: string) => readFileSync(join(fixtures.path, path));
const post = (a: TestApp, body: Buffer | string) =>
  a.app.inject({ method: 'POST', url: '/import/rocrate', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload: body });

t.test(
  'real crates: the spec example, rainfall 1.2 and ro-crate-py test crates become datasets with their files and agents',
  requires(t, fixtures),
  async (t) => {
    const a = await makeApp(t);
    const rainfall = await post(a, fixture('rainfall-1.2.0-ro-crate-metadata.json'));
    t.equal(rainfall.statusCode, 201, rainfall.body.slice(0, 300));
    const [unit] = rainfall.json().results;
    const record = (await a.app.inject({ url: `/datasets/${unit.subject}` })).json();
    t.equal(record.title, 'Example dataset for RO-Crate specification');
    t.equal(record.description, 'Official rainfall readings for Katoomba, NSW 2022, Australia');
    t.equal(record.license, 'CC0-1.0', 'the SPDX licence of the root');
    t.equal(record.publisher, 'Bureau of Meteorology');
    t.same(record.annotations.rocrate.files, ['data.csv'], 'a file inside the crate has no URL: listed by path');

    const spec = await post(a, fixture('spec-1.1-ro-crate-metadata.json'));
    t.equal(spec.statusCode, 201);
    const specRecord = (await a.app.inject({ url: `/datasets/${spec.json().results[0].subject}` })).json();
    t.equal(specRecord.title, 'RO-Crate specification dataset');
    t.equal(specRecord.creators.length, 57, 'the 57 authors of the root');
    t.ok(
      specRecord.creators.every((c: { orcid: string | null }) => /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/.test(c.orcid ?? '')),
      'each with the ORCID iD that is its @id',
    );
    t.equal(specRecord.creators[0].orcid, '0000-0001-8131-2150');
    t.ok(specRecord.distributions.length > 0, 'web files become distributions');

    for (const f of [
      'crate-1.0.ro-crate-metadata.jsonld',
      'crate-1.1.ro-crate-metadata.json',
      'crate_with_subcrates.ro-crate-metadata.json',
      'read_crate.ro-crate-metadata.json',
      'read_extra.ro-crate-metadata.json',
      'ro-crate-galaxy-sortchangecase.ro-crate-metadata.json',
    ]) {
      const res = await post(a, fixture(join('ro-crate-py', f)));
      t.ok([200, 201].includes(res.statusCode), `${f}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      t.equal(res.json().refused, 0, `${f}: nothing refused`);
    }
    const again = await post(a, fixture('rainfall-1.2.0-ro-crate-metadata.json'));
    t.equal(again.statusCode, 200);
    t.equal(again.json().unchanged, 1, 'importing the same crate twice changes nothing');
  },
);

t.test('a Provenance Run Crate: its tool runs become steps between the files they read and wrote', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const res = await post(a, fixture('validator-crates/valid/provenance-run-crate.ro-crate-metadata.json'));
  t.equal(res.statusCode, 201, res.body.slice(0, 400));
  const steps = res.json().results.filter((r: { key: string }) => r.key.includes('|step:'));
  t.equal(steps.length, 2, 'the two tool runs; the run of the whole workflow is their sum, not a step of its own');
  const rev = (await a.app.inject({ url: `/activities/${steps.find((s: { message: string }) => /rev/.test(s.message)).subject}` })).json();
  t.equal(rev.software.name, 'revtool.cwl');
  t.equal(rev.endedAt, '2018-10-25T15:46:36.967359Z', 'a time without offset is UTC');
  t.same(
    rev.inputs.map((i: { title: string }) => i.title),
    ['whale.txt'],
  );
  t.same(
    rev.outputs.map((o: { title: string }) => o.title),
    ['output.txt'],
  );
  const sorted = (await a.app.inject({ url: `/activities/${steps.find((s: { message: string }) => /sorted/.test(s.message)).subject}` })).json();
  t.same(sorted.parameters, { reverse: 'True' }, 'a PropertyValue object is a parameter');
  t.equal(sorted.inputs[0].dataset, rev.outputs[0].dataset, 'the intermediate file links the two steps');
  t.equal(sorted.agents.length, 0);

  const process = await post(a, fixture('validator-crates/valid/process-run-crate.ro-crate-metadata.json'));
  const step = process.json().results.find((r: { key: string }) => r.key.includes('|step:'));
  const recorded = (await a.app.inject({ url: `/activities/${step.subject}` })).json();
  t.match(recorded.agents, [{ type: 'Person', name: 'Stian Soiland-Reyes', orcid: '0000-0001-9842-9718' }], "the action's agent, a Person under its ORCID iD");
});

t.test('invalid crates are refused with a pointer to what is wrong', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const cases: [string, string][] = [
    ['0_jsonld_missing_context', '/@context'],
    ['0_jsonld_missing_id', '/@graph/0/@id'],
    ['0_jsonld_not_flattened', '/@graph/1/hasPart'],
    ['2_root_data_entity_metadata_missing_root_entity', '/@graph/0/about'],
  ];
  for (const [name, pointer] of cases) {
    const res = await post(a, fixture(`validator-crates/invalid/${name}.ro-crate-metadata.json`));
    t.equal(res.statusCode, 400, name);
    t.equal(res.headers['content-type'], 'application/problem+json');
    t.equal(res.json().errors[0].pointer, pointer, name);
  }
  t.equal((await post(a, '{"@context": "x", "@graph": [{"@id": "a", "@type": "Thing"}]}')).json().errors[0].pointer, '/@graph', 'no metadata descriptor');
  t.equal((await post(a, 'not json')).statusCode, 400);
  const anonymous = await a.app.inject({
    method: 'POST',
    url: '/import/rocrate',
    payload: fixture('rainfall-1.2.0-ro-crate-metadata.json'),
    headers: { 'content-type': 'application/json' },
  });
  t.equal(anonymous.statusCode, 401);
});

t.test('an exported lineage crate imports back as the same graph', async (t) => {
  const a = await makeApp(t);
  const { out } = await derivationChain(a);
  const exported = (await a.app.inject({ url: `/datasets/${out}/lineage?format=rocrate`, headers: a.as.curator })).body;
  const same = await post(a, exported);
  t.equal(same.statusCode, 200, 'into the same femto: every dataset and step is already there');
  t.same({ created: same.json().created, updated: same.json().updated, refused: same.json().refused }, { created: 0, updated: 0, refused: 0 });

  const b = await makeApp(t);
  const copied = await post(b, exported);
  t.equal(copied.statusCode, 201, copied.body.slice(0, 300));
  t.equal(copied.json().refused, 0);
  const outInB = copied.json().results.find((r: { message: string }) => r.message.includes('Training set')).subject;
  const before = await graphOf(a, out);
  const after = await graphOf(b, outInB);
  t.same(
    after.map((s) => ({ ...s, parameters: s.parameters && Object.keys(s.parameters) })),
    before.map((s) => ({ ...s, parameters: s.parameters && Object.keys(s.parameters) })),
    'same steps, software, agents, kinds and ends',
  );
});

t.test('femto import rocrate <dir> reads the crate directory', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const dir = t.testdir({});
  mkdirSync(join(dir, 'crate'));
  writeFileSync(join(dir, 'crate', 'ro-crate-metadata.json'), fixture('rainfall-1.2.0-ro-crate-metadata.json'));
  writeFileSync(join(dir, 'crate', 'data.csv'), 'day,mm\n1,3\n');
  const lines: string[] = [];
  const [counts] = await importCommand(a.app.femto.imports, system, ['rocrate', join(dir, 'crate')], {}, { out: (l) => lines.push(l) });
  t.equal(counts.created, 1, lines.join('\n'));
  t.match(lines.join('\n'), /rocrate: 1 created/);
});
