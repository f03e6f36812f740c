import t from 'tap';
import { makeApp, patchDraft, publishedDataset } from '../helpers/app.js';
import { derivationChain as chain, ORCID } from '../helpers/provenance.js';
import { assertValid } from '../helpers/validators.js';
import { available } from '../helpers/external.js';
import { processRunCrateRecommended, processRunCrateRequired, roCrateRequired } from '../helpers/rocrate-validator.js';

type Entity = Record<string, unknown> & { '@id': string; '@type': string | string[] };
const graphOf = (body: string) => {
  const doc = JSON.parse(body) as { '@context': unknown; '@graph': Entity[] };
  const byId = new Map(doc['@graph'].map((e) => [e['@id'], e]));
  return { doc, byId, get: (id: string) => byId.get(id)!, ofType: (type: string) => doc['@graph'].filter((e) => [e['@type']].flat().includes(type)) };
};
const ids = (v: unknown) =>
  [v]
    .flat()
    .map((x) => (x as { '@id': string })['@id'])
    .sort();

t.test('a dataset version as an RO-Crate: valid against the RO-Crate 1.1 shapes, saying what the record says', async (t) => {
  const a = await makeApp(t);
  const { raw, mid } = await chain(a);
  const res = await a.app.inject({ url: `/datasets/${raw}/versions/1?format=rocrate` });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/ld+json; profile="https://w3id.org/ro/crate/1.1"');
  const { doc, get, ofType } = graphOf(res.body);
  await assertValid(t, roCrateRequired, doc, 'RO-Crate 1.1 required shapes');
  t.same(get('ro-crate-metadata.json').conformsTo, { '@id': 'https://w3id.org/ro/crate/1.1' });
  const root = get('./');
  t.equal(root.name, 'Raw detector hits');
  t.same(root.license, { '@id': 'https://spdx.org/licenses/CC-BY-4.0' });
  t.same(ids(root.author), [`https://orcid.org/${ORCID}`]);
  t.equal(get(`https://orcid.org/${ORCID}`).name, 'Ada Lovelace');
  t.same(ids(root.hasPart), ['https://data.example.org/raw.root'], 'the distribution is a File under its first URL');
  const file = get('https://data.example.org/raw.root');
  t.same(file.contentUrl, ['https://data.example.org/raw.root', 'https://mirror.example.org/raw.root'], 'mirrors kept');
  t.equal(file.sha256, 'ab'.repeat(32));
  t.equal(file.contentSize, '2048');
  t.equal(ofType('File').length, 1);

  const derived = graphOf((await a.app.inject({ url: `/datasets/${mid}?format=rocrate` })).body);
  t.same(ids(derived.get('./').isBasedOn), [`http://femto.test/datasets/${raw}/versions/1`], 'upstream versions named');

  const v12 = await a.app.inject({ url: `/datasets/${raw}/versions/1`, headers: { accept: 'application/ld+json; profile="https://w3id.org/ro/crate/1.2"' } });
  t.equal(v12.headers['content-type'], 'application/ld+json; profile="https://w3id.org/ro/crate/1.2"', 'Accept with the 1.2 profile');
  t.same(graphOf(v12.body).get('ro-crate-metadata.json').conformsTo, { '@id': 'https://w3id.org/ro/crate/1.2' });
  t.same(graphOf(v12.body).doc['@context'], ['https://w3id.org/ro/crate/1.2/context', 'https://w3id.org/ro/terms/workflow-run/context']);
  const plain = await a.app.inject({ url: `/datasets/${raw}`, headers: { accept: 'application/ld+json' } });
  t.notMatch(plain.headers['content-type'], /ro\/crate/, 'plain JSON-LD stays schema.org');
});

t.test('files under an embargo are not in the crate', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, {
    accessLevel: 'embargoed',
    embargoUntil: '2999-01-01',
    distributions: [{ urls: ['https://data.example.org/later.h5'] }],
  });
  const { get, ofType } = graphOf((await a.app.inject({ url: `/datasets/${id}?format=rocrate` })).body);
  t.equal(ofType('File').length, 0);
  t.notOk(get('./').hasPart);
  await assertValid(t, roCrateRequired, graphOf((await a.app.inject({ url: `/datasets/${id}?format=rocrate` })).body).doc, 'still a valid crate');
});

