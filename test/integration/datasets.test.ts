import t from 'tap';
import { makeApp, minimalDataset, patchDraft, publishedDataset } from '../helpers/app.js';

t.test('create, read, patch, publish and version a dataset', async (t) => {
  const a = await makeApp(t);
  const created = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({
      id: 'ising-2d',
      keywords: ['Ising', 'criticality'],
      formats: ['HDF5'],
      distributions: [
        {
          title: 'configs',
          urls: ['https://a.example/x.h5', 'https://mirror.example/x.h5'],
          mediaType: 'application/x-hdf5',
          sizeBytes: 10,
          checksum: { algorithm: 'sha256', value: 'ab12' },
        },
      ],
      relatedIdentifiers: [{ type: 'arXiv', value: '2306.08827', relation: 'IsDocumentedBy' }],
    }),
  });
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.headers.location, 'http://femto.test/datasets/ising-2d');
  const draft = created.json();
  t.match(draft, { id: 'ising-2d', state: 'draft', version: null, keywords: ['Ising', 'criticality'] });
  t.same(draft.distributions[0].urls, ['https://a.example/x.h5', 'https://mirror.example/x.h5'], 'mirrors kept in order');

  t.equal((await a.app.inject('/datasets/ising-2d')).statusCode, 404, 'anonymous does not see a draft');
  const asCurator = await a.app.inject({ url: '/datasets/ising-2d', headers: a.as.curator });
  t.equal(asCurator.statusCode, 200, 'a curator sees the draft');
  const etag = asCurator.headers.etag as string;

  const patched = await a.app.inject({
    method: 'PATCH',
    url: '/datasets/ising-2d',
    headers: { ...a.as.curator, 'if-match': etag },
    payload: { title: 'Ising 2D v1' },
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().title, 'Ising 2D v1');
  t.not(patched.headers.etag, etag, 'the ETag changes with the draft');
  t.same(patched.json().keywords, ['Ising', 'criticality'], 'PATCH keeps what it does not name');

  const stale = await a.app.inject({
    method: 'PATCH',
    url: '/datasets/ising-2d',
    headers: { ...a.as.curator, 'if-match': etag },
    payload: { title: 'lost update' },
  });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().code, 'PRECONDITION_FAILED');

  const published = await a.app.inject({ method: 'POST', url: '/datasets/ising-2d/publish', headers: a.as.curator });
  t.equal(published.statusCode, 200);
  t.match(published.json(), { state: 'published', version: 1, title: 'Ising 2D v1' });

  const anon = await a.app.inject('/datasets/ising-2d');
  t.equal(anon.statusCode, 200, 'published and open: public');
  t.equal(anon.json().version, 1);

  const frozen = await a.app.inject({ method: 'PATCH', url: '/datasets/ising-2d', headers: a.as.curator, payload: { title: 'x' } });
  t.equal(frozen.statusCode, 409, 'a published version is immutable');
  t.equal(frozen.json().code, 'VERSION_IMMUTABLE');

  const opened = await a.app.inject({ method: 'POST', url: '/datasets/ising-2d/versions', headers: a.as.curator });
  t.equal(opened.statusCode, 201);
  const unconditional = await a.app.inject({ method: 'PATCH', url: '/datasets/ising-2d', headers: a.as.curator, payload: { title: 'blind write' } });
  t.equal(unconditional.statusCode, 428, 'a PATCH without If-Match is refused: it could overwrite a concurrent change');
  t.match(unconditional.json(), { code: 'PRECONDITION_REQUIRED', errors: [{ pointer: 'headers/if-match' }], etag: /^"/ });
  t.match(unconditional.headers['content-type'], 'application/problem+json');
  const second = await patchDraft(a, 'ising-2d', { title: 'Ising 2D v2', keywords: ['Ising'] });
  t.equal(second.statusCode, 200);
  await a.app.inject({ method: 'POST', url: '/datasets/ising-2d/publish', headers: a.as.curator });

  const versions = (await a.app.inject('/datasets/ising-2d/versions')).json().items;
  t.same(
    versions.map((v: { version: number; title: string }) => [v.version, v.title]),
    [
      [1, 'Ising 2D v1'],
      [2, 'Ising 2D v2'],
    ],
  );
  const v1 = (await a.app.inject('/datasets/ising-2d/versions/1')).json();
  t.equal(v1.title, 'Ising 2D v1', 'version 1 is unchanged by version 2');
  t.same(v1.keywords, ['Ising', 'criticality']);
  t.equal((await a.app.inject('/datasets/ising-2d')).json().version, 2, 'the dataset shows its latest version');
  t.equal((await a.app.inject('/datasets/ising-2d/versions/3')).statusCode, 404);

  const audit = (await a.app.femto.auth.auditFor('dataset', 'ising-2d')).map((e) => e.action);
  t.same(audit, ['dataset.create', 'dataset.patch', 'dataset.publish', 'dataset.open-draft', 'dataset.patch', 'dataset.publish'], 'every write is audited');
});

