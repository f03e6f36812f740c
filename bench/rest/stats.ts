/** Small statistics and number formatting shared by the parts of bench/rest. */

/** The p-quantile (0..1) by linear interpolation between closest ranks. */
export function quantile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** "1,234" for counts and rates, "1.23" for small figures. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%` : '—');

/** "median [min–max]" */
export const spread = (xs: readonly number[], f: (x: number) => string = num) => `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;

/** A left-aligned first column, right-aligned others; Markdown table syntax so it pastes into the README. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
