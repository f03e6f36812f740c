import { createHash } from 'node:crypto';

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An array index as a property key ("0" .. "4294967294"): JavaScript lists such keys first, in numeric order, whatever order they were added in. */
function isIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  const n = Number(key);
  return Number.isInteger(n) && n < 4294967295 && String(n) === key;
}

/** An object's keys in the order a copy built in sorted order lists them: array indexes (numerically), then the rest sorted. */
function sortedKeys(v: object): string[] {
  const keys = Object.keys(v).sort(byCodeUnits);
  if (!keys.some(isIndex)) return keys;
  return [...keys.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndex(k))];
}

/** The value with every object's keys in canonical order (toJSON applied first, as JSON.stringify does), for one native JSON.stringify. */
function sortedCopy(value: unknown, key: string): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(k: string): unknown }).toJSON(key);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x, i) => sortedCopy(x, String(i)));
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(v)) {
    const x = sortedCopy((v as Record<string, unknown>)[k], k);
    // A "__proto__" key (JSON.parse makes it an own property) is defined, not assigned: assigning would set the copy's prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/**
 * JSON with sorted keys, so that equal records always hash alike. Stored digests depend on these exact bytes: they are
 * those of `JSON.stringify` with a replacer that rebuilds every object from its entries sorted by key
 * (test/unit/digest.test.ts holds the two equal); one sorted copy serialized natively costs half as much.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value, ''));
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const digestOf = (value: unknown) => (value === undefined || value === null ? null : sha256(canonicalJson(value)));
