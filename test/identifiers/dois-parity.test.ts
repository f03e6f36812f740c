import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { assertValid, dataciteXsd } from '../helpers/validators.js';
import { DATACITE_VOCABULARY } from '../../src/lib/datacite-vocabulary.js';

const jsonApi = { 'content-type': 'application/vnd.api+json' };
const body = (attributes: Record<string, unknown>) => JSON.stringify({ data: { type: 'dois', attributes } });
const post = (a: TestApp, attributes: Record<string, unknown>, headers = a.as.curator) =>
  a.app.inject({ method: 'POST', url: '/dois', headers: { ...headers, ...jsonApi }, payload: body(attributes) });
const put = (a: TestApp, doi: string, attributes: Record<string, unknown>) =>
  a.app.inject({ method: 'PUT', url: `/dois/${doi}`, headers: { ...a.as.curator, ...jsonApi }, payload: body(attributes) });

/** A complete record as DataCite's REST API documentation writes it: publisher a string, publicationYear a number. */
const documented = (doi: string, over: Record<string, unknown> = {}) => ({
  doi,
  event: 'publish',
  url: 'https://example.org/landing',
  creators: [{ name: 'Fenner, Martin', nameType: 'Personal', givenName: 'Martin', familyName: 'Fenner' }],
  titles: [{ title: 'Eating your own Dog Food' }],
  publisher: 'DataCite',
  publicationYear: 2016,
  types: { resourceTypeGeneral: 'Text' },
  ...over,
});

const dataciteFixtures = shared('fixtures', 'real', 'datacite');

t.test('publisher as a plain string and publicationYear as a number are DataCite JSON: accepted, stored normalized, cited', async (t) => {
  const a = await makeApp(t);
  const res = await post(a, documented('10.5072/dog-food'));
  t.equal(res.statusCode, 201, res.body);
  t.same(res.json().data.attributes.publisher, { name: 'DataCite' });
  t.equal(res.json().data.attributes.publicationYear, '2016');
  const bib = await a.app.inject({ url: '/dois/10.5072/dog-food', headers: { accept: 'application/x-bibtex' } });
  t.equal(bib.statusCode, 200, bib.body);
  t.match(bib.body, /year = \{2016\}/);
  t.match(bib.body, /author = \{Fenner, Martin\}/);
  await assertValid(t, dataciteXsd, (await a.app.inject({ url: '/dois/10.5072/dog-food?format=datacite-xml' })).body, 'kernel-4.7 XSD');
});

t.test('a real DataCite REST payload (viringo fixture) is accepted unchanged', requires(t, dataciteFixtures), async (t) => {
  const a = await makeApp(t);
  const { attributes } = JSON.parse(readFileSync(join(dataciteFixtures.path, 'rest-api', 'viringo-datacite_api_doi.json'), 'utf8')).data;
  const { doi: _doi, prefix: _p, suffix: _s, state: _st, ...rest } = attributes;
  const res = await post(a, { ...rest, doi: '10.5072/prvv-nv23', event: 'publish' });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().data.attributes.publicationYear, String(attributes.publicationYear));
  t.equal((await a.app.inject({ url: '/dois/10.5072/prvv-nv23?format=bibtex' })).statusCode, 200);
});

t.test('values outside the kernel-4 vocabularies are refused with 422 and DataCite errors[], nothing stored', async (t) => {
  const a = await makeApp(t);
  const cases: [string, Record<string, unknown>, string][] = [
    ['resourceTypeGeneral', { types: { resourceTypeGeneral: 'NotAType' } }, 'types/resourceTypeGeneral'],
    [
      'relationType',
      { relatedIdentifiers: [{ relatedIdentifier: '10.5072/x', relatedIdentifierType: 'DOI', relationType: 'Foo' }] },
      'relatedIdentifiers/0/relationType',
    ],
    ['dateType', { dates: [{ date: '2020', dateType: 'Bogus' }] }, 'dates/0/dateType'],
    ['nameType', { creators: [{ name: 'R2-D2', nameType: 'Robot' }] }, 'creators/0/nameType'],
    ['lang', { titles: [{ title: 'x', lang: 'not a language!' }] }, 'titles/0/lang'],
    ['publicationYear', { publicationYear: 'last year' }, 'publicationYear'],
  ];
  for (const [name, bad, source] of cases) {
    for (const [method, res] of [
      ['POST', await post(a, documented(`10.5072/bad-${name.toLowerCase()}`, bad))],
      ['PUT', await put(a, `10.5072/bad-${name.toLowerCase()}`, documented(`10.5072/bad-${name.toLowerCase()}`, bad))],
    ] as const) {
      t.equal(res.statusCode, 422, `${method} ${name}: ${res.body}`);
      t.match(res.headers['content-type'], 'application/vnd.api+json');
      t.match(res.json(), { errors: [{ status: '422', source, title: String }] }, `${method} ${name}: the source names the attribute`);
    }
    t.equal((await a.app.inject({ url: `/dois/10.5072/bad-${name.toLowerCase()}`, headers: a.as.curator })).statusCode, 404, `${name}: nothing stored`);
  }
});

