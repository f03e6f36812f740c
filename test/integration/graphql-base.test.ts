import t from 'tap';
import { makeApp, publishedDataset, step } from '../helpers/app.js';

t.test('dataset, its versions and the steps around it over GraphQL', async (t) => {
  const a = await makeApp(t);
  const raw = await publishedDataset(a, { title: 'raw' });
  const derived = await publishedDataset(a, { title: 'derived' });
  await step(a, { id: 'fss', kind: 'analysis', inputs: [{ dataset: raw }], outputs: [{ dataset: derived }] });
  const res = await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: {
      query: `{ dataset(id: "${derived}") { id title versions { version dataset { title } } latestVersion { version }
                 creators { name orcid agent { id } }
                 generatedBy { id kind inputs { version dataset { id title usedBy { id } } } } } }`,
    },
  });
  t.equal(res.statusCode, 200, res.body);
  const d = res.json().data.dataset;
  t.equal(d.title, 'derived');
  t.same(d.versions, [{ version: 1, dataset: { title: 'derived' } }]);
  t.equal(d.latestVersion.version, 1);
  t.equal(d.creators[0].orcid, '0000-0002-1825-0097');
  t.equal(d.generatedBy.id, 'fss');
  t.same(d.generatedBy.inputs[0].dataset, { id: raw, title: 'raw', usedBy: [{ id: 'fss' }] });
});

t.test('GraphQL carries the size and record count REST returns, beyond 32-bit integers', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { sizeBytes: 5_000_000_000_000, recordCount: 10_000_000_000 });
  const rest = (await a.app.inject({ url: `/datasets/${id}` })).json();
  const res = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ dataset(id: "${id}") { sizeBytes recordCount } }` } });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json().data.dataset, { sizeBytes: rest.sizeBytes, recordCount: rest.recordCount });
  t.equal(rest.sizeBytes, 5_000_000_000_000);
});
