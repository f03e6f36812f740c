import t from 'tap';
import fc from 'fast-check';
import { bestReplica } from '../../src/modules/locations/locations.service.js';
import { VERIFY_RESULTS, type ReplicaLocation } from '../../src/modules/locations/locations.schema.js';

const replica: fc.Arbitrary<ReplicaLocation> = fc.record({
  url: fc.webUrl(),
  site: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
  protocol: fc.constantFrom('https', 'root', 's3'),
  checksum: fc.constant(null),
  verified: fc.option(
    fc.record({
      at: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      result: fc.constantFrom(...VERIFY_RESULTS),
      detail: fc.constant(null),
    }),
    { nil: null },
  ),
});
const prefer = fc.record({
  site: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  protocol: fc.option(fc.constantFrom('https', 'root', 's3'), { nil: undefined }),
});
const failed = (r: ReplicaLocation) => !!r.verified && r.verified.result !== 'ok' && r.verified.result !== 'unsupported';

t.test('the resolver choice: usable, over the protocol asked, the preferred site first, verified before unchecked', async (t) => {
  fc.assert(
    fc.property(fc.array(replica, { maxLength: 8 }), prefer, (replicas, p) => {
      const usable = replicas.filter((r) => !failed(r) && (!p.protocol || r.protocol === p.protocol));
      const best = bestReplica(replicas, p);
      if (!usable.length) return best === undefined;
      if (!best || !usable.includes(best)) return false;
      if (p.site && usable.some((r) => r.site === p.site)) return best.site === p.site;
      const verified = usable.filter((r) => r.verified?.result === 'ok');
      if (verified.length) return best.verified?.result === 'ok' && verified.every((r) => r.verified!.at <= best.verified!.at);
      return best === usable[0];
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 cases hold');
});
