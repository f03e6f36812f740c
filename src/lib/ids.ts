import { randomBytes } from 'node:crypto';

// Crockford-style alphabet without look-alikes (0/o, 1/l/i, u), so ids survive being read aloud or retyped.
const ALPHABET = 'abcdefghjkmnpqrstvwxyz23456789';

export function randomId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}${out}`;
}

export const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
