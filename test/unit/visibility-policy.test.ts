import t from 'tap';
import { anonymous, type Actor } from '../../src/modules/auth/auth.schema.js';
import { decide, embargoActive, mayGetFiles, mayRead, visibleEndpoint, type VersionFacts } from '../../src/modules/datasets/visibility.js';
import { makeApp, publishedDataset } from '../helpers/app.js';

/**
 * The access policy decision by decision, for every kind of caller. The expected answers are the
 * policy as the README and visibility.ts's header state it, written out by hand: drafts for the
 * curators who hold the record (and admins), private versions for holders, files of a restricted
 * record or under an active embargo for holders only, an embargo over from its date on.
 */

const holders = { owner: 'owner', groups: ['collab'] };
const actor = (role: Actor['role'], user: string, groups: string[] = []): Actor => ({ id: `tk-${user}`, role, user, groups });
const callers: Record<string, Actor> = {
  anonymous,
  'reader of another user': actor('reader', 'stranger', ['elsewhere']),
  'curator of another user': actor('curator', 'rival', ['elsewhere']),
  'owner (reader)': actor('reader', 'owner'),
  'owner (curator)': actor('curator', 'owner'),
  'reader of the group': actor('reader', 'member', ['collab']),
  'curator of the group': actor('curator', 'member-curator', ['elsewhere', 'collab']),
  admin: actor('admin', 'root'),
};
const holdersOnly = ['owner (reader)', 'owner (curator)', 'reader of the group', 'curator of the group', 'admin'];
const editorsOnly = ['owner (curator)', 'curator of the group', 'admin'];
const everyone = Object.keys(callers);
const who = (allowed: (a: Actor) => boolean) => everyone.filter((name) => allowed(callers[name]));

const version = (over: Partial<VersionFacts> = {}): VersionFacts => ({
  state: 'published',
  visibility: 'public',
  accessLevel: 'open',
  embargoUntil: null,
  ...holders,
  ...over,
});

t.test('who reads a version: public for everyone, private for holders, a draft only for the curators who hold it', async (t) => {
  t.same(
    who((a) => mayRead(a, version())),
    everyone,
    'published, public',
  );
  t.same(
    who((a) => mayRead(a, version({ visibility: 'private' }))),
    holdersOnly,
    'published, private',
  );
  t.same(
    who((a) => mayRead(a, version({ state: 'draft' }))),
    editorsOnly,
    'a draft of a public record',
  );
  t.same(
    who((a) => mayRead(a, version({ state: 'draft', visibility: 'private' }))),
    editorsOnly,
    'a draft of a private record',
  );
});

t.test('credentials that act for no user hold no record, not even one that has no owner', async (t) => {
  const ownerless = version({ visibility: 'private', owner: null, groups: [] });
  for (const user of [null, undefined]) {
    const caller: Actor = { id: 'tk-nobody', role: 'curator', user, groups: [] };
    t.notOk(mayRead(caller, ownerless), `user ${user}: a private record without an owner`);
    t.notOk(mayGetFiles(caller, { ...ownerless, accessLevel: 'restricted' }), `user ${user}: its restricted files`);
  }
  t.ok(mayRead(callers.admin, ownerless), 'admins hold it');
});

t.test('a read is hidden (404) for whoever may not read the version, gone (410) for whoever may, once withdrawn', async (t) => {
  for (const [name, a] of Object.entries(callers)) {
    const holder = holdersOnly.includes(name);
    t.equal(decide(a, version()), 'visible', `${name}: public`);
    t.equal(decide(a, version({ withdrawn: true })), 'gone', `${name}: public, withdrawn`);
    t.equal(decide(a, version({ visibility: 'private' })), holder ? 'visible' : 'hidden', `${name}: private`);
    // A withdrawn version the caller could not read stays hidden: its tombstone would tell that it existed.
    t.equal(decide(a, version({ visibility: 'private', withdrawn: true })), holder ? 'gone' : 'hidden', `${name}: private, withdrawn`);
    t.equal(decide(a, version({ state: 'draft' })), editorsOnly.includes(name) ? 'visible' : 'hidden', `${name}: draft`);
  }
});

t.test('a lineage neighbour shows when it is a published version the caller may read; a draft at the end of a step never does', async (t) => {
  const end = (over: Partial<VersionFacts> & { versionNumber: number | null }) => ({ ...version(over), versionNumber: over.versionNumber });
  t.same(
    who((a) => visibleEndpoint(a, end({ versionNumber: 1 }))),
    everyone,
    'public version 1',
  );
  t.same(
    who((a) => visibleEndpoint(a, end({ versionNumber: 2, visibility: 'private' }))),
    holdersOnly,
    'private version 2',
  );
  t.same(
    who((a) => visibleEndpoint(a, end({ versionNumber: null, state: 'draft' }))),
    [],
    'a draft, even to its editors',
  );
});

