import { createHmac } from 'node:crypto';
import t from 'tap';
import { createTokenCodec, type TokenState } from '../../src/modules/harvest/oai.tokens.js';

const SECRET = 'a-configured-secret';
const state: TokenState = {
  verb: 'ListRecords',
  prefix: 'oai_datacite',
  set: 'tier:3',
  from: '2024-01-01T00:00:00Z',
  before: '2024-06-01T00:00:00Z',
  after: ['2024-02-01T00:00:00Z', 'ising-features'],
  cursor: 200,
  total: 512,
  expires: Date.parse('2024-06-01T01:00:00Z'),
};
const now = Date.parse('2024-06-01T00:30:00Z');

/** A token as the documented format writes it (base64url JSON, '.', the first 22 characters of its base64url HMAC-SHA256), from any payload. */
function signed(json: string, secret = SECRET): string {
  const payload = Buffer.from(json).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22)}`;
}

t.test('a token carries its state back, and is the documented format', async (t) => {
  const codec = createTokenCodec(SECRET);
  const token = codec.encode(state);
  t.equal(token, signed(JSON.stringify(state)), 'payload.mac, the mac 22 characters of HMAC-SHA256');
  t.same(codec.decode(token, now), state);
  const { set: _set, from: _from, ...bare } = state;
  t.same(codec.decode(codec.encode(bare), now), bare, 'set and from are optional');
  const identifiers: TokenState = { ...state, verb: 'ListIdentifiers' };
  t.same(codec.decode(codec.encode(identifiers), now), identifiers, 'ListIdentifiers lists resume too');
});

t.test('a configured secret makes tokens valid across processes; without one, only in the process that made them', async (t) => {
  const token = createTokenCodec(SECRET).encode(state);
  t.same(createTokenCodec(SECRET).decode(token, now), state, 'another codec with the same secret');
  t.equal(createTokenCodec('another-secret').decode(token, now), 'is not one this repository issued');
  const ephemeral = createTokenCodec();
  t.same(ephemeral.decode(ephemeral.encode(state), now), state);
  t.equal(createTokenCodec().decode(ephemeral.encode(state), now), 'is not one this repository issued');
});

t.test('a changed position, a forged mac or a mac of another length is refused', async (t) => {
  const codec = createTokenCodec(SECRET);
  const [, mac] = codec.encode(state).split('.');
  const moved = Buffer.from(JSON.stringify({ ...state, cursor: 0 })).toString('base64url');
  t.equal(codec.decode(`${moved}.${mac}`, now), 'is not one this repository issued', 'the payload is signed');
  const [payload] = codec.encode(state).split('.');
  t.equal(codec.decode(`${payload}.${'A'.repeat(22)}`, now), 'is not one this repository issued');
  t.equal(codec.decode(`${payload}.${mac.slice(0, 21)}`, now), 'is not one this repository issued', 'shorter');
  t.equal(codec.decode(`${payload}.${mac}x`, now), 'is not one this repository issued', 'longer');
  t.equal(codec.decode(signed(JSON.stringify(state), 'another-secret'), now), 'is not one this repository issued');
});

t.test('malformed tokens are refused with a reason, never thrown', async (t) => {
  const codec = createTokenCodec(SECRET);
  const token = codec.encode(state);
  for (const bad of ['', '.', 'abc', `${token}.extra`, `.${token.split('.')[1]}`, `${token.split('.')[0]}.`]) {
    t.equal(codec.decode(bad, now), 'is malformed', JSON.stringify(bad));
  }
  // Signed correctly, but not a state femto writes.
  t.equal(codec.decode(signed('{not json'), now), 'is malformed', 'not JSON');
  t.equal(codec.decode(signed(JSON.stringify({ ...state, cursor: -1 })), now), 'is malformed', 'negative cursor');
  t.equal(codec.decode(signed(JSON.stringify({ ...state, verb: 'GetRecord' })), now), 'is malformed', 'another verb');
  t.equal(codec.decode(signed(JSON.stringify({ ...state, extra: 1 })), now), 'is malformed', 'an unknown field');
  const { before: _before, ...noBound } = state;
  t.equal(codec.decode(signed(JSON.stringify(noBound)), now), 'is malformed', 'no snapshot bound');
});

t.test('a token is valid up to its expiry instant and not after', async (t) => {
  const codec = createTokenCodec(SECRET);
  const token = codec.encode(state);
  t.same(codec.decode(token, state.expires), state, 'at the expiry instant');
  t.equal(codec.decode(token, state.expires + 1), 'expired at 2024-06-01T01:00:00.000Z');
  const inAMinute = { ...state, expires: Date.now() + 60_000 };
  t.same(codec.decode(codec.encode(inAMinute)), inAMinute, 'the clock is the default now');
  t.match(codec.decode(codec.encode({ ...state, expires: Date.now() - 60_000 })), /^expired at /);
});
