import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 grows the old generation past what the last full collection left live. On a
 * machine with gigabytes free, V8 lets the heap grow up to four times the live data before it
 * collects, so a server rendering large pages (OAI, catalog) holds hundreds of MiB of garbage:
 * RSS 501 MiB after 400 OAI pages of the 100k catalog with a live heap of 84 MiB, 317 MiB at 100%
 * (bench/README.md). Unlike a --max-old-space-size cap it refuses no allocation, so a large lineage
 * snapshot still fits. V8 reads the flag at every full collection, so setting it at start applies.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
