import t from 'tap';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import { BASE_URL, makeApp, minimalDataset, publishedDataset, sqliteFile, type TestApp } from '../helpers/app.js';
import { rawRequest } from '../helpers/raw-http.js';

const PROBLEM = 'application/problem+json';

function assertProblem(t: Tap.Test, res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) {
  t.equal(res.statusCode, status, `${code}: ${status}`);
  t.match(String(res.headers['content-type']), PROBLEM, `${code}: problem+json`);
  const body = JSON.parse(res.body);
  t.match(body, { status, code, type: `${BASE_URL}/problems/${code}`, title: String, detail: String });
  return body;
}

/** Sends raw bytes to a listening app; returns the status line, headers and body. */
async function raw(a: TestApp, request: string) {
  if (!a.app.server.listening) await a.app.listen({ port: 0, host: '127.0.0.1' });
  return rawRequest((a.app.server.address() as AddressInfo).port, request);
}

t.test("Fastify's own errors answer problem+json", async (t) => {
  const a = await makeApp(t, { FEMTO_BODY_LIMIT: '10000' });
  assertProblem(t, await a.app.inject('/datasets/%E0%A4%A'), 400, 'MALFORMED_URL');
  assertProblem(t, await a.app.inject(`/datasets/${'a'.repeat(300)}`), 414, 'URI_TOO_LONG');
  assertProblem(t, await a.app.inject('/no/such/route'), 404, 'ROUTE_NOT_FOUND');
  assertProblem(
    t,
    await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: { ...a.as.curator, 'content-type': 'application/json' },
      payload: JSON.stringify(minimalDataset({ description: 'x'.repeat(20_000) })),
    }),
    413,
    'PAYLOAD_TOO_LARGE',
  );
  assertProblem(
    t,
    await a.app.inject({ method: 'POST', url: '/datasets', headers: { ...a.as.curator, 'content-type': 'text/csv' }, payload: 'a,b' }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  );
  assertProblem(
    t,
    await a.app.inject({ method: 'POST', url: '/datasets', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload: '{"title": ' }),
    400,
    'MALFORMED_BODY',
  );

  const headers = await raw(a, `GET /datasets HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assertProblem(t, headers, 431, 'HEADERS_TOO_LARGE');
  const longUrl = await raw(a, `GET /datasets?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assertProblem(t, longUrl, 431, 'HEADERS_TOO_LARGE');
  const garbage = await raw(a, 'NOT HTTP AT ALL\r\n\r\n');
  assertProblem(t, garbage, 400, 'MALFORMED_REQUEST');
});

t.test('a JSON body nested past FEMTO_JSON_MAX_DEPTH is 400 before it is parsed, on every JSON route', async (t) => {
  const a = await makeApp(t);
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const body = JSON.stringify(minimalDataset()).replace(/}$/, `, "datasheet": {"a": ${deep(5000)}}}`);
  assertProblem(
    t,
    await a.app.inject({ method: 'POST', url: '/datasets', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload: body }),
    400,
    'BODY_TOO_DEEP',
  );
  const fine = JSON.stringify(minimalDataset()).replace(/}$/, `, "datasheet": {"notes": {"a": ${deep(20)}}}}`);
  t.equal(
    (await a.app.inject({ method: 'POST', url: '/datasets', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload: fine })).statusCode,
    201,
    'shallower bodies pass',
  );
  const strings = JSON.stringify(minimalDataset({ description: '[[[[{{{{"\\"'.repeat(2000) }));
  t.equal(
    (await a.app.inject({ method: 'POST', url: '/datasets', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload: strings })).statusCode,
    201,
    'brackets inside strings do not count',
  );

  const dois = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: `{"data": ${deep(5000)}}`,
  });
  t.equal(dois.statusCode, 400, 'JSON:API bodies too');
  t.equal(dois.json().errors[0].code, 'BODY_TOO_DEEP');
  const graphql = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json' },
    payload: `{"query": "{ __typename }", "variables": ${deep(5000).replace(/^\[/, '{"a":[').replace(/\]$/, ']}')}}`,
  });
  t.equal(graphql.statusCode, 400, 'and GraphQL');
  t.equal(graphql.json().errors[0].extensions.code, 'BODY_TOO_DEEP');
});

