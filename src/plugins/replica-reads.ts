import fp from 'fastify-plugin';
import type { Database } from '../db/port.js';

/**
 * Anonymous GET and HEAD requests read from the read replica (FEMTO_DB_READ_URL); every request with credentials,
 * and every write, goes to the primary. femto's writers always authenticate, so a writer reads its own writes; an
 * anonymous reader may see the catalog as it was the replica's lag ago (docs/database.md, "Read replica").
 * A callback hook: the rest of the request runs inside `done`, so inside the port's replica scope.
 */
export default fp(
  async (app, opts: { database: Database }) => {
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.actor.role === 'anonymous' && (request.method === 'GET' || request.method === 'HEAD')) opts.database.onReplica(done);
      else done();
    });
  },
  { name: 'replica-reads', dependencies: ['auth'] },
);
