import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { judge } from '../../src/modules/gates/evaluate.js';
import type { GateTerm } from '../../src/modules/ontology/ontology.model.js';
import { UnitRegistry } from '../../src/modules/ontology/units.js';
import { FemtoError } from '../../src/errors.js';
import { requires, shared } from '../helpers/external.js';

const gate = (over: Partial<GateTerm>): GateTerm => ({
  iri: 'https://w3id.org/femto/gate/test',
  slug: 'test',
  label: 'test',
  description: null,
  observable: 'https://w3id.org/femto/observable/test',
  comparison: 'GreaterOrEqual',
  thresholdStated: true,
  threshold: null,
  lowerBound: null,
  upperBound: null,
  reference: null,
  tolerance: null,
  unit: null,
  tiers: [3],
  domains: [],
  seedSection: null,
  seedSentence: 's',
  ...over,
});

t.test('each comparison kind: both sides and the boundary', async (t) => {
  const cases: [string, GateTerm, number, boolean][] = [
    ['>= above', gate({ comparison: 'GreaterOrEqual', threshold: 0.98 }), 0.99, true],
    ['>= at', gate({ comparison: 'GreaterOrEqual', threshold: 0.98 }), 0.98, true],
    ['>= below', gate({ comparison: 'GreaterOrEqual', threshold: 0.98 }), 0.9799, false],
    ['<= below', gate({ comparison: 'LessOrEqual', threshold: 0.1 }), 0.05, true],
    ['<= at', gate({ comparison: 'LessOrEqual', threshold: 0.1 }), 0.1, true],
    ['<= above', gate({ comparison: 'LessOrEqual', threshold: 0.1 }), 0.1001, false],
    ['[a,b] inside', gate({ comparison: 'WithinInterval', lowerBound: 0.01, upperBound: 0.1 }), 0.05, true],
    ['[a,b] at a', gate({ comparison: 'WithinInterval', lowerBound: 0.01, upperBound: 0.1 }), 0.01, true],
    ['[a,b] at b', gate({ comparison: 'WithinInterval', lowerBound: 0.01, upperBound: 0.1 }), 0.1, true],
    ['[a,b] below a', gate({ comparison: 'WithinInterval', lowerBound: 0.01, upperBound: 0.1 }), 0.0099, false],
    ['[a,b] above b', gate({ comparison: 'WithinInterval', lowerBound: 0.01, upperBound: 0.1 }), 0.11, false],
    ['|x-ref|<=tol inside', gate({ comparison: 'AbsoluteTolerance', reference: 1, tolerance: 0.5 }), 1.2, true],
    ['|x-ref|<=tol at +tol', gate({ comparison: 'AbsoluteTolerance', reference: 1, tolerance: 0.5 }), 1.5, true],
    ['|x-ref|<=tol at -tol', gate({ comparison: 'AbsoluteTolerance', reference: 1, tolerance: 0.5 }), 0.5, true],
    ['|x-ref|<=tol outside above', gate({ comparison: 'AbsoluteTolerance', reference: 1, tolerance: 0.5 }), 1.51, false],
    ['|x-ref|<=tol outside below', gate({ comparison: 'AbsoluteTolerance', reference: 1, tolerance: 0.5 }), 0.49, false],
    ['relative inside', gate({ comparison: 'RelativeTolerance', reference: 200, tolerance: 0.05 }), 205, true],
    ['relative at', gate({ comparison: 'RelativeTolerance', reference: 200, tolerance: 0.05 }), 210, true],
    ['relative at below', gate({ comparison: 'RelativeTolerance', reference: 200, tolerance: 0.05 }), 190, true],
    ['relative outside', gate({ comparison: 'RelativeTolerance', reference: 200, tolerance: 0.05 }), 211, false],
    ['relative outside below', gate({ comparison: 'RelativeTolerance', reference: 200, tolerance: 0.05 }), 189, false],
  ];
  for (const [name, g, x, passed] of cases) {
    const j = judge(g, [x]);
    t.equal(j.passed, passed, name);
    t.equal(j.verdict, passed ? 'passed' : 'failed', name);
    t.equal(j.margin! >= 0 || Math.abs(j.margin!) < 1e-12, passed, `${name}: margin ${j.margin} has the verdict's sign`);
  }
});

