import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type TransformArgs = Parameters<typeof jsonSchemaTransform>[0];
type Document = ReturnType<typeof jsonSchemaTransformObject>;
interface Operation {
  operationId?: string;
  summary?: string;
  responses?: Record<string, unknown>;
}

const isZod = (v: unknown) => typeof v === 'object' && v !== null && '_zod' in v;

/** Routes from other plugins (mercurius) carry plain JSON schemas: pass those through, with a summary. */
function transform(args: TransformArgs) {
  const { schema, url } = args;
  const parts = schema ? [schema.body, schema.querystring, schema.params, schema.headers, ...Object.values(schema.response ?? {})] : [];
  if (!schema || parts.some((p) => p !== undefined && !isZod(p))) {
    return { schema: url === '/graphql' ? { ...schema, tags: ['graphql'], summary: 'GraphQL over HTTP (schema: the SDL at /graphiql)' } : schema, url };
  }
  return jsonSchemaTransform(args);
}

/** RFC 9457 as femto answers it (src/plugins/problem-details.ts). */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'resolves to the description of the code' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'stable error code (see /problems)' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'message'],
        properties: { pointer: { type: 'string', description: 'JSON pointer into the body, or location/name of a parameter' }, message: { type: 'string' } },
      },
    },
    requestId: { type: 'string' },
  },
};

/** `get /datasets/{id}/versions/{n}` -> `getDatasetsByIdVersionsByN`: unique, stable, and what code generators name methods by. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => segment.split(/[^A-Za-z0-9{}]+/).filter(Boolean))
    .map((w) => (w.startsWith('{') ? `By${w.slice(1, -1)}` : w))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

/**
 * What every operation has in common, added once here rather than on each route: an operationId, the
 * problem+json answer to a client error where the route declares no 4XX of its own, and a summary.
 */
function completeOperations(doc: Document): Document {
  const d = doc as unknown as { paths?: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };
  d.components = { ...d.components, schemas: { ...d.components?.schemas, Problem: PROBLEM_SCHEMA } };
  d.components.responses = {
    ...d.components.responses,
    Problem: {
      description: 'The request was refused: RFC 9457 problem+json with a stable code and a pointer per bad field',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    },
  };
  for (const [path, operations] of Object.entries(d.paths ?? {})) {
    for (const [method, op] of Object.entries(operations)) {
      op.operationId ??= operationIdOf(method, path);
      op.responses ??= {};
      if (!Object.keys(op.responses).some((status) => status.startsWith('4'))) op.responses['4XX'] = { $ref: '#/components/responses/Problem' };
    }
  }
  return d as unknown as Document;
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
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        },
        servers: [{ url: opts.baseUrl }],
        // Reads are public (a token shows more: restricted records); writes declare the credentials they need.
        security: [{}, { bearer: [] }],
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            basic: { type: 'http', scheme: 'basic', description: 'repository id : token (for DataCite clients on /dois)' },
          },
        },
      },
      transform,
      transformObject: (args) => completeOperations(jsonSchemaTransformObject(args)),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
