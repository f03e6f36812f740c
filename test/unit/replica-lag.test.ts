import t from 'tap';
import { walPosition } from '../../src/db/replica-lag.js';

// WAL positions as PostgreSQL prints them; the byte offsets are PostgreSQL's own (pg_wal_lsn_diff(lsn, '0/0') on 15).
t.test('a WAL position is the byte offset PostgreSQL computes for it', async (t) => {
  t.equal(walPosition('16/B374D848'), 97500059720n);
  t.equal(walPosition('FFFFFFFF/FFFFFFFF'), 18446744073709551615n);
  t.equal(walPosition('0/0'), 0n);
  t.equal(walPosition('1/0') - walPosition('0/FFFFFFFF'), 1n, 'the low half carries into the high one');
});

t.test('positions compare as offsets, not as text', async (t) => {
  t.ok(walPosition('A/0') > walPosition('9/FFFFFFFF'), 'hex, not decimal');
  t.ok(walPosition('10/0') > walPosition('9/0'), 'not by their characters');
  t.ok(walPosition('0/1000000') > walPosition('0/FFFFFF'), 'unpadded halves');
  t.equal(walPosition('0/abcdef'), walPosition('0/ABCDEF'), 'either case');
});

t.test('anything else is refused', async (t) => {
  for (const bad of ['', '0', '0/', '/0', '1/2/3', 'G/0', '0/100000000', ' 0/0', '-1/0']) t.throws(() => walPosition(bad), RangeError, JSON.stringify(bad));
});
