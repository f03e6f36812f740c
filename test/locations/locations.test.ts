import t from 'tap';
import { BASE_URL, makeApp, minimalDataset, doiRequest, type TestApp } from '../helpers/app.js';
import { CONTENT, CONTENT_SHA256, fileServer } from './file-server.js';

async function site(a: TestApp, id: string, name: string) {
  const res = await a.app.inject({ method: 'PUT', url: `/sites/${id}`, headers: a.as.admin, payload: { name } });
  if (res.statusCode >= 300) throw new Error(res.body);
}

async function create(a: TestApp, body: Record<string, unknown>, publish = true) {
  const res = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset(body) });
  if (res.statusCode !== 201) throw new Error(res.body);
  if (publish) {
    const p = await a.app.inject({ method: 'POST', url: `/datasets/${String(body.id)}/publish`, headers: a.as.curator });
    if (p.statusCode !== 200) throw new Error(p.body);
  }
  return res;
}

t.test('sites are kept by admins; a site replicas are recorded at cannot go', async (t) => {
  const a = await makeApp(t);
  const put = (headers: Record<string, string>, id = 'bnl-sdcc') =>
    a.app.inject({ method: 'PUT', url: `/sites/${id}`, headers, payload: { name: 'BNL SDCC', homepage: 'https://www.sdcc.bnl.gov' } });
  t.equal((await put(a.as.anonymous)).statusCode, 401);
  t.equal((await put(a.as.curator)).statusCode, 403, 'curators do not keep sites');
  const made = await put(a.as.admin);
  t.equal(made.statusCode, 201);
  t.equal(made.headers.location, `${BASE_URL}/sites/bnl-sdcc`);
  t.equal((await put(a.as.admin)).statusCode, 200, 'a second PUT replaces it');
  t.match((await a.app.inject('/sites')).json(), { items: [{ id: 'bnl-sdcc', name: 'BNL SDCC', homepage: 'https://www.sdcc.bnl.gov' }] });
  t.equal((await a.app.inject('/sites/nowhere')).statusCode, 404);
  t.equal((await put(a.as.admin, 'Not A Slug')).statusCode, 400);
  const bad = await a.app.inject({ method: 'PUT', url: '/sites/evil', headers: a.as.admin, payload: { name: 'x', homepage: 'javascript:alert(1)' } });
  t.match(bad.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/homepage' }] });

  await create(a, { id: 'held', distributions: [{ replicas: [{ url: 'https://sdcc.example.org/a.h5', site: 'bnl-sdcc' }] }] });
  const inUse = await a.app.inject({ method: 'DELETE', url: '/sites/bnl-sdcc', headers: a.as.admin });
  t.match(inUse, { statusCode: 409 });
  t.equal(inUse.json().code, 'SITE_IN_USE');
  await site(a, 'unused', 'Unused site');
  t.equal((await a.app.inject({ method: 'DELETE', url: '/sites/unused', headers: a.as.curator })).statusCode, 403);
  t.equal((await a.app.inject({ method: 'DELETE', url: '/sites/unused', headers: a.as.admin })).statusCode, 204);
  t.equal((await a.app.inject({ method: 'DELETE', url: '/sites/unused', headers: a.as.admin })).statusCode, 404);
});

t.test('a write whose replicas disagree on a checksum, or name an unknown site, is refused whole', async (t) => {
  const a = await makeApp(t);
  await site(a, 'cern-eos', 'CERN EOS');
  const post = (distributions: unknown) =>
    a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ id: 'refused', distributions }) });
  const sha = (c: string) => ({ algorithm: 'sha256', value: c.repeat(64) });

  const conflict = await post([
    { checksum: sha('a'), replicas: [{ url: 'https://a.example/x' }, { url: 'https://b.example/x', site: 'cern-eos', checksum: sha('b') }] },
  ]);
  t.equal(conflict.statusCode, 422);
  t.match(conflict.json(), {
    code: 'REPLICA_CHECKSUM_CONFLICT',
    errors: [{ pointer: '/distributions/0/replicas/1/checksum/value', message: /disagrees with a{64} stated for the distribution/ }],
  });
  const between = await post([
    {
      replicas: [
        { url: 'https://a.example/x', checksum: sha('c') },
        { url: 'https://b.example/x', checksum: sha('d') },
      ],
    },
  ]);
  t.match(between.json(), { code: 'REPLICA_CHECKSUM_CONFLICT', errors: [{ pointer: '/distributions/0/replicas/1/checksum/value' }] }, 'between two replicas');

  const unknown = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ distributions: [{ replicas: [{ url: 'https://a.example/x', site: 'atlantis' }] }] }),
  });
  t.match(unknown.json(), {
    status: 422,
    code: 'UNKNOWN_REFERENCE',
    errors: [{ pointer: '/distributions/0/replicas/0/site', message: /'atlantis' is not a site/ }],
  });
  const both = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ distributions: [{ urls: ['https://a.example/x'], replicas: [{ url: 'https://a.example/x' }] }] }),
  });
  t.match(both.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/distributions/0/urls', message: 'give either urls or replicas' }] });
  t.equal((await a.app.inject({ url: '/datasets?limit=100', headers: a.as.admin })).json().total, 0, 'nothing was written');
  t.equal((await a.app.inject({ url: '/datasets/refused/draft', headers: a.as.curator })).statusCode, 404);
  t.equal(
    (
      await post([
        {
          replicas: [
            { url: 'https://a.example/x', checksum: sha('A') },
            { url: 'https://b.example/x', checksum: sha('a') },
          ],
        },
      ])
    ).statusCode,
    201,
    'hex is case-insensitive',
  );
});