t.test('an absolute tolerance is absolute: the same distance passes or fails whatever the reference', async (t) => {
  const g = gate({ comparison: 'AbsoluteTolerance', reference: 10, tolerance: 0.5 });
  t.match(judge(g, [10.4]), { passed: true, margin: 0.09999999999999964 });
  t.equal(judge(g, [10.6]).passed, false, '0.6 from the reference is outside a tolerance of 0.5 (it would be inside a relative one)');
});

t.test('a gate without a stated number, a relative tolerance around 0, and no value at all are not evaluable, with the reason', async (t) => {
  t.match(judge(gate({ comparison: 'AbsoluteTolerance', thresholdStated: false }), [1]), {
    verdict: 'not-evaluable',
    passed: null,
    margin: null,
    reason: /without a number/,
  });
  t.match(judge(gate({ comparison: 'RelativeTolerance', reference: 0, tolerance: 0.1 }), [0]), {
    verdict: 'not-evaluable',
    passed: null,
    value: 0,
    reason: /reference of 0 is undefined/,
  });
  t.same(judge(gate({ threshold: 1 }), []), { verdict: 'not-evaluable', passed: null, value: null, margin: null, reason: 'no value' });
});

t.test('a curve is judged by its first point with the smallest margin', async (t) => {
  const g = gate({ comparison: 'WithinInterval', lowerBound: 0, upperBound: 1 });
  t.match(judge(g, [0.5, 0.25, 0.75]), { passed: true, value: 0.25, margin: 0.25 }, '0.25 and 0.75 are equally close to a bound: the first is named');
  t.match(judge(g, [0.5, 1.5, -0.5]), { passed: false, value: 1.5, margin: -0.5 });
});

/** The float `n` representable steps (ulps) away from x. */
function ulpsFrom(x: number, n: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + BigInt(Math.sign(x) * n));
  return view.getFloat64(0);
}

t.test('the slack at a boundary is a few ulps relative to the numbers involved, inclusive, and no more', async (t) => {
  for (const threshold of [0.98, 1, 2.5e8, -7.25e5]) {
    for (const steps of [-4, -1, 1, 4]) {
      const x = ulpsFrom(threshold, steps);
      t.equal(judge(gate({ comparison: 'GreaterOrEqual', threshold }), [x]).passed, true, `>= ${threshold}: ${x} (${steps} ulps) is on the boundary`);
      t.equal(judge(gate({ comparison: 'LessOrEqual', threshold }), [x]).passed, true, `<= ${threshold}: ${x} (${steps} ulps) is on the boundary`);
    }
    const miss = threshold - Math.max(1, Math.abs(threshold)) * 1e-9;
    t.equal(judge(gate({ comparison: 'GreaterOrEqual', threshold }), [miss]).passed, false, `>= ${threshold}: ${miss} misses by a relative 1e-9`);
  }
  // Around 0 the scale is 1: a margin of exactly -1e-12 is inside, anything beyond is not.
  t.equal(judge(gate({ threshold: 0 }), [-1e-12]).passed, true, 'a margin of exactly the slack passes');
  t.equal(judge(gate({ threshold: 0 }), [-1.1e-12]).passed, false, 'a margin past the slack fails');
});

t.test('a value that lands a few ulps off a boundary only through its unit conversion passes on both sides', async (t) => {
  const u = new UnitRegistry();
  const [unitless, percent] = [u.get('UNITLESS')!, u.get('%')!];
  const sides = { below: 0, above: 0 };
  for (let n = 1; n < 100; n++) {
    // The ratio n/100 is exactly n % as a decimal; in binary floating point n/100 / 0.01 is not always n.
    const converted = u.convert(n / 100, unitless, percent);
    if (converted < n) sides.below++;
    if (converted > n) sides.above++;
    for (const comparison of ['GreaterOrEqual', 'LessOrEqual'] as const) {
      const g = gate({ comparison, threshold: n, unit: percent.iri });
      t.equal(judge(g, [converted]).passed, true, `${comparison} ${n} %: ${n / 100} converts to ${converted}`);
    }
  }
  t.ok(sides.below > 0 && sides.above > 0, `conversions land below (${sides.below}) and above (${sides.above}) their boundary`);
});

