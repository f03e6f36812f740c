import t from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { BASE_URL, makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';
import { assertValid, oaiXsd } from '../helpers/validators.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'header' });
const seconds = (iso: string) => `${iso.slice(0, 19)}Z`;

/** Waits into the next second, so that an OAI `from` at second granularity excludes what came before. */
async function nextSecond(): Promise<string> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  return seconds(new Date().toISOString());
}

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

async function listIdentifiers(t: Tap.Test, a: TestApp, from: string) {
  const res = await a.app.inject({ url: `/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&from=${from}` });
  await assertValid(t, oaiXsd, res.body, `ListIdentifiers from=${from} is schema-valid`);
  const list = parser.parse(res.body)['OAI-PMH'].ListIdentifiers;
  const headers = (list?.header ?? []) as { identifier: string; datestamp: string; '@status'?: string }[];
  return new Map(headers.map((h) => [h.identifier.split(':').pop()!, { datestamp: h.datestamp, deleted: h['@status'] === 'deleted' }]));
}

t.test('OAI-PMH from/until, /catalog?modified_since and sitemaps follow every change to what a format says', async (t) => {
  const a = await makeApp(t);
  const gone = await publishedDataset(a, { id: 'to-withdraw', title: 'A record that will be withdrawn', publisher: 'Lattice Lab' });
  const minted = await publishedDataset(a, { id: 'to-mint', title: 'A record that will get a DOI', publisher: 'Lattice Lab' });
  const quiet = await publishedDataset(a, { id: 'quiet', title: 'A record nothing happens to' });
  await doi(a, 'POST', '/dois', { doi: '10.5072/withdraw-1', url: `${BASE_URL}/datasets/${gone}`, event: 'publish' });

  const beforeHide = await nextSecond();
  const hidden = await doi(a, 'PUT', '/dois/10.5072/withdraw-1', { event: 'hide', withdrawalReason: 'superseded' });
  const afterHide = await listIdentifiers(t, a, beforeHide);
  t.same([...afterHide.keys()], [gone], 'from=<just before the hide> lists the withdrawn record only');
  t.same(afterHide.get(gone), { datestamp: seconds(hidden.attributes.tombstone.withdrawnAt), deleted: true }, 'a deleted header dated by the withdrawal');
  const record = await a.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:${gone}` });
  t.match(
    record.body,
    `<header status="deleted"><identifier>oai:femto.test:${gone}</identifier><datestamp>${seconds(hidden.attributes.tombstone.withdrawnAt)}</datestamp>`,
  );

  const beforeMint = await nextSecond();
  await doi(a, 'POST', '/dois', { doi: '10.5072/mint-1', url: `${BASE_URL}/datasets/${minted}`, event: 'publish' });
  const afterMint = await listIdentifiers(t, a, beforeMint);
  t.same([...afterMint.keys()], [minted], 'minting a DOI on a record brings it back to from= harvests');
  t.equal(afterMint.get(minted)?.deleted, false);
  const until = await a.app.inject({ url: `/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&until=${beforeHide}` });
  t.notMatch(until.body, `oai:femto.test:${minted}<`, 'until= excludes what changed after it');
  t.match(until.body, `oai:femto.test:${quiet}<`);

  const catalog = (await a.app.inject({ url: `/catalog?modified_since=${beforeMint}` })).json();
  t.same(
    catalog.dataset.map((d: { url: string }) => d.url.split('/datasets/')[1].split('/')[0]),
    [minted],
    '/catalog?modified_since sees the DOI change',
  );
  const sitemap = (await a.app.inject({ url: '/sitemap.xml' })).body;
  t.match(
    sitemap,
    new RegExp(`<loc>${BASE_URL}/datasets/${minted}</loc><lastmod>(${afterMint.get(minted)!.datestamp})</lastmod>`),
    'sitemap lastmod is the record modification time',
  );

  // A new derivation step changes both ends' lineage: both are harvested again.
  const beforeStep = await nextSecond();
  await step(a, { inputs: [{ dataset: quiet }], outputs: [{ dataset: minted }] });
  t.same([...(await listIdentifiers(t, a, beforeStep)).keys()].sort(), [minted, quiet].sort(), 'a lineage edge dates both records it joins');
});
