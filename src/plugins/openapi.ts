import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type TransformArgs = Parameters<typeof jsonSchemaTransform>[0];

const isZod = (v: unknown) => typeof v === 'object' && v !== null && '_zod' in v;

/** Routes from other plugins (mercurius) carry plain JSON schemas: pass those through untouched. */
function transform(args: TransformArgs) {
  const { schema, url } = args;
  const parts = schema ? [schema.body, schema.querystring, schema.params, schema.headers, ...Object.values(schema.response ?? {})] : [];
  if (!schema || parts.some((p) => p !== undefined && !isZod(p))) return { schema, url };
  return jsonSchemaTransform(args);
}

export default fp(
  async (app, opts: { baseUrl: string; version: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'femto',
          description: 'FAIR metadata and provenance server for physics datasets. Errors are RFC 9457 application/problem+json.',
          version: opts.version,
        },
        servers: [{ url: opts.baseUrl }],
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            basic: { type: 'http', scheme: 'basic', description: 'repository id : token (for DataCite clients on /dois)' },
          },
        },
      },
      transform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
