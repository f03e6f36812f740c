import jsonld from 'jsonld';
import t from 'tap';
import { localDocumentLoader } from '../../src/modules/harvest/jsonld.js';
import { BASE_URL, makeApp } from '../helpers/app.js';
import { golden } from '../helpers/golden.js';
import { quadsOf } from '../helpers/harvest.js';
import { assertValid, dcatAp3Shapes, googleDatasetShapes } from '../helpers/validators.js';
import { fullFixture, pinRunTimes } from './fixtures.js';

const documentLoader = localDocumentLoader(BASE_URL);
const canonical = async (doc: object) =>
  jsonld.canonize(
    doc as jsonld.JsonLdDocument,
    { algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader, safe: true } as never,
  ) as Promise<string>;

const canonicalQuads = async (nquads: string) =>
  jsonld.canonize(nquads, { algorithm: 'URDNA2015', inputFormat: 'application/n-quads', format: 'application/n-quads' } as never) as Promise<string>;

t.test('schema.org and DCAT JSON-LD of a full record are the expected graphs', async (t) => {
  const app = await makeApp(t);
  const runStarted = new Date();
  await fullFixture(app);
  for (const [format, file] of [
    ['jsonld', 'ising-features.schemaorg.nq'],
    ['dcat', 'ising-features.dcat.nq'],
  ]) {
    const res = await app.app.inject({ url: `/datasets/ising-features?format=${format}` });
    t.equal(res.statusCode, 200);
    const doc = JSON.parse(pinRunTimes(res.body, runStarted));
    // safe mode throws when a key of the hand-built document is not defined by its context (it would be dropped).
    const actual = await canonical(doc);
    const expected = golden(t, actual, 'harvest', file);
    if (expected !== undefined) t.equal(actual, await canonicalQuads(expected), `${format}: same graph as test/golden/harvest/${file}`);
  }
});

t.test('the schema.org record carries lineage, software, agents and observables', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const doc = (await app.app.inject({ url: '/datasets/ising-features', headers: { accept: 'application/ld+json' } })).json();
  t.equal(doc['@type'], 'Dataset');
  t.equal(doc.license, 'https://spdx.org/licenses/CC-BY-4.0');
  t.same(doc.isBasedOn, [{ '@id': `${BASE_URL}/datasets/ising-raw/versions/1` }]);
  t.same(doc['prov:wasDerivedFrom'], doc.isBasedOn);
  const activity = doc['prov:wasGeneratedBy'][0];
  t.equal(activity['@id'], `${BASE_URL}/activities/extract-features`);
  t.ok(activity['prov:wasAssociatedWith'].some((a: { name: string; softwareVersion?: string }) => a.name === 'isingtools' && a.softwareVersion === '2.1'));
  t.ok(activity['prov:wasAssociatedWith'].some((a: { '@id'?: string }) => a['@id'] === 'https://orcid.org/0000-0002-1825-0097'));
  t.same(doc.variableMeasured[0].propertyID, 'https://w3id.org/femto/observable/magnetic-susceptibility');
  t.same(doc.creator[0]['@id'], 'https://orcid.org/0000-0002-1825-0097');
  t.same(doc.creator[1]['@id'], 'https://ror.org/01ggx4157');
});

t.test('the whole bundled catalog passes the Google required shapes and the DCAT-AP 3.0.1 shapes', async (t) => {
  const app = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const schemaOrg = (await app.app.inject({ url: '/catalog?limit=500&format=jsonld' })).json();
  t.ok(schemaOrg.dataset.length > 90, 'every public bundled record on one page');
  await assertValid(t, googleDatasetShapes, await quadsOf([schemaOrg], BASE_URL), 'schema.org output conforms to googleRequired.ttl');

  const dcat = (await app.app.inject({ url: '/catalog?limit=500&format=dcat' })).json();
  await assertValid(t, dcatAp3Shapes, await quadsOf([dcat], BASE_URL), 'DCAT output conforms to DCAT-AP 3.0.1 shapes.ttl and range.ttl');
});

