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

t.test('a gate without a stated number, and a relative tolerance around 0, are not evaluable', async (t) => {
  t.match(judge(gate({ comparison: 'AbsoluteTolerance', thresholdStated: false }), [1]), { verdict: 'not-evaluable', passed: null, margin: null });
  t.match(judge(gate({ comparison: 'RelativeTolerance', reference: 0, tolerance: 0.1 }), [0]), { verdict: 'not-evaluable', passed: null });
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
