import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { Parser } from 'n3';
import t from 'tap';
import { BASE_URL, makeApp, minimalDataset, patchDraft, publishedDataset } from '../helpers/app.js';
import { checkCroissant } from '../helpers/croissant.js';
import { requires, shared } from '../helpers/external.js';
import { readCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { fullFixture } from './fixtures.js';

const PROFILE = 'http://mlcommons.org/croissant/1.1';
const ACCEPT = `application/ld+json; profile="${PROFILE}"`;
const croissantDir = shared('fixtures', 'real', 'croissant');
const examples = (version: string) => readdirSync(croissantDir.path).filter((f) => f.startsWith(`${version}-`) && f.endsWith('.json'));
const example = (file: string) =>
  JSON.parse(readFileSync(join(croissantDir.path, file), 'utf8')) as Record<string, unknown> & {
    distribution: Record<string, unknown>[];
    recordSet: { field: Record<string, unknown>[] }[];
  };

t.test('the checker accepts the Croissant 1.1 examples and finds what is broken in them', requires(t, croissantDir), async (t) => {
  const files = examples('1.1');
  t.equal(files.length, 4, 'the four 1.1 examples of mlcommons/croissant');
  for (const file of files) {
    const report = await checkCroissant(example(file), { conformsTo: PROFILE });
    t.same(report.errors, [], `${file} passes`);
  }
  for (const file of examples('1.0'))
    t.same((await checkCroissant(example(file), { conformsTo: 'http://mlcommons.org/croissant/1.0' })).errors, [], `${file} passes as 1.0`);

  // Each rule, broken once in a copy of a positive control.
  const broken: [string, (d: ReturnType<typeof example>) => void, RegExp][] = [
    ['no checksum', (d) => delete d.distribution[0].md5, /sha256 or md5 checksum is required/],
    ['no contentUrl', (d) => delete d.distribution[0].contentUrl, /contentUrl is required/],
    ['no encodingFormat', (d) => delete d.distribution[1].encodingFormat, /encodingFormat is required/],
    ['no includes', (d) => delete d.distribution[1].includes, /includes is required/],
    ['dangling containedIn', (d) => (d.distribution[1].containedIn = { '@id': 'nowhere.zip' }), /containedIn: refers to .*nowhere\.zip/],
    [
      'dangling fileSet',
      (d) => (d.recordSet[0].field[0].source = { fileSet: { '@id': 'no-such-set' }, extract: { fileProperty: 'filename' } }),
      /source fileSet: refers to .*no-such-set/,
    ],
    ['fileObject naming a FileSet', (d) => (d.recordSet[0].field[0].source = { fileObject: { '@id': 'image-files' } }), /not a cr:FileObject/],
    ['field without dataType', (d) => delete d.recordSet[0].field[0].dataType, /a dataType is required/],
    ['field without source', (d) => delete d.recordSet[0].field[0].source, /needs a source or a value/],
    ['duplicate @id', (d) => (d.distribution[2]['@id'] = 'image_labels'), /@id .*image_labels is not unique/],
    ['no conformsTo', (d) => delete d.conformsTo, /conformsTo http:\/\/mlcommons.org\/croissant\/1.1 is required/],
  ];
  for (const [name, breakIt, expected] of broken) {
    const doc = example('1.1-zenodo-head-mri.metadata.json');
    breakIt(doc);
    const { errors } = await checkCroissant(doc, { conformsTo: PROFILE });
    t.ok(
      errors.some((e) => expected.test(e)),
      `${name}: ${errors.join(' | ')}`,
    );
  }
  const splits = example('1.1-huggingface-squad_v2.metadata.json') as unknown as { recordSet: { data?: Record<string, string>[] }[] };
  splits.recordSet[0].data![0] = { 'squad_v2_splits/other': 'train' };
  t.match((await checkCroissant(splits, { conformsTo: PROFILE })).errors, [/data record 0 has keys/], 'embedded data keyed by the fields');
});

/** The cr: and rai: terms the Croissant vocabularies define (docs/croissant.ttl, docs/croissant_rai.ttl). */
function vocabularyTerms(): Set<string> {
  const terms = new Set<string>();
  for (const file of ['croissant.ttl', 'croissant_rai.ttl']) {
    for (const q of new Parser().parse(readFileSync(join(croissantDir.path, 'vocab', file), 'utf8'))) terms.add(q.subject.value);
  }
  return terms;
}

/** Every cr: and rai: IRI a document uses as a property, a class or a dataType. */
async function croissantTermsUsed(doc: object): Promise<string[]> {
  const used = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object' || '@value' in v) return;
    for (const [k, x] of Object.entries(v)) {
      used.add(k);
      if (k === '@type') (x as string[]).forEach((c) => used.add(c));
      if (k === 'http://mlcommons.org/croissant/dataType') (x as { '@id': string }[]).forEach((c) => used.add(c['@id']));
      visit(x);
    }
  };
  visit(await jsonld.expand(doc as jsonld.JsonLdDocument));
  return [...used].filter((iri) => iri.startsWith('http://mlcommons.org/croissant/'));
}