t.test('the full fixture passes the shapes too (checksums, versions, relations, activities)', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const dcat = (await app.app.inject({ url: '/catalog?format=dcat' })).json();
  await assertValid(t, dcatAp3Shapes, await quadsOf([dcat], BASE_URL), 'DCAT-AP 3.0.1');
  const so = (await app.app.inject({ url: '/catalog?format=jsonld' })).json();
  await assertValid(t, googleDatasetShapes, await quadsOf([so], BASE_URL), 'Google required shapes');
});

t.test('Turtle parses and holds both vocabularies; contexts are served from local files', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const ttl = await app.app.inject({ url: '/datasets/ising-features', headers: { accept: 'text/turtle' } });
  t.equal(ttl.headers['content-type'], 'text/turtle');
  const { Parser } = await import('n3');
  const quads = new Parser().parse(ttl.body);
  t.ok(quads.some((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#distribution'));
  t.ok(quads.some((q) => q.predicate.value === 'http://schema.org/variableMeasured'));
  const ctx = await app.app.inject({ url: '/contexts/dcat.jsonld' });
  t.equal(ctx.statusCode, 200);
  t.ok(ctx.json()['@context'].dcat);
  await t.rejects(documentLoader('https://example.org/context.jsonld'), /local files only/);
});

t.test('related identifiers holding characters an IRI may not hold are percent-encoded in every RDF format', async (t) => {
  const app = await makeApp(t);
  const record = {
    id: 'odd-related',
    title: 'Odd related identifiers',
    description: 'A curator pasted identifiers with spaces and brackets.',
    tier: 3,
    dataType: 'Raw-Simulation',
    license: 'CC-BY-4.0',
    creators: [{ name: 'Ada Lovelace' }],
    relatedIdentifiers: [
      { type: 'DOI', value: '10.1234/a b<c>', relation: 'References' },
      { type: 'arXiv', value: '2101.00001 v2', relation: 'IsSupplementTo' },
    ],
  };
  const headers = { ...app.as.admin, 'content-type': 'application/json' };
  t.equal((await app.app.inject({ method: 'POST', url: '/datasets', headers, payload: record })).statusCode, 201);
  t.equal((await app.app.inject({ method: 'POST', url: '/datasets/odd-related/publish', headers: app.as.admin })).statusCode, 200);
  const ttl = await app.app.inject({ url: '/datasets/odd-related', headers: { accept: 'text/turtle' } });
  t.equal(ttl.statusCode, 200, ttl.body.slice(0, 200));
  const { Parser } = await import('n3');
  const objects = new Parser().parse(ttl.body).map((q) => q.object.value);
  t.ok(objects.includes('https://doi.org/10.1234/a%20b%3Cc%3E'), 'the DOI');
  t.ok(objects.includes('https://arxiv.org/abs/2101.00001%20v2'), 'the arXiv id');
  const dcat = (await app.app.inject({ url: '/datasets/odd-related?format=dcat' })).json();
  await assertValid(t, dcatAp3Shapes, await quadsOf([dcat], BASE_URL), 'DCAT-AP 3.0.1');
});

t.test('406 lists the offered types; the DCAT profile is chosen by Accept', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const bad = await app.app.inject({ url: '/datasets/ising-features', headers: { accept: 'image/png' } });
  t.equal(bad.statusCode, 406);
  for (const type of ['application/ld+json', 'text/turtle', 'text/html; charset=utf-8']) t.ok(bad.json().offered.includes(type), type);
  t.match(bad.json().errors, [{ pointer: 'headers/accept' }], 'the pointer names the Accept header');
  for (const url of ['/datasets/ising-features?format=xml', '/ontology?format=xml', '/datasets/ising-features/versions/1?format=JSONLD']) {
    const typo = await app.app.inject({ url });
    t.equal(typo.statusCode, 406, url);
    t.match(typo.json(), { code: 'NOT_ACCEPTABLE', errors: [{ pointer: 'querystring/format', message: /json/ }] }, `${url}: the pointer names ?format=`);
  }
  const dcat = await app.app.inject({ url: '/datasets/ising-features', headers: { accept: 'application/ld+json; profile="http://www.w3.org/ns/dcat#"' } });
  t.match(dcat.headers['content-type'], /profile="http:\/\/www.w3.org\/ns\/dcat"/);
  t.equal(dcat.json()['@type'], 'Dataset');
  t.match(dcat.json()['@context'], /\/contexts\/dcat.jsonld$/);
});
