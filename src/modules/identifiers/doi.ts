import { randomId } from '../../lib/ids.js';

/** Printable ASCII only (no NUL, no spaces, no control or non-ASCII characters): what registration agencies accept and headers carry. */
const DOI_RE = /^10\.\d{4,9}\/[\x21-\x7e]+$/;
const PREFIX_RE = /^10\.\d{4,9}$/;
/** DataCite's own limit on a DOI name. */
export const MAX_DOI_LENGTH = 255;

/** A DOI is a path in femto's and DataCite's URLs: a `.` or `..` segment would name another resource. */
const hasDotSegment = (doi: string) => doi.split('/').some((segment) => segment === '.' || segment === '..');

/**
 * The one form femto stores and compares DOIs in. DOIs are case-insensitive (DOI Handbook 2.4),
 * so the normal form is lower case, without resolver or `doi:` prefixes, percent-decoded once.
 * Returns null when the result is not a DOI: not printable ASCII, longer than MAX_DOI_LENGTH, or
 * with a dot segment.
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
  return v.length <= MAX_DOI_LENGTH && DOI_RE.test(v) && !hasDotSegment(v) ? v : null;
}

export const isPrefix = (p: string) => PREFIX_RE.test(p);

/** A DataCite-style random suffix ("abcd-2345") over femto's alphabet without look-alike characters. */
export const randomSuffix = () => `${randomId('', 4)}-${randomId('', 4)}`;

export const prefixOf = (doi: string) => doi.slice(0, doi.indexOf('/'));
export const suffixOf = (doi: string) => doi.slice(doi.indexOf('/') + 1);
