import t from 'tap';
import { makeApp, minimalDataset, type TestApp } from '../helpers/app.js';

/** Users, groups, owners and sharing over REST (admin), the policy they drive, and the audit log. */

type Headers = Record<string, string>;

/** Users alice and bob (curators), carol (a reader); bob and carol in the group sphenix. Tokens made over REST by the admin. */
async function collaboration(a: TestApp) {
  const admin = a.as.admin;
  for (const [id, name] of [
    ['alice', 'Alice'],
    ['bob', 'Bob'],
    ['carol', 'Carol'],
  ]) {
    const res = await a.app.inject({ method: 'POST', url: '/users', headers: admin, payload: { id, name } });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  const group = await a.app.inject({ method: 'POST', url: '/groups', headers: admin, payload: { id: 'sphenix', name: 'sPHENIX Collaboration' } });
  if (group.statusCode !== 201) throw new Error(group.body);
  for (const user of ['bob', 'carol']) await a.app.inject({ method: 'PUT', url: `/groups/sphenix/members/${user}`, headers: admin });
  const token = async (user: string, role: string): Promise<Headers> => {
    const res = await a.app.inject({ method: 'POST', url: '/tokens', headers: admin, payload: { role, user } });
    if (res.statusCode !== 201) throw new Error(res.body);
    return { authorization: `Bearer ${res.json().token}` };
  };
  return { alice: await token('alice', 'curator'), bob: await token('bob', 'curator'), carol: await token('carol', 'reader') };
}

t.test('owners and groups: curators edit what they own or their groups hold; private records show to holders only', async (t) => {
  const a = await makeApp(t);
  const { alice, bob, carol } = await collaboration(a);
  const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    a.app.inject({ method, url, headers, payload });

  t.equal((await req('POST', '/datasets', alice, minimalDataset({ id: 'public-rec' }))).statusCode, 201);
  t.equal((await req('POST', '/datasets/public-rec/publish', alice)).statusCode, 200);
  t.same((await req('GET', '/datasets/public-rec/sharing', a.as.admin)).json(), { owner: 'alice', groups: [] }, 'the creating user owns the record');

  t.equal((await req('POST', '/datasets/public-rec/versions', bob)).statusCode, 403, 'another curator may read but not change it');
  t.match((await req('POST', '/datasets/public-rec/versions', bob)).json(), { code: 'FORBIDDEN' });

  const shared = await req('PUT', '/datasets/public-rec/sharing', a.as.admin, { groups: ['sphenix'] });
  t.same(shared.json(), { owner: 'alice', groups: ['sphenix'] });
  t.equal((await req('PUT', '/datasets/public-rec/sharing', alice, { groups: [] })).statusCode, 403, 'sharing is for admins');
  t.equal((await req('PUT', '/datasets/public-rec/sharing', a.as.admin, { groups: ['no-such-group'] })).statusCode, 422, 'an unknown group is refused');
  t.equal((await req('POST', '/datasets/public-rec/versions', bob)).statusCode, 201, 'a curator of a group that holds the record may change it');
  t.equal((await req('POST', '/datasets/public-rec/publish', bob)).statusCode, 200);

  // A private record: its owner, its groups' members and admins see it; nobody else, not even other curators.
  t.equal((await req('POST', '/datasets', alice, minimalDataset({ id: 'private-rec', visibility: 'private', title: 'Private canary' }))).statusCode, 201);
  t.equal((await req('POST', '/datasets/private-rec/publish', alice)).statusCode, 200);
  const sees = async (headers: Headers) => (await req('GET', '/datasets/private-rec', headers)).statusCode;
  t.same(
    [await sees(alice), await sees(bob), await sees(carol), await sees(a.as.curator), await sees(a.as.reader), await sees({}), await sees(a.as.admin)],
    [200, 404, 404, 404, 404, 404, 200],
  );
  await req('PUT', '/datasets/private-rec/sharing', a.as.admin, { groups: ['sphenix'] });
  t.same([await sees(bob), await sees(carol), await sees(a.as.curator)], [200, 200, 404], "shared: the group's members see it");
  const search = async (headers: Headers) => ((await req('GET', '/datasets?q=canary', headers)).json() as { total: number }).total;
  t.same([await search(carol), await search(a.as.reader)], [1, 0], 'search counts it for holders only');
  t.equal((await req('POST', '/datasets/private-rec/versions', carol)).statusCode, 403, 'a reader of the group reads, never writes');

  await req('DELETE', '/groups/sphenix/members/carol', a.as.admin);
  t.equal(await sees(carol), 404, 'leaving the group takes the record out of sight at the next request');

  // Drafts are their editors' only.
  t.equal((await req('POST', '/datasets', alice, minimalDataset({ id: 'draft-rec' }))).statusCode, 201);
  t.same([(await req('GET', '/datasets/draft-rec', alice)).statusCode, (await req('GET', '/datasets/draft-rec', bob)).statusCode], [200, 404]);
  t.same(
    [(await req('GET', '/datasets/draft-rec/draft', bob)).statusCode, (await req('GET', '/datasets/public-rec/draft', bob)).statusCode],
    [404, 409],
    'no draft of a record bob may not see; none open on the shared one',
  );

  // The audit log says who (the user) did what on whose credentials (the token).
  const audit = await a.app.femto.auth.auditFor('dataset', 'private-rec');
  t.match(audit, [
    { action: 'dataset.create', userId: 'alice', actor: /^tk-/ },
    { action: 'dataset.publish', userId: 'alice' },
    { action: 'dataset.share', userId: 'admin', actor: 'admin-env' },
  ]);
});

t.test('FEMTO_ADMIN_TOKEN is the admin user; a token made with a role only acts for the default user', async (t) => {
  const a = await makeApp(t);
  t.equal((await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.admin, payload: minimalDataset({ id: 'by-admin' }) })).statusCode, 201);
  t.same((await a.app.inject({ url: '/datasets/by-admin/sharing', headers: a.as.admin })).json(), { owner: 'admin', groups: [] });
  const legacy = await a.app.inject({ method: 'POST', url: '/tokens', headers: a.as.admin, payload: { role: 'curator' } });
  t.match(legacy.json(), { role: 'curator', user: 'default' });
  t.equal(
    (await a.app.inject({ method: 'POST', url: '/tokens', headers: a.as.admin, payload: { role: 'curator', user: 'nobody' } })).statusCode,
    422,
    'an unknown user is refused',
  );
  const users = (await a.app.inject({ url: '/users', headers: a.as.admin })).json().items.map((u: { id: string }) => u.id);
  t.same(users, ['admin', 'catalog', 'default'], "femto's own users exist from the start");
  for (const [who, headers, status] of [
    ['anonymous', {}, 401],
    ['reader', a.as.reader, 403],
    ['curator', a.as.curator, 403],
  ] as const) {
    t.equal((await a.app.inject({ url: '/users', headers })).statusCode, status, `${who}: users are the admin's to list`);
    t.equal((await a.app.inject({ url: '/groups', headers })).statusCode, status, `${who}: groups too`);
  }
  const doc = (await a.app.inject('/openapi.json')).json() as { paths: Record<string, unknown> };
  for (const path of ['/users', '/users/{id}', '/groups', '/groups/{id}', '/groups/{id}/members/{user}', '/datasets/{id}/sharing'])
    t.ok(doc.paths[path], `${path} is documented in OpenAPI`);
});
