import t from 'tap';
import fc from 'fast-check';
import { cmEnergyOf, observableOfKeyword } from '../../src/modules/hepdata/hepdata.keywords.js';

// Decimal texts as submissions write energies (no exponent, no sign): "7000", "7000.0", "1.383".
const decimal = fc
  .tuple(fc.nat({ max: 10 ** 6 }), fc.option(fc.nat({ max: 999 }), { nil: undefined }))
  .map(([i, f]) => (f === undefined ? String(i) : `${i}.${f}`));

t.test('a centre-of-mass energy is a number, or one low-high range with low <= high', async (t) => {
  fc.assert(
    fc.property(decimal, (x) => {
      const gev = cmEnergyOf(x, false);
      return gev !== undefined && gev.low === Number(x) && gev.high === Number(x);
    }),
  );
  fc.assert(
    fc.property(decimal, decimal, (a, b) => {
      const [low, high] = Number(a) <= Number(b) ? [a, b] : [b, a];
      const range = cmEnergyOf(`${low}-${high}`, true);
      return range !== undefined && range.low === Number(low) && range.high === Number(high) && cmEnergyOf(`${low}-${high}`, false) === undefined;
    }),
    { examples: [['1.383', '1.481']] },
  );
  fc.assert(
    fc.property(decimal, decimal, (a, b) => Number(a) === Number(b) || cmEnergyOf(Number(a) > Number(b) ? `${a}-${b}` : `${b}-${a}`, true) === undefined),
  );
  fc.assert(fc.property(decimal, fc.constantFrom(' GeV', ' TeV', 'GeV', '-', 'x'), (x, unit) => cmEnergyOf(`${x}${unit}`, true) === undefined));
  t.same(cmEnergyOf(7000, true), { low: 7000, high: 7000 }, 'a YAML number');
  t.equal(cmEnergyOf(-1, true), undefined, 'no negative energy');
  t.equal(cmEnergyOf('7000 GeV', true), undefined, "invalid_cmenergies.yaml's value");
});

t.test("HEPData's observables and phrases map to the ontology; anything else stays a keyword", async (t) => {
  const variable = fc.stringMatching(/^[A-Z][A-Z0-9()*]{0,12}$/);
  fc.assert(fc.property(variable, (x) => observableOfKeyword('observables', `DSIG/D${x}`) === 'differential-distribution'));
  fc.assert(fc.property(variable, variable, (x, y) => observableOfKeyword('observables', `D2SIG/D${x}/D${y}`) === 'differential-distribution'));
  fc.assert(fc.property(variable, (x) => observableOfKeyword('observables', `1/SIG*DSIG/D${x}`) === 'differential-distribution'));
  fc.assert(fc.property(variable, (x) => observableOfKeyword('observables', `DN/D${x}`) === 'differential-distribution'));
  fc.assert(fc.property(variable, (x) => x === 'SIG' || observableOfKeyword('observables', x) !== 'cross-section'));
  t.equal(observableOfKeyword('observables', 'SIG'), 'cross-section');
  t.equal(observableOfKeyword('observables', 'POL'), undefined, 'a polarisation is no observable of the ontology');
  t.equal(observableOfKeyword('observables', 'SIG/SIG'), undefined, 'a ratio of cross sections is not a cross section');
  t.equal(observableOfKeyword('phrases', 'Integrated Cross Section'), 'cross-section');
  t.equal(observableOfKeyword('phrases', 'Single Differential Cross Section'), 'differential-distribution');
  t.equal(observableOfKeyword('phrases', 'Upper Limit'), 'exclusion-limit');
  t.equal(observableOfKeyword('phrases', 'Proton-Proton Scattering'), undefined);
  t.equal(observableOfKeyword('reactions', 'P P --> Z0 Z0 X'), undefined, 'a reaction is a process, not an observable');
  t.equal(observableOfKeyword('cmenergies', '7000'), 'center-of-mass-energy');
});
