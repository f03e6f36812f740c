import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { FemtoError } from '../../errors.js';
import { projectPath } from '../../paths.js';
import { searchQuery } from '../search/search.schema.js';
import { searchPage } from './views/search.js';

const staticFiles: Record<string, { type: string; body: string }> = {
  'femto.css': { type: 'text/css; charset=utf-8', body: readFileSync(projectPath('schema/static/femto.css'), 'utf8') },
};

/** The discovery portal: server-rendered pages over the same services as the API. */
export function portalRoutes({ search }: Container): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/',
      { schema: { hide: true, querystring: searchQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(20) }) } },
      async (request, reply) => reply.type('text/html; charset=utf-8').send(searchPage(request.query, search.search(request.actor, request.query))),
    );

    app.get('/static/:file', { schema: { hide: true, params: z.object({ file: z.string() }) } }, async (request, reply) => {
      const file = staticFiles[request.params.file];
      if (!file) throw new FemtoError('NOT_FOUND', `No static file '${request.params.file}'`);
      return reply.type(file.type).header('Cache-Control', 'public, max-age=3600').send(file.body);
    });
  };
}
