import t from 'tap';
import { makeApp, minimalDataset, type TestApp } from '../helpers/app.js';

const dataset = (id: string, over: Record<string, unknown> = {}) => ({ id, ...minimalDataset({ title: `Dataset ${id}` }), ...over });
const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const post = (a: TestApp, format: string, body: string, query = '') =>
  a.app.inject({
    method: 'POST',
    url: `/import/${format}${query}`,
    headers: { ...a.as.curator, 'content-type': format === 'csv' ? 'text/csv' : 'application/jsonl' },
    payload: body,
  });

const records = [
  dataset('raw-events'),
  dataset('reco-tracks', { keywords: ['tracking'], creators: [{ name: 'CERN', type: 'Organization' }] }),
  {
    record: 'activity',
    id: 'reconstruct',
    kind: 'reconstruction',
    software: { name: 'reco', version: '2.1' },
    inputs: [{ dataset: 'raw-events', role: 'raw' }],
    outputs: [{ dataset: 'reco-tracks' }],
  },
];

t.test('JSON lines: datasets become published versions, steps link them; a re-import changes nothing', async (t) => {
  const a = await makeApp(t);
  const res = await post(a, 'jsonl', jsonl(...records));
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { format: 'jsonl', created: 3, updated: 0, unchanged: 0, refused: 0 });
  t.same(
    res.json().results.map((r: { source: string }) => r.source),
    ['request:1', 'request:2', 'request:3'],
  );
  const reco = (await a.app.inject({ url: '/datasets/reco-tracks' })).json();
  t.equal(reco.version, 1);
  t.same(reco.keywords, ['tracking']);
  const step = (await a.app.inject({ url: '/activities/reconstruct' })).json();
  t.same(
    step.inputs.map((i: { dataset: string; role: string }) => [i.dataset, i.version, i.role]),
    [['raw-events', 1, 'raw']],
  );
  t.same(
    step.outputs.map((o: { dataset: string }) => o.dataset),
    ['reco-tracks'],
  );

  const again = await post(a, 'jsonl', jsonl(...records));
  t.equal(again.statusCode, 200);
  t.match(again.json(), { created: 0, updated: 0, unchanged: 3, refused: 0 });
  t.equal((await a.app.inject({ url: '/datasets/reco-tracks/versions' })).json().items.length, 1, 'no new version');
});

t.test('a changed record becomes the next version; an unchanged one whose ledger row is gone is recognised as such', async (t) => {
  const a = await makeApp(t);
  await post(a, 'jsonl', jsonl(dataset('raw-events')));
  // Same content, written differently (key order, defaults stated): the ledger's digest differs, the record does not.
  const restated = { ...dataset('raw-events'), resourceType: 'Dataset', accessLevel: 'open', keywords: [] };
  const same = await post(a, 'jsonl', jsonl(restated));
  t.match(same.json(), { unchanged: 1 }, same.body);
  t.match(same.json().results[0].message, /already says this/);
  const changed = await post(a, 'jsonl', jsonl(dataset('raw-events', { description: 'Recalibrated.' })));
  t.match(changed.json(), { updated: 1 }, changed.body);
  t.equal((await a.app.inject({ url: '/datasets/raw-events' })).json().version, 2);
  t.equal((await a.app.inject({ url: '/datasets/raw-events/versions/1' })).json().description, minimalDataset().description, 'v1 kept as it was');
});

t.test('a dry run reports what would change and writes nothing', async (t) => {
  const a = await makeApp(t);
  const res = await post(a, 'jsonl', jsonl(...records), '?dryRun=true');
  t.equal(res.statusCode, 200, 'nothing created, so not 201');
  t.match(res.json(), { dryRun: true, created: 3 });
  t.match(res.json().results[0].message, /^would create dataset raw-events/);
  t.match(res.json().results[2].message, /^would create step reconstruct/, 'a step naming datasets created earlier in the same dry run');
  t.equal((await a.app.inject({ url: '/datasets/raw-events' })).statusCode, 404);
  t.equal((await a.app.inject({ url: '/activities/reconstruct' })).statusCode, 404);
  t.match((await post(a, 'jsonl', jsonl(...records))).json(), { created: 3 }, 'the ledger kept nothing of the dry run');
});

