import t from 'tap';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { BASE_URL, doiRequest, makeApp, patchDraft, publishedDataset, step, testBackend, type TestApp } from '../helpers/app.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';
import { requires } from '../helpers/external.js';
import { fakeDatacite } from '../helpers/fake-datacite.js';
import { assertValid, dataciteJsonSchema, dataciteXsd } from '../helpers/validators.js';
import { dataciteXml } from '../../src/modules/identifiers/serializers/datacite-xml.js';
import { backoffMs } from '../../src/modules/identifiers/outbox.js';
import { cliActor } from '../../src/modules/auth/auth.schema.js';

const jsonApi = { 'content-type': 'application/vnd.api+json' };
const body = (attributes: Record<string, unknown>) => JSON.stringify({ data: { type: 'dois', attributes } });

async function withDatacite(t: Parameters<typeof makeApp>[0], extra: Record<string, string> = {}) {
  const dc = await fakeDatacite(t);
  const a = await makeApp(t, {
    FEMTO_REGISTRAR: 'datacite',
    FEMTO_DATACITE_URL: dc.url,
    FEMTO_DATACITE_USER: 'FEMTO.TEST',
    FEMTO_DATACITE_PASSWORD: 'secret',
    FEMTO_OUTBOX_MAX_BACKOFF_MS: '50',
    FEMTO_DATACITE_TIMEOUT_MS: '300',
    ...extra,
  });
  return { dc, a };
}

const put = (a: TestApp, doi: string, attributes: Record<string, unknown>) =>
  a.app.inject({ method: 'PUT', url: `/dois/${doi}`, headers: { ...a.as.curator, ...jsonApi }, payload: body(attributes) });

/** Runs the worker until nothing is pending (or gives up), as the server's loop would. */
async function drain(a: TestApp, rounds = 50) {
  for (let i = 0; i < rounds && (await a.app.femto.repos.identifiers.undelivered()).length; i++) {
    await a.app.femto.outbox.runOnce();
    await new Promise((r) => setTimeout(r, 60));
  }
}

t.test('create, register, publish, update and hide reach DataCite as idempotent PUTs', async (t) => {
  const { dc, a } = await withDatacite(t);
  const id = await publishedDataset(a, { publisher: 'Lattice Lab' });
  const res = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, ...jsonApi },
    payload: body({ doi: '10.5072/ABC-1', url: `${BASE_URL}/datasets/${id}` }),
  });
  t.equal(res.statusCode, 201, res.body);
  await drain(a);
  t.equal(dc.dois.get('10.5072/abc-1')?.state, 'draft');
  t.equal(dc.requests[0].authorization, `Basic ${Buffer.from('FEMTO.TEST:secret').toString('base64')}`);

  await put(a, '10.5072/abc-1', { event: 'register' });
  await drain(a);
  t.equal(dc.dois.get('10.5072/abc-1')?.state, 'registered');
  await put(a, '10.5072/abc-1', { event: 'publish', subjects: [{ subject: 'extra' }] });
  await drain(a);
  t.equal(dc.dois.get('10.5072/abc-1')?.state, 'findable');
  t.same(dc.dois.get('10.5072/abc-1')?.subjects, [{ subject: 'extra' }]);
  await put(a, '10.5072/abc-1', { event: 'hide' });
  await drain(a);
  t.equal(dc.dois.get('10.5072/abc-1')?.state, 'registered');
  t.equal(dc.creations.get('10.5072/abc-1'), 1, 'one DOI at DataCite');
  for (const r of dc.requests.filter((r) => r.method === 'PUT')) {
    const { event: _e, ...attrs } = r.body!.data.attributes;
    await assertValid(t, dataciteJsonSchema, attrs, 'every delivered payload is valid DataCite JSON');
    await assertValid(t, dataciteXsd, dataciteXml(attrs), 'and valid DataCite XML');
  }
  const status = (await a.app.inject({ method: 'GET', url: '/dois/10.5072/abc-1', headers: a.as.curator })).json().data.attributes.registration;
  t.match(status, { status: 'synced', attempts: 0, lastError: null });
});