t.test('authentication comes before validation on write routes', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a);
  for (const [method, url] of [
    ['POST', '/datasets'],
    ['PATCH', `/datasets/${id}`],
    ['POST', '/activities'],
    ['POST', '/agents'],
    ['POST', `/datasets/${id}/measurements`],
    ['POST', '/tokens'],
    ['POST', '/import'],
  ] as const) {
    const body = assertProblem(t, await a.app.inject({ method, url, payload: {} }), 401, 'UNAUTHENTICATED');
    t.notOk(body.errors, `${method} ${url}: no schema details for anonymous callers`);
  }
  const dois = await a.app.inject({ method: 'POST', url: '/dois', headers: { 'content-type': 'application/vnd.api+json' }, payload: '{}' });
  t.equal(dois.statusCode, 401, 'POST /dois too (JSON:API error shape, as DataCite)');
  t.match(dois.headers['www-authenticate'], /Basic/);
  const reader = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.reader, payload: {} });
  t.equal(reader.statusCode, 400, 'an authenticated caller is told what is wrong with the body');
});

t.test('failed authentications are rate limited per client: 429 problem+json with Retry-After', async (t) => {
  const a = await makeApp(t, { FEMTO_AUTH_FAILURES_MAX: '3', FEMTO_AUTH_FAILURES_WINDOW_MS: '60000' });
  for (let i = 0; i < 3; i++) assertProblem(t, await a.app.inject({ url: '/datasets', headers: { authorization: `Bearer guess-${i}` } }), 401, 'INVALID_TOKEN');
  const limited = assertProblem(t, await a.app.inject({ url: '/datasets', headers: { authorization: 'Bearer guess-4' } }), 429, 'RATE_LIMITED');
  t.ok(limited.retryAfter > 0 && limited.retryAfter <= 60);
  t.match(limited.detail, new RegExp(`retry in ${limited.retryAfter} s`), 'the detail says when to retry');
  t.notOk('errors' in limited, 'no field is at fault');
  const res = await a.app.inject({ url: '/datasets', headers: a.as.curator });
  t.equal(res.statusCode, 429, 'even a valid token waits: a guess that succeeds must not be told apart');
  t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
  const anonymousRead = await a.app.inject({ url: '/datasets' });
  t.equal(anonymousRead.statusCode, 200, 'anonymous reads are not limited');
  t.notOk(anonymousRead.headers['x-ratelimit-limit'], 'nor counted: only failed authentications are');
  const graphql = await a.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: 'Bearer guess-5' }, payload: { query: '{ __typename }' } });
  t.equal(graphql.statusCode, 429, 'GraphQL counts too');
  t.equal(graphql.json().errors[0].extensions.code, 'RATE_LIMITED');
});

t.test('a storage fault while a token is checked is not a failed authentication: no client is locked out by it', async (t) => {
  const a = await makeApp(t, { FEMTO_DB: sqliteFile(t), FEMTO_AUTH_FAILURES_MAX: '2', FEMTO_AUTH_FAILURES_WINDOW_MS: '60000' });
  // Another connection moves the tokens table away, so looking a token up fails in SQLite (as a damaged file would).
  const other = new Database(a.config.dbPath);
  t.teardown(() => other.close());
  other.exec('ALTER TABLE tokens RENAME TO tokens_away');
  for (let i = 0; i < 3; i++) {
    const res = await a.app.inject({ url: '/datasets', headers: a.as.curator });
    t.ok(res.statusCode >= 500, `fault ${i + 1}: a server error (${res.statusCode}), not the client's`);
    t.not(res.json().code, 'INVALID_TOKEN');
  }
  other.exec('ALTER TABLE tokens_away RENAME TO tokens');
  const res = await a.app.inject({ url: '/datasets', headers: a.as.curator });
  t.equal(res.statusCode, 200, 'once storage is back the same token works at once');
  t.notOk(res.headers['retry-after']);
});

