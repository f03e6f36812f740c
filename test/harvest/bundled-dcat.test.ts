import t from 'tap';
import { BASE_URL, makeApp } from '../helpers/app.js';
import { quadsOf } from '../helpers/harvest.js';
import { assertAllValid, dcatAp3Shapes } from '../helpers/validators.js';

t.test('every bundled record, each in its own DCAT document, conforms to the DCAT-AP 3.0.1 shapes', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const catalog = (await a.app.inject({ url: '/catalog?limit=500&format=jsonld' })).json();
  const ids: string[] = catalog.dataset.map((d: { isPartOf: string }) => d.isPartOf.split('/').pop());
  t.ok(ids.length > 90, `${ids.length} public records`);
  const documents = new Map<string, Awaited<ReturnType<typeof quadsOf>>>();
  for (const id of ids) {
    const res = await a.app.inject({ url: `/datasets/${id}?format=dcat` });
    t.equal(res.statusCode, 200, id);
    documents.set(id, await quadsOf([res.json()], BASE_URL));
  }
  // A related dataset is named with its title and description, as DCAT-AP asks of every dcat:Dataset.
  const fm4npp = (await a.app.inject({ url: '/datasets/fm4npp?format=dcat' })).json();
  t.match(fm4npp.qualifiedRelation, [{ relation: { '@type': 'Dataset', title: /TPCpp-10M/, description: String } }]);
  await assertAllValid(t, dcatAp3Shapes, documents, 'DCAT-AP 3.0.1 shapes.ttl and range.ttl');
});
