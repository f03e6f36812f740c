import fc from 'fast-check';
import t from 'tap';
import { canonicalJson, digestOf, sha256 } from '../../src/lib/digest.js';

/** What canonicalJson was written as until 2026-12: every stored digest (events, audit rows, ledger) is of these bytes. */
const replacerCanonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

t.test('keys sorted by UTF-16 code units, array indexes first in numeric order, as written by hand', async (t) => {
  t.equal(
    canonicalJson({ b: 1, a: [{ d: null, c: true }], '10': 'x', '9': 'y', '01': 'z', '-1': 'w' }),
    '{"9":"y","10":"x","-1":"w","01":"z","a":[{"c":true,"d":null}],"b":1}',
  );
  // U+FF5A sorts after the surrogate pair of U+1F600 (0xD83D...) by code units, though its code point is smaller.
  t.equal(canonicalJson({ '\uff5a': 1, '\u{1f600}': 2, é: 3, z: 4 }), '{"z":4,"é":3,"😀":2,"ｚ":1}');
  t.equal(canonicalJson(JSON.parse('{"z":1,"__proto__":{"b":1,"a":2}}')), '{"__proto__":{"a":2,"b":1},"z":1}', 'a parsed "__proto__" key is a key');
  t.equal(canonicalJson({ '4294967295': 1, '4294967294': 2, a: 3 }), '{"4294967294":2,"4294967295":1,"a":3}', 'only array indexes go first');
  t.equal(canonicalJson({ b: 1, '0.5': 2, '1': 3 }), '{"1":3,"0.5":2,"b":1}', 'a number that is no integer is no index');
});

t.test('what JSON.stringify drops or converts stays dropped or converted', async (t) => {
  const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  t.equal(
    canonicalJson({ u: undefined, f: () => 1, list: [undefined, () => 1, NaN, -0], when, nested: { toJSON: () => ({ z: 1, a: 2 }) } }),
    '{"list":[null,null,null,0],"nested":{"a":2,"z":1},"when":"2026-01-02T03:04:05.006Z"}',
  );
  t.equal(canonicalJson('text'), '"text"');
  t.equal(canonicalJson(null), 'null');
  t.equal(canonicalJson(undefined), undefined);
  t.throws(() => canonicalJson({ n: 1n }), TypeError, 'a BigInt is refused, as JSON.stringify refuses it');
});

t.test('an event digest is the SHA-256 of its canonical JSON (reference digest from sha256sum)', async (t) => {
  const event = { run: { runId: 'r-1' }, job: { namespace: 'bench://pipeline', name: 'job-1' }, eventType: 'COMPLETE', eventTime: '2026-01-01T00:00:00.000Z' };
  t.equal(sha256(canonicalJson(event)), '9eb63d7e5b628e7c21f68b80e29ea4e8ac45a1e2e2180f4aa941dfa1971a545a');
  t.equal(digestOf(event), '9eb63d7e5b628e7c21f68b80e29ea4e8ac45a1e2e2180f4aa941dfa1971a545a');
  t.equal(digestOf(null), null);
});

t.test('the same bytes as the replacer form for any JSON value, dates and integer-like keys included', async (t) => {
  const key = fc.oneof(fc.string(), fc.nat({ max: 5000 }).map(String), fc.constantFrom('0', '01', '-1', '4294967295', '__proto__', 'toJSON'));
  const leaf = fc.oneof(fc.jsonValue(), fc.date({ noInvalidDate: true }), fc.constant(undefined));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree')), fc.dictionary(key, tie('tree'))),
  }));
  fc.assert(
    fc.property(tree, (value) => canonicalJson(value) === replacerCanonical(value)),
    { numRuns: 2000 },
  );
  t.pass('2,000 random values');
});