const sheet = {
  motivation: { purpose: 'Benchmark tracking.' },
  composition: {
    missingInformation: 'No detector noise.',
    splits: [
      { name: 'train', instances: 8 },
      { name: 'validation', instances: 1 },
      { name: 'test', instances: 1 },
    ],
    confidentialData: false,
    identifiesPeople: false,
  },
  collection: { acquisition: 'Simulated with GEANT4.', timeframe: { start: '2024-01', end: '2024-06' } },
  preprocessing: { preprocessing: 'Digitised.', steps: ['digitisation', 'zero suppression'], labelling: 'Truth tracks from the simulation.' },
  uses: {
    recommendedUses: ['tracking'],
    knownBiases: ['one detector geometry'],
    knownLimitations: ['no pile-up'],
    outOfScopeUses: ['real-data physics results'],
    socialImpact: 'None expected.',
  },
  maintenance: { maintainer: 'BNL', updatePolicy: 'New versions when the simulation changes.' },
};

t.test('a full record exports Croissant 1.1 that passes the checker and the vocabularies', requires(t, croissantDir), async (t) => {
  const a = await makeApp(t);
  await fullFixture(a);
  await a.app.inject({ method: 'POST', url: '/datasets/ising-features/versions', headers: a.as.curator });
  const withSheet = await patchDraft(a, 'ising-features', { datasheet: sheet, issued: '2024-07' });
  t.equal(withSheet.statusCode, 200, withSheet.body);
  await a.app.inject({ method: 'POST', url: '/datasets/ising-features/publish', headers: a.as.curator });

  const byFormat = await a.app.inject({ url: '/datasets/ising-features?format=croissant' });
  t.equal(byFormat.statusCode, 200);
  t.equal(byFormat.headers['content-type'], ACCEPT);
  const byAccept = await a.app.inject({ url: '/datasets/ising-features/versions/2', headers: { accept: ACCEPT } });
  t.equal(byAccept.headers['content-type'], ACCEPT, 'the profile selects Croissant');
  t.same(byAccept.json(), byFormat.json(), 'the version and the latest answer alike');
  t.not(
    (await a.app.inject({ url: '/datasets/ising-features', headers: { accept: 'application/ld+json' } })).headers['content-type'],
    ACCEPT,
    'plain JSON-LD stays schema.org',
  );

  const doc = byFormat.json();
  const report = await checkCroissant(doc, { conformsTo: PROFILE });
  t.same(report.errors, []);
  t.same(report.warnings, [], 'every property the spec requires is there');
  t.equal(doc.datePublished, '2024-07', "the source's issue date, as precise as stated");
  t.equal(doc.creativeWorkStatus, 'available');
  const vocabulary = vocabularyTerms();
  t.same(
    (await croissantTermsUsed(doc)).filter((iri) => !vocabulary.has(iri)),
    [],
    'every cr: and rai: term is defined by the Croissant vocabularies',
  );

  // Independent expectations, from the fixture and the datasheet above.
  const [file] = doc.distribution;
  t.match(file, {
    '@type': 'cr:FileObject',
    contentUrl: 'https://data.example.org/features.h5',
    encodingFormat: 'application/x-hdf5',
    contentSize: '123456 B',
    sha256: 'ab'.repeat(32),
  });
  const observables = doc.recordSet.find((r: { '@id': string }) => r['@id'] === 'observables');
  t.match(observables.field[0], {
    dataType: ['sc:Float', 'https://w3id.org/femto/observable/magnetic-susceptibility'],
    'qudt:unit': { '@id': /^http:\/\/qudt\.org\/vocab\/unit\// },
    source: { fileObject: { '@id': file['@id'] } },
  });
  const splits = doc.recordSet.find((r: { '@id': string }) => r['@id'] === 'splits');
  t.same(splits.data, [
    { 'splits/name': 'train', 'splits/url': 'cr:TrainSplit', 'splits/instances': 8 },
    { 'splits/name': 'validation', 'splits/url': 'cr:ValidationSplit', 'splits/instances': 1 },
    { 'splits/name': 'test', 'splits/url': 'cr:TestSplit', 'splits/instances': 1 },
  ]);
  t.equal(doc['rai:dataUseCases'], 'tracking');
  t.equal(doc['rai:dataBiases'], 'one detector geometry');
  t.same(doc['rai:dataLimitations'], ['no pile-up', 'Not for: real-data physics results']);
  t.same(doc['rai:dataPreprocessingProtocol'], ['Digitised.', 'digitisation', 'zero suppression']);
  t.equal(doc['rai:dataAnnotationProtocol'], 'Truth tracks from the simulation.');
  t.equal(doc['rai:dataCollectionMissingData'], 'No detector noise.');
  t.same(doc['rai:dataCollectionTimeframe'], ['2024-01', '2024-06']);
  t.match(doc['rai:dataCollection'], /Simulated with GEANT4/);
  t.match(doc['rai:personalSensitiveInformation'], /confidential\?.* no.*identify individuals.* no/);
  t.equal(doc['rai:dataSocialImpact'], 'None expected.');
  t.match(doc['rai:dataReleaseMaintenancePlan'], /BNL[\s\S]*New versions/);
  // Lineage joins exact versions: the feature extraction made version 1.
  t.notOk(doc['prov:wasGeneratedBy'], 'version 2 was made by no recorded step');
  const v1 = (await a.app.inject({ url: '/datasets/ising-features/versions/1?format=croissant' })).json();
  t.same(v1['prov:wasDerivedFrom'], [{ '@id': `${BASE_URL}/datasets/ising-raw/versions/1` }]);
  t.equal(v1['prov:wasGeneratedBy'][0]['@id'], `${BASE_URL}/activities/extract-features`);
  t.same((await checkCroissant(v1, { conformsTo: PROFILE })).errors, []);

  // The context is the specification's, from schema/jsonld, also served.
  const served = await a.app.inject({ url: '/contexts/croissant-1.1.jsonld' });
  t.equal(served.statusCode, 200);
  for (const [term, iri] of Object.entries(served.json()['@context'] as Record<string, unknown>)) t.same(doc['@context'][term], iri, `context term ${term}`);
});

t.test('Croissant is announced in Signposting, the linkset and the landing page', async (t) => {
  const a = await makeApp(t);
  await fullFixture(a);
  const html = await a.app.inject({ url: '/datasets/ising-features', headers: { accept: 'text/html' } });
  const described = `<${BASE_URL}/datasets/ising-features?format=croissant>; rel="describedby"; type="application/ld+json"; profile="${PROFILE}"`;
  t.ok(String(html.headers.link).includes(described), 'Link header');
  t.match(html.body, `href="${BASE_URL}/datasets/ising-features/versions/1?format=croissant"`, 'landing page links it');
  t.match(html.body, /Croissant/);
  const linkset = (await a.app.inject({ url: '/datasets/ising-features/linkset' })).json().linkset[0];
  t.ok(
    linkset.describedby.some((l: { href: string; type: string }) => l.href === `${BASE_URL}/datasets/ising-features?format=croissant` && l.type === ACCEPT),
    'linkset',
  );
});

t.test('files the caller may not see, or Croissant cannot describe, are left out and the document says why', requires(t, croissantDir), async (t) => {
  const a = await makeApp(t);
  const future = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const file = { urls: ['https://data.example.org/secret.h5'], mediaType: 'application/x-hdf5', checksum: { algorithm: 'md5', value: 'c'.repeat(32) } };
  await publishedDataset(a, {
    id: 'embargoed',
    accessLevel: 'embargoed',
    embargoUntil: future,
    distributions: [file],
    observables: ['https://w3id.org/femto/observable/magnetic-susceptibility'],
  });
  const anonymous = (await a.app.inject({ url: '/datasets/embargoed?format=croissant' })).json();
  t.same((await checkCroissant(anonymous, { conformsTo: PROFILE })).errors, [], 'still valid');
  t.same(anonymous.distribution, [], 'no file while the embargo lasts');
  t.notOk(JSON.stringify(anonymous).includes('secret.h5'), 'its URL appears nowhere');
  t.match(anonymous.description, /under embargo/);
  t.match(anonymous.description, /Magnetic susceptibility\) are not given as cr:RecordSet/);
  const reader = (await a.app.inject({ url: '/datasets/embargoed?format=croissant', headers: a.as.reader })).json();
  t.match(reader.distribution, [{ contentUrl: 'https://data.example.org/secret.h5', md5: 'c'.repeat(32) }], 'readers see the file');

  await publishedDataset(a, {
    id: 'mixed',
    distributions: [
      { title: 'landing', urls: ['https://example.org/record'], kind: 'access' },
      { urls: ['https://example.org/a.h5'], mediaType: 'application/x-hdf5' },
      { urls: ['https://example.org/b.h5'], mediaType: 'application/x-hdf5', checksum: { algorithm: 'sha1', value: 'ab' } },
      { urls: ['https://example.org/c.h5'], checksum: { algorithm: 'sha256', value: 'ab' } },
      { urls: ['https://example.org/d.h5'], mediaType: 'application/x-hdf5', checksum: { algorithm: 'sha256', value: 'AB' } },
    ],
  });
  const mixed = (await a.app.inject({ url: '/datasets/mixed?format=croissant' })).json();
  t.same((await checkCroissant(mixed, { conformsTo: PROFILE })).errors, []);
  t.same(
    mixed.distribution.map((d: { contentUrl: string }) => d.contentUrl),
    ['https://example.org/d.h5'],
  );
  t.equal(mixed.distribution[0].sha256, 'ab');
  for (const why of ['not a file', 'no checksum', 'sha1 checksum', 'no media type']) t.match(mixed.description, why);

  await publishedDataset(a, { id: 'secret', visibility: 'private', distributions: [file] });
  t.equal((await a.app.inject({ url: '/datasets/secret?format=croissant' })).statusCode, 404, 'private records do not exist for anonymous callers');
  await publishedDataset(a, { id: 'withheld', visibility: 'public', accessLevel: 'restricted', distributions: [file] });
  const withheld = await a.app.inject({ url: '/datasets/withheld?format=croissant' });
  t.equal(withheld.statusCode, 200, 'a public record with restricted files is described');
  t.notMatch(withheld.body, file.urls[0], 'without the locations of its files');
});

