import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FemtoError } from '../../src/errors.js';
import { readSubmission } from '../../src/modules/hepdata/hepdata.submission.js';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { projectPath } from '../../src/paths.js';
import { BASE_URL, makeApp, type TestApp } from '../helpers/app.js';
import { quadsOf } from '../helpers/harvest.js';
import { assertValid, googleDatasetShapes } from '../helpers/validators.js';
import { requires, shared } from '../helpers/external.js';

const fixtures = shared('fixtures', 'real', 'hepdata');
const fixture = (path: string) => readFileSync(join(fixtures.path, path), 'utf8');
const admin = { id: 'cli', role: 'admin' } as const;
const OBS = 'https://w3id.org/femto/observable/';

const capture = () => {
  const out: string[] = [];
  return { out, console_: { out: (l: string) => out.push(l) } };
};
const importDir = async (a: TestApp, dir: string, options: { dryRun?: boolean } = {}) => {
  const { out, console_ } = capture();
  const [counts] = await importCommand(a.app.femto.imports, admin, ['hepdata', dir], options, console_);
  return { counts, out };
};
const record = async (a: TestApp, url: string) => (await a.app.inject({ url })).json();

/** A submission directory: submission.yaml from the validator's test suite, each data file it names the validator's valid data file (unless given). */
const submissionDir = (t: Parameters<Parameters<typeof t.test>[1]>[0], submission: string, data: Record<string, string> = {}) =>
  t.testdir({
    'submission.yaml': submission,
    'data1.yaml': fixture('validator-testsuite/valid_file.yaml'),
    'data2.yaml': fixture('validator-testsuite/valid_file.yaml'),
    ...data,
  });