t.test('a DOI that is not printable ASCII, too long or with dot segments is refused before anything is stored', async (t) => {
  const a = await makeApp(t);
  const post = (doi: string) =>
    a.app.inject({
      method: 'POST',
      url: '/dois',
      headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
      payload: { data: { type: 'dois', attributes: { doi } } },
    });
  for (const doi of [
    '10.5072/ab\u0000c',
    '10.5072/ab%00c',
    '10.5072/caf\u00e9',
    '10.5072/a b',
    '10.5072/../x',
    '10.5072/a/./b',
    '10.5072/%2e%2e/x',
    `10.5072/${'x'.repeat(3000)}`,
  ]) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await post(doi);
      t.equal(res.statusCode, 422, `${JSON.stringify(doi.slice(0, 30))} attempt ${attempt + 1}: 422, not DOI_TAKEN`);
      t.equal(res.json().errors[0].code, 'DOI_INVALID');
    }
  }
  const n = await a.app.femto.database.prepare('SELECT count(*) FROM dois').scalar();
  t.equal(n, 0, 'nothing was stored');
  t.equal((await post('10.5072/fine-1')).statusCode, 201, 'a well-formed DOI is created');
});

t.test('a /dois write whose answer cannot be produced changes nothing', async (t) => {
  const a = await makeApp(t);
  const res = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json', accept: 'text/csv' },
    payload: { data: { type: 'dois', attributes: { doi: '10.5072/csv-1' } } },
  });
  t.equal(res.statusCode, 406);
  t.equal((await a.app.inject({ url: '/dois/10.5072/csv-1', headers: a.as.curator })).statusCode, 404, 'the DOI was not created');
});

t.test('problem documents: the request they answer, who to authenticate with, and every code described', async (t) => {
  const a = await makeApp(t);
  const json = { ...a.as.curator, 'content-type': 'application/json' };
  const empty = assertProblem(t, await a.app.inject({ method: 'POST', url: '/datasets', headers: json, payload: '' }), 400, 'MALFORMED_BODY');
  t.notOk('errors' in empty, 'a body that is not there has no field at fault');
  const gzip = { ...json, 'content-encoding': 'gzip' };
  assertProblem(
    t,
    await a.app.inject({ method: 'POST', url: '/api/v1/lineage', headers: gzip, payload: Buffer.from('this is not gzip') }),
    400,
    'MALFORMED_BODY',
  );
  const truncated = gzipSync('{"eventType": "START"}').subarray(0, 12);
  assertProblem(t, await a.app.inject({ method: 'POST', url: '/api/v1/lineage', headers: gzip, payload: truncated }), 400, 'MALFORMED_BODY');

  const bad = await a.app.inject({ url: '/datasets?limit=-1&q=x', headers: { 'x-request-id': 'req-42' } });
  const body = assertProblem(t, bad, 400, 'VALIDATION_FAILED');
  t.match(
    body,
    { instance: '/datasets?limit=-1&q=x', requestId: 'req-42', errors: [{ pointer: 'querystring/limit', message: String }] },
    'names the request, its id and the query parameter at fault',
  );
  t.notOk(bad.headers['www-authenticate'], 'no challenge where no token is needed');

  const anonymous = await a.app.inject({ method: 'POST', url: '/datasets', headers: { 'content-type': 'application/json' }, payload: '{}' });
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="femto"', '401 for a missing token says how to authenticate');
  const invalid = await a.app.inject({ url: '/datasets', headers: { authorization: 'Bearer not-a-token' } });
  t.equal(invalid.headers['www-authenticate'], 'Bearer realm="femto"', 'and for a bad one');

  const unknown = assertProblem(t, await a.app.inject('/datasets/ds-none'), 404, 'NOT_FOUND');
  t.equal(unknown.detail, "Dataset 'ds-none' does not exist", 'names what is missing');
  const deep = await a.app.inject(`/datasets/${await publishedDataset(a)}/lineage?depth=99999`);
  t.match(
    assertProblem(t, deep, 400, 'VALIDATION_FAILED'),
    { detail: /FEMTO_LINEAGE_MAX_DEPTH/, errors: [{ pointer: /depth$/, message: /FEMTO_LINEAGE_MAX_DEPTH/ }] },
    'a field a service finds at fault is pointed at too',
  );

  const missing = assertProblem(t, await a.app.inject('/no/such/route?secret=1'), 404, 'ROUTE_NOT_FOUND');
  t.equal(missing.detail, 'No route GET /no/such/route', 'names method and path, not the query');
  const catalog = (await a.app.inject('/problems')).json() as { code: string; status: number; title: string; type: string }[];
  t.ok(catalog.length > 20, 'every code is listed');
  for (const code of ['NOT_FOUND', 'VALIDATION_FAILED', 'PRECONDITION_REQUIRED', 'MALFORMED_BODY']) {
    t.match(
      catalog.find((c) => c.code === code),
      { type: `${BASE_URL}/problems/${code}`, status: Number, title: String },
      `${code} listed with its type URI`,
    );
  }
  t.match((await a.app.inject('/problems/PRECONDITION_REQUIRED')).json(), { code: 'PRECONDITION_REQUIRED', status: 428, title: String });
  t.equal(assertProblem(t, await a.app.inject('/problems/NO_SUCH_CODE'), 404, 'NOT_FOUND').detail, "No problem type 'NO_SUCH_CODE'");
});