t.test('replicas are part of the record: kept by a new draft, withheld with the files', async (t) => {
  const a = await makeApp(t);
  await site(a, 'cern-eos', 'CERN EOS');
  const replicas = [
    { url: 'https://data.example.org/x.h5', checksum: { algorithm: 'sha256', value: CONTENT_SHA256 } },
    { url: 'root://eos.example.org//x.h5', site: 'cern-eos' },
  ];
  await create(a, { id: 'mirrored', distributions: [{ replicas, sizeBytes: 11 }] });
  const record = (await a.app.inject('/datasets/mirrored')).json();
  t.same(
    record.distributions[0].urls,
    replicas.map((r) => r.url),
  );
  t.same(record.distributions[0].replicas, [
    { url: replicas[0].url, site: null, protocol: 'https', checksum: replicas[0].checksum },
    { url: replicas[1].url, site: 'cern-eos', protocol: 'root', checksum: null },
  ]);
  await a.app.inject({ method: 'POST', url: '/datasets/mirrored/versions', headers: a.as.curator });
  t.same(
    (await a.app.inject({ url: '/datasets/mirrored/draft', headers: a.as.curator })).json().distributions[0].replicas,
    record.distributions[0].replicas,
    'a new draft keeps them',
  );

  const gql = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ dataset(id: "mirrored") { distributions { replicas { url site protocol checksum { algorithm } } } } }' },
  });
  t.same(
    gql.json().data.dataset.distributions[0].replicas,
    [
      { url: replicas[0].url, site: null, protocol: 'https', checksum: { algorithm: 'sha256' } },
      { url: replicas[1].url, site: 'cern-eos', protocol: 'root', checksum: null },
    ],
    'in GraphQL too',
  );

  await create(a, { id: 'embargoed', accessLevel: 'embargoed', embargoUntil: '2999-01-01', distributions: [{ replicas }] });
  t.same((await a.app.inject('/datasets/embargoed')).json().distributions[0].replicas, [], 'no replica while the files are embargoed');
  const hidden = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ dataset(id: "embargoed") { distributions { urls replicas { url } } } }' },
  });
  t.same(hidden.json().data.dataset.distributions, [{ urls: [], replicas: [] }], 'nor in GraphQL');
});

