import t from 'tap';
import fc from 'fast-check';
import { BASE_URL, makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';
import { assertValid, dataciteJsonSchema, dataciteXsd } from '../helpers/validators.js';
import { normalizeDoi } from '../../src/modules/identifiers/doi.js';

const jsonApi = { 'content-type': 'application/vnd.api+json' };
const body = (attributes: Record<string, unknown>) => ({ data: { type: 'dois', attributes } });

async function post(a: TestApp, attributes: Record<string, unknown>, headers = a.as.curator) {
  return a.app.inject({ method: 'POST', url: '/dois', headers: { ...headers, ...jsonApi }, payload: JSON.stringify(body(attributes)) });
}

t.test('mint, publish, hide and read a DOI for a dataset with the local registrar', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { publisher: 'Lattice Lab' });
  const created = await post(a, { prefix: '10.5072', url: `${BASE_URL}/datasets/${id}` });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.headers['content-type'], 'application/vnd.api+json');
  const doi = created.json().data.id as string;
  t.match(doi, /^10\.5072\/[a-z2-9]{4}-[a-z2-9]{4}$/);
  const attrs = created.json().data.attributes;
  t.equal(attrs.state, 'draft');
  t.equal(attrs.titles[0].title, 'Ising model Monte Carlo samples', 'filled from the dataset');
  t.equal(attrs.registration.status, 'pending');

  // DataCite's path form, upper case and the URL-encoded form all name the same DOI.
  for (const path of [`/dois/${doi}`, `/dois/${doi.toUpperCase()}`, `/dois/${encodeURIComponent(doi)}`]) {
    const got = await a.app.inject({ method: 'GET', url: path, headers: a.as.curator });
    t.equal(got.json().data.id, doi, path);
  }
  t.equal((await a.app.inject({ method: 'GET', url: `/dois/${doi}` })).statusCode, 404, 'drafts are hidden from anonymous callers');

  const published = await a.app.inject({
    method: 'PUT',
    url: `/dois/${doi}`,
    headers: { ...a.as.curator, ...jsonApi },
    payload: JSON.stringify(body({ event: 'publish' })),
  });
  t.equal(published.statusCode, 200, published.body);
  t.equal(published.json().data.attributes.state, 'findable');
  await assertValid(t, dataciteJsonSchema, strip(published.json().data.attributes), 'published attributes are valid DataCite JSON');

  await a.app.femto.outbox.runOnce();
  const ds = (await a.app.inject({ method: 'GET', url: `/datasets/${id}` })).json();
  t.match(ds.doi, { doi, state: 'findable', registration: { status: 'synced', attempts: 0 } });

  const xml = await a.app.inject({ method: 'GET', url: `/dois/${doi}`, headers: { accept: 'application/vnd.datacite.datacite+xml' } });
  await assertValid(t, dataciteXsd, xml.body, 'DataCite XML of the DOI');
  const dsXml = await a.app.inject({ method: 'GET', url: `/datasets/${id}`, headers: { accept: 'application/vnd.datacite.datacite+xml' } });
  t.match(dsXml.body, `identifierType="DOI">${doi.toUpperCase()}<`);
  for (const [accept, expect] of [
    ['application/x-bibtex', /@misc\{.*doi = \{10\.5072/s],
    ['application/x-research-info-systems', /TY {2}- DATA/],
    ['application/vnd.citationstyles.csl+json', /"DOI":"10\.5072/],
  ] as const) {
    const res = await a.app.inject({ method: 'GET', url: `/datasets/${id}`, headers: { accept } });
    t.equal(res.statusCode, 200, accept);
    t.match(res.body, expect, accept);
  }

  const gqlStatus = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: a.as.reader,
    payload: { query: `{ dataset(id: "${id}") { doi { doi state registrationStatus attempts } } }` },
  });
  t.same(
    gqlStatus.json().data.dataset.doi,
    { doi, state: 'findable', registrationStatus: 'synced', attempts: 0 },
    'DOI state and registration status in GraphQL',
  );

  t.equal((await a.app.inject({ method: 'DELETE', url: `/dois/${doi}`, headers: a.as.curator })).statusCode, 405, 'findable DOIs are permanent');

  const hidden = await a.app.inject({
    method: 'PUT',
    url: `/dois/${doi}`,
    headers: { ...a.as.curator, ...jsonApi },
    payload: JSON.stringify(body({ event: 'hide' })),
  });
  t.equal(hidden.json().data.attributes.state, 'registered');
  const gone = await a.app.inject({ method: 'GET', url: `/datasets/${id}` });
  t.equal(gone.statusCode, 410);
  t.match(gone.json(), { code: 'GONE', tombstone: { doi, datasetId: id, title: 'Ising model Monte Carlo samples' } });
  t.equal(
    (await a.app.inject({ method: 'GET', url: `/dois/${doi}`, headers: a.as.curator })).json().data.attributes.state,
    'registered',
    'the DOI never disappears',
  );
  t.equal((await a.app.inject({ method: 'GET', url: `/dois/${doi}` })).statusCode, 404, 'a registered DOI is not public, as at DataCite');

  const gql = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: a.as.reader,
    payload: { query: `{ dataset(id: "${id}") { doi { doi state } } }` },
  });
  t.equal(gql.json().errors[0].extensions.code, 'GONE', 'GraphQL answers the withdrawn record as REST does');
});

