/** Syntax and checksum rules of the identifier schemes femto accepts. */

const ORCID_RE = /^(?:https?:\/\/orcid\.org\/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$/;

/** ISO 7064 MOD 11-2, the ORCID check digit. */
function orcidChecksumOk(id: string): boolean {
  const digits = id.replace(/-/g, '');
  let total = 0;
  for (const ch of digits.slice(0, -1)) total = (total + Number(ch)) * 2;
  const remainder = total % 11;
  const result = (12 - remainder) % 11;
  const expected = result === 10 ? 'X' : String(result);
  return digits.at(-1) === expected;
}

/** Returns the bare ORCID iD (0000-0002-1825-0097) or null when malformed. */
export function parseOrcid(value: string): string | null {
  const m = ORCID_RE.exec(value.trim());
  return m && orcidChecksumOk(m[1]) ? m[1] : null;
}

const ROR_RE = /^(?:https?:\/\/ror\.org\/)?(0[a-hj-km-np-tv-z0-9]{6}\d{2})$/;

/** Returns the bare ROR id (05gq02987) or null when malformed. */
export function parseRor(value: string): string | null {
  const m = ROR_RE.exec(value.trim().toLowerCase());
  return m ? m[1] : null;
}

export const orcidUrl = (id: string) => `https://orcid.org/${id}`;
export const rorUrl = (id: string) => `https://ror.org/${id}`;