t.test('GET /datasets/{id}/locations: every replica with its site and last check, as the caller may see them', async (t) => {
  const a = await makeApp(t);
  await site(a, 'cern-eos', 'CERN EOS');
  const replicas = [{ url: 'https://data.example.org/x.h5' }, { url: 'root://eos.example.org//x.h5', site: 'cern-eos' }];
  await create(a, {
    id: 'located',
    distributions: [
      { title: 'events', replicas, sizeBytes: 11 },
      { urls: ['https://data.example.org/readme.txt'], kind: 'access' },
    ],
  });
  const res = await a.app.inject('/datasets/located/locations');
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    dataset: 'located',
    version: 1,
    filesWithheld: false,
    distributions: [
      {
        index: 1,
        title: 'events',
        kind: 'download',
        sizeBytes: 11,
        checksum: null,
        replicas: [
          { url: replicas[0].url, site: null, protocol: 'https', checksum: null, verified: null },
          { url: replicas[1].url, site: 'cern-eos', protocol: 'root', checksum: null, verified: null },
        ],
      },
      {
        index: 2,
        title: null,
        kind: 'access',
        sizeBytes: null,
        checksum: null,
        replicas: [{ url: 'https://data.example.org/readme.txt', site: null, protocol: 'https', checksum: null, verified: null }],
      },
    ],
  });
  t.equal((await a.app.inject('/datasets/located/locations?version=1')).statusCode, 200);
  t.match((await a.app.inject('/datasets/located/locations?version=2')).json(), { status: 404, detail: "Version 'located v2' does not exist" });
  t.match((await a.app.inject('/datasets/nowhere/locations')).json(), { status: 404, detail: "Dataset 'nowhere' does not exist" });

  await create(a, { id: 'restricted', accessLevel: 'restricted', visibility: 'public', distributions: [{ replicas }] });
  t.match(
    (await a.app.inject('/datasets/restricted/locations')).json(),
    { filesWithheld: true, distributions: [{ index: 1, replicas: [] }] },
    'restricted files: no replica listed',
  );
  t.match(
    (await a.app.inject({ url: '/datasets/restricted/locations', headers: a.as.admin })).json(),
    { filesWithheld: false, distributions: [{ replicas: [{}, {}] }] },
    'a holder sees them',
  );
});

t.test('the resolver answers the best replica: preferred site, then verified, never a failed one', async (t) => {
  const a = await makeApp(t);
  const files = await fileServer(t);
  await site(a, 'cern-eos', 'CERN EOS');
  await site(a, 'bnl-sdcc', 'BNL SDCC');
  await site(a, 'nersc', 'NERSC');
  await create(a, {
    id: 'resolved',
    distributions: [
      {
        sizeBytes: 11,
        checksum: { algorithm: 'sha256', value: CONTENT_SHA256 },
        replicas: [
          { url: `${files.base}/gone.bin`, site: 'nersc' },
          { url: 'root://eos.example.org//x.h5', site: 'cern-eos' },
          { url: `${files.base}/good.bin`, site: 'bnl-sdcc' },
        ],
      },
    ],
  });
  const resolve = (path: string, headers: Record<string, string> = {}) => a.app.inject({ url: `/resolve/${path}`, headers });

  const first = await resolve('resolved');
  t.equal(first.statusCode, 302, 'nothing checked yet: the first replica the record lists');
  t.equal(first.headers.location, `${files.base}/gone.bin`);
  t.equal(first.headers['cache-control'], 'no-cache');
  t.equal((await resolve('resolved?site=cern-eos')).headers.location, 'root://eos.example.org//x.h5', 'the preferred site');
  t.equal((await resolve('resolved?protocol=root')).headers.location, 'root://eos.example.org//x.h5', 'the protocol asked for');
  const asJson = await resolve('resolved?site=bnl-sdcc', { accept: 'application/json' });
  t.equal(asJson.statusCode, 200);
  t.same(asJson.json(), {
    identifier: 'resolved',
    dataset: 'resolved',
    version: 1,
    distribution: 1,
    replica: { url: `${files.base}/good.bin`, site: 'bnl-sdcc', protocol: 'http', checksum: null, verified: null },
  });

  const counts = await a.app.femto.locations.verify({
    concurrency: 2,
    options: { timeoutMs: 2000, checksum: false, checksumTimeoutMs: 2000, allowPrivate: true },
  });
  t.same(counts, { ok: 1, missing: 1, 'size-mismatch': 0, 'checksum-mismatch': 0, timeout: 0, unreachable: 0, unsupported: 1 });
  t.equal((await resolve('resolved')).headers.location, `${files.base}/good.bin`, 'a verified replica before unchecked ones; the missing one never');
  t.equal((await resolve('resolved?site=nersc')).headers.location, `${files.base}/good.bin`, 'a preferred site whose replica failed its check is passed over');
  t.equal((await resolve('resolved?site=cern-eos')).headers.location, 'root://eos.example.org//x.h5', 'a protocol femto cannot check is not a failure');

  const none = await resolve('resolved?protocol=ftp');
  t.match(none.json(), { status: 404, code: 'NO_REPLICA', detail: 'no replica of distribution 1 is served over ftp (there are: http, root)' });
  t.match((await resolve('resolved?distribution=2')).json(), { status: 404, code: 'NO_REPLICA', detail: 'resolved v1 has no distribution 2' });
  await a.app.inject({ method: 'PUT', url: '/sites/nersc', headers: a.as.admin, payload: { name: 'NERSC' } });
  t.match((await resolve('resolved?protocol=http&site=nersc')).headers.location, `${files.base}/good.bin`);
  t.match((await resolve('nowhere')).json(), { status: 404, code: 'NOT_FOUND', detail: "Identifier 'nowhere' does not exist" });
  t.match((await resolve('resolved?colour=red')).json(), { status: 400 }, 'unknown parameters are refused');
});

