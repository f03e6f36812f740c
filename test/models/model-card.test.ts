import t from 'tap';
import { makeApp, minimalDataset, patchDraft, publishedDataset, type TestApp } from '../helpers/app.js';
import { cardOut } from '../../src/modules/models/models.schema.js';

const CARD = {
  modelDetails: {
    modelType: 'graph neural network tracker',
    architecture: 'message-passing GNN',
    parametersCount: 1_200_000,
    trainingProcedure: 'supervised, 40 epochs',
    modelDate: '2025-08',
  },
  intendedUse: { primaryUses: ['charged-particle tracking in TPCs'], outOfScopeUses: ['calorimeter clustering'] },
  caveatsAndRecommendations: { caveats: ['trained on simulation only'] },
};

const put = (a: TestApp, id: string, body: unknown, ifMatch?: string, headers = a.as.curator) =>
  a.app.inject({ method: 'PUT', url: `/models/${id}/card`, headers: { ...headers, ...(ifMatch ? { 'if-match': ifMatch } : {}) }, payload: body as object });
const draftEtag = async (a: TestApp, id: string) => (await a.app.inject({ url: `/datasets/${id}/draft`, headers: a.as.curator })).headers.etag as string;

t.test('a model card is part of the version: written on the draft, frozen by publishing, read per version', async (t) => {
  const a = await makeApp(t);
  const created = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ id: 'tracker', resourceType: 'Model', modelCard: CARD }),
  });
  t.equal(created.statusCode, 201, created.body);
  t.same(created.json().modelCard, CARD, 'the JSON record holds the card as written');

  const draftCard = await a.app.inject({ url: '/models/tracker/card', headers: a.as.curator });
  t.equal(draftCard.statusCode, 200, 'curators read the draft card of an unpublished model');
  t.equal(draftCard.json().model.version, null);
  t.equal(draftCard.json().trainingSetManifest, null, 'a draft has no lineage');
  t.equal((await a.app.inject({ url: '/models/tracker/card' })).statusCode, 404, 'anonymous callers do not see a draft');

  t.equal((await a.app.inject({ method: 'POST', url: '/datasets/tracker/publish', headers: a.as.curator })).statusCode, 200);
  const v1 = await a.app.inject({ url: '/models/tracker/card' });
  t.equal(v1.statusCode, 200, v1.body);
  t.ok(cardOut.safeParse(v1.json()).success, 'the answer has the documented shape');
  t.same(v1.json().card, CARD);
  // Three of Mitchell's nine sections are answered: model details, intended use, caveats and recommendations.
  t.same(v1.json().completeness, {
    answered: 3,
    total: 9,
    missing: ['factors', 'metrics', 'evaluationData', 'trainingData', 'quantitativeAnalyses', 'ethicalConsiderations'],
  });
  t.match(
    v1.json().model,
    { dataset: 'tracker', version: 1, license: 'CC-BY-4.0', uri: 'http://femto.test/datasets/tracker/versions/1' },
    "version and licence are the record's own",
  );
  t.match(v1.headers.etag, /^"[0-9a-f]{32}"$/);
  t.equal((await a.app.inject({ url: '/models/tracker/card', headers: { 'if-none-match': v1.headers.etag as string } })).statusCode, 304);

  t.equal((await put(a, 'tracker', CARD, '*')).statusCode, 409, 'a published version is immutable: no draft to write');
  t.equal((await a.app.inject({ method: 'POST', url: '/datasets/tracker/versions', headers: a.as.curator })).statusCode, 201);
  const next = { ...CARD, ethicalConsiderations: { sensitiveData: 'none: simulated collisions only' } };
  t.equal((await put(a, 'tracker', next)).statusCode, 428, 'If-Match is required');
  t.equal((await put(a, 'tracker', next, '"d1.1"')).statusCode, 412, 'a stale ETag is refused');
  const etag = await draftEtag(a, 'tracker');
  const written = await put(a, 'tracker', next, etag);
  t.equal(written.statusCode, 200, written.body);
  t.not(written.headers.etag, etag, 'the draft has a new ETag');
  t.equal(written.json().completeness.answered, 4);
  t.equal((await put(a, 'tracker', next, etag)).statusCode, 412, 'the old ETag no longer matches');
  t.equal((await put(a, 'tracker', next, written.headers.etag as string, a.as.anonymous)).statusCode, 401);
  t.equal((await a.app.inject({ method: 'POST', url: '/datasets/tracker/publish', headers: a.as.curator })).statusCode, 200);

  t.same((await a.app.inject({ url: '/models/tracker/card?version=1' })).json().card, CARD, 'version 1 keeps its card');
  t.same((await a.app.inject({ url: '/models/tracker/card' })).json().card, next, 'version 2 has the new one');
});

t.test('only a Model has a model card; cards are validated field by field', async (t) => {
  const a = await makeApp(t);
  const onDataset = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ modelCard: CARD }) });
  t.equal(onDataset.statusCode, 400);
  t.match(onDataset.json().errors, [{ pointer: '/modelCard' }]);

  const bad: [unknown, string][] = [
    [{ factors: {} }, '/modelCard/factors'],
    [{ modelDetails: { parametersCount: -1 } }, '/modelCard/modelDetails/parametersCount'],
    [{ modelDetails: { layers: 12 } }, '/modelCard/modelDetails'],
    [{ intendedUse: { primaryUses: [] } }, '/modelCard/intendedUse/primaryUses'],
    [{ modelDetails: { modelDate: 'last summer' } }, '/modelCard/modelDetails/modelDate'],
    [{ ethics: { statement: 'x' } }, '/modelCard'],
  ];
  for (const [card, pointer] of bad) {
    const res = await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: minimalDataset({ resourceType: 'Model', modelCard: card }),
    });
    t.equal(res.statusCode, 400, JSON.stringify(card));
    t.ok(
      res.json().errors.some((e: { pointer: string }) => e.pointer === pointer),
      `${JSON.stringify(card)} -> ${pointer}: ${JSON.stringify(res.json().errors)}`,
    );
  }

  const id = await publishedDataset(a, { id: 'tracker', resourceType: 'Model', modelCard: CARD });
  await a.app.inject({ method: 'POST', url: `/datasets/${id}/versions`, headers: a.as.curator });
  const retyped = await patchDraft(a, id, { resourceType: 'Dataset' });
  t.equal(retyped.statusCode, 400, 'a card cannot stay on a record that stops being a model');
  t.match(retyped.json().errors, [{ pointer: '/resourceType' }]);
  t.equal((await patchDraft(a, id, { resourceType: 'Dataset', modelCard: null })).statusCode, 200, 'removing the card with it is fine');

  const dataset = await publishedDataset(a, { id: 'plain' });
  t.equal((await a.app.inject({ url: `/models/${dataset}/card` })).statusCode, 404, 'a dataset has no model card');
  t.equal((await a.app.inject({ url: '/models/nothing/card' })).statusCode, 404);
});