t.test('bad records are refused one by one, with their line and field; the others are imported', async (t) => {
  const a = await makeApp(t);
  const body = [
    JSON.stringify(dataset('good')),
    '{"id": "broken", "title": ',
    JSON.stringify(dataset('no-licence', { license: 'not-a-licence' })),
    JSON.stringify({ record: 'activity', id: 'dangling', kind: 'analysis', inputs: [{ dataset: 'good' }], outputs: [{ dataset: 'nowhere' }] }),
  ].join('\n');
  const res = await post(a, 'jsonl', body);
  t.equal(res.statusCode, 201);
  t.match(res.json(), { created: 1, refused: 3 });
  const [, broken, licence, dangling] = res.json().results;
  t.match(broken, { source: 'request:2', status: 'refused', code: 'MALFORMED_BODY' });
  t.match(licence, { source: 'request:3', status: 'refused', code: 'VALIDATION_FAILED', errors: [{ pointer: '/license' }] });
  t.match(dangling, { source: 'request:4', status: 'refused', code: 'UNKNOWN_REFERENCE', errors: [{ pointer: '/outputs/0/dataset' }] });
  t.equal((await a.app.inject({ url: '/activities/dangling' })).statusCode, 404, 'nothing of a refused record is kept');

  const allBad = await post(a, 'jsonl', JSON.stringify(dataset('bad', { tier: 12 })));
  t.equal(allBad.statusCode, 400, 'nothing applied: the refusal itself answers');
  t.equal(allBad.headers['content-type'], 'application/problem+json');
  t.match(allBad.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/tier' }] });
});

t.test('CSV rows say what JSON lines say', async (t) => {
  const a = await makeApp(t);
  const csv = [
    'record,id,title,description,tier,dataType,license,creators,keywords,urls,kind,software,softwareVersion,inputs,outputs',
    'dataset,raw-events,Dataset raw-events,2D Ising configurations near the critical temperature.,3,Raw-Simulation,CC-BY-4.0,Ada Lovelace (0000-0002-1825-0097),,,,,,,',
    'dataset,reco-tracks,Dataset reco-tracks,2D Ising configurations near the critical temperature.,3,Raw-Simulation,CC-BY-4.0,CERN [Organization],tracking,https://data.example.org/a.h5;https://mirror.example.org/a.h5,,,,,',
    'activity,reconstruct,,,,,,,,,reconstruction,reco,2.1,raw-events@1,reco-tracks',
  ].join('\n');
  const res = await post(a, 'csv', csv);
  t.match(res.json(), { format: 'csv', created: 3, refused: 0 }, res.body);
  const reco = (await a.app.inject({ url: '/datasets/reco-tracks' })).json();
  t.same(
    reco.creators.map((c: { name: string; type: string }) => [c.name, c.type]),
    [['CERN', 'Organization']],
  );
  t.same(reco.distributions[0].urls, ['https://data.example.org/a.h5', 'https://mirror.example.org/a.h5']);
  t.equal((await a.app.inject({ url: '/datasets/raw-events' })).json().creators[0].orcid, '0000-0002-1825-0097');
  // The JSON-lines twin of rows 2-3 changes nothing: both shapes say the same records.
  const twin = await post(
    a,
    'jsonl',
    jsonl(records[0], { ...records[1], distributions: [{ urls: ['https://data.example.org/a.h5', 'https://mirror.example.org/a.h5'] }] }),
  );
  t.match(twin.json(), { unchanged: 2 }, twin.body);
  t.equal((await post(a, 'csv', 'id,title\n"unterminated')).statusCode, 400, 'unreadable CSV');
});

t.test('import routes need a curator token and a known format', async (t) => {
  const a = await makeApp(t);
  t.equal(
    (await a.app.inject({ method: 'POST', url: '/import/jsonl', payload: jsonl(records[0]), headers: { 'content-type': 'application/jsonl' } })).statusCode,
    401,
  );
  t.equal(
    (await a.app.inject({ method: 'POST', url: '/import/jsonl', payload: jsonl(records[0]), headers: { ...a.as.reader, 'content-type': 'application/jsonl' } }))
      .statusCode,
    403,
  );
  const unknown = await a.app.inject({ method: 'POST', url: '/import/nope', payload: 'x', headers: { ...a.as.curator, 'content-type': 'text/plain' } });
  t.equal(unknown.statusCode, 404);
  for (const format of ['openlineage', 'rocrate', 'prov-json', 'hepdata', 'jsonl', 'csv', 'qcdml', 'datacite'])
    t.match(unknown.json().detail, new RegExp(`known: .*\\b${format}\\b`), `names ${format}`);
});

t.test('imported records belong to the importing user, are private where they say so, and others may not change them', async (t) => {
  const a = await makeApp(t);
  const admin = a.as.admin;
  for (const id of ['alice', 'bob'])
    t.equal((await a.app.inject({ method: 'POST', url: '/users', headers: admin, payload: { id, name: id } })).statusCode, 201);
  const tokenOf = async (user: string) => ({
    authorization: `Bearer ${(await a.app.inject({ method: 'POST', url: '/tokens', headers: admin, payload: { role: 'curator', user } })).json().token}`,
  });
  const alice = await tokenOf('alice');
  const bob = await tokenOf('bob');
  const importAs = (headers: Record<string, string>, body: string) =>
    a.app.inject({ method: 'POST', url: '/import/jsonl', headers: { ...headers, 'content-type': 'application/jsonl' }, payload: body });

  const res = await importAs(
    alice,
    jsonl(dataset('alice-open'), dataset('alice-secret', { visibility: 'private' }), dataset('alice-restricted', { accessLevel: 'restricted' })),
  );
  t.match(res.json(), { created: 3, refused: 0 }, res.body);
  for (const id of ['alice-open', 'alice-secret', 'alice-restricted'])
    t.same((await a.app.inject({ url: `/datasets/${id}/sharing`, headers: admin })).json(), { owner: 'alice', groups: [] }, `${id} is alice's`);
  t.same(
    await Promise.all(['alice-open', 'alice-secret', 'alice-restricted'].map(async (id) => (await a.app.inject({ url: `/datasets/${id}` })).statusCode)),
    [200, 404, 404],
    'anonymous callers see the public record only (restricted alone means private, as for POST /datasets)',
  );
  t.equal((await a.app.inject({ url: '/datasets/alice-secret', headers: alice })).json().visibility, 'private', 'its owner sees it');

  const takeover = await importAs(bob, jsonl(dataset('alice-open', { description: 'Bob was here.' })));
  t.equal(takeover.statusCode, 403, "bob's import may not add a version to alice's record");
  t.match(takeover.json().results, [{ status: 'refused', code: 'FORBIDDEN' }]);
  t.equal((await a.app.inject({ url: '/datasets/alice-open' })).json().version, 1);
  const step = { record: 'activity', id: 'bob-step', kind: 'analysis', inputs: [{ dataset: 'alice-open' }], outputs: [{ dataset: 'alice-open' }] };
  const claimed = await importAs(bob, jsonl(dataset('bob-in'), { ...step, inputs: [{ dataset: 'bob-in' }] }));
  t.match(claimed.json(), { created: 1, refused: 1 }, 'nor record what generated it');
  t.match(claimed.json().results[1], { status: 'refused', code: 'FORBIDDEN' });
  const peek = await importAs(bob, jsonl({ ...step, id: 'bob-peek', inputs: [{ dataset: 'alice-secret' }], outputs: [{ dataset: 'bob-in' }] }));
  t.match(peek.json().results[0], { status: 'refused', code: 'UNKNOWN_REFERENCE' }, "a private record bob may not see is unknown to bob's import");
});
