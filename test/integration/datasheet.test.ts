import { buildSchema, type GraphQLObjectType } from 'graphql';
import t from 'tap';
import { datasheetSections, SECTION_NAMES } from '../../src/modules/datasets/datasheet.schema.js';
import { loadSchema } from '../../src/plugins/graphql.js';
import { makeApp, minimalDataset, type TestApp } from '../helpers/app.js';

/** A datasheet answering three of the seven sections: 1 + 3 + 2 + 2 questions. */
const sheet = {
  motivation: { purpose: 'Benchmark tracking at high occupancy.' },
  composition: {
    instances: 'Simulated Au+Au collision events in a TPC.',
    instanceCount: 5_000_000,
    splits: [
      { name: 'train', instances: 4_000_000 },
      { name: 'test', instances: 1_000_000, description: 'held out' },
    ],
  },
  uses: { recommendedUses: ['tracking', 'pretraining'], outOfScopeUses: ['real-data physics results'] },
  maintenance: { maintainer: 'BNL', contact: { email: 'data@example.org' } },
};

async function draftEtag(a: TestApp, id: string) {
  return (await a.app.inject({ url: `/datasets/${id}/datasheet`, headers: a.as.curator })).headers.etag as string;
}

t.test('a curator writes the draft datasheet; GET answers it with its completeness', async (t) => {
  const a = await makeApp(t);
  const id = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() })).json().id as string;

  const empty = await a.app.inject({ url: `/datasets/${id}/datasheet`, headers: a.as.curator });
  t.equal(empty.statusCode, 200, empty.body);
  t.match(empty.json(), { dataset: id, version: null, state: 'draft', datasheet: {}, completeness: { sections: { answered: 0, total: 7 }, complete: false } });

  const put = await a.app.inject({
    method: 'PUT',
    url: `/datasets/${id}/datasheet`,
    headers: { ...a.as.curator, 'if-match': empty.headers.etag as string },
    payload: sheet,
  });
  t.equal(put.statusCode, 200, put.body);
  t.same(put.json().datasheet, sheet, 'stored as given');
  const c = put.json().completeness;
  t.same(c.sections, { answered: 4, total: 7 });
  t.equal(c.questions.answered, 1 + 3 + 2 + 2);
  t.equal(c.complete, false);
  const composition = c.bySection.find((s: { section: string }) => s.section === 'composition');
  t.equal(composition.answered, true);
  t.ok(composition.missing.includes('sampling') && !composition.missing.includes('splits'), 'unanswered questions are named');
  t.same(
    c.bySection.filter((s: { answered: boolean }) => !s.answered).map((s: { section: string }) => s.section),
    ['collection', 'preprocessing', 'distribution'],
  );
  t.not(put.headers.etag, empty.headers.etag, 'a new draft revision');

  const record = await a.app.inject({ url: `/datasets/${id}`, headers: a.as.curator });
  t.same(record.json().datasheet, sheet, 'the record carries the datasheet');
});

t.test('every section answered makes the datasheet complete', async (t) => {
  const a = await makeApp(t);
  const full = {
    ...sheet,
    collection: { acquisition: 'Simulated with GEANT4.' },
    preprocessing: { steps: ['digitisation'] },
    distribution: { method: 'HTTPS download' },
  };
  const id = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ datasheet: full }) })).json()
    .id as string;
  const res = await a.app.inject({ url: `/datasets/${id}/datasheet`, headers: a.as.curator });
  t.match(res.json().completeness, { sections: { answered: 7, total: 7 }, complete: true });
});