t.test('the base64 xml attribute (DataCite XML inside JSON:API) is read', async (t) => {
  const a = await makeApp(t);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<resource xmlns="http://datacite.org/schema/kernel-4">
  <identifier identifierType="DOI">10.5072/FROM-XML</identifier>
  <creators><creator><creatorName nameType="Organizational">Brookhaven National Laboratory</creatorName></creator></creators>
  <titles><title>Read from the XML</title></titles>
  <publisher>BNL</publisher>
  <publicationYear>2021</publicationYear>
  <resourceType resourceTypeGeneral="Dataset">Simulation</resourceType>
</resource>`;
  const res = await post(a, { doi: '10.5072/from-xml', url: 'https://example.org/x', event: 'publish', xml: Buffer.from(xml).toString('base64') });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json().data.attributes, {
    titles: [{ title: 'Read from the XML' }],
    publisher: { name: 'BNL' },
    publicationYear: '2021',
    types: { resourceTypeGeneral: 'Dataset' },
  });
  const overridden = await put(a, '10.5072/from-xml', { xml: Buffer.from(xml).toString('base64'), titles: [{ title: 'The attribute wins' }] });
  t.equal(overridden.json().data.attributes.titles[0].title, 'The attribute wins', 'attributes given beside the XML take precedence');
  const broken = await put(a, '10.5072/from-xml', { xml: Buffer.from('<resource><titles>').toString('base64') });
  t.equal(broken.statusCode, 422);
  t.match(broken.json().errors, [{ source: 'xml' }]);
});

t.test('PUT of a DOI that does not exist creates it (201), as DataCite does; DELETE of a findable DOI is 405 with Allow', async (t) => {
  const a = await makeApp(t);
  const created = await put(a, '10.5072/made-by-put', documented('10.5072/made-by-put', { doi: undefined }));
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.headers.location, `${BASE_URL}/dois/10.5072/made-by-put`);
  t.equal(created.json().data.attributes.state, 'findable');
  t.equal((await put(a, '10.5072/made-by-put', { titles: [{ title: 'changed' }] })).statusCode, 200, 'then PUT updates');
  t.equal(
    (await put(a, encodeURIComponent('10.5072/encoded/slash'), documented('x', { doi: undefined, event: undefined }))).statusCode,
    201,
    'an encoded slash names the same kind of DOI',
  );
  t.equal((await a.app.inject({ url: '/dois/10.5072/encoded/slash', headers: a.as.curator })).statusCode, 200, 'a suffix with a slash is reachable unencoded');

  const del = await a.app.inject({ method: 'DELETE', url: '/dois/10.5072/made-by-put', headers: a.as.curator });
  t.equal(del.statusCode, 405);
  t.equal(del.headers.allow, 'GET, HEAD, PUT');
  t.equal((await a.app.inject({ method: 'DELETE', url: '/dois/10.5072/encoded/slash', headers: a.as.curator })).statusCode, 204, 'a draft is deleted');
});

t.test('registered and draft DOIs do not exist for anonymous callers; curators see every state and filter by state=', async (t) => {
  const a = await makeApp(t);
  await post(a, documented('10.5072/s-findable'));
  await post(a, documented('10.5072/s-registered', { event: 'register' }));
  await post(a, documented('10.5072/s-draft', { event: undefined }));
  for (const doi of ['10.5072/s-registered', '10.5072/s-draft']) {
    t.equal((await a.app.inject({ url: `/dois/${doi}` })).statusCode, 404, `${doi} is 404 for anonymous callers`);
    t.equal((await a.app.inject({ url: `/dois/${doi}`, headers: a.as.curator })).statusCode, 200, `${doi} is there for curators`);
  }
  const ids = async (url: string, headers = {}) => (await a.app.inject({ url, headers })).json().data.map((d: { id: string }) => d.id);
  t.same(await ids('/dois'), ['10.5072/s-findable'], 'the anonymous list holds findable DOIs only');
  t.same(await ids('/dois?state=draft'), [], 'asking for drafts shows an anonymous caller none');
  t.same(await ids('/dois', a.as.curator), ['10.5072/s-draft', '10.5072/s-findable', '10.5072/s-registered']);
  t.same(await ids('/dois?state=registered,draft', a.as.curator), ['10.5072/s-draft', '10.5072/s-registered']);
  t.equal((await a.app.inject({ url: '/dois?state=lost' })).statusCode, 400);
  t.equal((await a.app.inject({ url: '/dois' })).json().meta.total, 1, 'the total counts what the caller may see');
});

t.test('paging by page[number]/page[size] and by page[cursor], with meta and links as DataCite has them', async (t) => {
  const a = await makeApp(t);
  const all = [0, 1, 2, 3, 4].map((i) => `10.5072/page-${i}`);
  for (const doi of all) t.equal((await post(a, documented(doi))).statusCode, 201);
  const page2 = (await a.app.inject({ url: '/dois?page[size]=2&page[number]=2' })).json();
  t.same(
    page2.data.map((d: { id: string }) => d.id),
    all.slice(2, 4),
    'page 2 is the third and fourth DOI',
  );
  t.same(page2.meta, { total: 5, totalPages: 3, page: 2 });
  t.equal(page2.links.self, `${BASE_URL}/dois?page%5Bnumber%5D=2&page%5Bsize%5D=2`);
  t.match(page2.links.next, /page%5Bnumber%5D=3/);
  t.match(page2.links.prev, /page%5Bnumber%5D=1/);
  const last = (await a.app.inject({ url: '/dois?page[size]=2&page[number]=3' })).json();
  t.same(
    last.data.map((d: { id: string }) => d.id),
    all.slice(4),
  );
  t.notOk(last.links.next, 'no next on the last page');

  const seen: string[] = [];
  let url: string | undefined = '/dois?page[size]=2&page[cursor]=1';
  for (let i = 0; url && i < 10; i++) {
    const res = (await a.app.inject({ url })).json();
    t.notOk(res.links.prev, 'a cursor only moves forward');
    t.equal(res.meta.total, 5);
    seen.push(...res.data.map((d: { id: string }) => d.id));
    url = res.links.next?.replace(BASE_URL, '');
  }
  t.same(seen, all, 'the cursor visits every DOI once');
  const bad = await a.app.inject({ url: '/dois?page[cursor]=not-a-cursor' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors, [{ source: 'querystring/page[cursor]' }]);
});

t.test('query= takes DataCite field syntax and plain terms; what it matches is what the DOI says', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { title: 'FM4NPP training set', creators: [{ name: 'Grace Hopper' }], publisher: 'Lattice Lab' });
  t.equal(
    (await post(a, { doi: '10.5072/fm', url: `${BASE_URL}/datasets/${id}`, event: 'publish', types: { resourceTypeGeneral: 'Dataset' } })).statusCode,
    201,
  );
  t.equal(
    (await post(a, documented('10.5072/other', { titles: [{ title: 'Unrelated FM4NPP-free record' }], creators: [{ name: 'Ada Lovelace' }] }))).statusCode,
    201,
  );
  const ids = async (query: string) => (await a.app.inject({ url: `/dois?query=${encodeURIComponent(query)}` })).json().data.map((d: { id: string }) => d.id);
  t.same(await ids('titles.title:FM4NPP'), ['10.5072/fm', '10.5072/other'], 'both titles contain FM4NPP');
  t.same(await ids('titles.title:"training set"'), ['10.5072/fm'], 'a quoted phrase, from the dataset the DOI describes');
  t.same(await ids('creators.name:Hopper'), ['10.5072/fm']);
  t.same(await ids('creators.name:Lovelace publicationYear:2016'), ['10.5072/other'], 'every term must match');
  t.same(await ids('training'), ['10.5072/fm'], 'a plain term searches the whole record');
  t.same(await ids('types.resourceTypeGeneral:Text'), ['10.5072/other']);
  t.same(await ids('doi:10.5072/fm'), ['10.5072/fm']);
  t.same(await ids('titles.title:FM4*set'), ['10.5072/fm'], 'wildcards');
  const unknown = await a.app.inject({ url: '/dois?query=colour:blue' });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().errors, [{ source: 'querystring/query' }]);
});

const includes = shared('fixtures', 'real', 'datacite', 'kernel-4.7', 'include');

t.test('the checked-in vocabulary is the enumerations of the kernel-4.7 include XSDs', requires(t, includes), async (t) => {
  // Read independently of scripts/datacite-vocabulary.ts: every <xs:enumeration> of every named simpleType.
  const fromXsd: Record<string, string[]> = {};
  for (const file of readdirSync(includes.path).filter((f) => f.startsWith('datacite-'))) {
    const text = readFileSync(join(includes.path, file), 'utf8');
    for (const m of text.matchAll(/<xs:simpleType name="([^"]+)"[\s\S]*?<\/xs:simpleType>/g)) {
      fromXsd[m[1]] = [...m[0].matchAll(/<xs:enumeration value="([^"]*)"/g)].map((e) => e[1]);
    }
  }
  t.same(DATACITE_VOCABULARY, fromXsd, 'regenerate with: npx tsx scripts/datacite-vocabulary.ts');
});