t.test('an embargo is active before its date and over from that instant on; only an embargoed record has one', async (t) => {
  const now = new Date('2030-06-01T12:00:00.000Z');
  const embargoed = (until: string | null) => ({ accessLevel: 'embargoed' as const, embargoUntil: until });
  t.equal(embargoActive(embargoed('2030-06-01T12:00:00.001Z'), now), true, 'one millisecond before the end');
  t.equal(embargoActive(embargoed('2031-01-01'), now), true, 'a date next year');
  t.equal(embargoActive(embargoed('2030-06-01T12:00:00.000Z'), now), false, 'at the end');
  t.equal(embargoActive(embargoed('2030-06-01T11:59:59.999Z'), now), false, 'one millisecond after');
  t.equal(embargoActive(embargoed(null), now), false, 'an embargo without a date holds nothing back');
  t.equal(embargoActive({ accessLevel: 'restricted', embargoUntil: '2031-01-01' }, now), false, 'a restricted record with a stale date');
  t.equal(embargoActive({ accessLevel: 'open', embargoUntil: '2031-01-01' }, now), false, 'an open record with a stale date');
  t.equal(embargoActive(embargoed('2999-01-01')), true, 'now by default: a far date');
  t.equal(embargoActive(embargoed('2000-01-01')), false, 'now by default: a past date');
});

t.test('who gets the files: open and ended embargoes for everyone; restricted ones and active embargoes for holders', async (t) => {
  const now = new Date('2030-06-01T12:00:00.000Z');
  const files = (over: Partial<VersionFacts>, at: Date | undefined = now) => who((a) => mayGetFiles(a, version(over), at));
  t.same(files({ accessLevel: 'open' }), everyone, 'open');
  t.same(files({ accessLevel: 'embargoed', embargoUntil: '2031-01-01' }), holdersOnly, 'under embargo');
  t.same(files({ accessLevel: 'embargoed', embargoUntil: '2030-06-01T12:00:00.000Z' }), everyone, 'at the instant the embargo ends');
  t.same(files({ accessLevel: 'embargoed', embargoUntil: '2020-01-01' }), everyone, 'an ended embargo');
  t.same(files({ accessLevel: 'restricted' }), holdersOnly, 'restricted');
  t.same(files({ accessLevel: 'restricted', embargoUntil: '2020-01-01' }), holdersOnly, 'restricted, with a past embargo date');
  t.same(files({ accessLevel: 'embargoed', embargoUntil: '2999-01-01' }, undefined), holdersOnly, 'now by default: under embargo');
  t.same(files({ accessLevel: 'embargoed', embargoUntil: '2000-01-01' }, undefined), everyone, 'now by default: ended');
});

t.test('over REST, an ended embargo gives anonymous callers the files; an active one the metadata only', async (t) => {
  const a = await makeApp(t);
  const urls = ['https://files.example.org/ended.h5'];
  const ended = await publishedDataset(a, { accessLevel: 'embargoed', embargoUntil: '2001-02-03', distributions: [{ urls }] });
  const active = await publishedDataset(a, { accessLevel: 'embargoed', embargoUntil: '2999-01-01', distributions: [{ urls }] });
  for (const [id, shown, what] of [
    [ended, urls, 'ended: the files'],
    [active, [], 'active: no file'],
  ] as const) {
    const res = await a.app.inject({ url: `/datasets/${id}` });
    t.equal(res.statusCode, 200);
    const [dist] = res.json().distributions as { urls: string[]; replicas: { url: string }[] }[];
    t.same(dist.urls, shown, `${what} (urls)`);
    t.same(
      dist.replicas.map((r) => r.url),
      shown,
      `${what} (replicas)`,
    );
    t.equal(res.json().accessLevel, 'embargoed');
  }
});

t.test("anonymous callers share cached answers; a signed-in caller's answer is never cached (it may depend on who they are)", async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a);
  const hits = () => a.app.femto.reader.stats().hits;
  for (const [who, headers] of [
    ['reader', a.as.reader],
    ['admin', a.as.admin],
  ] as const) {
    const before = hits();
    for (let i = 0; i < 2; i++) t.equal((await a.app.inject({ url: `/datasets/${id}`, headers })).statusCode, 200);
    t.equal(hits(), before, `${who}: rendered each time`);
  }
  t.equal((await a.app.inject({ url: `/datasets/${id}` })).statusCode, 200);
  const before = hits();
  const again = await a.app.inject({ url: `/datasets/${id}` });
  t.equal(again.statusCode, 200);
  t.equal(hits(), before + 1, 'anonymous: the second read is served from the cache');
});
