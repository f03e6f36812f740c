import t from 'tap';
import { BASE_URL, makeApp, minimalDataset, type TestApp } from '../helpers/app.js';

/**
 * The access policy has two forms: visibility.ts decides single reads, the SQL fragments of
 * src/db/fragments.ts filter listings. Over every kind of record and caller they must agree: a
 * record is listed exactly when it can be read, and a DOI listed exactly when it can be read.
 */

type Headers = Record<string, string>;

async function ok(res: Promise<{ statusCode: number; body: string }>) {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(r.body);
  return r;
}

async function withDoi(a: TestApp, owner: Headers, doi: string, url: string, hide: boolean) {
  const headers = { ...owner, 'content-type': 'application/vnd.api+json' };
  const body = (attrs: Record<string, unknown>) => JSON.stringify({ data: { type: 'dois', attributes: attrs } });
  await ok(a.app.inject({ method: 'POST', url: '/dois', headers, payload: body({ doi, url, event: 'publish' }) }));
  if (hide) await ok(a.app.inject({ method: 'PUT', url: `/dois/${doi}`, headers, payload: body({ event: 'hide' }) }));
}

t.test('listings (search, catalog, DOIs) show exactly what a single read admits, for every caller', async (t) => {
  const a = await makeApp(t);
  const admin = a.as.admin;
  for (const id of ['owner', 'member']) await ok(a.app.inject({ method: 'POST', url: '/users', headers: admin, payload: { id, name: id } }));
  await ok(a.app.inject({ method: 'POST', url: '/groups', headers: admin, payload: { id: 'collab', name: 'collab' } }));
  await ok(a.app.inject({ method: 'PUT', url: '/groups/collab/members/member', headers: admin }));
  const token = async (user: string, role: 'reader' | 'curator') => ({
    authorization: `Bearer ${(await a.app.femto.auth.createToken(role, undefined, user)).token}`,
  });
  const owner = await token('owner', 'curator');

  const ids: string[] = [];
  let n = 0;
  for (const visibility of ['public', 'private'] as const) {
    for (const accessLevel of ['open', 'embargoed', 'restricted'] as const) {
      for (const shared of [false, true]) {
        // A findable DOI is public: only public records are withdrawn.
        for (const withdrawal of visibility === 'public' ? (['none', 'version', 'concept'] as const) : (['none'] as const)) {
          const id = `${visibility}-${accessLevel}-${shared ? 'shared' : 'own'}-${withdrawal}`;
          await ok(
            a.app.inject({
              method: 'POST',
              url: '/datasets',
              headers: owner,
              payload: minimalDataset({
                id,
                visibility,
                accessLevel,
                publisher: 'Lattice Lab',
                ...(accessLevel === 'embargoed' ? { embargoUntil: '2999-01-01' } : {}),
              }),
            }),
          );
          if (shared) await ok(a.app.inject({ method: 'PUT', url: `/datasets/${id}/sharing`, headers: admin, payload: { groups: ['collab'] } }));
          await ok(a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: owner }));
          if (withdrawal !== 'none')
            await withDoi(a, owner, `10.5072/vis-${++n}`, `${BASE_URL}/datasets/${id}${withdrawal === 'concept' ? '/versions' : ''}`, true);
          else if (visibility === 'public') await withDoi(a, owner, `10.5072/vis-${++n}`, `${BASE_URL}/datasets/${id}`, false);
          ids.push(id);
        }
      }
    }
  }
  await ok(a.app.inject({ method: 'POST', url: '/datasets', headers: owner, payload: minimalDataset({ id: 'draft-only' }) }));
  ids.push('draft-only');

  const callers: [string, Headers][] = [
    ['anonymous', {}],
    ['reader of another user', a.as.reader],
    ['curator of another user', a.as.curator],
    ['reader of the group', await token('member', 'reader')],
    ['owner', owner],
    ['admin', admin],
  ];
  for (const [name, headers] of callers) {
    const actor = await a.app.femto.auth.authenticate(headers.authorization);
    const readable: string[] = [];
    for (const id of ids) {
      try {
        await a.app.femto.reader.open(actor, { dataset: id });
        readable.push(id);
      } catch {
        // not readable by this caller
      }
    }
    const searched = ((await a.app.inject({ url: '/datasets?limit=500', headers })).json().items as { id: string }[]).map((i) => i.id);
    const catalog = ((await a.app.inject({ url: '/catalog?limit=500', headers })).json().dataset as { url: string }[]).map(
      (d) => d.url.split('/datasets/')[1].split('/')[0],
    );
    t.same([...searched].sort(), [...readable].sort(), `${name}: search lists what the policy admits`);
    t.same([...catalog].sort(), [...readable].sort(), `${name}: the catalog lists what the policy admits`);
    const listed = ((await a.app.inject({ url: '/dois?page[size]=1000', headers })).json().data as { id: string }[]).map((d) => d.id).sort();
    const single: string[] = [];
    for (let i = 1; i <= n; i++) if ((await a.app.inject({ url: `/dois/10.5072/vis-${i}`, headers })).statusCode === 200) single.push(`10.5072/vis-${i}`);
    t.same(listed, single.sort(), `${name}: /dois lists exactly the DOIs it may read one by one`);
    t.ok(readable.length > 0);
  }
  let readers = 0;
  for (const [, headers] of callers) {
    try {
      await a.app.femto.reader.open(await a.app.femto.auth.authenticate(headers.authorization), { dataset: 'public-open-own-version' });
      readers++;
    } catch {
      // withdrawn: refused
    }
  }
  t.equal(readers, 0, 'a withdrawn record is read by nobody');
});
