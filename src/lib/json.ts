import { FemtoError } from '../errors.js';

/**
 * Whether a JSON text nests arrays and objects deeper than `max`: one pass over the characters,
 * before anything parses it (code that later walks a parsed value recursively, like schema
 * validation or canonical digests, would run out of stack on a body nested thousands deep).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** JSON text parsed after the depth bound (FEMTO_JSON_MAX_DEPTH); malformed or too deep: a coded error naming `where`. */
export function parseBoundedJson(text: string, maxDepth: number, where: string): unknown {
  if (nestsDeeperThan(text, maxDepth)) throw new FemtoError('BODY_TOO_DEEP', `${where}: JSON nests deeper than ${maxDepth} levels (FEMTO_JSON_MAX_DEPTH)`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FemtoError('MALFORMED_BODY', `${where}: ${(err as Error).message}`);
  }
}
