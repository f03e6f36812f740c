import t from 'tap';
import type { Actor } from '../../src/modules/auth/auth.schema.js';
import type { DatasetRecord } from '../../src/modules/datasets/datasets.schema.js';
import { audienceOf, decide, embargoActive, mayListRestricted, mayRead, maySeeDrafts, viewFor } from '../../src/modules/datasets/visibility.js';

/** The read policy as a table, written from the README's access rules rather than from the code. */
const callers: Record<string, Actor> = {
  anonymous: { id: 'anonymous', role: 'anonymous' },
  reader: { id: 'r', role: 'reader' },
  curator: { id: 'c', role: 'curator' },
  admin: { id: 'a', role: 'admin' },
};
const sees = {
  // [draft, published open, published embargoed, published restricted, draft restricted]
  anonymous: [false, true, true, false, false],
  reader: [false, true, true, true, false],
  curator: [true, true, true, true, true],
  admin: [true, true, true, true, true],
};
const versions = [
  { state: 'draft', accessLevel: 'open' },
  { state: 'published', accessLevel: 'open' },
  { state: 'published', accessLevel: 'embargoed' },
  { state: 'published', accessLevel: 'restricted' },
  { state: 'draft', accessLevel: 'restricted' },
] as const;

t.test('who reads which version, and what a withdrawn one answers', async (t) => {
  for (const [name, actor] of Object.entries(callers)) {
    versions.forEach((v, i) => {
      const expected = sees[name as keyof typeof sees][i];
      t.equal(mayRead(actor, v), expected, `${name} ${v.state} ${v.accessLevel}`);
      t.equal(decide(actor, v), expected ? 'visible' : 'hidden', `${name} ${v.state} ${v.accessLevel}: decision`);
      t.equal(decide(actor, { ...v, withdrawn: true }), expected ? 'gone' : 'hidden', `${name} ${v.state} ${v.accessLevel} withdrawn: gone only to who could read it`);
    });
  }
});

t.test('listings, drafts and the shared audience follow the roles', async (t) => {
  t.same(Object.values(callers).map(mayListRestricted), [false, true, true, true]);
  t.same(Object.values(callers).map(maySeeDrafts), [false, false, true, true]);
  t.same(Object.values(callers).map(audienceOf), ['public', 'member', 'member', 'member']);
});

const record = (over: Partial<DatasetRecord>) =>
  ({ id: 'x', accessLevel: 'embargoed', embargoUntil: '2030-01-01T00:00:00Z', distributions: [{ title: 'f', urls: ['https://data.example.org/f.h5'] }], ...over }) as DatasetRecord;

t.test('an embargo is active strictly before its end, and only on embargoed records', async (t) => {
  const end = new Date('2030-01-01T00:00:00Z');
  t.equal(embargoActive(record({}), new Date(end.getTime() - 1)), true, 'a millisecond before');
  t.equal(embargoActive(record({}), end), false, 'at the end');
  t.equal(embargoActive(record({ embargoUntil: null }), new Date(0)), false, 'no end stated');
  t.equal(embargoActive(record({ accessLevel: 'open' }), new Date(0)), false, 'an open record with a stale date');
  t.equal(embargoActive(record({ embargoUntil: '2999-01-01' })), true, 'now is the default');
});

t.test('under an active embargo anonymous callers get the record without its file URLs; readers get it whole', async (t) => {
  const before = new Date('2029-12-31T00:00:00Z');
  const r = record({});
  const hidden = viewFor(callers.anonymous, r, before);
  t.same(hidden, { ...r, distributions: [{ title: 'f', urls: [] }] });
  t.same(r.distributions[0].urls, ['https://data.example.org/f.h5'], 'the record itself is not changed');
  t.equal(viewFor(callers.reader, r, before), r);
  t.equal(viewFor(callers.anonymous, r, new Date('2030-01-01T00:00:00Z')), r, 'after the embargo, whole');
  const open = record({ accessLevel: 'open' });
  t.equal(viewFor(callers.anonymous, open, before), open, 'an open record, whole');
  t.same(viewFor(callers.anonymous, record({ embargoUntil: '2999-01-01' })).distributions[0].urls, [], 'now is the default');
});
