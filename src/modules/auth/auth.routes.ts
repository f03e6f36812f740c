import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from './auth.service.js';
import { createGroupBody, createTokenBody, createUserBody, groupId, groupRecord, ROLES, userId, userRecord } from './auth.schema.js';

const security = [{ bearer: [] }];

/** Tokens, users and groups: admin only (listing users is itself private). */
export function authRoutes({ auth }: { auth: AuthService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/tokens',
      {
        schema: {
          tags: ['auth'],
          security,
          summary: 'Create an API token (admin) acting for a user (default: the default user); the secret is shown once',
          body: createTokenBody,
          response: { 201: z.object({ id: z.string(), token: z.string(), role: z.enum(ROLES), user: z.string() }) },
        },
      },
      async (request, reply) => {
        auth.require(request.actor, 'admin');
        const created = await auth.createToken(request.body.role, request.body.label, request.body.user);
        await auth.audit(request.actor, {
          action: 'token.create',
          entityType: 'token',
          entityId: created.id,
          after: { role: created.role, user: created.user },
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/users',
      { schema: { tags: ['auth'], security, summary: 'Users (admin)', response: { 200: z.object({ items: z.array(userRecord) }) } } },
      async (request) => ({
        items: await auth.listUsers(request.actor),
      }),
    );
    app.post(
      '/users',
      { schema: { tags: ['auth'], security, summary: 'Create a user (admin)', body: createUserBody, response: { 201: userRecord } } },
      async (request, reply) => reply.status(201).send(await auth.createUser(request.actor, request.body)),
    );
    app.get(
      '/users/:id',
      { schema: { tags: ['auth'], security, summary: 'One user and their groups (admin)', params: z.object({ id: userId }), response: { 200: userRecord } } },
      async (request) => auth.getUser(request.actor, request.params.id),
    );

    app.get(
      '/groups',
      {
        schema: {
          tags: ['auth'],
          security,
          summary: 'Groups (collaborations) and their members (admin)',
          response: { 200: z.object({ items: z.array(groupRecord) }) },
        },
      },
      async (request) => ({
        items: await auth.listGroups(request.actor),
      }),
    );
    app.post(
      '/groups',
      { schema: { tags: ['auth'], security, summary: 'Create a group (admin)', body: createGroupBody, response: { 201: groupRecord } } },
      async (request, reply) => reply.status(201).send(await auth.createGroup(request.actor, request.body)),
    );
    app.get(
      '/groups/:id',
      { schema: { tags: ['auth'], security, summary: 'One group and its members (admin)', params: z.object({ id: groupId }), response: { 200: groupRecord } } },
      async (request) => auth.getGroup(request.actor, request.params.id),
    );
    const memberParams = z.object({ id: groupId, user: userId });
    app.put(
      '/groups/:id/members/:user',
      { schema: { tags: ['auth'], security, summary: 'Add a user to a group (admin); idempotent', params: memberParams, response: { 200: groupRecord } } },
      async (request) => auth.setMember(request.actor, request.params.id, request.params.user, true),
    );
    app.delete(
      '/groups/:id/members/:user',
      { schema: { tags: ['auth'], security, summary: 'Remove a user from a group (admin); idempotent', params: memberParams, response: { 200: groupRecord } } },
      async (request) => auth.setMember(request.actor, request.params.id, request.params.user, false),
    );
  };
}