t.test('every bundled record exports Croissant that passes the checker', requires(t, croissantDir), async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  // Every record of every catalog file: all public (those whose data is restricted say how to get access), so all listed.
  const ids = readCatalog().flatMap((f) => f.content.datasets.map((d) => d.id));
  const listed = (await a.app.inject({ url: '/catalog?limit=500&format=jsonld' })).json().dataset.length as number;
  t.equal(listed, ids.length, `${ids.length} records, all listed for anonymous callers`);
  const vocabulary = vocabularyTerms();
  let warned = 0;
  for (const id of ids) {
    const res = await a.app.inject({ url: `/datasets/${id}?format=croissant` });
    t.equal(res.statusCode, 200, `${id}: ${res.statusCode}`);
    const doc = res.json();
    const report = await checkCroissant(doc, { conformsTo: PROFILE });
    if (report.errors.length) t.fail(`${id}: ${report.errors.join(' | ')}`);
    const undefinedTerms = (await croissantTermsUsed(doc)).filter((iri) => !vocabulary.has(iri));
    if (undefinedTerms.length) t.fail(`${id}: ${undefinedTerms.join(', ')}`);
    if (report.warnings.length) warned++;
    if (id === 'sphenix-auau-tpc-sim') t.equal(doc.creativeWorkStatus, 'planned', 'a release seed 002 plans says so');
  }
  t.pass(`${ids.length} records checked; ${warned} lack a licence, date or creator their source does not state`);
});