t.test('the ATLAS ZZ submission becomes one record with its eight tables', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const dir = join(fixtures.path, 'submission-ATLAS-ZZ');
  const { counts, out } = await importDir(a, dir);
  t.match(counts, { format: 'hepdata', created: 1, refused: 0 }, out.join('\n'));
  const id = /create dataset (\S+)/.exec(out[0])![1];
  t.match(id, /^hepdata-submission-atlas-zz-[0-9a-f]{10}$/, 'no INSPIRE id: named after the directory');

  const r = await record(a, `/datasets/${id}`);
  t.equal(
    r.title,
    'Measurements of the cross section for ZZ production using the 4l and 2l2nu decay channels in proton-proton collisions at a centre-of-mass energy of 7 TeV with 4.6 fb^-1 of data collected in 2011',
    'the first sentence of the comment after the accelerator',
  );
  t.match(r.description, /^CERN-LHC\. {2}Measurements of the cross section/, 'the whole comment');
  t.equal(r.hepdataTables.length, 8);
  t.same(
    r.hepdataTables.map((x: { name: string }) => x.name),
    ['Table 1', 'Table 2', 'Table 3', 'Table 4', 'Table 5', 'Table 6', 'Table 7', 'Table 8'],
  );
  const t3 = r.hepdataTables[2];
  t.match(t3, { name: 'Table 3', location: 'Data from Figure 8A', dataFile: 'data3.yaml', doi: null, rowCount: 4 });
  t.match(t3.description, /^Normalized ZZ fiducial cross section \(multiplied by 10\^6 for readability\) in values of the leading reconstructed dilepton pT/);
  t.same(t3.independentVariables, [{ name: 'Leading dilepton PT', units: 'GEV' }]);
  t.same(t3.dependentVariables, [
    {
      name: '10**6 * 1/SIG(fiducial) * D(SIG(fiducial))/DPT',
      units: 'GEV**-1',
      qualifiers: [
        { name: 'RE', value: 'P P --> Z0 < LEPTON+ LEPTON- > Z0 < LEPTON+ LEPTON- > X', units: null },
        { name: 'SQRT(S)', value: '7000', units: 'GEV' },
      ],
    },
  ]);
  t.same(
    t3.keywords.slice(0, 4),
    [
      { name: 'reactions', value: 'P P --> Z0 Z0 X', observable: null, gev: null },
      { name: 'observables', value: 'DSIG/DPT', observable: `${OBS}differential-distribution`, gev: null },
      { name: 'cmenergies', value: '7000', observable: `${OBS}center-of-mass-energy`, gev: { low: 7000, high: 7000 } },
      { name: 'phrases', value: 'Inclusive', observable: null, gev: null },
    ],
    'each keyword as given, with the observable it maps to',
  );
  t.match(r.hepdataTables[0], {
    license: { name: 'GPL 2', url: 'url for license', description: 'Tell me about it. This can appear in the main record display' },
  });
  t.same(
    [...r.observables].sort(),
    [`${OBS}center-of-mass-energy`, `${OBS}cross-section`, `${OBS}differential-distribution`],
    'SIG, DSIG/D..., cmenergies and the cross-section phrases',
  );
  t.ok(
    r.keywords.includes('P P --> Z0 Z0 X') && r.keywords.includes('Z pair Production') && r.keywords.includes('Azimuthal Angular Dependence'),
    'unmatched reactions and phrases stay keywords',
  );
  t.notOk(r.keywords.includes('SIG') || r.keywords.includes('Cross Section') || r.keywords.includes('7000'), 'matched ones are observables');
  t.equal(r.tier, 8, 'the tier the observables share');
  t.match(r.relatedIdentifiers, [
    { type: 'URL', value: 'https://www.hepdata.net/record/1', relation: 'References' },
    { type: 'URL', value: 'http://atlas.web.cern.ch/Atlas/GROUPS/PHYSICS/PAPERS/STDM-2012-02/', relation: 'IsSupplementedBy' },
    { type: 'DOI', value: '10.17182/hepdata.1.v1/t1', relation: 'References' },
  ]);

  const query = `{ dataset(id: "${id}") { hepdataTables { name independentVariables { name units } keywords { name value observable { iri label } gev { low high } } dependentVariables { units qualifiers { name value units } } } } }`;
  const gql = (await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } })).json();
  const g3 = gql.data.dataset.hepdataTables[2];
  t.equal(gql.data.dataset.hepdataTables.length, 8, 'GraphQL: the same tables');
  t.same(g3.independentVariables, [{ name: 'Leading dilepton PT', units: 'GEV' }]);
  t.same(g3.keywords[2], {
    name: 'cmenergies',
    value: '7000',
    observable: { iri: `${OBS}center-of-mass-energy`, label: 'Centre-of-mass energy' },
    gev: { low: 7000, high: 7000 },
  });
  t.same(g3.dependentVariables[0].qualifiers[1], { name: 'SQRT(S)', value: '7000', units: 'GEV' });

  const again = await importDir(a, dir);
  t.match(again.counts, { created: 0, unchanged: 1 }, 'a re-run changes nothing');
});

t.test('a dry run writes nothing; a changed data file is the next version, the first keeping its tables', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const dir = t.testdir({});
  cpSync(join(fixtures.path, 'submission-ATLAS-ZZ'), dir, { recursive: true });
  const dry = await importDir(a, dir, { dryRun: true });
  t.match(dry.counts, { created: 1, dryRun: true });
  const id = /would create dataset (\S+)/.exec(dry.out[0])![1];
  t.equal((await a.app.inject({ url: `/datasets/${id}` })).statusCode, 404, 'nothing was written');

  await importDir(a, dir);
  const data3 = join(dir, 'data3.yaml');
  writeFileSync(data3, readFileSync(data3, 'utf8').replace('{name: Leading dilepton PT, units: GEV}', '{name: Leading dilepton PT, units: TEV}'));
  const next = await importDir(a, dir);
  t.match(next.counts, { updated: 1 }, next.out.join('\n'));
  t.equal((await record(a, `/datasets/${id}/versions/2`)).hepdataTables[2].independentVariables[0].units, 'TEV');
  const first = await record(a, `/datasets/${id}/versions/1`);
  t.equal(first.hepdataTables.length, 8);
  t.equal(first.hepdataTables[2].independentVariables[0].units, 'GEV', 'a published version keeps what it said');
});

