import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { FemtoError } from '../errors.js';
import { nestsDeeperThan } from '../lib/json.js';

/** JSON bodies (application/json, and JSON:API for /dois) pass a depth bound, then Fastify's own parser (which refuses __proto__ keys). */
export default fp(
  async (app, opts: { maxDepth: number }) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    const bounded = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => {
      if (nestsDeeperThan(body, opts.maxDepth))
        return done(new FemtoError('BODY_TOO_DEEP', `The JSON body nests deeper than ${opts.maxDepth} levels (FEMTO_JSON_MAX_DEPTH)`));
      return parse(request, body, done);
    };
    app.removeContentTypeParser('application/json');
    for (const type of ['application/json', 'application/vnd.api+json']) app.addContentTypeParser(type, { parseAs: 'string' }, bounded);
  },
  { name: 'json-body' },
);