t.test('changes made before a delivery reached DataCite arrive as the events DataCite needs from the state it holds', async (t) => {
  const { dc, a } = await withDatacite(t);
  const post = async (doi: string, event: string) =>
    a.app.inject({
      method: 'POST',
      url: '/dois',
      headers: { ...a.as.curator, ...jsonApi },
      payload: body({ doi, url: `${BASE_URL}/datasets/${await publishedDataset(a, { publisher: 'Lattice Lab' })}`, event }),
    });
  // Registered, published and hidden before any delivery: DataCite first sees the DOI hidden, which it has never held.
  t.equal((await post('10.5072/late-hide', 'register')).statusCode, 201);
  await put(a, '10.5072/late-hide', { event: 'publish' });
  await put(a, '10.5072/late-hide', { event: 'hide' });
  // Registered (not findable) at DataCite, then published and hidden in femto before the next delivery.
  t.equal((await post('10.5072/hide-from-registered', 'register')).statusCode, 201);
  await drain(a);
  t.equal(dc.dois.get('10.5072/hide-from-registered')?.state, 'registered');
  await put(a, '10.5072/hide-from-registered', { event: 'publish' });
  await put(a, '10.5072/hide-from-registered', { event: 'hide' });
  await drain(a);
  for (const doi of ['10.5072/late-hide', '10.5072/hide-from-registered']) {
    const femto = (await a.app.inject({ method: 'GET', url: `/dois/${doi}`, headers: a.as.curator })).json().data.attributes;
    t.equal(femto.state, 'registered', `${doi}: registered in femto`);
    t.equal(dc.dois.get(doi)?.state, 'registered', `${doi}: registered at DataCite too`);
    t.equal(femto.registration.status, 'synced');
  }
  t.equal(dc.creations.get('10.5072/late-hide'), 1, 'one DOI at DataCite');
});

t.test('DataCite follows what other DOIs show of a change: a step recorded later, a neighbour made findable, a new latest version', async (t) => {
  const { dc, a } = await withDatacite(t);
  const source = await publishedDataset(a, { title: 'Source ensemble', publisher: 'Lattice Lab' });
  const derived = await publishedDataset(a, { title: 'Derived observables', publisher: 'Lattice Lab' });
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/source-1', url: `${BASE_URL}/datasets/${source}/versions/1`, event: 'publish' });
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/source', url: `${BASE_URL}/datasets/${source}/versions`, event: 'publish' });
  await drain(a);
  const related = (doi: string) => (dc.dois.get(doi)?.relatedIdentifiers ?? []) as { relatedIdentifier: string; relationType: string }[];
  const status = async (doi: string) => (await a.app.inject({ url: `/dois/${doi}`, headers: a.as.curator })).json().data.attributes.registration.status;
  t.notOk(
    related('10.5072/source-1').some((r) => r.relationType === 'IsSourceOf'),
    'delivered before any step: nothing derived from it',
  );

  // A step recorded after the delivery: the source version's DOI says so.
  await step(a, { inputs: [{ dataset: source }], outputs: [{ dataset: derived }] });
  t.equal(await status('10.5072/source-1'), 'pending', 'pending again: DataCite no longer holds what femto says');
  await drain(a);
  t.ok(
    related('10.5072/source-1').some((r) => r.relationType === 'IsSourceOf' && r.relatedIdentifier === `${BASE_URL}/datasets/${derived}/versions/1`),
    "the source's DOI at DataCite names the derived version's page",
  );
  t.equal(await status('10.5072/source-1'), 'synced');

  // The derived version gets a findable DOI: the source names it by its DOI now.
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/derived-1', url: `${BASE_URL}/datasets/${derived}/versions/1`, event: 'publish' });
  await drain(a);
  t.ok(
    related('10.5072/source-1').some((r) => r.relationType === 'IsSourceOf' && r.relatedIdentifier === '10.5072/derived-1'),
    "the source's DOI at DataCite names the derived one's DOI",
  );

  // A step from the source to a record only its owners see changes nothing anyone may see: not even the DOI's status.
  const unseen = await publishedDataset(a, { title: 'Private reanalysis', publisher: 'Lattice Lab', visibility: 'private' });
  const putsBefore = dc.requests.filter((r) => r.doi === '10.5072/source-1').length;
  await step(a, { inputs: [{ dataset: source }], outputs: [{ dataset: unseen }] });
  t.equal(await status('10.5072/source-1'), 'synced', 'a step to a private record leaves the DOI synced');
  await drain(a);
  t.equal(dc.requests.filter((r) => r.doi === '10.5072/source-1').length, putsBefore, 'and sends DataCite nothing');

  // The derived DOI hidden: the source names the derived version's page again.
  await doiRequest(a, 'PUT', '/dois/10.5072/derived-1', { event: 'hide' });
  await drain(a);
  t.ok(
    related('10.5072/source-1').some((r) => r.relationType === 'IsSourceOf' && r.relatedIdentifier === `${BASE_URL}/datasets/${derived}/versions/1`),
    "the derived DOI hidden, the source's DOI at DataCite names its page again",
  );

  // A second version of the source: its concept DOI describes that one now; version 1's DOI stays as it was.
  const putsOfVersion1 = dc.requests.filter((r) => r.doi === '10.5072/source-1').length;
  t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${source}/versions`, headers: a.as.curator })).statusCode, 201);
  t.equal((await patchDraft(a, source, { title: 'Source ensemble, more statistics' })).statusCode, 200);
  t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${source}/publish`, headers: a.as.curator })).statusCode, 200);
  await drain(a);
  t.same(dc.dois.get('10.5072/source')?.titles, [{ title: 'Source ensemble, more statistics' }], "the concept DOI at DataCite has the new version's title");
  t.equal(dc.dois.get('10.5072/source')?.version, '2');
  t.same(dc.dois.get('10.5072/source-1')?.titles, [{ title: 'Source ensemble' }], 'version 1 keeps its own');
  t.equal(dc.requests.filter((r) => r.doi === '10.5072/source-1').length, putsOfVersion1, 'and is not sent again: nothing it says changed');
  for (const doi of ['10.5072/source-1', '10.5072/source', '10.5072/derived-1']) {
    const femto = (await a.app.inject({ url: `/dois/${doi}`, headers: a.as.curator })).json().data.attributes;
    t.equal(femto.registration.status, 'synced', `${doi} synced`);
    t.same(related(doi), femto.relatedIdentifiers ?? [], `${doi}: DataCite holds the relations femto states`);
  }
});