t.test('a directory of submissions: one record each, a bad one refused on its own', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const dir = t.testdir({
    bad: { 'submission.yaml': fixture('validator-testsuite/invalid_cmenergies.yaml'), 'data2.yaml': fixture('validator-testsuite/valid_file.yaml') },
  });
  cpSync(join(fixtures.path, 'submission-ATLAS-ZZ'), join(dir, 'atlas'), { recursive: true });
  cpSync(join(fixtures.path, 'hepdata-tests', 'no_additional_info'), join(dir, 'rhic', 'phenix'), { recursive: true });
  const { counts, out } = await importDir(a, dir);
  t.match(counts, { created: 2, refused: 1 }, out.join('\n'));
  t.match(out[0], /^created\t.*\/atlas\/submission\.yaml\tcreate dataset hepdata-atlas-[0-9a-f]{10} \(8 tables/);
  t.match(out[1], /^refused\t.*\/bad\/submission\.yaml\t.*submission\.yaml:9: \/0\/keywords\/2\/values\/0: invalid value/);
  t.match(out[2], /^created\t.*\/rhic\/phenix\/submission\.yaml\tcreate dataset hepdata-phenix-[0-9a-f]{10} \(2 tables/);
  t.match((await importDir(a, t.testdir({ 'notes.txt': 'x' }))).out[0], /^refused\t.*is not a HEPData submission: it has no submission\.yaml/);
});

t.test('record ids: the INSPIRE id names the record and is what it supplements', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const { counts, out } = await importDir(a, submissionDir(t, fixture('validator-testsuite/valid_submission_with_associated_record.yaml')));
  t.match(counts, { created: 1 }, out.join('\n'));
  const r = await record(a, '/datasets/hepdata-ins1221113');
  t.match(r.relatedIdentifiers, [
    { type: 'URL', value: 'https://www.hepdata.net/record/ins1226111', relation: 'IsIdenticalTo' },
    { type: 'INSPIRE', value: '1221113', relation: 'IsSupplementTo' },
  ]);
  t.equal(r.issued, '2016', 'the publication year');
  t.equal(r.hepdataTables.length, 2);
});

t.test(
  'the tests of HEPData itself: a submission without additional information imports, duplicate table names are refused',
  requires(t, fixtures),
  async (t) => {
    const a = await makeApp(t);
    const ok = await importDir(a, join(fixtures.path, 'hepdata-tests', 'no_additional_info'));
    t.match(ok.counts, { created: 1 }, ok.out.join('\n'));
    const id = /create dataset (\S+)/.exec(ok.out[0])![1];
    const r = await record(a, `/datasets/${id}`);
    t.same(
      r.hepdataTables.map((x: { name: string }) => x.name),
      ['Figure 7, p + p collisions', 'Figure 7, Au + Au collisions'],
    );

    const dir = t.testdir({
      'submission.yaml': fixture('hepdata-tests/duplicate_table_names/submission.yaml'),
      'rhs1_pp.yaml': fixture('hepdata-tests/no_additional_info/rhs1_pp.yaml'),
      'rhs1_auau.yaml': fixture('hepdata-tests/no_additional_info/rhs1_auau.yaml'),
    });
    const dup = await importDir(a, dir);
    t.match(dup.counts, { created: 0, refused: 1 });
    t.match(dup.out[0], /submission\.yaml:16: \/2\/name: duplicate table name: Figure 7, p \+ p collisions/, 'file, line and pointer of the third table');
    t.match(dup.out[0], /submission\.yaml:21: \/2\/data_file: duplicate table data_file: rhs1_pp\.yaml/);
  },
);