t.test('the resolver takes DOIs, and answers 410 for a withdrawn record, 404 for a hidden one, 403 for withheld files', async (t) => {
  const a = await makeApp(t);
  const doi = (method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) => doiRequest(a, method, url, attributes);
  const file = (name: string) => [{ replicas: [{ url: `https://data.example.org/${name}` }] }];
  await create(a, { id: 'cited', publisher: 'Lattice Lab', distributions: file('v1.h5') });
  await doi('POST', '/dois', { doi: '10.5072/cited-1', url: `${BASE_URL}/datasets/cited`, event: 'publish' });
  await a.app.inject({ method: 'POST', url: '/datasets/cited/versions', headers: a.as.curator });
  await a.app.inject({ method: 'PATCH', url: '/datasets/cited', headers: { ...a.as.curator, 'if-match': '*' }, payload: { distributions: file('v2.h5') } });
  await a.app.inject({ method: 'POST', url: '/datasets/cited/publish', headers: a.as.curator });

  for (const form of ['10.5072/cited-1', '10.5072/CITED-1', 'doi:10.5072/cited-1', 'https://doi.org/10.5072/cited-1']) {
    t.equal((await a.app.inject(`/resolve/${form}`)).headers.location, 'https://data.example.org/v1.h5', `${form}: the version the DOI names`);
  }
  t.equal((await a.app.inject('/resolve/cited')).headers.location, 'https://data.example.org/v2.h5', 'a dataset id: its latest version');
  t.equal((await a.app.inject('/resolve/cited?version=1')).headers.location, 'https://data.example.org/v1.h5');
  t.match((await a.app.inject('/resolve/10.5072/cited-1?version=2')).json(), { status: 400, errors: [{ pointer: 'querystring/version' }] });
  t.match((await a.app.inject('/resolve/10.5072/unknown-1')).json(), { status: 404, detail: "Identifier '10.5072/unknown-1' does not exist" });

  await doi('POST', '/dois', { doi: '10.5072/draft-1', url: `${BASE_URL}/datasets/cited` });
  t.equal((await a.app.inject('/resolve/10.5072/draft-1')).statusCode, 404, 'a draft DOI does not resolve for the public');
  t.equal((await a.app.inject({ url: '/resolve/10.5072/draft-1', headers: a.as.curator })).statusCode, 302, 'it does for its editors');

  await doi('PUT', '/dois/10.5072/cited-1', { event: 'hide', withdrawalReason: 'superseded' });
  const gone = await a.app.inject('/resolve/10.5072/cited-1');
  t.match(gone, { statusCode: 410 });
  t.equal(gone.json().code, 'GONE');

  await create(a, { id: 'private-one', visibility: 'private', distributions: file('secret.h5') });
  const hidden = await a.app.inject('/resolve/private-one');
  const unknown = await a.app.inject('/resolve/xxxxxxx-xxx');
  t.same(
    [hidden.statusCode, hidden.json().detail.replace('private-one', 'xxxxxxx-xxx')],
    [unknown.statusCode, unknown.json().detail],
    'a hidden record answers as an unknown one',
  );
  t.equal((await a.app.inject({ url: '/resolve/private-one', headers: a.as.admin })).headers.location, 'https://data.example.org/secret.h5');

  await create(a, { id: 'under-embargo', accessLevel: 'embargoed', embargoUntil: '2999-01-01', distributions: file('later.h5') });
  const withheld = await a.app.inject('/resolve/under-embargo');
  t.match(withheld.json(), { status: 403, code: 'FILES_WITHHELD' });
  t.notMatch(withheld.body, /later\.h5/);
});