t.test('bad datasheets are refused with a pointer, and writes are conditional', async (t) => {
  const a = await makeApp(t);
  const id = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() })).json().id as string;
  const etag = await draftEtag(a, id);
  const cases: [string, unknown, string][] = [
    ['unknown section', { motives: {} }, '/'],
    ['unknown question', { motivation: { why: 'x' } }, '/motivation'],
    ['count not a number', { composition: { instanceCount: 'many' } }, '/composition/instanceCount'],
    ['negative count', { composition: { splits: [{ name: 'train', instances: -1 }] } }, '/composition/splits/0/instances'],
    ['bad email', { maintenance: { contact: { email: 'nobody' } } }, '/maintenance/contact/email'],
    ['javascript URL', { preprocessing: { softwareUrl: 'javascript:alert(1)' } }, '/preprocessing/softwareUrl'],
    ['empty contact', { maintenance: { contact: {} } }, '/maintenance/contact'],
  ];
  for (const [name, payload, pointer] of cases) {
    const res = await a.app.inject({ method: 'PUT', url: `/datasets/${id}/datasheet`, headers: { ...a.as.curator, 'if-match': etag }, payload });
    t.equal(res.statusCode, 400, name);
    t.ok(
      res.json().errors.some((e: { pointer: string }) => e.pointer === pointer),
      `${name}: ${pointer} in ${JSON.stringify(res.json().errors)}`,
    );
  }
  t.equal(
    (await a.app.inject({ method: 'PUT', url: `/datasets/${id}/datasheet`, headers: a.as.curator, payload: sheet })).statusCode,
    428,
    'If-Match required',
  );
  t.equal(
    (await a.app.inject({ method: 'PUT', url: `/datasets/${id}/datasheet`, headers: { ...a.as.curator, 'if-match': '"d1.99"' }, payload: sheet })).statusCode,
    412,
  );
  t.equal((await a.app.inject({ method: 'PUT', url: `/datasets/${id}/datasheet`, headers: { 'if-match': etag }, payload: sheet })).statusCode, 401);
  t.same((await a.app.inject({ url: `/datasets/${id}/datasheet`, headers: a.as.curator })).json().datasheet, {}, 'nothing written');
});

t.test('a datasheet is versioned with its dataset version and immutable once published', async (t) => {
  const a = await makeApp(t);
  const id = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ datasheet: sheet }) })).json()
    .id as string;
  t.equal((await a.app.inject({ url: `/datasets/${id}/datasheet` })).statusCode, 404, 'no published version: nothing for anonymous callers');
  await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator });

  const put = await a.app.inject({
    method: 'PUT',
    url: `/datasets/${id}/datasheet`,
    headers: { ...a.as.curator, 'if-match': '*' },
    payload: { motivation: { purpose: 'changed' } },
  });
  t.equal(put.statusCode, 409, 'no draft: published versions are immutable');
  t.equal(put.json().code, 'VERSION_IMMUTABLE');

  await a.app.inject({ method: 'POST', url: `/datasets/${id}/versions`, headers: a.as.curator });
  const etag = await draftEtag(a, id);
  const changed = await a.app.inject({
    method: 'PUT',
    url: `/datasets/${id}/datasheet`,
    headers: { ...a.as.curator, 'if-match': etag },
    payload: { motivation: { purpose: 'v2 purpose' } },
  });
  t.equal(changed.statusCode, 200, changed.body);
  t.same(changed.json().datasheet, { motivation: { purpose: 'v2 purpose' } }, 'the new draft starts from v1 and is replaced whole');

  const v1 = await a.app.inject({ url: `/datasets/${id}/versions/1/datasheet` });
  t.equal(v1.statusCode, 200);
  t.same(v1.json().datasheet, sheet, 'version 1 keeps its datasheet');
  t.match(v1.headers.etag, /^"[0-9a-f]{32}"$/);
  const anonymous = await a.app.inject({ url: `/datasets/${id}/datasheet` });
  t.match(anonymous.json(), { version: 1, state: 'published', datasheet: sheet }, 'anonymous callers read the published version, never the draft');
  await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator });
  t.same((await a.app.inject({ url: `/datasets/${id}/versions/2/datasheet` })).json().datasheet, { motivation: { purpose: 'v2 purpose' } });
  t.same((await a.app.inject({ url: `/datasets/${id}/versions/1` })).json().datasheet, sheet, 'the record of v1 too');
});

t.test('restricted datasheets are not there for anonymous callers', async (t) => {
  const a = await makeApp(t);
  const id = (
    await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ accessLevel: 'restricted', datasheet: sheet }) })
  ).json().id as string;
  await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator });
  const anonymous = await a.app.inject({ url: `/datasets/${id}/datasheet` });
  const unknown = await a.app.inject({ url: '/datasets/no-such-dataset/datasheet' });
  t.equal(anonymous.statusCode, 404);
  t.same(
    { ...anonymous.json(), instance: null, detail: null, requestId: null },
    { ...unknown.json(), instance: null, detail: null, requestId: null },
    'hidden and unknown answer alike',
  );
  t.equal((await a.app.inject({ url: `/datasets/${id}/datasheet`, headers: a.as.reader })).statusCode, 200);
});

