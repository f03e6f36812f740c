import t from 'tap';
import { BASE_URL, makeApp, minimalDataset, publishedDataset, type TestApp } from '../helpers/app.js';
import type { Actor } from '../../src/modules/auth/auth.schema.js';

/**
 * The read policy has two forms: visibility.ts decides single reads, the SQL fragments of
 * src/db/fragments.ts filter listings. Over every kind of record and caller they must agree:
 * a record is listed exactly when it can be read.
 */

async function doi(a: TestApp, attributes: Record<string, unknown>, hide: boolean) {
  const headers = { ...a.as.curator, 'content-type': 'application/vnd.api+json' };
  const body = (attrs: Record<string, unknown>) => JSON.stringify({ data: { type: 'dois', attributes: attrs } });
  const created = await a.app.inject({ method: 'POST', url: '/dois', headers, payload: body({ ...attributes, event: 'publish' }) });
  if (created.statusCode !== 201) throw new Error(created.body);
  if (hide) await a.app.inject({ method: 'PUT', url: `/dois/${attributes.doi}`, headers, payload: body({ event: 'hide' }) });
}

t.test('listings (search, catalog) show exactly the records a single read admits, for every caller', async (t) => {
  const a = await makeApp(t);
  const ids: string[] = [];
  let n = 0;
  for (const accessLevel of ['open', 'embargoed', 'restricted'] as const) {
    for (const withdrawal of ['none', 'version', 'concept'] as const) {
      const id = `${accessLevel}-${withdrawal}`;
      await publishedDataset(a, { id, accessLevel, publisher: 'Lattice Lab', ...(accessLevel === 'embargoed' ? { embargoUntil: '2999-01-01' } : {}) });
      if (withdrawal !== 'none') await doi(a, { doi: `10.5072/vis-${++n}`, url: `${BASE_URL}/datasets/${id}${withdrawal === 'concept' ? '/versions' : ''}` }, true);
      ids.push(id);
    }
  }
  const draft = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ id: 'draft-only' }) });
  t.equal(draft.statusCode, 201);
  ids.push('draft-only');

  const actors: [string, Actor, Record<string, string>][] = [
    ['anonymous', { id: 'anonymous', role: 'anonymous' }, a.as.anonymous],
    ['reader', { id: 'r', role: 'reader' }, a.as.reader],
    ['curator', { id: 'c', role: 'curator' }, a.as.curator],
  ];
  for (const [name, actor, headers] of actors) {
    const readable = ids.filter((id) => {
      try {
        a.app.femto.reader.open(actor, { dataset: id });
        return true;
      } catch {
        return false;
      }
    });
    const searched = ((await a.app.inject({ url: '/datasets?limit=500', headers })).json().items as { id: string }[]).map((i) => i.id);
    const catalog = ((await a.app.inject({ url: '/catalog?limit=500', headers })).json().dataset as { url: string }[]).map((d) => d.url.split('/datasets/')[1].split('/')[0]);
    t.same([...searched].sort(), [...readable].sort(), `${name}: search lists what the policy admits`);
    t.same([...catalog].sort(), [...readable].sort(), `${name}: the catalog lists what the policy admits`);
    t.ok(readable.length > 0);
  }
  t.notOk(
    actors.some(([, actor]) => {
      try {
        a.app.femto.reader.open(actor, { dataset: 'open-version' });
        return true;
      } catch {
        return false;
      }
    }),
    'a withdrawn record is read by nobody',
  );
});