t.test('femto locations verify: HEAD, size and checksum, bounded concurrency, timeouts, results recorded per replica', async (t) => {
  const a = await makeApp(t);
  const files = await fileServer(t, { slowMs: 3000 });
  await site(a, 'loopback', 'Loopback file server');
  const sha256 = { algorithm: 'sha256', value: CONTENT_SHA256 };
  const dist = (name: string) => ({ title: name, sizeBytes: CONTENT.length, checksum: sha256, replicas: [{ url: `${files.base}/${name}`, site: 'loopback' }] });
  await create(a, { id: 'checked', distributions: ['good.bin', 'short.bin', 'corrupt.bin', 'gone.bin', 'slow.bin'].map(dist) });
  await create(a, { id: 'elsewhere', distributions: [{ replicas: [{ url: 's3://bucket/x.h5' }] }] });

  const lines: string[] = [];
  const run = (checksum: boolean) =>
    a.app.femto.locations.verify({
      site: 'loopback',
      concurrency: 2,
      options: { timeoutMs: 500, checksum, checksumTimeoutMs: 1000, allowPrivate: true },
      onResult: (r, f) => lines.push(`${r.url.slice(files.base.length)} ${f.result}`),
    });

  t.same(
    await run(false),
    { ok: 2, missing: 1, 'size-mismatch': 1, 'checksum-mismatch': 0, timeout: 1, unreachable: 0, unsupported: 0 },
    'HEAD alone cannot tell the corrupt file',
  );
  t.same(await run(true), { ok: 1, missing: 1, 'size-mismatch': 1, 'checksum-mismatch': 1, timeout: 1, unreachable: 0, unsupported: 0 }, '--checksum reads it');
  t.ok(lines.length === 10 && !lines.some((l) => l.includes('s3://')), 'only the site asked for');
  t.ok(files.inFlight.max <= 2, `never more than 2 requests at once (${files.inFlight.max})`);

  type Located = { distributions: { title: string; replicas: { verified: { result: string; detail: string | null; at: string } }[] }[] };
  const located = (await a.app.inject({ url: '/datasets/checked/locations', headers: a.as.curator })).json() as Located;
  const found = Object.fromEntries(located.distributions.map((d) => [d.title, d.replicas[0].verified]));
  t.match(found, {
    'good.bin': { result: 'ok', detail: 'sha256 matches' },
    'short.bin': { result: 'size-mismatch', detail: 'expected 11 bytes, the site serves 5' },
    'corrupt.bin': { result: 'checksum-mismatch', detail: `sha256 expected ${CONTENT_SHA256}, read ` },
    'gone.bin': { result: 'missing', detail: 'HTTP 404' },
    'slow.bin': { result: 'timeout' },
  });
  t.ok(
    Object.values(found).every((v) => !Number.isNaN(Date.parse(v.at))),
    'each with the time of its check',
  );
  // What answered at a URL (its size, a digest of its body, a DNS error) is for the record's holders: anyone may register a URL an admin's network then fetches.
  const seen = (await a.app.inject('/datasets/checked/locations')).json() as Located;
  t.same(
    seen.distributions.map((d) => [d.title, d.replicas[0].verified.result, d.replicas[0].verified.detail]),
    Object.entries(found).map(([title, v]) => [title, v.result, null]),
    'anonymous callers read each result without its wording',
  );
  const resolved = await a.app.inject({ url: '/resolve/checked?distribution=1', headers: { accept: 'application/json' } });
  t.same(resolved.json().replica.verified, { ...found['good.bin'], detail: null }, 'so does the resolver');
  t.same(
    await a.app.femto.locations.verify({
      dataset: 'elsewhere',
      concurrency: 1,
      options: { timeoutMs: 500, checksum: true, checksumTimeoutMs: 500, allowPrivate: true },
    }),
    { ok: 0, missing: 0, 'size-mismatch': 0, 'checksum-mismatch': 0, timeout: 0, unreachable: 0, unsupported: 1 },
  );
});

