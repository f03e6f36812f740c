import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { FemtoError } from '../../errors.js';

const XML_TYPES = ['application/xml', 'text/xml', 'application/vnd.datacite.datacite+xml'];

/** POST /import: one DataCite record (XML or JSON) becomes a published dataset with its DOI. */
export function importRoutes(container: Container): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.addContentTypeParser('application/vnd.datacite.datacite+json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post(
      '/import',
      {
        schema: {
          tags: ['datasets'],
          security: [{ bearer: [] }],
          summary: 'Import a DataCite record (kernel-4 XML or DataCite JSON) as a published dataset with its DOI (curator)',
          response: { 201: z.object({ source: z.string(), status: z.enum(['created', 'exists']), dataset: z.string(), doi: z.string().nullable() }) },
        },
      },
      async (request, reply) => {
        container.auth.require(request.actor, 'curator');
        const text = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
        let result;
        try {
          result = container.importDatacite(request.actor, 'request', text);
        } catch (err) {
          if (err instanceof FemtoError) throw err;
          throw new FemtoError('UNPROCESSABLE', `Not a DataCite record: ${(err as Error).message}`);
        }
        reply.status(201).header('Location', `${container.config.baseUrl}/datasets/${result.dataset}`);
        return result;
      },
    );
  };
}
