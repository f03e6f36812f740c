/**
 * Latency checks that a loaded machine cannot flake while a real regression (seconds of CPU) still fails: the
 * bound is k times the median of a trivial request measured in the same run, never tighter than a floor.
 */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timed(fn)).ms);
  return median(ms);
}

/** max(floorMs, k x baselineMs): the floor is the target on an idle machine, the multiple follows the machine's load. */
export const loadScaledBound = (baselineMs: number, k: number, floorMs: number) => Math.max(floorMs, k * baselineMs);