t.test('a concept DOI tells DataCite the latest version anyone may read, never a later one made private', async (t) => {
  const { dc, a } = await withDatacite(t);
  const id = await publishedDataset(a, { title: 'Public first version', publisher: 'Lattice Lab' });
  await doiRequest(a, 'POST', '/dois', { doi: '10.5072/concept', url: `${BASE_URL}/datasets/${id}/versions`, event: 'publish' });
  await drain(a);
  t.same(dc.dois.get('10.5072/concept')?.titles, [{ title: 'Public first version' }]);
  t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${id}/versions`, headers: a.as.curator })).statusCode, 201);
  t.equal((await patchDraft(a, id, { title: 'Unannounced second version', visibility: 'private' })).statusCode, 200);
  t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator })).statusCode, 200);
  await drain(a);
  const sent = dc.requests.filter((r) => r.doi === '10.5072/concept' && r.method === 'PUT').map((r) => JSON.stringify(r.body));
  t.notOk(
    sent.some((body) => body.includes('Unannounced')),
    'nothing of the private version reaches DataCite',
  );
  t.same(dc.dois.get('10.5072/concept')?.titles, [{ title: 'Public first version' }], 'DataCite still describes version 1');
  t.equal(dc.dois.get('10.5072/concept')?.version, '1');
  const own = (await a.app.inject({ url: '/dois/10.5072/concept', headers: a.as.curator })).json().data.attributes;
  t.same(own.titles, [{ title: 'Public first version' }], "and so does femto's own answer, which is what DataCite gets");
});

t.test('outages: 500s, a hanging DataCite and 429 with Retry-After are retried until delivered', async (t) => {
  const { dc, a } = await withDatacite(t);
  dc.fail({ kind: 'status', status: 500 }, { kind: 'hang' }, { kind: 'status', status: 429, retryAfter: '1' });
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/outage' }) });

  await a.app.femto.outbox.runOnce();
  let s = (await a.app.inject({ method: 'GET', url: '/dois/10.5072/outage', headers: a.as.curator })).json().data.attributes.registration;
  t.match(s, { status: 'failed', attempts: 1, lastError: /500/ });
  await new Promise((r) => setTimeout(r, 60));
  await a.app.femto.outbox.runOnce();
  s = (await a.app.inject({ method: 'GET', url: '/dois/10.5072/outage', headers: a.as.curator })).json().data.attributes.registration;
  t.match(s, { status: 'failed', attempts: 2, lastError: /did not answer/ });
  await new Promise((r) => setTimeout(r, 60));
  await a.app.femto.outbox.runOnce();
  const row = (await a.app.femto.repos.identifiers.undelivered())[0];
  t.match(row.lastError, /429/);
  const wait = Date.parse(row.nextAttemptAt) - Date.now();
  t.ok(wait > 500, 'Retry-After (1 s) overrides the short backoff');
  t.equal(await a.app.femto.outbox.runOnce(), 0, 'not due before Retry-After');
  await new Promise((r) => setTimeout(r, wait + 20));
  await drain(a);
  t.equal(dc.dois.get('10.5072/outage')?.state, 'draft');
  t.equal(dc.creations.get('10.5072/outage'), 1);
  t.equal((await a.app.femto.repos.identifiers.undelivered()).length, 0);
});

t.test("a registrar's error is shown to the record's editors only, its credentials redacted", async (t) => {
  const password = 'Sup3r-s3cret/pw+';
  const { dc, a } = await withDatacite(t, { FEMTO_DATACITE_PASSWORD: password });
  const id = await publishedDataset(a, { publisher: 'Echo Lab' });
  const created = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, ...jsonApi },
    payload: body({ doi: '10.5072/echo', url: `${BASE_URL}/datasets/${id}`, event: 'publish' }),
  });
  t.equal(created.statusCode, 201, created.body);
  dc.fail({ kind: 'echo', status: 422 });
  await a.app.femto.outbox.runOnce();
  t.match(dc.requests.at(-1)?.authorization, /^Basic /, 'the registrar was sent the credentials it echoes');

  const secrets = [password, encodeURIComponent(password), Buffer.from(`FEMTO.TEST:${password}`).toString('base64'), dc.requests.at(-1)!.authorization!];
  const stored = (await a.app.femto.repos.identifiers.undelivered())[0].lastError ?? '';
  t.match(stored, /DataCite answered 422/);
  for (const s of secrets) t.notOk(stored.includes(s), `nothing stored holds ${s.slice(0, 12)}...`);

  await a.app.femto.auth.createUser(cliActor, { id: 'stranger', name: 'Stranger' });
  const stranger = { authorization: `Bearer ${(await a.app.femto.auth.createToken('curator', undefined, 'stranger')).token}` };
  const rest = async (headers: Record<string, string>) =>
    (await a.app.inject({ url: '/dois/10.5072/echo', headers })).json().data.attributes.registration.lastError;
  const graphql = async (headers: Record<string, string>) =>
    (await a.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query: `{ dataset(id: "${id}") { doi { doi lastError } } }` } })).json().data
      .dataset.doi;
  const editor = await rest(a.as.curator);
  t.match(editor, /422 .*\[redacted\]/, 'its editor reads the error, redacted');
  for (const s of secrets) t.notOk(editor.includes(s));
  t.match(await graphql(a.as.curator), { doi: '10.5072/echo', lastError: editor }, 'GraphQL Identifier.lastError: the same');
  for (const [who, headers] of [
    ['anonymous', {}],
    ['a reader', a.as.reader],
    ['a curator of another user', stranger],
  ] as const) {
    t.equal(await rest(headers), null, `${who}: no lastError over REST`);
    t.same(await graphql(headers), { doi: '10.5072/echo', lastError: null }, `${who}: nor over GraphQL`);
  }
});

t.test('backoff grows from about a second, with jitter, up to the cap', async (t) => {
  t.equal(
    backoffMs(1, 60_000, () => 0),
    500,
  );
  t.equal(
    backoffMs(1, 60_000, () => 1),
    1000,
  );
  t.equal(
    backoffMs(3, 60_000, () => 1),
    4000,
  );
  t.equal(
    backoffMs(30, 60_000, () => 1),
    60_000,
  );
  t.equal(
    backoffMs(30, 60_000, () => 0),
    30_000,
  );
});

t.test('a restart with pending rows delivers them; the server worker picks them up on start', async (t) => {
  const dc = await fakeDatacite(t);
  const dir = t.testdir({});
  const env = {
    FEMTO_DB: testBackend() === 'postgres' ? await pgDatabase(t) : join(dir, 'femto.sqlite'),
    FEMTO_SEED_ON_EMPTY: 'false',
    FEMTO_ADMIN_TOKEN: 'test-admin-token-0123456789',
    FEMTO_BASE_URL: BASE_URL,
    LOG_LEVEL: 'silent',
    FEMTO_REGISTRAR: 'datacite',
    FEMTO_DATACITE_URL: dc.url,
    FEMTO_OUTBOX_MAX_BACKOFF_MS: '50',
    FEMTO_DATACITE_TIMEOUT_MS: '300',
    FEMTO_OUTBOX_POLL_MS: '20',
  };
  const first = await buildApp(loadConfig({ ...env, FEMTO_OUTBOX_WORKER: 'false' }));
  const admin = { authorization: 'Bearer test-admin-token-0123456789', ...jsonApi };
  await first.inject({ method: 'POST', url: '/dois', headers: admin, payload: body({ doi: '10.5072/restart' }) });
  await first.close();
  t.equal(dc.requests.length, 0);

  const second = await buildApp(loadConfig({ ...env, FEMTO_OUTBOX_WORKER: 'true' }));
  t.teardown(() => second.close());
  await second.ready();
  for (let i = 0; i < 100 && !dc.dois.has('10.5072/restart'); i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(dc.dois.get('10.5072/restart')?.state, 'draft');
});

t.test('two workers on one database never deliver the same row twice', async (t) => {
  // A generous timeout: a request timed out by a loaded test machine would be a (harmless) redelivery.
  const { dc, a } = await withDatacite(t, { FEMTO_DATACITE_TIMEOUT_MS: '10000' });
  const other = await buildApp(a.config);
  t.teardown(() => other.close());
  for (let i = 0; i < 20; i++) {
    await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: `10.5072/dup-${i}` }) });
  }
  await Promise.all([a.app.femto.outbox.runOnce(), other.femto.outbox.runOnce(), a.app.femto.outbox.runOnce(), other.femto.outbox.runOnce()]);
  t.equal(dc.requests.length, 20, 'each DOI delivered exactly once');
  t.same(
    [...dc.creations.values()].filter((n) => n !== 1),
    [],
  );
  t.equal((await a.app.femto.repos.identifiers.undelivered()).length, 0);
});

t.test('a delivery whose acknowledgement is lost is repeated harmlessly', async (t) => {
  const { dc, a } = await withDatacite(t);
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/twice' }) });
  await drain(a);
  // Simulate a crash after DataCite accepted but before femto recorded it: the row is pending again.
  await a.app.femto.database.prepare("UPDATE doi_outbox SET delivered_at = NULL WHERE doi = '10.5072/twice'").run();
  await drain(a);
  t.equal(dc.requests.filter((r) => r.doi === '10.5072/twice').length, 2);
  t.equal(dc.creations.get('10.5072/twice'), 1, 'still one DOI');
});

t.test('deleting a draft deletes it at DataCite', async (t) => {
  const { dc, a } = await withDatacite(t);
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/gone' }) });
  await drain(a);
  t.ok(dc.dois.has('10.5072/gone'));
  t.equal((await a.app.inject({ method: 'DELETE', url: '/dois/10.5072/gone', headers: a.as.curator })).statusCode, 204);
  await drain(a);
  t.notOk(dc.dois.has('10.5072/gone'));
});

t.test('reconcile re-queues DOIs that DataCite lacks or holds differently', async (t) => {
  const { dc, a } = await withDatacite(t);
  for (const d of ['10.5072/same', '10.5072/lost', '10.5072/drift']) {
    await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: d, titles: [{ title: d }] }) });
  }
  await drain(a);
  dc.dois.delete('10.5072/lost');
  dc.dois.get('10.5072/drift')!.state = 'findable';
  const { reconcile } = await import('../../src/modules/identifiers/outbox.js');
  const report = await reconcile({ repo: a.app.femto.repos.identifiers, service: a.app.femto.identifiers, registrar: a.app.femto.registrar });
  t.equal(report.checked, 3);
  t.same(report.requeued.map((r) => r.doi).sort(), ['10.5072/drift', '10.5072/lost']);
  await drain(a);
  t.ok(dc.dois.has('10.5072/lost'), 'delivered again');
});

t.test('reconcile compares the full delivered metadata, normalized, and ignores what DataCite adds itself', async (t) => {
  const { dc, a } = await withDatacite(t);
  const changes: Record<string, (d: Record<string, unknown>) => void> = {
    creators: (d) => ((d.creators as { name: string }[])[0].name = 'Someone Else'),
    titles: (d) => (d.titles = [...(d.titles as object[]), { title: 'A second title added at DataCite' }]),
    publisher: (d) => (d.publisher = 'Another Publisher'),
    publicationYear: (d) => (d.publicationYear = 1999),
    types: (d) => ((d.types as Record<string, unknown>).resourceTypeGeneral = 'Software'),
    descriptions: (d) => (d.descriptions = []),
    url: (d) => (d.url = 'https://elsewhere.example/landing'),
  };
  const ids: Record<string, string> = {};
  for (const field of ['untouched', ...Object.keys(changes)]) {
    const id = await publishedDataset(a, { title: `Dataset ${field}`, publisher: 'Lattice Lab' });
    ids[field] = `10.5072/rec-${field.toLowerCase()}`;
    const res = await a.app.inject({
      method: 'POST',
      url: '/dois',
      headers: { ...a.as.curator, ...jsonApi },
      payload: body({ doi: ids[field], url: `${BASE_URL}/datasets/${id}`, event: 'publish' }),
    });
    t.equal(res.statusCode, 201, res.body);
  }
  await drain(a);
  const { reconcile } = await import('../../src/modules/identifiers/outbox.js');
  const run = () => reconcile({ repo: a.app.femto.repos.identifiers, service: a.app.femto.identifiers, registrar: a.app.femto.registrar });

  // What a real DataCite echoes besides the metadata, and the shapes it answers in: not differences.
  for (const d of dc.dois.values()) {
    Object.assign(d, {
      created: '2026-01-01T00:00:00Z',
      updated: '2026-01-02T00:00:00Z',
      registered: '2026-01-01T00:00:00Z',
      isActive: true,
      viewCount: 3,
      citationCount: 0,
      xml: 'PD94bWw=',
      identifiers: [],
      metadataVersion: 2,
      source: 'api',
      schemaVersion: 'http://datacite.org/schema/kernel-4',
      publisher: (d.publisher as { name: string }).name,
      publicationYear: Number(d.publicationYear),
      types: { ...(d.types as object), ris: 'DATA', bibtex: 'misc', citeproc: 'dataset', schemaOrg: 'Dataset' },
      creators: (d.creators as Record<string, unknown>[]).map((c) => ({ ...c, givenName: 'Ada', familyName: 'Lovelace', affiliation: [] })),
    });
  }
  t.same((await run()).requeued, [], 'server-side fields and alternative shapes are not differences');

  for (const [field, change] of Object.entries(changes)) change(dc.dois.get(ids[field])!);
  const report = await run();
  t.equal(report.checked, 8);
  t.same(
    Object.fromEntries(report.requeued.map((r) => [r.doi, r.reason])),
    Object.fromEntries(Object.keys(changes).map((f) => [ids[f], `differs at the registrar: ${f}`])),
    'every changed record is re-queued, naming the property',
  );
  t.equal((await a.app.femto.repos.identifiers.get(ids.creators))!.registrationStatus, 'pending');
  await drain(a);
  t.equal((dc.dois.get(ids.creators)!.creators as { name: string }[])[0].name, 'Ada Lovelace', "delivery restored femto's metadata");
  t.same((await run()).requeued, [], 'nothing differs after the re-delivery');
});

const until = async (done: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
};
const registration = async (a: TestApp, doi: string) =>
  (await a.app.inject({ url: `/dois/${doi}`, headers: a.as.curator })).json().data.attributes.registration;

/** A logger that keeps what the worker tells the operator. */
function recordingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: 'info' | 'warn' | 'error') => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}
const quiet = recordingLogger().logger;

t.test('a change made while its DOI is being delivered stays pending, and is delivered next', async (t) => {
  const { dc, a } = await withDatacite(t, { FEMTO_DATACITE_TIMEOUT_MS: '10000' });
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/busy' }) });
  dc.fail({ kind: 'slow', ms: 300 });
  const delivering = a.app.femto.outbox.runOnce();
  await until(() => dc.requests.length === 1);
  const changed = await put(a, '10.5072/busy', { titles: [{ title: 'Changed meanwhile' }] });
  t.equal(changed.statusCode, 200, changed.body);
  await delivering;
  t.match(await registration(a, '10.5072/busy'), { status: 'pending' }, 'not synced: DataCite holds the old title');
  await drain(a);
  t.same(dc.dois.get('10.5072/busy')?.titles, [{ title: 'Changed meanwhile' }]);
  t.match(await registration(a, '10.5072/busy'), { status: 'synced' });
});

t.test('a started worker delivers a full batch at once and later changes at its poll interval; once stopped it delivers nothing', async (t) => {
  const { dc, a } = await withDatacite(t, { FEMTO_OUTBOX_POLL_MS: '3000', FEMTO_DATACITE_TIMEOUT_MS: '10000' });
  const worker = a.app.femto.outbox;
  t.teardown(() => worker.stop());
  for (let i = 0; i < 20; i++)
    await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: `10.5072/batch-${i}` }) });
  const repo = a.app.femto.repos.identifiers;
  const claim = repo.claim;
  let claims = 0;
  repo.claim = async (...args) => (claims++, await claim(...args));
  worker.start(quiet);
  // 16 per batch: the rest follows at once, not a poll interval later.
  await until(() => dc.dois.size === 20, 2000);
  t.equal(dc.dois.size, 20, 'the 4 past the first batch were delivered without waiting for the next poll');
  const idle = claims;
  await new Promise((r) => setTimeout(r, 250));
  t.ok(claims - idle <= 1, `an idle worker waits for its poll interval (${claims - idle} claims in 250 ms)`);

  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/later' }) });
  await until(() => dc.dois.has('10.5072/later'), 6000);
  t.ok(dc.dois.has('10.5072/later'), 'a change made after the start is delivered by a later poll');

  // Stopped in the middle of a delivery: that delivery ends, and nothing is polled afterwards.
  dc.fail({ kind: 'slow', ms: 200 });
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/in-flight' }) });
  await until(() => dc.requests.some((r) => r.doi === '10.5072/in-flight'));
  await worker.stop();
  t.ok(dc.dois.has('10.5072/in-flight'), 'the delivery in flight ended before stop() returned');
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/after-stop' }) });
  await new Promise((r) => setTimeout(r, 3500));
  t.notOk(dc.dois.has('10.5072/after-stop'), 'a stopped worker delivers nothing');

  // Stopped while idle: the poll it had scheduled does not run.
  worker.start(quiet);
  await until(() => dc.dois.has('10.5072/after-stop'));
  await worker.stop();
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/idle-stop' }) });
  await new Promise((r) => setTimeout(r, 3500));
  t.notOk(dc.dois.has('10.5072/idle-stop'), 'nor does the poll it had scheduled');
});

t.test("stopping one replica hands back its own leases only, never another's delivery in flight", async (t) => {
  const { dc, a } = await withDatacite(t, { FEMTO_DATACITE_TIMEOUT_MS: '1500' });
  const other = await buildApp(a.config);
  t.teardown(() => other.close());
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/leased' }) });
  dc.fail({ kind: 'hang' });
  const delivering = a.app.femto.outbox.runOnce();
  await until(() => dc.requests.length === 1);
  await other.femto.outbox.stop();
  t.equal(await other.femto.outbox.runOnce(), 0, "the other replica cannot claim a DOI while the first one's delivery is in flight");
  t.equal(dc.requests.length, 1, 'one request to DataCite');
  await delivering;
});

t.test('reconcile names every property that differs; with the local registrar there is nothing to compare', async (t) => {
  const { dc, a } = await withDatacite(t);
  await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, ...jsonApi },
    payload: body({ doi: '10.5072/two', titles: [{ title: 'Two' }] }),
  });
  await drain(a);
  Object.assign(dc.dois.get('10.5072/two')!, { state: 'findable', titles: [{ title: 'Changed at DataCite' }] });
  t.same((await a.app.femto.reconcile()).requeued, [{ doi: '10.5072/two', reason: 'differs at the registrar: state, titles' }]);

  const local = await makeApp(t);
  await local.app.inject({ method: 'POST', url: '/dois', headers: { ...local.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/local' }) });
  const queued = (await local.app.femto.repos.identifiers.undelivered()).length;
  t.same(await local.app.femto.reconcile(), { checked: 0, requeued: [] }, 'a local registrar keeps nothing to compare against');
  t.equal((await local.app.femto.repos.identifiers.undelivered()).length, queued, 'and nothing is queued');
});

t.test('starting a started worker starts no second loop: stop() ends all polling', async (t) => {
  const { dc, a } = await withDatacite(t);
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/twice' }) });
  const worker = a.app.femto.outbox;
  worker.start(quiet);
  worker.start(quiet);
  await worker.stop();
  await new Promise((r) => setTimeout(r, 300));
  t.equal(dc.requests.length, 0, 'nothing was delivered after stop()');
  t.match(await registration(a, '10.5072/twice'), { status: 'pending' }, 'the DOI waits for the next start');
});

t.test('a started worker tells the operator of each failed delivery and each failed run, and polls on', async (t) => {
  const { dc, a } = await withDatacite(t, { FEMTO_OUTBOX_POLL_MS: '20' });
  const worker = a.app.femto.outbox;
  t.teardown(() => worker.stop());
  const { lines, logger } = recordingLogger();
  dc.fail({ kind: 'status', status: 500 });
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/logged' }) });
  worker.start(logger);
  await until(() => dc.dois.has('10.5072/logged'));
  t.ok(dc.dois.has('10.5072/logged'), 'delivered once DataCite answers again');
  const warnings = lines.filter((l) => l.level === 'warn');
  t.equal(warnings.length, 1, 'one warning, for the one failed delivery');
  t.match(warnings[0], { msg: 'DOI delivery failed; will retry', obj: { doi: '10.5072/logged', attempts: 1, err: /DataCite answered 500/ } });
  const retryInMs = warnings[0].obj.retryInMs as number;
  t.ok(Number.isInteger(retryInMs) && retryInMs >= 25 && retryInMs <= 50, `when it retries, in whole ms within the backoff (${retryInMs})`);
  t.notOk(JSON.stringify(lines).includes('secret'), 'no credentials in the log');

  // The database refuses writes for a while: SQLite's connection turns query-only; PostgreSQL's outbox refuses updates as a read-only transaction would.
  const { database } = a.app.femto;
  const refuse = async (on: boolean) => {
    if (database.sqlite) database.sqlite.pragma(`query_only = ${on ? 1 : 0}`);
    else if (on)
      await database.exec(`
        CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'read_only_sql_transaction'; END $$;
        CREATE TRIGGER test_refuse BEFORE UPDATE ON doi_outbox FOR EACH STATEMENT EXECUTE FUNCTION test_refuse()`);
    else await database.exec('DROP TRIGGER test_refuse ON doi_outbox; DROP FUNCTION test_refuse()');
  };
  await refuse(true);
  await until(() => lines.some((l) => l.level === 'error'));
  await refuse(false);
  const failure = lines.find((l) => l.level === 'error');
  t.match(
    failure,
    { msg: 'outbox run failed', obj: { err: { code: database.sqlite ? 'SQLITE_READONLY' : '25006' } } },
    'a run the database refused is logged with its cause',
  );
  await a.app.inject({ method: 'POST', url: '/dois', headers: { ...a.as.curator, ...jsonApi }, payload: body({ doi: '10.5072/after-failure' }) });
  await until(() => dc.dois.has('10.5072/after-failure'));
  t.ok(dc.dois.has('10.5072/after-failure'), 'the worker polls on after a failed run');
});

t.test('PostgreSQL: a claim skips a DOI whose head row a claim in flight holds, and takes the DOI once it is free', requires(t, postgres()), async (t) => {
  const a = await makeApp(t, { FEMTO_DB: await pgDatabase(t) });
  const { database, repos } = a.app.femto;
  const repo = repos.identifiers;
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 60_000).toISOString();
  for (const doi of ['10.5072/held', '10.5072/free', '10.5072/held']) await repo.enqueue(doi, 'upsert', now);

  // Another worker's claim, in flight: it holds the head row of one DOI (its oldest undelivered one) until it commits.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const headLocked = new Promise<void>((resolve) => (locked = resolve));
  const inFlight = database.transaction(async () => {
    await database.prepare("SELECT id FROM doi_outbox WHERE doi = '10.5072/held' ORDER BY id LIMIT 1 FOR UPDATE").all();
    locked();
    await held;
  });
  await headLocked;
  // This claim either skips the held DOI at once or (were it to wait for the lock) is seen waiting.
  let ended = false;
  const claiming = repo.claim('worker-b', now, later, 16).finally(() => (ended = true));
  while (!ended && (await database.prepare('SELECT count(*) FROM pg_locks WHERE NOT granted').scalar<number>()) === 0)
    await new Promise((resolve) => setTimeout(resolve, 10));
  release();
  await inFlight;
  t.same(
    (await claiming).map((c) => c.doi),
    ['10.5072/free'],
    'the held DOI is skipped, not waited for',
  );
  t.same(
    (await repo.claim('worker-c', now, later, 16)).map((c) => [c.doi, c.maxId]),
    [['10.5072/held', 3]],
    'once free, the DOI is claimed whole (both its rows); the leased one is not claimed again',
  );
  t.same(await repo.claim('worker-d', now, later, 16), [], 'every DOI leased: nothing left to claim');
});

t.test(
  "PostgreSQL: a change still being committed when its DOI's waiting delivery is claimed gets a delivery of its own",
  requires(t, postgres()),
  async (t) => {
    const a = await makeApp(t, { FEMTO_DB: await pgDatabase(t) });
    const { database, repos, identifiers } = a.app.femto;
    const repo = repos.identifiers;
    const id = await publishedDataset(a, { publisher: 'Lattice Lab' });
    await doiRequest(a, 'POST', '/dois', { doi: '10.5072/raced', url: `${BASE_URL}/datasets/${id}/versions/1`, event: 'publish' });
    const pk = (await repo.get('10.5072/raced'))!.versionPk!;

    // A change that other DOIs show (a step, say) reaches the DOI, whose creation still waits for delivery; not committed yet.
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let reached!: () => void;
    const inFlight = new Promise<void>((resolve) => (reached = resolve));
    const change = database.transaction(async () => {
      await identifiers.followChanges({ versions: [pk] });
      reached();
      await committed;
    });
    await inFlight;
    // A worker claims the waiting row meanwhile (claims run beside write transactions), and reads the DOI as it is before the change.
    const now = new Date().toISOString();
    const [claim, ...others] = await repo.claim('worker', now, new Date(Date.now() + 60_000).toISOString(), 16);
    t.equal(claim?.doi, '10.5072/raced', 'the waiting row is claimed while the change is open');
    t.same(others, []);
    commit();
    await change;
    await repo.transaction(() => repo.delivered(claim, 'worker', now));
    t.ok(await repo.hasUndelivered('10.5072/raced'), 'the change waits for a delivery of its own, after the one that could not show it');
  },
);
