import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
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
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** JSON bodies (application/json, and JSON:API for /dois) pass a depth bound, then Fastify's own parser (which refuses __proto__ keys). */
export default fp(
  async (app, opts: { maxDepth: number }) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    const bounded = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => {
      if (nestsDeeperThan(body, opts.maxDepth)) return done(new FemtoError('BODY_TOO_DEEP', `The JSON body nests deeper than ${opts.maxDepth} levels (FEMTO_JSON_MAX_DEPTH)`));
      return parse(request, body, done);
    };
    app.removeContentTypeParser('application/json');
    for (const type of ['application/json', 'application/vnd.api+json']) app.addContentTypeParser(type, { parseAs: 'string' }, bounded);
  },
  { name: 'json-body' },
);
