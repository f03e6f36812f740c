import { createHash } from 'node:crypto';

/** JSON with sorted keys, so that equal records always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const digestOf = (value: unknown) => (value === undefined || value === null ? null : sha256(canonicalJson(value)));
