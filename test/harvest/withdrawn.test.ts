import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { BASE_URL, makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { assertValid, oaiXsd } from '../helpers/validators.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['record', 'header'].includes(name) });
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function doi(a: TestApp, method: 'POST' | 'PUT', path: string, attributes: Record<string, unknown>) {
  const res = await a.app.inject({
    method,
    url: path,
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes } }),
  });
  if (res.statusCode >= 300) throw new Error(res.body);
  return res.json().data;
}

async function channels(t: Tap.Test, a: TestApp) {
  const oai = await a.app.inject({ url: '/oai?verb=ListRecords&metadataPrefix=oai_datacite' });
  await assertValid(t, oaiXsd, oai.body, 'OAI response is schema-valid');
  const records = parser.parse(oai.body)['OAI-PMH'].ListRecords.record as { header: { identifier: string; '@status'?: string }[]; metadata?: unknown }[];
  const sitemap = (await a.app.inject({ url: '/sitemap.xml' })).body;
  const catalog = (await a.app.inject({ url: '/catalog?limit=500' })).json();
  return {
    oai: new Map(records.map((r) => [r.header[0].identifier.split(':').pop()!, { deleted: r.header[0]['@status'] === 'deleted', metadata: !!r.metadata }])),
    sitemap: [...sitemap.matchAll(/<loc>[^<]*\/datasets\/([^<]+)<\/loc>/g)].map((m) => m[1]),
    catalog: catalog.dataset.map((d: { url: string }) => d.url.split('/datasets/')[1].split('/')[0]) as string[],
    catalogTotal: catalog['hydra:totalItems'] as number,
  };
}