t.test('GraphQL types every section as the REST schema does, and answers the same datasheet', async (t) => {
  const schema = buildSchema(loadSchema());
  const typeOf: Record<string, string> = {
    motivation: 'DatasheetMotivation',
    composition: 'DatasheetComposition',
    collection: 'DatasheetCollection',
    preprocessing: 'DatasheetPreprocessing',
    uses: 'DatasheetUses',
    distribution: 'DatasheetDistribution',
    maintenance: 'DatasheetMaintenance',
  };
  t.same(Object.keys(typeOf), SECTION_NAMES, 'one GraphQL type per section');
  for (const section of SECTION_NAMES) {
    const type = schema.getType(typeOf[section]) as GraphQLObjectType;
    t.same(Object.keys(type.getFields()).sort(), Object.keys(datasheetSections[section].shape).sort(), `${typeOf[section]} has every question`);
  }

  const a = await makeApp(t);
  const id = (
    await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: minimalDataset({ datasheet: { ...sheet, notes: { grant: 'DE-SC0012704' } } }),
    })
  ).json().id as string;
  const query = `{ dataset(id: "${id}") { datasheet {
    motivation { purpose funding }
    composition { instances instanceCount splits { name instances description } }
    uses { recommendedUses outOfScopeUses }
    maintenance { maintainer contact { email } }
    collection { acquisition }
    notes
    completeness { sections { answered total } complete bySection { section answered missing } }
  } } }`;
  const res = await a.app.inject({ method: 'POST', url: '/graphql', headers: a.as.curator, payload: { query } });
  t.equal(res.statusCode, 200, res.body);
  const d = res.json().data.dataset.datasheet;
  t.same(d.motivation, { purpose: sheet.motivation.purpose, funding: null });
  t.same(d.composition.splits, [
    { name: 'train', instances: 4_000_000, description: null },
    { name: 'test', instances: 1_000_000, description: 'held out' },
  ]);
  t.equal(d.composition.instanceCount, 5_000_000);
  t.same(d.uses, sheet.uses);
  t.same(d.maintenance, { maintainer: 'BNL', contact: { email: 'data@example.org' } });
  t.equal(d.collection, null, 'an unanswered section is null');
  t.same(JSON.parse(d.notes), { grant: 'DE-SC0012704' });
  const rest = (await a.app.inject({ url: `/datasets/${id}/datasheet`, headers: a.as.curator })).json().completeness;
  t.same(d.completeness.sections, rest.sections);
  t.same(
    d.completeness.bySection,
    rest.bySection.map((s: { section: string; answered: boolean; missing: string[] }) => ({ section: s.section, answered: s.answered, missing: s.missing })),
  );
});

t.test('a tier policy "datasheet-complete" refuses a findable DOI until every section is answered', async (t) => {
  const a = await makeApp(t, { FEMTO_GATE_POLICY: '{"3": ["datasheet-complete"]}' });
  const id = (
    await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ tier: 3, publisher: 'BNL', datasheet: sheet }) })
  ).json().id as string;
  await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator });
  const publishDoi = () =>
    a.app.inject({
      method: 'POST',
      url: '/dois',
      headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
      payload: JSON.stringify({
        data: { type: 'dois', attributes: { prefix: '10.5072', url: `http://femto.test/datasets/${id}`, event: 'publish', publisher: 'BNL' } },
      }),
    });

  const refused = await publishDoi();
  t.equal(refused.statusCode, 422, refused.body);
  t.match(
    refused.json().meta.gates,
    [{ gate: 'https://w3id.org/femto/ns#DatasheetComplete', state: 'failed', label: /Collection process, Preprocessing.*Distribution/ }],
    'names the unanswered sections',
  );

  await a.app.inject({ method: 'POST', url: `/datasets/${id}/versions`, headers: a.as.curator });
  const complete = {
    ...sheet,
    collection: { acquisition: 'Simulated with the detector model.' },
    preprocessing: { preprocessing: 'Zero suppression.' },
    distribution: { method: 'HTTPS download.' },
  };
  const put = await a.app.inject({
    method: 'PUT',
    url: `/datasets/${id}/datasheet`,
    headers: { ...a.as.curator, 'if-match': await draftEtag(a, id) },
    payload: complete,
  });
  t.equal(put.json().completeness.complete, true);
  await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator });
  const allowed = await publishDoi();
  t.equal(allowed.statusCode, 201, allowed.body);

  const other = (await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ tier: 5, publisher: 'BNL' }) })).json()
    .id as string;
  await a.app.inject({ method: 'POST', url: `/datasets/${other}/publish`, headers: a.as.curator });
  t.equal(
    await a.app.femto.policies.check((await a.app.femto.repos.datasets.concept(other))!.latestVersionPk!, 'doi'),
    undefined,
    'other tiers are not governed by it',
  );
});
