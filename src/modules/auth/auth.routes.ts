import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from './auth.service.js';
import { createTokenBody, ROLES } from './auth.schema.js';

export function authRoutes({ auth }: { auth: AuthService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/tokens',
      {
        schema: {
          tags: ['auth'],
          security: [{ bearer: [] }],
          summary: 'Create an API token (admin); the secret is shown once',
          body: createTokenBody,
          response: { 201: z.object({ id: z.string(), token: z.string(), role: z.enum(ROLES) }) },
        },
      },
      async (request, reply) => {
        auth.require(request.actor, 'admin');
        const created = auth.createToken(request.body.role, request.body.label);
        auth.audit(request.actor, { action: 'token.create', entityType: 'token', entityId: created.id, after: { role: created.role } });
        return reply.status(201).send(created);
      },
    );
  };
}
