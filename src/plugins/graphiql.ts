import fp from 'fastify-plugin';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FemtoError } from '../errors.js';
import { html, page } from '../lib/html.js';
import { projectPath } from '../paths.js';

const resolve = createRequire(import.meta.url).resolve;
// Through package.json: the bundles are not in the packages' "exports" maps.
const fromPackage = (pkg: string, file: string) => join(dirname(resolve(`${pkg}/package.json`)), file);

/** GraphiQL's browser bundles, served from node_modules: the IDE works with no network (mercurius' page loads them from a CDN). */
const assets: Record<string, { path: string; type: string }> = {
  'graphiql.min.css': { path: fromPackage('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
  'graphiql.min.js': { path: fromPackage('graphiql', 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  'react.production.min.js': { path: fromPackage('react', 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { path: fromPackage('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'femto-graphiql.js': { path: projectPath('schema/static/graphiql.js'), type: 'text/javascript; charset=utf-8' },
};
const cache = new Map<string, Buffer>();

const DEFAULT_QUERY = `# Walk the provenance of FM4NPP back to its simulated TPC data
{
  lineage(id: "fm4npp", direction: UPSTREAM, depth: 5) {
    nodes { id kind depth dataset { title accessLevel } activity { kind name } }
    edges { from to relation }
    truncated
    truncatedReason
  }
}
`;

export default fp(
  async (app) => {
    app.get('/graphiql', { schema: { hide: true } }, async (_request, reply) => {
      // No inline script or style (the Content-Security-Policy allows none): the default query travels in a data attribute.
      const body = html`<div id="graphiql" data-default-query="${DEFAULT_QUERY}"></div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script src="/graphiql/assets/femto-graphiql.js"></script>`;
      const head = html`<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">`;
      return reply.type('text/html; charset=utf-8').send(page({ title: 'GraphiQL — femto', head, body, bodyClass: 'graphiql' }));
    });

    app.get<{ Params: { file: string } }>('/graphiql/assets/:file', { schema: { hide: true } }, async (request, reply) => {
      const asset = assets[request.params.file];
      if (!asset) throw new FemtoError('NOT_FOUND', `No GraphiQL asset '${request.params.file}'`);
      let content = cache.get(request.params.file);
      if (!content) cache.set(request.params.file, (content = readFileSync(asset.path)));
      return reply.type(asset.type).header('Cache-Control', 'public, max-age=86400').send(content);
    });
  },
  { name: 'graphiql' },
);