t.test('a lineage subgraph as a Provenance Run Crate', async (t) => {
  const a = await makeApp(t);
  const { raw, mid, out, hidden } = await chain(a);
  const res = await a.app.inject({ url: `/datasets/${out}/lineage?direction=UPSTREAM&depth=5&format=rocrate` });
  t.equal(res.statusCode, 200, res.body.slice(0, 300));
  const { doc, get, ofType, byId } = graphOf(res.body);
  await assertValid(t, processRunCrateRequired, doc, 'RO-Crate 1.1 and Process Run Crate required shapes');
  // Recommended: what femto knows of a fully described step is all said (a step recorded without software or end time cannot be).
  if (available(t, 'recommended shapes', ...processRunCrateRecommended.needs)) {
    t.same(
      (await processRunCrateRecommended.errors([doc]))[0].filter((e) => e.includes('/activities/reco')),
      [],
      'recommended shapes hold for a fully described step',
    );
  }
  const root = get('./');
  t.same(ids(root.conformsTo), [
    'https://w3id.org/ro/wfrun/process/0.5',
    'https://w3id.org/ro/wfrun/provenance/0.5',
    'https://w3id.org/ro/wfrun/workflow/0.5',
    'https://w3id.org/workflowhub/workflow-ro-crate/1.0',
  ]);
  const workflow = get((root.mainEntity as { '@id': string })['@id']);
  t.same([workflow['@type']].flat().sort(), ['ComputationalWorkflow', 'File', 'HowTo', 'SoftwareSourceCode']);

  const reco = get('http://femto.test/activities/reco');
  t.equal(reco['@type'], 'CreateAction');
  t.same(
    ids(reco.object).filter((x) => !x.startsWith('#')),
    [`http://femto.test/datasets/${raw}/versions/1`],
    'inputs the caller may see',
  );
  t.same(ids(reco.result), [`http://femto.test/datasets/${mid}/versions/1`]);
  t.same(ids(reco.agent), [`https://orcid.org/${ORCID}`, 'https://ror.org/02ex6cf31']);
  t.equal(reco.startTime, '2024-01-01T10:00:00+00:00');
  t.equal(reco.endTime, '2024-01-01T10:00:00.500+00:00', 'times with a numeric offset, as the profile asks');
  const tool = get((reco.instrument as { '@id': string })['@id']);
  t.match(tool, { '@type': 'SoftwareApplication', name: 'reco', softwareVersion: '2.1', url: 'https://git.example.org/reco' });
  const params = ids(reco.object)
    .filter((x) => x.startsWith('#'))
    .map((x) => get(x));
  t.same(
    params.map((p) => [p.name, p.value]).sort(),
    [
      ['field', 0.5],
      ['geometry', '{"version":"v3"}'],
    ],
    'parameters as PropertyValues',
  );
  t.equal(ofType('CreateAction').length, 3, 'one per step, and the run of the whole graph');
  t.equal(ofType('ControlAction').length, 2);
  t.equal(ofType('HowToStep').length, 2);
  t.notOk(
    [...byId.keys()].some((k) => k.includes(hidden)),
    'the restricted input is not named',
  );
  t.notMatch(res.body, 'Secret calibration');

  const asCurator = graphOf((await a.app.inject({ url: `/datasets/${out}/lineage?format=rocrate`, headers: a.as.curator })).body);
  t.ok(asCurator.byId.has(`http://femto.test/datasets/${hidden}/versions/1`), 'a curator sees it');

  const one = await a.app.inject({ url: '/activities/reco?format=rocrate' });
  const single = graphOf(one.body);
  await assertValid(t, processRunCrateRequired, single.doc, 'one step: a Process Run Crate');
  t.same(ids(single.get('./').conformsTo), ['https://w3id.org/ro/wfrun/process/0.5']);
  t.equal(single.ofType('CreateAction').length, 1);
});

t.test('the lineage route keeps its JSON and answers 406 for what it does not offer', async (t) => {
  const a = await makeApp(t);
  const { out } = await chain(a);
  const json = await a.app.inject({ url: `/datasets/${out}/lineage` });
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(json.json().root.id, `${out}@1`);
  t.notOk('pk' in json.json().root, 'the JSON answer is the documented one');
  const refused = await a.app.inject({ url: `/datasets/${out}/lineage?format=bogus` });
  t.equal(refused.statusCode, 406);
  t.match(refused.json().formats, ['json', 'prov-json', 'prov-xml', 'prov-o', 'prov-o-jsonld', 'rocrate', 'rocrate-1.2']);
  t.equal((await a.app.inject({ url: `/datasets/${out}/lineage?format=rocrate&depth=-1` })).statusCode, 400);
  t.equal((await a.app.inject({ url: '/activities/nope?format=rocrate' })).statusCode, 404);
  const draftOnly = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: { title: 'd', description: 'd', tier: 1, dataType: 'Theoretical', license: 'MIT', creators: [{ name: 'X' }] },
  });
  await patchDraft(a, draftOnly.json().id, { title: 'draft only' });
  t.equal((await a.app.inject({ url: `/datasets/${draftOnly.json().id}/lineage?format=rocrate` })).statusCode, 404, 'unpublished: nothing to export');
});