t.test('invalid submissions and data files are refused naming file, line and pointer; nothing is written', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const submissionCases: [string, RegExp][] = [
    ['invalid_submission.yaml', /submission\.yaml:6: \/0\/keywords\/0: must have required property 'values'/],
    ['invalid_submission_keyword.yaml', /submission\.yaml:60: \/2\/keywords\/3\/values\/0: must NOT have more than 128 characters/],
    ['invalid_submission_license.yaml', /submission\.yaml:51: \/1\/data_license\/name: must be string/],
    ['invalid_cmenergies.yaml', /submission\.yaml:9: \/0\/keywords\/2\/values\/0: invalid value \(in GeV\) for cmenergies: '7000 GeV'/],
    ['related/invalid_submission_recid.yaml', /submission\.yaml:3: \/0\/related_to_hepdata_records\/0: must be integer/],
    ['related/invalid_submission_doi.yaml', /submission\.yaml:10: \/1\/related_to_table_dois\/0: must be string/],
  ];
  for (const [file, expected] of submissionCases) {
    const { counts, out } = await importDir(
      a,
      submissionDir(t, fixture(`validator-testsuite/${file}`), { '12321': fixture('validator-testsuite/valid_file.yaml') }),
    );
    t.match(counts, { created: 0, refused: 1 }, file);
    t.match(out[0], expected, file);
  }
  const dataCases: [string, RegExp][] = [
    ['invalid_file.yaml', /data1\.yaml:\d+: \/dependent_variables\/0\/values\/1\/errors\/0\/label: must be string/],
    ['file_with_zero_uncertainty.yaml', /data1\.yaml:19: \/dependent_variables\/0\/values\/1\/errors: uncertainties should not all be zero/],
    ['valid_data_with_zero_percent.yaml', /data1\.yaml:21: \/dependent_variables\/0\/values\/0\/errors: uncertainties should not all be zero/],
  ];
  const valid = fixture('validator-testsuite/valid_submission.yaml');
  for (const [file, expected] of dataCases) {
    const { counts, out } = await importDir(a, submissionDir(t, valid, { 'data1.yaml': fixture(`validator-testsuite/${file}`) }));
    t.match(counts, { created: 0, refused: 1 }, file);
    t.match(out[0], expected, file);
  }
  const missing = await importDir(a, t.testdir({ 'submission.yaml': valid }));
  t.match(missing.out[0], /submission\.yaml:44: \/1\/data_file: missing data_file 'data1\.yaml'/);
  const search = (await a.app.inject({ url: '/datasets?q=ZZ' })).json();
  t.equal(search.total ?? search.items?.length ?? search.data?.length, 0, 'no refused submission left a record');

  for (const file of ['valid_submission.yaml', 'valid_submission_license.yaml', 'related/valid_submission_related.yaml']) {
    const { counts, out } = await importDir(a, submissionDir(t, fixture(`validator-testsuite/${file}`)));
    t.match(counts, { refused: 0 }, `${file}: ${out.join('\n')}`);
  }
  for (const file of ['valid_file.yaml', 'valid_file.json', 'binning_average.yaml']) {
    const { counts, out } = await importDir(
      a,
      t.testdir({
        'submission.yaml': fixture('hepdata-tests/no_additional_info/submission.yaml'),
        'rhs1_pp.yaml': fixture(`validator-testsuite/${file}`),
        'rhs1_auau.yaml': fixture('validator-testsuite/valid_file.yaml'),
      }),
    );
    t.match(counts, { refused: 0 }, `${file} is a valid data file: ${out.join('\n')}`);
  }
});

