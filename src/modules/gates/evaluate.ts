import type { GateTerm } from '../ontology/ontology.model.js';

export type Verdict = 'passed' | 'failed' | 'not-evaluable';

export interface Judgement {
  verdict: Verdict;
  /** null when the gate cannot be judged (the seed states it without a number). */
  passed: boolean | null;
  /** The judged value (for a curve, the point with the smallest margin). */
  value: number | null;
  /**
   * Signed distance to the gate's boundary in the gate's unit: >= 0 passes. For intervals the
   * distance to the nearer bound; for tolerances the tolerance left over.
   */
  margin: number | null;
  reason: string | null;
}

/**
 * Boundaries are inclusive (the seed writes >=, <=, "in the range 0.01-0.1"). A value that lands
 * on a boundary only after a unit conversion may be a few ulps off, so a margin within this
 * relative slack of the numbers involved still passes.
 */
const SLACK = 1e-12;

function marginOf(g: GateTerm, x: number): number | { reason: string } {
  switch (g.comparison) {
    case 'GreaterOrEqual':
      return x - g.threshold!;
    case 'LessOrEqual':
      return g.threshold! - x;
    case 'WithinInterval':
      return Math.min(x - g.lowerBound!, g.upperBound! - x);
    case 'AbsoluteTolerance':
      return g.tolerance! - Math.abs(x - g.reference!);
    case 'RelativeTolerance':
      if (g.reference === 0) return { reason: 'a relative tolerance around a reference of 0 is undefined' };
      return g.tolerance! - Math.abs(x - g.reference!) / Math.abs(g.reference!);
  }
}

function scaleOf(g: GateTerm, x: number): number {
  const numbers = [x, g.threshold, g.lowerBound, g.upperBound, g.reference, g.tolerance].filter((n): n is number => n != null);
  return Math.max(1, ...numbers.map(Math.abs));
}

/** Judges values (already in the gate's unit) against a gate; a curve passes when every point does. */
export function judge(gate: GateTerm, values: number[]): Judgement {
  if (!gate.thresholdStated) {
    return {
      verdict: 'not-evaluable',
      passed: null,
      value: null,
      margin: null,
      reason: 'the seed states this gate without a number, so no value can pass or fail it',
    };
  }
  let worst: { value: number; margin: number } | null = null;
  for (const x of values) {
    const m = marginOf(gate, x);
    if (typeof m !== 'number') return { verdict: 'not-evaluable', passed: null, value: x, margin: null, reason: m.reason };
    if (!worst || m < worst.margin) worst = { value: x, margin: m };
  }
  if (!worst) return { verdict: 'not-evaluable', passed: null, value: null, margin: null, reason: 'no value' };
  const passed = worst.margin >= -SLACK * scaleOf(gate, worst.value);
  return { verdict: passed ? 'passed' : 'failed', passed, value: worst.value, margin: worst.margin, reason: null };
}
