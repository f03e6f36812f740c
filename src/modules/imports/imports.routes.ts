import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FemtoError } from '../../errors.js';
import type { Actor } from '../auth/auth.schema.js';
import { importSummary, type FileInput, type ImportSummary } from './imports.schema.js';
import type { ImportsService } from './imports.service.js';
import { ARCHIVE_BOUNDS } from './archive.js';

const query = z.object({ dryRun: z.stringbool().optional().describe('true: report what would change, write nothing') }).strict();

/**
 * `POST /import/{format}`: the request body is one input of that format (as `femto import` reads
 * a file); `POST /import` guesses the format from the body. 201 when something was created, 200
 * otherwise; when nothing could be applied, the refusal as problem+json (with every unit's result).
 */
export function importsRoutes({ imports }: { imports: ImportsService }): FastifyPluginAsyncZod {
  return async (app) => {
    // Each format reads its own bytes (XML, JSON, JSON lines, CSV, ...): the body reaches it untouched, bounded by FEMTO_BODY_LIMIT.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    const answer = (reply: FastifyReply, summary: ImportSummary) => {
      const applied = summary.created + summary.updated + summary.unchanged;
      const firstRefusal = summary.results.find((r) => r.status === 'refused');
      if (applied === 0 && firstRefusal) {
        throw new FemtoError((firstRefusal.code ?? 'UNPROCESSABLE') as never, firstRefusal.message, firstRefusal.errors ?? [], { results: summary.results });
      }
      const located = summary.results.filter((r) => r.location);
      if (located.length === 1) reply.header('Location', located[0].location);
      reply.status(summary.created > 0 && !summary.dryRun ? 201 : 200);
      return summary;
    };
    const run = (actor: Actor, format: string | undefined, body: unknown, dryRun: boolean | undefined) => {
      imports.requireImporter(actor);
      const input: FileInput = { kind: 'file', name: 'request', bytes: Buffer.isBuffer(body) ? body : Buffer.alloc(0) };
      const importer = format ? imports.registry.get(format) : imports.registry.detect(input);
      if (!importer)
        throw new FemtoError(
          'UNSUPPORTED_MEDIA_TYPE',
          `The body is none of the import formats (${imports.registry
            .all()
            .map((f) => f.format)
            .join(', ')}); name one: POST /import/{format}`,
        );
      return imports.importInput(actor, importer.format, input, { dryRun, batchSize: 1000 });
    };
    const responses = { 200: importSummary, 201: importSummary };

    app.post(
      '/import/:format',
      {
        schema: {
          tags: ['import'],
          security: [{ bearer: [] }],
          summary: 'Import one input of a format (curator); formats: see `femto import --help`',
          description: `${imports.registry
            .all()
            .map((f) => `- \`${f.format}\`: ${f.title}`)
            .join('\n')}\n\n${ARCHIVE_BOUNDS}`,
          params: z.object({ format: z.string().min(1).max(50) }),
          querystring: query,
          response: responses,
        },
      },
      async (request, reply) => answer(reply, await run(request.actor, request.params.format, request.body, request.query.dryRun)),
    );
    app.post(
      '/import',
      {
        schema: {
          tags: ['import'],
          security: [{ bearer: [] }],
          summary: 'Import one input whose format femto recognises (a DataCite record, OpenLineage events, ...) (curator)',
          querystring: query,
          response: responses,
        },
      },
      async (request, reply) => answer(reply, await run(request.actor, undefined, request.body, request.query.dryRun)),
    );
  };
}