t.test('POST /import/hepdata takes the single-file form; a file naming data files it lacks is refused', async (t) => {
  const a = await makeApp(t);
  const single = [
    'comment: A single-file submission with one table of a made-up measurement.',
    'record_ids:',
    '  - {type: arXiv, id: "2101.00001"}',
    '---',
    'name: Table 1',
    'description: Total cross section.',
    'keywords:',
    '  - {name: observables, values: [SIG]}',
    '  - {name: cmenergies, values: [13000]}',
    'independent_variables:',
    '  - header: {name: SQRT(S), units: GEV}',
    '    values: [{value: 13000}]',
    'dependent_variables:',
    '  - header: {name: SIG, units: PB}',
    '    values: [{value: 1.5, errors: [{symerror: 0.1, label: stat}]}]',
    '',
  ].join('\n');
  const post = (body: string) =>
    a.app.inject({ method: 'POST', url: '/import/hepdata', headers: { ...a.as.curator, 'content-type': 'application/yaml' }, payload: body });
  const res = await post(single);
  t.equal(res.statusCode, 201, res.body);
  const id = res.json().results[0].subject;
  t.match(id, /^hepdata-a-single-file-submission-with-one-table-[0-9a-f]{10}$/, 'no INSPIRE id, no name: named after its title');
  const r = await record(a, `/datasets/${id}`);
  t.equal(r.title, 'A single-file submission with one table of a made-up measurement');
  t.match(r.hepdataTables, [
    {
      name: 'Table 1',
      dataFile: 'Table_1.yaml',
      rowCount: 1,
      independentVariables: [{ name: 'SQRT(S)', units: 'GEV' }],
      dependentVariables: [{ name: 'SIG', units: 'PB', qualifiers: [] }],
    },
  ]);
  t.same(r.observables.sort(), [`${OBS}center-of-mass-energy`, `${OBS}cross-section`]);
  t.match(r.relatedIdentifiers, [{ type: 'arXiv', value: '2101.00001', relation: 'IsSupplementTo' }]);

  const refused = await post(single.replace(/independent_variables:[\s\S]*$/, 'data_file: data1.yaml\n'));
  t.equal(refused.statusCode, 400);
  t.equal(refused.headers['content-type'], 'application/problem+json');
  t.match(refused.json().errors[0], {
    pointer: 'request#/1/data_file',
    message: /^request:10: missing data_file 'data1\.yaml' \(give the submission directory/,
  });

  const anonymous = await a.app.inject({ method: 'POST', url: '/import/hepdata', headers: { 'content-type': 'application/yaml' }, payload: single });
  t.equal(anonymous.statusCode, 401, 'importing needs a curator');
});

t.test('femto import hepdata <dir> on the command line; a bad submission makes the exit status 1', requires(t, fixtures), async (t) => {
  const dir = t.testdir({
    bad: { 'submission.yaml': fixture('validator-testsuite/invalid_cmenergies.yaml'), 'data2.yaml': fixture('validator-testsuite/valid_file.yaml') },
  });
  const env = { ...process.env, LOG_LEVEL: 'silent', FEMTO_DB: join(dir, 'cli.sqlite') };
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', projectPath('src/cli.ts'), 'import', ...args], { env, encoding: 'utf8', cwd: projectPath() });
  const ok = run(['hepdata', join(fixtures.path, 'submission-ATLAS-ZZ')]);
  t.equal(ok.status, 0, ok.stderr);
  t.match(
    ok.stdout,
    /^created\t.*submission-ATLAS-ZZ\/submission\.yaml\tcreate dataset hepdata-submission-atlas-zz-[0-9a-f]{10} \(8 tables: Measurements of the cross section/m,
  );
  t.match(ok.stdout, /hepdata: 1 created, 0 updated, 0 unchanged, 0 refused/);
  const bad = run(['hepdata', join(dir, 'bad')]);
  t.equal(bad.status, 1);
  t.match(
    bad.stdout,
    /refused\t.*bad\/submission\.yaml\t.*bad is not a valid HEPData submission: .*submission\.yaml:9: \/0\/keywords\/2\/values\/0: invalid value/,
  );
});

t.test('bounds: an alias bomb and deep nesting are refused before they cost anything', async (t) => {
  const a = await makeApp(t);
  const post = (body: string) =>
    a.app.inject({ method: 'POST', url: '/import/hepdata', headers: { ...a.as.curator, 'content-type': 'application/yaml' }, payload: body });
  const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(',')}]`);
  const bomb = await post(
    `l0: &l0 "lol"\n${levels.join('\n')}\ncomment: x\n---\nname: T\ndescription: x\nkeywords: []\nindependent_variables: []\ndependent_variables: []\n`,
  );
  t.ok(bomb.statusCode >= 400 && bomb.statusCode < 500, `the alias bomb is refused (${bomb.statusCode})`);
  t.match(bomb.json().detail, /alias/i);
  const deep = await post(`comment: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
  t.equal(deep.statusCode, 400);
  t.equal(deep.json().code, 'BODY_TOO_DEEP');
  // YAML nests without brackets too (compact sequences, indentation), and a plain scalar may hold a lone quote.
  const table = '---\nname: T\ndescription: x\nkeywords: []\nindependent_variables: []\ndependent_variables: []\n';
  const blocks = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n');
  for (const [how, yaml] of [
    ['compact sequences', `comment: x\nextra:\n${'- '.repeat(50_000)}x\n`],
    ['brackets after a lone quote', `comment: 5" screen\nextra: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`],
    ['indentation', `comment: x\nextra:\n${blocks} v\n`],
  ]) {
    const res = await post(yaml + table);
    t.same([res.statusCode, res.json().code, res.json().errors?.[0]?.pointer], [400, 'BODY_TOO_DEEP', 'request#/'], how);
  }
});