t.test('a withdrawn record leaves every public channel; OAI keeps it as deleted; browsers get an HTML tombstone', async (t) => {
  const a = await makeApp(t);
  const kept = await publishedDataset(a, { title: 'Kept record', publisher: 'Lattice Lab' });
  const gone = await publishedDataset(a, { title: 'Withdrawn <record>', publisher: 'Lattice Lab' });
  await doi(a, 'POST', '/dois', { doi: '10.5072/gone-1', url: `${BASE_URL}/datasets/${gone}`, event: 'publish' });

  const before = await channels(t, a);
  t.same([...before.sitemap].sort(), [gone, kept].sort(), 'both in the sitemap while findable');
  t.equal(before.catalogTotal, 2);

  const hidden = await doi(a, 'PUT', '/dois/10.5072/gone-1', { event: 'hide', withdrawalReason: 'Calibration error in run 7' });
  t.match(hidden.attributes.tombstone, { reason: 'Calibration error in run 7' });
  t.notOk('withdrawalReason' in hidden.attributes, "the reason is femto's, not a DataCite attribute");

  const after = await channels(t, a);
  t.same(after.sitemap, [kept], 'sitemap drops it');
  t.same(after.catalog, [kept], '/catalog drops it');
  const searched = (await a.app.inject({ url: '/datasets?q=record' })).json();
  t.same(
    searched.items.map((i: { id: string }) => i.id),
    [kept],
    'search drops it',
  );
  t.equal(searched.total, 1, 'search counts what it lists');
  const gql = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ datasets(query: "record") { totalCount edges { node { id } } } }' } });
  t.same(gql.json().data.datasets, { totalCount: 1, edges: [{ node: { id: kept } }] }, 'GraphQL search drops it');
  t.equal(after.catalogTotal, 1, '/catalog counts what it lists');
  t.same(after.oai.get(gone), { deleted: true, metadata: false }, 'OAI: a deleted record without metadata');
  t.same(after.oai.get(kept), { deleted: false, metadata: true });
  const single = await a.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:${gone}` });
  await assertValid(t, oaiXsd, single.body, 'GetRecord is schema-valid');
  t.match(single.body, /<header status="deleted">/);
  const ids = await a.app.inject({ url: '/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=tier:3' });
  t.match(ids.body, new RegExp(`<header status="deleted"><identifier>oai:femto.test:${gone}<`), 'ListIdentifiers too');

  for (const url of [`/datasets/${gone}`, `/datasets/${gone}/versions/1`]) {
    const html = await a.app.inject({ url, headers: { accept: BROWSER } });
    t.equal(html.statusCode, 410, url);
    t.match(html.headers['content-type'], /^text\/html/);
    t.match(html.body, '<h1>Withdrawn &lt;record&gt;</h1>', 'title, escaped');
    t.match(html.body, '<a href="https://doi.org/10.5072/gone-1">10.5072/gone-1</a>');
    t.match(html.body, /<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">\d{4}-\d{2}-\d{2}<\/time>/, 'withdrawal date');
    t.match(html.body, 'Calibration error in run 7');
    t.match(html.body, 'Ada Lovelace (20', 'citation');
    t.match(html.body, 'Withdrawn &lt;record&gt; (version 1) [Data set]. Lattice Lab. https://doi.org/10.5072/gone-1');
    t.notOk(html.body.includes('application/ld+json'), 'no metadata embedded for crawlers');
  }
  t.equal((await a.app.inject({ url: `/datasets/${gone}?format=html` })).statusCode, 410);
  for (const accept of ['application/json', 'application/ld+json', 'text/turtle', 'application/x-unknown']) {
    const res = await a.app.inject({ url: `/datasets/${gone}`, headers: { accept } });
    t.equal(res.statusCode, 410, accept);
    t.match(res.headers['content-type'], 'application/problem+json', accept);
    t.match(res.json(), { code: 'GONE', tombstone: { doi: '10.5072/gone-1', reason: 'Calibration error in run 7' } }, accept);
  }
  t.equal((await a.app.inject({ url: `/datasets/${kept}`, headers: { accept: BROWSER } })).statusCode, 200, 'the other record is untouched');
  for (const url of [`/datasets/${gone}/linkset`, `/datasets/${gone}/fair`]) {
    const res = await a.app.inject({ url });
    t.equal(res.statusCode, 410, url);
    t.equal(res.json().code, 'GONE', url);
  }
  const byId = (await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ dataset(id: "${gone}") { title } }` } })).json();
  t.equal(byId.data.dataset, null, 'GraphQL dataset(id) answers no record');
  t.equal(byId.errors[0].extensions.code, 'GONE', 'with the code REST uses');

  // Publishing again lifts the tombstone everywhere.
  await doi(a, 'PUT', '/dois/10.5072/gone-1', { event: 'publish' });
  const back = await channels(t, a);
  t.same([...back.sitemap].sort(), [gone, kept].sort());
  t.equal(back.catalogTotal, 2);
  t.equal((await a.app.inject({ url: '/datasets?q=record' })).json().total, 2, 'back in search');
  t.same(back.oai.get(gone), { deleted: false, metadata: true });
  t.equal((await a.app.inject({ url: `/datasets/${gone}`, headers: { accept: BROWSER } })).statusCode, 200);
  t.equal((await a.app.inject({ url: '/dois/10.5072/gone-1' })).json().data.attributes.tombstone, undefined);
});

t.test('hiding a concept DOI withdraws every version of the dataset', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { publisher: 'Lattice Lab' });
  await doi(a, 'POST', '/dois', { doi: '10.5072/all', url: `${BASE_URL}/datasets/${id}/versions`, event: 'publish' });
  await doi(a, 'PUT', '/dois/10.5072/all', { event: 'hide' });
  const c = await channels(t, a);
  t.same(c.sitemap, []);
  t.same(c.catalog, []);
  t.same(c.oai.get(id), { deleted: true, metadata: false });
  const html = await a.app.inject({ url: `/datasets/${id}`, headers: { accept: BROWSER } });
  t.equal(html.statusCode, 410);
  t.match(html.body, 'Not stated', 'no reason given');
});
