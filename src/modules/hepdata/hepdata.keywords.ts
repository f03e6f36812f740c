import type { KeywordName } from './hepdata.schema.js';

/**
 * How HEPData's keyword vocabulary meets the femto ontology (observables.ttl, tier 8): a keyword
 * maps to the observable whose rule it matches; one matching none stays a plain keyword. The
 * observables vocabulary is HEPData's (the Durham reaction database's): SIG a cross section,
 * DSIG/DX, D2SIG/DX/DY (and their 1/SIG-normalised forms) and DN/DX differential distributions
 * and spectra; phrases are matched by what they say.
 */
const RULES: readonly { name: KeywordName; matches: RegExp; observable: string }[] = [
  { name: 'cmenergies', matches: /./, observable: 'center-of-mass-energy' },
  { name: 'observables', matches: /^SIG$/i, observable: 'cross-section' },
  { name: 'observables', matches: /^(1\/SIG\*?)?D\d*(SIG|N)\//i, observable: 'differential-distribution' },
  { name: 'phrases', matches: /^(integrated |total |inclusive |production )?cross[- ]sections?$/i, observable: 'cross-section' },
  { name: 'phrases', matches: /^((single|double|triple) )?differential cross[- ]sections?$/i, observable: 'differential-distribution' },
  { name: 'phrases', matches: /\b(exclusion|upper) limits?\b/i, observable: 'exclusion-limit' },
];

/** The notations of the ontology observables the rules name (checked against the ontology when the importer is made). */
export const MAPPED_OBSERVABLES = [...new Set(RULES.map((r) => r.observable))];

/** The notation of the observable a keyword maps to, if any. */
export const observableOfKeyword = (name: KeywordName, value: string): string | undefined =>
  RULES.find((r) => r.name === name && r.matches.test(value.trim()))?.observable;

const NUMBER = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A centre-of-mass energy in GeV: a number, or a range `low-high` (HEPData's validator accepts a
 * range only as the keyword's one value; a value with a unit, like "7000 GeV", is no energy).
 */
export function cmEnergyOf(value: string | number, alone: boolean): { low: number; high: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { low: value, high: value } : undefined;
  const text = value.trim();
  if (NUMBER.test(text)) return { low: Number(text), high: Number(text) };
  const [low, high, ...rest] = text.split('-');
  if (!alone || rest.length || !NUMBER.test(low ?? '') || !NUMBER.test(high ?? '') || Number(low) > Number(high)) return undefined;
  return { low: Number(low), high: Number(high) };
}