t.test('a data file named by many tables is read and parsed once: the duplicates are refused, not re-read', async (t) => {
  let data = 'independent_variables:\n- header: {name: PT}\n  values:\n';
  for (let i = 0; i < 200; i++) data += `  - {value: ${i}}\n`;
  data += 'dependent_variables:\n- header: {name: SIG}\n  values:\n';
  for (let i = 0; i < 200; i++) data += `  - {value: ${i}, errors: [{symerror: 1}]}\n`;
  const tables = Array.from({ length: 50 }, (_, i) => `---\nname: "T${i}"\ndescription: d\nkeywords: []\ndata_file: data.yaml\n`).join('');
  let reads = 0;
  const files = [
    { path: 'submission.yaml', read: () => Buffer.from(tables) },
    { path: 'data.yaml', read: () => (reads++, Buffer.from(data)) },
  ];
  const refusal = t.throws(() => readSubmission({ name: 'sub', single: false, files }, { maxDepth: 64 })) as unknown as FemtoError;
  t.equal(refusal.code, 'VALIDATION_FAILED');
  t.match(refusal.errors[0], { pointer: 'sub/submission.yaml#/1/data_file', message: /duplicate table data_file: data\.yaml/ });
  t.equal(reads, 1, 'read once, however many tables name it');
});

t.test(
  'the landing page lists the tables; schema.org names their columns and stays valid for Google',
  requires(t, fixtures, ...googleDatasetShapes.needs),
  async (t) => {
    const a = await makeApp(t);
    const { out } = await importDir(a, join(fixtures.path, 'submission-ATLAS-ZZ'));
    const id = /create dataset (\S+)/.exec(out[0])![1];
    const page = await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } });
    t.equal(page.statusCode, 200);
    t.match(page.body, /<h2 id="hepdata-tables">HEPData tables<\/h2>\n<p>8 tables from the HEPData submission/);
    t.match(page.body, /<th scope="row">Table 3<br><small>Data from Figure 8A<\/small><\/th>/);
    t.match(page.body, /<td>Leading dilepton PT \[GEV\]<\/td><td>10\*\*6 \* 1\/SIG\(fiducial\) \* D\(SIG\(fiducial\)\)\/DPT \[GEV\*\*-1\]<\/td>/);
    t.match(page.body, /<a href="https:\/\/w3id\.org\/femto\/observable\/differential-distribution">DSIG\/DPT<\/a>/, 'a mapped keyword links its observable');
    const jsonld = (await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'application/ld+json' } })).json();
    t.ok(
      jsonld.variableMeasured.some((v: { propertyID?: string }) => v.propertyID === `${OBS}center-of-mass-energy`),
      'the observables first',
    );
    const columns = jsonld.variableMeasured.filter((v: { propertyID?: string }) => !v.propertyID);
    t.same(columns[0], { '@type': 'PropertyValue', name: 'SIG(fiducial)', unitText: 'FB' }, "the first table's column, with its unit");
    t.ok(columns.some((v: { name: string; unitText?: string }) => v.name === 'Leading dilepton PT' && v.unitText === 'GEV'));
    t.equal(new Set(columns.map((v: { name: string; unitText?: string }) => `${v.name} ${v.unitText}`)).size, columns.length, 'each column once');
    await assertValid(t, googleDatasetShapes, await quadsOf([jsonld], BASE_URL), 'Google Dataset Search required properties');
  },
);
