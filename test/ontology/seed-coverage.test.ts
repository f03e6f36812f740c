import t from 'tap';
import { readFileSync } from 'node:fs';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { createOntologyService } from '../../src/modules/ontology/ontology.service.js';
import { projectPath } from '../../src/paths.js';
import { available, shared } from '../helpers/external.js';

const seedFile = shared('seeds', '000_40f8bb4a4ca67cd0.txt');
const squash = (s: string) => s.replace(/\\/g, '').replace(/\s+/g, ' ');
/** The seed's text, or undefined (its checks recorded as skipped) where the shared folder is absent. */
const readSeed = (t: Tap.Test) => (available(t, 'wording checked against seed 000', seedFile) ? squash(readFileSync(seedFile.path, 'utf8')) : undefined);

t.test('every validation gate seed 000 states is in gates.ttl with its numbers', async (t) => {
  const seed = readSeed(t);
  const o = createOntologyService(await loadOntology(projectPath('ontologies')));
  const gates = o.gates();
  t.ok(gates.length >= 8, `${gates.length} gates`);
  // [slug, observable, comparison, numbers, tier, words of the seed]
  const expected: [string, string, string, Record<string, number | null>, number, string][] = [
    ['rd-recovery-knudsen', 'knudsen-number', 'LessOrEqual', { threshold: 0.1 }, 1, 'recovering RD behavior at Kn≤0.1'],
    ['entropy-production-positivity', 'entropy-production-rate', 'GreaterOrEqual', { threshold: 0 }, 1, 'positivity of entropy production (H-theorem)'],
    ['onsager-reciprocity', 'onsager-coefficients', 'AbsoluteTolerance', { reference: null, tolerance: null }, 1, 'symmetry of Onsager reciprocal relations'],
    [
      'lid-driven-cavity-benchmark',
      'cavity-velocity-profile',
      'AbsoluteTolerance',
      { reference: null, tolerance: null },
      2,
      'matching benchmark curves to within a specified tolerance',
    ],
    ['scaling-collapse-r2', 'scaling-collapse-r2', 'GreaterOrEqual', { threshold: 0.98 }, 3, '(R2≥0.98) for this collapse is the primary validation gate'],
    [
      'quantum-classical-dispersion-crossover',
      'dispersion-relation',
      'AbsoluteTolerance',
      { reference: null, tolerance: null },
      4,
      'crossover in the dispersion relation (σ(k)) from quantum (coherent) to classical (diffusive)',
    ],
    [
      'tomography-fidelity',
      'tomography-fidelity',
      'GreaterOrEqual',
      { threshold: 0.95 },
      4,
      'aiming for a high fidelity (≥0.95) as specified in the validation gates',
    ],
    [
      'fast-reconnection-rate',
      'reconnection-rate',
      'WithinInterval',
      { lowerBound: 0.01, upperBound: 0.1 },
      6,
      'fast reconnection rates are typically in the range of 0.01-0.1',
    ],
    ['ward-identity', 'ward-identity-residual', 'AbsoluteTolerance', { reference: null, tolerance: null }, 8, 'satisfaction of Ward identities'],
  ];
  t.same(gates.map((g) => g.slug).sort(), expected.map((e) => e[0]).sort(), 'no gate missing, none invented');
  for (const [slug, observable, comparison, numbers, tier, words] of expected) {
    const g = o.gate(slug)!;
    if (seed) t.ok(seed.includes(words), `seed 000 states ${slug}: "${words}"`);
    if (seed) t.ok(seed.includes(squash(g.seedSentence)), `${slug}: its seedSentence is verbatim from seed 000`);
    t.equal(g.observable, `https://w3id.org/femto/observable/${observable}`, `${slug} judges ${observable}`);
    t.equal(g.comparison, comparison, `${slug} compares with ${comparison}`);
    t.ok(g.tiers.includes(tier), `${slug} is a tier ${tier} gate`);
    const stated = Object.values(numbers).every((n) => n !== null);
    t.equal(g.thresholdStated, stated, `${slug}: thresholdStated ${stated}`);
    for (const [k, v] of Object.entries(numbers)) t.equal(g[k as 'threshold'], v, `${slug}.${k}`);
  }
});

t.test('every observable seed 000 names is in observables.ttl', async (t) => {
  const seed = readSeed(t);
  const o = createOntologyService(await loadOntology(projectPath('ontologies')));
  t.ok(o.observables().length >= 40, `${o.observables().length} observables`);
  // [slug, symbol, tier, words of the seed naming it]
  const named: [string, string, number, string][] = [
    ['front-speed', 'c_front', 1, 'cfront'],
    ['dispersion-relation', 'σ(k)', 1, 'dispersion relation'],
    ['energy-spectrum', 'E(k)', 2, 'E(k)'],
    ['magnetic-susceptibility', 'χ', 3, 'magnetic susceptibility (χ)'],
    ['critical-exponents', 'γ, ν', 3, 'critical exponents'],
    ['spin-configuration', 'σ(i,j)', 3, 'equilibrium spin configurations (σ(i,j))'],
    ['local-particle-number', '⟨n_j(t)⟩', 4, 'particle number'],
    ['tomography-fidelity', 'F', 4, 'fidelity (≥0.95)'],
    ['cmb-angular-power-spectrum', 'C_ℓ', 5, 'power spectrum'],
    ['matter-power-spectrum', 'P(k)', 5, 'P(k)'],
    ['gravitational-wave-strain', 'h(t)', 5, 'waveforms (h(t))'],
    ['reconnection-rate', 'R', 6, 'reconnection rates'],
    ['lundquist-number', 'S', 6, 'Lundquist number (S)'],
    ['hall-resistivity', 'ρ_xy', 7, 'ρxy'],
    ['vortex-configuration', 'n_v(T)', 7, 'configurations of vortices and antivortices'],
    ['wilson-loop', 'W(C)', 8, 'Wilson loop'],
    ['chsh-value', 'S_CHSH', 9, 'CHSH inequality'],
    ['entanglement-entropy', 'S_A', 9, 'entanglement entropy'],
    ['otoc', 'F(t)', 9, 'OTOC'],
    ['knudsen-number', 'Kn', 1, 'Kn≤0.1'],
  ];
  for (const [slug, symbol, tier, words] of named) {
    const term = o.observable(slug);
    t.ok(term, `${slug} is in the ontology`);
    if (seed) t.ok(seed.includes(words), `seed 000 names it: "${words}"`);
    t.equal(term?.symbol, symbol, `${slug} has symbol ${symbol}`);
    t.ok(term?.tiers.includes(tier), `${slug} belongs to tier ${tier}`);
  }
  for (const obs of o.observables()) {
    t.ok(obs.label && obs.symbol && obs.tiers.length, `${obs.slug} has label, symbol and tier`);
    if (obs.unit) t.ok(o.units.get(obs.unit), `${obs.slug}: unit ${obs.unit} is convertible`);
  }
  for (const g of o.gates()) t.ok(o.observable(g.observable), `${g.slug} judges an observable of the ontology`);
});