/** Attributes as DataCite's schema knows them (femto's status fields are extra). */
function strip(a: Record<string, unknown>) {
  const { state: _s, isActive: _i, created: _c, updated: _u, registration: _r, tombstone: _t, ...rest } = a;
  return rest;
}

t.test('mandatory properties, malformed DOIs, prefixes and duplicates', async (t) => {
  const a = await makeApp(t);
  const missing = await post(a, { doi: '10.5072/no-meta', event: 'publish', titles: [{ title: 'x' }] });
  t.equal(missing.statusCode, 422);
  const sources = missing
    .json()
    .errors.map((e: { source: string }) => e.source)
    .sort();
  t.same(sources, ['creators', 'publicationYear', 'publisher', 'types', 'url']);
  t.equal(missing.json().errors[0].title, "Can't be blank");

  const malformed = await post(a, { doi: 'not-a-doi' });
  t.equal(malformed.statusCode, 422);
  t.equal(malformed.json().errors[0].code, 'DOI_INVALID');
  t.equal((await post(a, { prefix: '10.9999' })).statusCode, 403, 'another prefix is not ours');

  const id = await publishedDataset(a);
  t.equal((await post(a, { doi: '10.5072/First', url: `${BASE_URL}/datasets/${id}` })).statusCode, 201);
  const again = await post(a, { doi: '10.5072/FIRST' });
  t.equal(again.statusCode, 422, 'case-insensitive: the same DOI');
  const second = await post(a, { doi: '10.5072/second', url: `${BASE_URL}/datasets/${id}` });
  t.equal(second.statusCode, 422, 'one DOI per dataset version');
  t.equal(second.json().meta.doi, '10.5072/first');
  await t.rejects(
    a.app.femto.database
      .prepare(
        "INSERT INTO dois (doi, state, version_pk, attributes, registration_status, updated_at) SELECT '10.5072/x', 'draft', version_pk, '{}', 'pending', 'now' FROM dois",
      )
      .run(),
    /unique/i,
    'the database refuses a second DOI for a version too',
  );

  t.equal((await post(a, { prefix: '10.5072' }, a.as.reader)).statusCode, 403);
  t.equal((await post(a, { prefix: '10.5072' }, {})).statusCode, 401);

  const draft = (await post(a, { prefix: '10.5072' })).json().data.id;
  t.equal((await a.app.inject({ method: 'DELETE', url: `/dois/${draft}`, headers: a.as.curator })).statusCode, 204);
  t.equal((await a.app.inject({ method: 'GET', url: `/dois/${draft}`, headers: a.as.curator })).statusCode, 404);
});

t.test('HTTP Basic auth and listing with cursor paging', async (t) => {
  const a = await makeApp(t);
  const token = (await a.app.femto.auth.createToken('curator')).token;
  const basic = { authorization: `Basic ${Buffer.from(`femto.repo:${token}`).toString('base64')}` };
  for (let i = 0; i < 5; i++) t.equal((await post(a, { doi: `10.5072/item-${i}` }, basic)).statusCode, 201);
  const seen: string[] = [];
  let url: string | undefined = '/dois?page[size]=2';
  while (url) {
    const res = await a.app.inject({ method: 'GET', url, headers: a.as.curator });
    seen.push(...res.json().data.map((d: { id: string }) => d.id));
    url = res.json().links.next?.replace(BASE_URL, '');
  }
  t.same(
    seen,
    [0, 1, 2, 3, 4].map((i) => `10.5072/item-${i}`),
  );
  t.equal((await a.app.inject({ method: 'GET', url: '/dois?query=item-3', headers: a.as.curator })).json().data.length, 1);
  t.equal((await a.app.inject({ method: 'GET', url: '/dois' })).json().data.length, 0, 'anonymous callers see no drafts');
});

t.test('lineage and concept/version relations reach the DOI metadata', async (t) => {
  const a = await makeApp(t);
  const raw = await publishedDataset(a, { title: 'raw', publisher: 'p' });
  const derived = await publishedDataset(a, { title: 'derived', publisher: 'p' });
  await step(a, { inputs: [{ dataset: raw }], outputs: [{ dataset: derived }] });
  const rawDoi = (await post(a, { doi: '10.5072/raw', url: `${BASE_URL}/datasets/${raw}`, event: 'publish' })).json().data.id;
  const res = await post(a, { doi: '10.5072/derived', url: `${BASE_URL}/datasets/${derived}`, event: 'publish' });
  t.equal(res.statusCode, 201, res.body);
  t.ok(res.json().data.attributes.relatedIdentifiers.some((r: Record<string, string>) => r.relationType === 'IsDerivedFrom' && r.relatedIdentifier === rawDoi));
  const rawNow = (await a.app.inject({ method: 'GET', url: `/dois/${rawDoi}` })).json().data.attributes;
  t.ok(rawNow.relatedIdentifiers.some((r: Record<string, string>) => r.relationType === 'IsSourceOf' && r.relatedIdentifier === '10.5072/derived'));
  const concept = await post(a, { doi: '10.5072/raw-all', url: `${BASE_URL}/datasets/${raw}/versions`, event: 'publish' });
  t.equal(concept.statusCode, 201, concept.body);
  t.ok(
    concept.json().data.attributes.relatedIdentifiers.some((r: Record<string, string>) => r.relationType === 'HasVersion' && r.relatedIdentifier === rawDoi),
  );
  const version = (await a.app.inject({ method: 'GET', url: `/dois/${rawDoi}`, headers: { accept: 'application/vnd.datacite.datacite+json' } })).json();
  t.ok(version.relatedIdentifiers.some((r: Record<string, string>) => r.relationType === 'IsVersionOf' && r.relatedIdentifier === '10.5072/raw-all'));
  await assertValid(t, dataciteJsonSchema, version, 'DataCite JSON of a version DOI');
});