t.test('property: >= passes exactly when x >= threshold, and a curve passes exactly when every point does', async () => {
  const num = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  fc.assert(
    fc.property(num, num, (x, th) => {
      // far from the boundary the slack cannot matter
      fc.pre(Math.abs(x - th) > 1e-6 * Math.max(1, Math.abs(x), Math.abs(th)));
      return judge(gate({ threshold: th }), [x]).passed === x >= th;
    }),
  );
  fc.assert(
    fc.property(fc.array(num, { minLength: 1, maxLength: 20 }), num, num, (xs, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const g = gate({ comparison: 'WithinInterval', lowerBound: lo, upperBound: hi });
      const each = xs.map((x) => judge(g, [x]).passed);
      return judge(g, xs).passed === each.every(Boolean);
    }),
  );
});

t.test('unit conversion with QUDT multipliers and offsets; incompatible dimensions refused', async (t) => {
  const u = new UnitRegistry();
  const get = (k: string) => u.get(k)!;
  t.equal(u.convert(250, get('cm/s'), get('unit:M-PER-SEC')), 2.5);
  t.equal(u.convert(25, get('°C'), get('K')), 298.15);
  t.ok(Math.abs(u.convert(1, get('GeV'), get('http://qudt.org/vocab/unit/EV')) - 1e9) < 1e-3);
  t.equal(u.convert(1, get('Gs'), get('nT')), 100_000);
  t.equal(u.convertInterval(5, get('°C'), get('K')), 5, 'differences ignore offsets');
  // the boundary survives a conversion: 98 % is R^2 0.98
  const r2 = gate({ threshold: 0.98, unit: 'http://qudt.org/vocab/unit/UNITLESS' });
  t.equal(judge(r2, [u.convert(98, get('%'), get('UNITLESS'))]).passed, true);
  t.equal(judge(r2, [u.convert(97.9, get('%'), get('UNITLESS'))]).passed, false);
  t.throws(() => u.convert(1, get('m'), get('s')), { code: 'UNPROCESSABLE', errors: [{ pointer: '/unit' }] });
  t.throws(() => u.convert(1, get('eV'), get('UNITLESS')), FemtoError);
  t.equal(u.get('furlong'), undefined);
});

const qudtVectors = shared('fixtures', 'real', 'physics', 'qudt', 'VOCAB_QUDT-DIMENSION-VECTORS.ttl');
const qudtPrefixes = shared('fixtures', 'real', 'physics', 'qudt', 'VOCAB_QUDT-PREFIXES.ttl');

t.test('the shipped unit subset agrees with the QUDT fixtures (dimension vectors, prefix multipliers)', requires(t, qudtVectors, qudtPrefixes), async (t) => {
  const vectors = readFileSync(qudtVectors.path, 'utf8');
  const prefixes = readFileSync(qudtPrefixes.path, 'utf8');
  const prefixMultiplier = (name: string) => {
    const m = new RegExp(`prefix:${name}\\n[\\s\\S]*?qudt:prefixMultiplier ([0-9.eE+-]+)`).exec(prefixes);
    return m ? Number(m[1]) : undefined;
  };
  const u = new UnitRegistry();
  for (const unit of u.all) {
    const local = unit.dimensionVector.split('/').pop()!;
    t.ok(vectors.includes(`qkdv:${local}\n`), `${unit.iri}: dimension vector ${local} exists in QUDT`);
    const m = /^(Milli|Micro|Nano|Centi|Kilo|Mega|Giga|Tera)(.+)$/.exec(unit.iri.split('/').pop()!);
    if (!m) continue;
    const base = u.get(m[2]);
    if (!base || m[2].includes('2')) continue; // squared prefixes (cm²) scale by the prefix squared
    const p = prefixMultiplier(m[1]);
    t.ok(p !== undefined && Math.abs(unit.multiplier / (base.multiplier * p) - 1) < 1e-12, `${unit.iri} = ${m[1]} x ${base.iri}`);
  }
});