t.test('femto locations verify fetches public addresses only unless told otherwise: a replica URL cannot point the check at an internal service', async (t) => {
  const a = await makeApp(t);
  const files = await fileServer(t);
  await site(a, 'loopback', 'Loopback file server');
  const port = new URL(files.base).port;
  const loopback = [`${files.base}/good.bin`, `http://localhost:${port}/good.bin`, `http://[::1]:${port}/good.bin`];
  const internal = ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/x.h5', `http://[::127.0.0.1]:${port}/good.bin`];
  const replicas = (urls: string[]) => urls.map((url, i) => ({ title: `r${i}`, replicas: [{ url, site: 'loopback' }] }));
  await create(a, { id: 'on-loopback', distributions: replicas(loopback) });
  await create(a, { id: 'internal', distributions: replicas(internal) });
  const found = new Map<string, { result: string; detail: string | null }>();
  const verify = (dataset: string, allowPrivate: boolean) =>
    a.app.femto.locations.verify({
      dataset,
      concurrency: 2,
      options: { timeoutMs: 2000, checksum: true, checksumTimeoutMs: 2000, allowPrivate },
      onResult: (r, f) => found.set(r.url, f),
    });

  const none = { ok: 0, missing: 0, 'size-mismatch': 0, 'checksum-mismatch': 0, timeout: 0, unreachable: 0, unsupported: 0 };
  t.same(await verify('on-loopback', false), { ...none, unreachable: 3 });
  t.same(await verify('internal', false), { ...none, unreachable: 3 });
  for (const url of [...loopback, ...internal])
    t.match(found.get(url), { result: 'unreachable', detail: /is not a public address: not checked \(--allow-private/ }, url);
  t.same(files.requests, [], 'the file server was never asked, by address or by name');
  t.same(await verify('on-loopback', true), { ...none, ok: 2, unreachable: 1 }, 'the operator may check private mirrors');
  t.match(found.get(loopback[2]), { result: 'unreachable', detail: /^E[A-Z]+$/ }, 'asked (the file server listens on IPv4 only)');

  // Redirects are followed hop by hop (each hop is checked as the first): five at most, http(s) only.
  const chain = (n: number) => ({ title: `hops ${n}`, replicas: [{ url: `${files.base}/hops/${n}`, site: 'loopback' }] });
  await create(a, {
    id: 'redirected',
    distributions: [chain(5), chain(6), { title: 'to a file', replicas: [{ url: `${files.base}/to-file`, site: 'loopback' }] }],
  });
  t.same(await verify('redirected', true), { ...none, ok: 1, unreachable: 2 });
  t.match(found.get(`${files.base}/hops/5`), { result: 'ok' }, 'five redirects reach the file');
  t.match(found.get(`${files.base}/hops/6`), { result: 'unreachable', detail: 'more than 5 redirects' });
  t.match(found.get(`${files.base}/to-file`), { result: 'unreachable', detail: 'redirected to a file: URL' });
});

t.test('checks run in parallel up to the bound, not beyond', async (t) => {
  const a = await makeApp(t);
  const files = await fileServer(t, { delayMs: 100 });
  await create(a, { id: 'many', distributions: Array.from({ length: 12 }, (_, i) => ({ replicas: [{ url: `${files.base}/good-${i}.bin` }] })) });
  for (const concurrency of [1, 3]) {
    files.inFlight.max = 0;
    const counts = await a.app.femto.locations.verify({
      concurrency,
      options: { timeoutMs: 5000, checksum: false, checksumTimeoutMs: 5000, allowPrivate: true },
    });
    t.equal(counts.ok, 12);
    t.equal(files.inFlight.max, concurrency, `${concurrency} at a time`);
  }
});

t.test('a published version gains and loses replicas: every format shows them, the version changes, its checksum must agree', async (t) => {
  const a = await makeApp(t);
  await site(a, 'cern-eos', 'CERN EOS');
  const sha256 = { algorithm: 'sha256', value: CONTENT_SHA256 };
  await create(a, { id: 'growing', publisher: 'Lattice Lab', distributions: [{ checksum: sha256, replicas: [{ url: 'https://data.example.org/x.h5' }] }] });
  const before = await a.app.inject('/datasets/growing');
  const oaiBefore = (await a.app.inject('/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:growing')).body.match(/<datestamp>([^<]+)/)![1];
  const add = (body: Record<string, unknown>, headers = a.as.curator) =>
    a.app.inject({ method: 'POST', url: '/datasets/growing/versions/1/replicas', headers, payload: body });

  t.equal((await add({ distribution: 1, url: 'root://eos.example.org//x.h5', site: 'cern-eos' }, a.as.reader)).statusCode, 403);
  t.equal((await add({ distribution: 1, url: 'root://eos.example.org//x.h5', site: 'cern-eos' }, a.as.anonymous)).statusCode, 401);
  t.match((await add({ distribution: 1, url: 'root://eos.example.org//x.h5', checksum: { algorithm: 'sha256', value: 'ab'.repeat(32) } })).json(), {
    status: 422,
    code: 'REPLICA_CHECKSUM_CONFLICT',
    errors: [{ pointer: '/checksum/value', message: /disagrees with b94d27b9/ }],
  });
  t.match((await add({ distribution: 1, url: 'root://eos.example.org//x.h5', site: 'atlantis' })).json(), {
    code: 'UNKNOWN_REFERENCE',
    errors: [{ pointer: '/site' }],
  });
  t.match((await add({ distribution: 2, url: 'root://eos.example.org//x.h5' })).json(), { code: 'UNKNOWN_REFERENCE', errors: [{ pointer: '/distribution' }] });
  t.match((await add({ distribution: 1, url: 'https://data.example.org/x.h5' })).json(), { status: 409, errors: [{ pointer: '/url' }] });
  t.equal(
    (
      await a.app.inject({
        method: 'POST',
        url: '/datasets/nowhere/versions/1/replicas',
        headers: a.as.curator,
        payload: { distribution: 1, url: 'https://x.example/y' },
      })
    ).statusCode,
    404,
  );

  // OAI-PMH datestamps are to the second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const added = await add({
    distribution: 1,
    url: 'root://eos.example.org//x.h5',
    site: 'cern-eos',
    checksum: { algorithm: 'sha256', value: CONTENT_SHA256.toUpperCase() },
  });
  t.equal(added.statusCode, 201, added.body);
  t.equal(added.headers.location, `${BASE_URL}/datasets/growing/locations?version=1`);
  t.same(
    added.json().distributions[0].replicas.map((r: { url: string; site: string | null }) => [r.url, r.site]),
    [
      ['https://data.example.org/x.h5', null],
      ['root://eos.example.org//x.h5', 'cern-eos'],
    ],
  );
  const after = await a.app.inject('/datasets/growing');
  t.same(after.json().distributions[0].urls, ['https://data.example.org/x.h5', 'root://eos.example.org//x.h5'], 'the record lists it');
  t.not(after.headers.etag, before.headers.etag, 'a new ETag: cached representations are not served');
  t.match((await a.app.inject('/datasets/growing?format=jsonld')).body, /root:\/\/eos\.example\.org\/\/x\.h5/, 'every format shows it');
  const oaiAfter = (await a.app.inject('/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:growing')).body.match(/<datestamp>([^<]+)/)![1];
  t.ok(oaiAfter > oaiBefore, `harvesters see the record changed (${oaiBefore} -> ${oaiAfter})`);

  const remove = (query: string) => a.app.inject({ method: 'DELETE', url: `/datasets/growing/versions/1/replicas?${query}`, headers: a.as.curator });
  t.equal((await remove('distribution=1&url=https%3A%2F%2Fdata.example.org%2Fx.h5')).statusCode, 204);
  const left = await a.app.inject('/datasets/growing');
  t.same(left.json().distributions[0].urls, ['root://eos.example.org//x.h5']);
  t.not(left.headers.etag, after.headers.etag);
  t.equal((await remove('distribution=1&url=https%3A%2F%2Fdata.example.org%2Fx.h5')).statusCode, 404, 'gone already');
  t.match(
    (await remove('distribution=1&url=root%3A%2F%2Feos.example.org%2F%2Fx.h5')).json(),
    { status: 409, detail: /the only replica/ },
    'a distribution keeps one',
  );
  t.equal(
    (
      await a.app.inject({
        method: 'POST',
        url: '/datasets/growing/versions/1/replicas',
        headers: a.as.curator,
        payload: { distribution: 1, url: 'https://data.example.org/x.h5' },
      })
    ).json().distributions[0].replicas[1].url,
    'https://data.example.org/x.h5',
    'added again, after the others',
  );
  for (let i = 2; i < 20; i++) t.equal((await add({ distribution: 1, url: `https://mirror-${i}.example.org/x.h5` })).statusCode, 201);
  t.match(
    (await add({ distribution: 1, url: 'https://one-too-many.example.org/x.h5' })).json(),
    { status: 400, code: 'VALIDATION_FAILED', errors: [{ pointer: '/distribution' }] },
    'a distribution holds 20 replicas, as a record written whole does',
  );
});