t.test('DOI normalization is idempotent and case-insensitive', async (t) => {
  const suffix = fc.stringMatching(/^[\x21-\x7e]{1,30}$/);
  const doi = fc.tuple(fc.integer({ min: 1000, max: 999999999 }), suffix).map(([p, s]) => `10.${p}/${s}`);
  fc.assert(
    fc.property(doi, fc.constantFrom('', 'doi:', 'https://doi.org/', 'http://dx.doi.org/'), (d, prefix) => {
      const n = normalizeDoi(prefix + d);
      if (n === null) return true;
      return normalizeDoi(n) === n && normalizeDoi((prefix + d).toUpperCase()) === n && normalizeDoi(n.toUpperCase()) === n;
    }),
  );
  t.equal(normalizeDoi(' https://doi.org/10.5072/ABC '), '10.5072/abc');
  t.equal(normalizeDoi('10.5072%2Fabc'), '10.5072/abc');
  t.equal(normalizeDoi('11.5072/abc'), null);
  t.equal(normalizeDoi('10.5072/'), null);
});

t.test('"event": null (what DataCite answers and clients send back) changes attributes without a state change', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a);
  const created = await post(a, { prefix: '10.5072', url: `${BASE_URL}/datasets/${id}`, event: null });
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.json().data.attributes.state, 'draft');
  const doi = created.json().data.id as string;
  const put = await a.app.inject({
    method: 'PUT',
    url: `/dois/${doi}`,
    headers: { ...a.as.curator, ...jsonApi },
    payload: JSON.stringify(body({ event: null, titles: [{ title: 'Renamed' }] })),
  });
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().data.attributes.state, 'draft');
  t.equal(put.json().data.attributes.titles[0].title, 'Renamed');
});

t.test('DOIs of private datasets: never findable, and only for their editors (read, list, query)', async (t) => {
  const a = await makeApp(t);
  const secret = await publishedDataset(a, { title: 'Secret zebra runs', visibility: 'private', publisher: 'Zebra Lab' });
  const open = await publishedDataset(a, { title: 'Open zebra runs', publisher: 'Zebra Lab' });
  const refused = await post(a, { prefix: '10.5072', url: `${BASE_URL}/datasets/${secret}`, event: 'publish' });
  t.equal(refused.statusCode, 422, 'a findable DOI is public: refused for a private version');
  t.match(refused.json().errors, [{ source: 'event', title: 'publish needs a public version' }]);
  const version = await post(a, { prefix: '10.5072', url: `${BASE_URL}/datasets/${secret}`, event: 'register' });
  t.equal(version.statusCode, 201, version.body);
  const concept = await post(a, { prefix: '10.5072', url: `${BASE_URL}/datasets/${secret}/versions`, event: 'register' });
  t.equal(concept.statusCode, 201, concept.body);
  t.equal((await post(a, { prefix: '10.5072', url: `${BASE_URL}/datasets/${open}`, event: 'publish' })).statusCode, 201);
  const hidden = [version.json().data.id, concept.json().data.id] as string[];

  for (const doi of hidden) {
    t.equal((await a.app.inject({ url: `/dois/${doi}` })).statusCode, 404, `anonymous GET ${doi}`);
    t.equal(
      (await a.app.inject({ url: `/dois/${doi}`, headers: a.as.reader })).statusCode,
      404,
      `a reader of the record: a registered DOI is its editors' work in progress`,
    );
    t.equal((await a.app.inject({ url: `/dois/${doi}`, headers: a.as.curator })).statusCode, 200, `its editor GET ${doi}`);
  }
  for (const url of ['/dois', '/dois?query=zebra']) {
    const anonymous = (await a.app.inject({ url })).json();
    t.equal(anonymous.data.length, 1, url);
    t.equal(anonymous.meta.total, 1, `${url}: the total counts none of them`);
    t.notOk(
      anonymous.data.some((r: { id: string }) => hidden.includes(r.id)),
      `${url}: private DOIs left out`,
    );
    t.equal((await a.app.inject({ url, headers: a.as.curator })).json().data.length, 3, `${url}: editors see all`);
  }
});