t.test('a draft exports Croissant to its curators', async (t) => {
  const a = await makeApp(t);
  const id = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() })).json().id as string;
  const res = await a.app.inject({ url: `/datasets/${id}/draft?format=croissant`, headers: a.as.curator });
  t.equal(res.statusCode, 200);
  t.equal(res.json().url, `${BASE_URL}/datasets/${id}/draft`);
});

t.test('the stated contents of an archive become FileSets the observables are read from', requires(t, croissantDir), async (t) => {
  const a = await makeApp(t);
  const archive = {
    title: 'all events',
    urls: ['https://data.example.org/events.tar.gz'],
    mediaType: 'application/gzip',
    sizeBytes: 2048,
    checksum: { algorithm: 'sha256', value: 'cd'.repeat(32) },
    contents: [
      { title: 'training events', includes: ['train/*.h5'], mediaType: 'application/x-hdf5' },
      { includes: ['test/*.h5', 'extra/*.h5'], excludes: ['test/broken-*.h5'], mediaType: 'application/x-hdf5' },
    ],
  };
  const bad = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ distributions: [{ ...archive, contents: [{ includes: [], mediaType: 'application/x-hdf5' }] }] }),
  });
  t.equal(bad.statusCode, 400);
  t.ok(
    bad.json().errors.some((e: { pointer: string }) => e.pointer === '/distributions/0/contents/0/includes'),
    JSON.stringify(bad.json().errors),
  );

  await publishedDataset(a, { id: 'archived', distributions: [archive], observables: ['https://w3id.org/femto/observable/magnetic-susceptibility'] });
  t.same((await a.app.inject({ url: '/datasets/archived' })).json().distributions[0].contents, archive.contents, 'stored and answered as given');
  await a.app.inject({ method: 'POST', url: '/datasets/archived/versions', headers: a.as.curator });
  await patchDraft(a, 'archived', { title: 'archived, v2' });
  t.same(
    (await a.app.inject({ url: '/datasets/archived/draft', headers: a.as.curator })).json().distributions[0].contents,
    archive.contents,
    'kept by a new version and a PATCH',
  );

  const doc = (await a.app.inject({ url: '/datasets/archived/versions/1?format=croissant' })).json();
  t.same((await checkCroissant(doc, { conformsTo: PROFILE })).errors, []);
  const [file, ...sets] = doc.distribution;
  t.match(file, { '@type': 'cr:FileObject', contentUrl: 'https://data.example.org/events.tar.gz', sha256: 'cd'.repeat(32) });
  t.match(sets, [
    { '@type': 'cr:FileSet', name: 'training events', containedIn: { '@id': file['@id'] }, includes: ['train/*.h5'], encodingFormat: 'application/x-hdf5' },
    { '@type': 'cr:FileSet', containedIn: { '@id': file['@id'] }, includes: ['test/*.h5', 'extra/*.h5'], excludes: ['test/broken-*.h5'] },
  ]);
  t.same(
    doc.recordSet.map((r: { field: { source: unknown }[] }) => r.field[0].source),
    sets.map((s: { '@id': string }) => ({ fileSet: { '@id': s['@id'] } })),
    'one record set per file set, read from it',
  );
  const page = (await a.app.inject({ url: '/datasets/archived', headers: { accept: 'text/html' } })).body;
  t.match(page, 'contains train/*.h5 (application/x-hdf5)');
  const gql = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ dataset(id: "archived") { distributions { contents { title includes excludes mediaType } } } }' },
  });
  t.same(gql.json().data.dataset.distributions[0].contents, [
    { title: 'training events', includes: ['train/*.h5'], excludes: null, mediaType: 'application/x-hdf5' },
    { title: null, includes: ['test/*.h5', 'extra/*.h5'], excludes: ['test/broken-*.h5'], mediaType: 'application/x-hdf5' },
  ]);
});
