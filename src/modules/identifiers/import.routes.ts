import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Importer } from './import.js';
import { FemtoError } from '../../errors.js';

const XML_TYPES = ['application/xml', 'text/xml', 'application/vnd.datacite.datacite+xml'];
const importResult = z.object({ source: z.string(), status: z.enum(['created', 'exists']), dataset: z.string(), doi: z.string().nullable() });

/** POST /import: one DataCite record (XML or JSON) becomes a published dataset with its DOI. */
export function importRoutes({ auth, importDatacite, urls }: { auth: AuthService; importDatacite: Importer; urls: SiteUrls }): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.addContentTypeParser('application/vnd.datacite.datacite+json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post(
      '/import',
      {
        schema: {
          tags: ['datasets'],
          security: [{ bearer: [] }],
          summary: 'Import a DataCite record (kernel-4 XML or DataCite JSON) as a published dataset with its DOI (curator); 200 when its DOI was already imported',
          response: { 200: importResult, 201: importResult },
        },
      },
      async (request, reply) => {
        auth.require(request.actor, 'curator');
        const text = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
        let result;
        try {
          result = importDatacite(request.actor, 'request', text);
        } catch (err) {
          if (err instanceof FemtoError) throw err;
          throw new FemtoError('UNPROCESSABLE', `Not a DataCite record: ${(err as Error).message}`);
        }
        reply.status(result.status === 'created' ? 201 : 200).header('Location', urls.dataset(result.dataset));
        return result;
      },
    );
  };
}
