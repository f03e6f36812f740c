import { randomId } from '../../lib/ids.js';

const DOI_RE = /^10\.\d{4,9}\/\S+$/;
const PREFIX_RE = /^10\.\d{4,9}$/;

/**
 * The one form femto stores and compares DOIs in. DOIs are case-insensitive (DOI Handbook 2.4),
 * so the normal form is lower case, without resolver or `doi:` prefixes, percent-decoded once.
 * Returns null when the result is not a DOI.
 */
export function normalizeDoi(input: string): string | null {
  let v = input.trim();
  v = v.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i, '');
  if (/%[0-9a-f]{2}/i.test(v)) {
    try {
      v = decodeURIComponent(v);
    } catch {
      return null;
    }
  }
  v = v.toLowerCase();
  // A second pass makes the function idempotent on inputs that carried a resolver twice.
  if (/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/.test(v)) return normalizeDoi(v);
  return DOI_RE.test(v) ? v : null;
}

export const isPrefix = (p: string) => PREFIX_RE.test(p);

/** A DataCite-style random suffix ("abcd-2345") over femto's alphabet without look-alike characters. */
export const randomSuffix = () => `${randomId('', 4)}-${randomId('', 4)}`;

export const prefixOf = (doi: string) => doi.slice(0, doi.indexOf('/'));
export const suffixOf = (doi: string) => doi.slice(doi.indexOf('/') + 1);