t.test('behind a proxy: failed logins count per client only when FEMTO_TRUST_PROXY names the proxy, never by a spoofed X-Forwarded-For', async (t) => {
  const guess = (a: TestApp, forwardedFor: string, i: number) =>
    a.app.inject({ url: '/datasets', remoteAddress: '10.0.0.2', headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': forwardedFor } });

  const direct = await makeApp(t, { FEMTO_AUTH_FAILURES_MAX: '2', FEMTO_AUTH_FAILURES_WINDOW_MS: '60000' });
  await guess(direct, '192.0.2.1', 1);
  await guess(direct, '192.0.2.2', 2);
  t.equal((await guess(direct, '192.0.2.3', 3)).statusCode, 429, 'unset: a new X-Forwarded-For per guess does not escape the limit');

  const proxied = await makeApp(t, { FEMTO_AUTH_FAILURES_MAX: '2', FEMTO_AUTH_FAILURES_WINDOW_MS: '60000', FEMTO_TRUST_PROXY: '1' });
  await guess(proxied, '192.0.2.1', 1);
  await guess(proxied, '192.0.2.1', 2);
  t.equal((await guess(proxied, '192.0.2.1', 3)).statusCode, 429, 'the client the proxy names is limited');
  t.equal((await guess(proxied, '192.0.2.2', 4)).statusCode, 401, 'another client behind the same proxy is not locked out with it');
  t.equal((await guess(proxied, '198.51.100.7, 192.0.2.1', 5)).statusCode, 429, 'an address the client prepends itself is not believed: one hop trusted');
});

// SQLite stores and compares U+0000 like any character; PostgreSQL's text cannot hold it and refuses the statement,
// which femto answers as the client's error (400 VALIDATION_FAILED) rather than a server fault.
t.test('a NUL character (U+0000) in a path, a query, a body or a GraphQL argument is never a server error, on either backend', async (t) => {
  const a = await makeApp(t);
  const answers = [
    await a.app.inject({ url: '/datasets/ab%00c' }),
    await a.app.inject({ url: '/datasets?q=lat%00tice&creator=x%00y' }),
    await a.app.inject({ url: '/models/%00/card', headers: { ...a.as.curator, accept: 'text/html' } }),
    await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ title: 'nul \u0000 inside' }) }),
  ];
  for (const res of answers) {
    t.ok(res.statusCode < 500, `${res.statusCode}: not a server error`);
    if (res.statusCode >= 400) t.match(res.headers['content-type'], /problem\+json|text\/html/);
  }
  const graphql = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ activity(id: "\\u0000") { id } dataset(id: "a\\u0000") { id } }' },
  });
  t.equal(graphql.statusCode, 200);
  for (const error of graphql.json().errors ?? []) t.not(error.extensions?.code, 'INTERNAL', `${error.message}: not an internal error`);
});
