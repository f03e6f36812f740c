import t from 'tap';
import { makeApp, minimalDataset } from '../helpers/app.js';
import { qcdmlConfiguration } from '../helpers/qcdml.js';

// Logical file names locate an ensemble's files on the grid: withheld with the files, like their URLs.
for (const [id, access] of [
  ['restricted-ensemble', { accessLevel: 'restricted', visibility: 'public' }],
  ['embargoed-ensemble', { accessLevel: 'embargoed', embargoUntil: '2099-01-01', visibility: 'public' }],
] as const) {
  t.test(`the logical file names of a ${access.accessLevel} ensemble's configurations reach only those who may get its files`, async (t) => {
    const a = await makeApp(t);
    const uri = `mc://ldg/test/${id}`;
    const lfn = `lfn://grid/test/${id}/cfg.0001`;
    const created = await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: minimalDataset({
        id,
        ...access,
        ensemble: { markovChainUri: uri, size: { x: 8, y: 8, z: 8, t: 16 } },
        distributions: [{ urls: [`https://files.example.org/${id}.tar`] }],
      }),
    });
    t.equal(created.statusCode, 201, created.body);
    t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator })).statusCode, 200);
    const imported = await a.app.inject({
      method: 'POST',
      url: '/import/qcdml',
      headers: { ...a.as.curator, 'content-type': 'application/xml' },
      payload: qcdmlConfiguration(uri, lfn),
    });
    t.equal(imported.statusCode, 201, imported.body);

    const owner = await a.app.inject({ url: `/datasets/${id}`, headers: a.as.curator });
    t.same(owner.json().ensemble.configurations, { recorded: 1, logicalFileNames: [lfn] }, 'the record holder sees them');

    const json = await a.app.inject({ url: `/datasets/${id}` });
    t.same(json.json().ensemble.configurations, { recorded: 1, logicalFileNames: [] }, 'anonymous JSON: the count, no names');
    const html = await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } });
    t.notOk(html.body.includes(lfn), 'nor on the landing page');
    const jsonld = await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'application/ld+json' } });
    t.notOk(jsonld.body.includes(lfn), 'nor in JSON-LD');
    const graphql = await a.app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: `{ dataset(id: "${id}") { ensemble { configurations { recorded logicalFileNames } } } }` },
    });
    t.same(graphql.json().data.dataset.ensemble.configurations, { recorded: 1, logicalFileNames: [] }, 'nor over GraphQL');

    // Nor does the resolver confirm a guessed name: the recorded one answers as one never recorded, word for word.
    const problem = async (name: string) => {
      const res = await a.app.inject({ url: `/resolve/${name}`, headers: { accept: 'application/json' } });
      const { instance: _i, requestId: _r, ...body } = res.json();
      return { status: res.statusCode, ...body, detail: String(body.detail).replace(name, '<name>') };
    };
    const recorded = await problem(lfn);
    t.equal(recorded.status, 404);
    t.same(recorded, await problem(`${lfn}9`), 'a recorded name of withheld files and an unknown name answer alike');
    const holder = await a.app.inject({ url: `/resolve/${lfn}`, headers: { ...a.as.curator, accept: 'application/json' } });
    t.equal(holder.statusCode, 404, 'the holder: the name is recorded, no distribution carries it yet');
    t.equal(holder.json().code, 'NO_REPLICA');
  });
}