t.test('a server that refuses HEAD is asked with a GET whose body is not read', async (t) => {
  const a = await makeApp(t);
  const files = await fileServer(t);
  await create(a, { id: 'no-head', distributions: [{ sizeBytes: 11, replicas: [{ url: `${files.base}/nohead.bin` }] }] });
  const counts = await a.app.femto.locations.verify({
    concurrency: 1,
    options: { timeoutMs: 2000, checksum: false, checksumTimeoutMs: 2000, allowPrivate: true },
  });
  t.equal(counts.ok, 1);
  t.same(files.requests, ['HEAD /nohead.bin', 'GET /nohead.bin']);
});

t.test('an ILDG Markov chain URI resolves to the ensemble record holding it', async (t) => {
  const a = await makeApp(t);
  const ensemble = (id: string, uri: string, extra: Record<string, unknown> = {}) =>
    create(a, {
      id,
      ensemble: { markovChainUri: uri, size: { x: 32, y: 32, z: 32, t: 64 } },
      relatedIdentifiers: [{ type: 'ILDG', value: uri, relation: 'IsIdenticalTo' }],
      distributions: [{ replicas: [{ url: `https://ildg.example.org/${id}.tar` }] }],
      ...extra,
    });
  // A record naming the open ensemble's chain in an identifier (it may not claim it: IsIdenticalTo is the ensemble's own), sorted before it, with a file of its own.
  await create(a, {
    id: 'aa-claims-it',
    relatedIdentifiers: [{ type: 'ILDG', value: 'mc://ldg/test/b60-l32', relation: 'References' }],
    distributions: [{ urls: ['https://elsewhere.example/phish'] }],
  });
  await ensemble('ens-open', 'mc://ldg/test/b60-l32');
  await ensemble('ens-private', 'mc://ldg/test/secret', { visibility: 'private' });
  await create(a, {
    id: 'cites-it',
    relatedIdentifiers: [{ type: 'ILDG', value: 'mc://ldg/test/cited', relation: 'IsDerivedFrom' }],
    distributions: [{ urls: ['https://x.example/y'] }],
  });

  t.equal((await a.app.inject('/resolve/mc://ldg/test/b60-l32')).headers.location, 'https://ildg.example.org/ens-open.tar', 'as typed');
  t.equal(
    (await a.app.inject(`/resolve/${encodeURIComponent('mc://ldg/test/b60-l32')}`)).headers.location,
    'https://ildg.example.org/ens-open.tar',
    'percent-encoded',
  );
  t.equal(
    (await a.app.inject('/resolve/MC://LDG/test/b60-l32/')).headers.location,
    'https://ildg.example.org/ens-open.tar',
    'the chain with its scheme and host cased otherwise and a trailing slash (RFC 3986 §6.2.2)',
  );
  const hidden = await a.app.inject('/resolve/mc://ldg/test/secret');
  const unknown = await a.app.inject('/resolve/mc://ldg/test/xxxxxx');
  t.same([hidden.statusCode, hidden.json().detail.replace('secret', 'xxxxxx')], [404, unknown.json().detail], 'a private ensemble answers as an unknown one');
  t.equal((await a.app.inject({ url: '/resolve/mc://ldg/test/secret', headers: a.as.admin })).headers.location, 'https://ildg.example.org/ens-private.tar');
  t.equal((await a.app.inject('/resolve/mc://ldg/test/cited')).statusCode, 404, 'a record that only names a chain in an identifier is not its ensemble');
});
