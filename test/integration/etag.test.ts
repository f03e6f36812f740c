import t from 'tap';
import { createHash } from 'node:crypto';
import { buildApp } from '../../src/app.js';
import { BASE_URL, makeApp, minimalDataset, publishedDataset } from '../helpers/app.js';

const FORMATS = ['json', 'jsonld', 'ttl', 'html', 'datacite-xml', 'bibtex'];

t.test('published versions carry strong ETags made from their bytes; If-None-Match answers 304', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { title: 'Cached record', publisher: 'Lattice Lab' });
  const tags = new Map<string, string>();
  for (const format of FORMATS) {
    const res = await a.app.inject({ url: `/datasets/${id}?format=${format}` });
    t.equal(res.statusCode, 200, format);
    const etag = res.headers.etag as string;
    t.match(etag, /^"[0-9a-f]{32}"$/, `${format}: a strong validator that names no row or counter`);
    tags.set(format, etag);
    const again = await a.app.inject({ url: `/datasets/${id}?format=${format}`, headers: { 'if-none-match': etag } });
    t.equal(again.statusCode, 304, `${format}: revalidation answers 304`);
    t.equal(again.body, '', `${format}: with no body`);
    t.equal(again.headers.etag, etag);
    const weak = await a.app.inject({ url: `/datasets/${id}?format=${format}`, headers: { 'if-none-match': `"other", W/${etag}` } });
    t.equal(weak.statusCode, 304, `${format}: If-None-Match compares weakly, in a list`);
  }
  t.equal(new Set(tags.values()).size, FORMATS.length, 'each representation has its own tag');

  // The same bytes on another process sharing the database (a replica), and with the cache off.
  const replica = await buildApp({ ...a.config, readCacheBytes: 0 });
  t.teardown(() => replica.close());
  for (const format of FORMATS) {
    const res = await replica.inject({ url: `/datasets/${id}?format=${format}` });
    t.equal(res.headers.etag, tags.get(format), `${format}: the same tag from an uncached replica`);
  }
  const json = await a.app.inject({ url: `/datasets/${id}` });
  const digest = createHash('sha256')
    .update(`application/json\n${JSON.stringify({ Link: json.headers.link })}\n${json.body}`)
    .digest('hex')
    .slice(0, 32);
  t.equal(json.headers.etag, `"${digest}"`, 'the tag is a digest of media type, headers and body, nothing else');

  // A DOI minted elsewhere changes what the record says: new bytes, new tag, no stale 304.
  const minted = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes: { doi: '10.5072/etag-1', url: `${BASE_URL}/datasets/${id}`, event: 'publish' } } }),
  });
  t.equal(minted.statusCode, 201);
  for (const format of FORMATS) {
    const res = await a.app.inject({ url: `/datasets/${id}?format=${format}`, headers: { 'if-none-match': tags.get(format)! } });
    t.equal(res.statusCode, 200, `${format}: the old tag no longer matches after the DOI was minted`);
    t.not(res.headers.etag, tags.get(format));
    if (format !== 'ttl') t.match(res.body, /etag-1/i, `${format}: the DOI is in the new bytes`);
  }
});

t.test('the representation cache stays within FEMTO_READ_CACHE_BYTES', async (t) => {
  const limit = 20_000;
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true', FEMTO_READ_CACHE_BYTES: String(limit) });
  const { items } = (await a.app.inject({ url: '/datasets?limit=50' })).json() as { items: { id: string }[] };
  t.ok(items.length >= 50);
  for (const { id } of items) for (const format of FORMATS) await a.app.inject({ url: `/datasets/${id}?format=${format}` });
  const stats = a.app.femto.reader.stats();
  t.ok(stats.bytes <= limit, `${stats.bytes} bytes cached, bound ${limit}`);
  t.ok(stats.entries > 0, 'it still caches what fits');
});

t.test('If-Match on a draft: strong comparison over a list, * for any draft; If-None-Match: * revalidates any representation', async (t) => {
  const a = await makeApp(t);
  const created = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ id: 'edited', title: 'Edited record' }),
  });
  t.equal(created.statusCode, 201, created.body);
  const draftTag = async () => (await a.app.inject({ url: '/datasets/edited/draft', headers: a.as.curator })).headers.etag as string;
  const patch = (ifMatch: string, title: string) =>
    a.app.inject({ method: 'PATCH', url: '/datasets/edited', headers: { ...a.as.curator, 'if-match': ifMatch }, payload: { title } });

  const weak = await patch(`W/${await draftTag()}`, 'Weakly matched');
  t.equal(weak.statusCode, 412, 'a weak tag never matches (RFC 9110 13.1.1)');
  const current = await draftTag();
  t.same(
    { detail: weak.json().detail, errors: weak.json().errors, etag: weak.json().etag },
    { detail: `If-Match W/${current} does not match the draft's ETag ${current}`, errors: undefined, etag: current },
    'the answer says what was asked (no field is at fault) and names the current tag',
  );
  t.equal((await patch(`"not-it",   ${await draftTag()} `, 'In a list')).statusCode, 200, 'the current tag anywhere in a list, spaces around it');
  t.equal((await patch(' * ', 'Any draft')).statusCode, 200, '* overwrites whatever draft is there');
  const stale = await draftTag();
  t.equal((await patch(stale, 'Changed')).statusCode, 200);
  t.equal((await patch(stale, 'Lost update')).statusCode, 412, 'a tag the draft has moved past');
  const missing = await a.app.inject({ method: 'PATCH', url: '/datasets/edited', headers: a.as.curator, payload: { title: 'Blind' } });
  const tag = await draftTag();
  t.match(missing.json(), {
    status: 428,
    code: 'PRECONDITION_REQUIRED',
    detail: `PATCH needs If-Match with the draft's ETag (${tag}), or * to overwrite whatever is there`,
    etag: tag,
    errors: [{ pointer: 'headers/if-match', message: 'is required' }],
  });
  t.equal((await a.app.inject({ url: '/datasets/edited/draft', headers: a.as.curator })).json().title, 'Changed', 'only the matched writes landed');

  const id = await publishedDataset(a, { title: 'Revalidated record' });
  t.equal(
    (await a.app.inject({ url: `/datasets/${id}`, headers: { 'if-none-match': ' * ' } })).statusCode,
    304,
    'If-None-Match: * matches any current representation',
  );
  t.equal((await a.app.inject({ url: `/datasets/${id}`, headers: { 'if-none-match': '"other"' } })).statusCode, 200, 'a tag it does not have does not');
});