t.test('validation errors name each field at fault', async (t) => {
  const a = await makeApp(t);
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing title', minimalDataset({ title: undefined }), '/title'],
    ['wrong type', minimalDataset({ tier: 'three' }), '/tier'],
    ['tier 42', minimalDataset({ tier: 42 }), '/tier'],
    ['unknown license', minimalDataset({ license: 'Public-Domain-ish' }), '/license'],
    ['malformed ORCID', minimalDataset({ creators: [{ name: 'X', orcid: '0000-0002-1825-0098' }] }), '/creators/0/orcid'],
    ['no creators', minimalDataset({ creators: [] }), '/creators'],
    ['unknown field', minimalDataset({ colour: 'blue' }), '/'],
    ['embargo without date', minimalDataset({ accessLevel: 'embargoed' }), '/embargoUntil'],
    ['bad distribution URL', minimalDataset({ distributions: [{ urls: ['not a url'] }] }), '/distributions/0/urls/0'],
    ['bad relation type', minimalDataset({ relatedIdentifiers: [{ type: 'DOI', value: '10.1/x', relation: 'Likes' }] }), '/relatedIdentifiers/0/relation'],
  ];
  for (const [name, payload, pointer] of cases) {
    const res = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload });
    t.equal(res.statusCode, 400, name);
    t.equal(res.headers['content-type'], 'application/problem+json', `${name}: problem+json`);
    const body = res.json();
    t.equal(body.code, 'VALIDATION_FAILED', name);
    t.ok(
      body.errors.some((e: { pointer: string }) => e.pointer === pointer),
      `${name}: pointer ${pointer} in ${JSON.stringify(body.errors)}`,
    );
  }
  const malformed = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: { ...a.as.curator, 'content-type': 'application/json' },
    payload: '{"title": ',
  });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().code, 'MALFORMED_BODY');
  const count = (await a.app.inject({ url: '/datasets', headers: a.as.admin })).json().total;
  t.equal(count, 0, 'nothing was stored by any bad request');
});

t.test('an oversized body gets 413 problem+json', async (t) => {
  const a = await makeApp(t, { FEMTO_BODY_LIMIT: '2000' });
  const res = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ description: 'x'.repeat(5000) }) });
  t.equal(res.statusCode, 413);
  t.equal(res.json().code, 'PAYLOAD_TOO_LARGE');
});

t.test('unknown ids are 404 problem+json; client-chosen ids must be free', async (t) => {
  const a = await makeApp(t);
  const res = await a.app.inject('/datasets/nope');
  t.equal(res.statusCode, 404);
  t.match(res.json(), { code: 'NOT_FOUND', status: 404, type: 'http://femto.test/problems/NOT_FOUND' });
  const problemDoc = await a.app.inject('/problems/NOT_FOUND');
  t.equal(problemDoc.json().status, 404, 'the problem type URI resolves to its description');
  await publishedDataset(a, { id: 'taken' });
  const dup = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ id: 'taken' }) });
  t.equal(dup.statusCode, 409);
  t.equal(dup.json().code, 'ID_TAKEN');
});

t.test('embargoed records hide their files from anonymous callers until the embargo ends', async (t) => {
  const a = await makeApp(t);
  const dist = [{ urls: ['https://files.example/data.h5'] }];
  const future = await publishedDataset(a, { accessLevel: 'embargoed', embargoUntil: '2999-01-01', distributions: dist });
  const past = await publishedDataset(a, { accessLevel: 'embargoed', embargoUntil: '2000-01-01', distributions: dist });
  t.same((await a.app.inject(`/datasets/${future}`)).json().distributions[0].urls, [], 'metadata yes, files no');
  t.same((await a.app.inject({ url: `/datasets/${future}`, headers: a.as.reader })).json().distributions[0].urls, dist[0].urls, 'a reader sees them');
  t.same((await a.app.inject(`/datasets/${past}`)).json().distributions[0].urls, dist[0].urls, 'an ended embargo shows the files');
});

t.test('every metadata format a draft announces in its Link header is served at that URL', async (t) => {
  const a = await makeApp(t);
  const created = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  const res = await a.app.inject({ method: 'GET', url: `/datasets/${id}`, headers: a.as.curator });
  const described = [...String(res.headers.link).matchAll(/<([^>]+)>; rel="describedby"; type="([^"]+)"/g)];
  t.ok(described.length > 3, 'formats are announced');
  for (const [, href, type] of described) {
    const got = await a.app.inject({ method: 'GET', url: href.replace('http://femto.test', ''), headers: a.as.curator });
    t.equal(got.statusCode, 200, href);
    t.equal(String(got.headers['content-type']).split(';')[0], type, href);
  }
  const bad = await a.app.inject({ method: 'GET', url: `/datasets/${id}/draft?format=nope`, headers: a.as.curator });
  t.equal(bad.statusCode, 406);
});
