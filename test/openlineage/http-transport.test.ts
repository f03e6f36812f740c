import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const fixtures = shared('fixtures', 'real', 'openlineage');

/**
 * What the OpenLineage HTTP transport sends (openlineage-python `HttpTransport.emit`, the Java
 * client likewise): POST `urljoin(url, 'api/v1/lineage')`, `Content-Type: application/json`,
 * `Authorization: Bearer <api_key>`, the body gzipped when `compression: gzip` is configured.
 */
async function emitter(t: Parameters<Parameters<typeof t.test>[1]>[0], a: TestApp) {
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => a.app.close());
  const { port } = a.app.server.address() as { port: number };
  const url = new URL('api/v1/lineage', `http://127.0.0.1:${port}/`);
  return (body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...a.as.curator, ...headers } });
}

t.test('the real example events over real HTTP, as the OpenLineage HTTP transport sends them, plain and gzipped', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const emit = await emitter(t, a);
  const events = ['client-python-example_full_event.json', 'client-python-serde_example_run_event.json', 'spec-tests-example_full_event.json'];
  t.ok(events.every((f) => readdirSync(join(fixtures.path, 'events')).includes(f)));
  for (const [i, file] of events.entries()) {
    const text = readFileSync(join(fixtures.path, 'events', file));
    const res = await emit(i % 2 ? gzipSync(text) : text, i % 2 ? { 'content-encoding': 'gzip' } : {});
    t.equal(res.status, 201, `${file}${i % 2 ? ' (gzip)' : ''}: ${await res.clone().text()}`);
    const again = await emit(gzipSync(text), { 'content-encoding': 'gzip' });
    t.equal(again.status, 200, `${file} replayed gzipped: the same event, nothing changes`);
  }
  const deflated = await emit(deflateSync(readFileSync(join(fixtures.path, 'events', 'proxy-fluentd-event_simple.json'))), { 'content-encoding': 'deflate' });
  t.ok([200, 201].includes(deflated.status), 'deflate too');
});

t.test('compressed bodies are bounded and checked: a zip bomb stops at the body limit, broken or unknown codings are refused', async (t) => {
  const a = await makeApp(t, { FEMTO_BODY_LIMIT: String(64 * 1024) });
  const emit = await emitter(t, a);
  // 32 MiB of JSON whitespace is ~32 KiB gzipped: under the limit on the wire, 512 times over it decoded.
  const bomb = gzipSync(Buffer.concat([Buffer.from('{"eventType": "START"'), Buffer.alloc(32 * 1024 * 1024, 0x20), Buffer.from('}')]));
  t.ok(bomb.length < 64 * 1024);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const refused = await emit(bomb, { 'content-encoding': 'gzip' });
  t.equal(refused.status, 413);
  t.match(await refused.json(), { code: 'PAYLOAD_TOO_LARGE' });
  t.ok(performance.now() - started < 2000, 'refused while decoding, not after');
  t.ok(process.memoryUsage().heapUsed - heapBefore < 16 * 1024 * 1024, 'the decoded body is not held');

  const broken = await emit(Buffer.from('this is not gzip'), { 'content-encoding': 'gzip' });
  t.equal(broken.status, 400);
  t.match(await broken.json(), { code: 'MALFORMED_BODY' });
  const brotli = await emit('{}', { 'content-encoding': 'br' });
  t.equal(brotli.status, 415);
  t.equal(brotli.headers.get('content-type'), 'application/problem+json');
  t.equal(
    (await emit(gzipSync('{}'), { 'content-encoding': 'gzip', authorization: 'Bearer nope' })).status,
    401,
    'a compressed body changes nothing about who may send',
  );
});
