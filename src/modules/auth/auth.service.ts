import { randomBytes, timingSafeEqual } from 'node:crypto';
import { FemtoError, notFound } from '../../errors.js';
import { digestOf, sha256 } from '../../lib/digest.js';
import { randomId } from '../../lib/ids.js';
import type { AuthRepository } from './auth.repository.js';
import {
  ADMIN_USER,
  anonymous,
  DEFAULT_USER,
  hasRole,
  type Actor,
  type CreateGroupInput,
  type CreateUserInput,
  type GroupRecord,
  type Role,
  type UserRecord,
} from './auth.schema.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

const auditRow = (actor: Actor, e: AuditEntry) => ({
  actor: actor.id,
  userId: actor.user ?? null,
  action: e.action,
  entityType: e.entityType,
  entityId: e.entityId,
  beforeDigest: digestOf(e.before),
  afterDigest: digestOf(e.after),
  at: new Date().toISOString(),
});

export function createAuthService(repo: AuthRepository, adminToken?: string) {
  const adminTokenBuf = adminToken ? Buffer.from(adminToken) : undefined;

  async function actorForSecret(secret: string): Promise<Actor> {
    const given = Buffer.from(secret);
    if (adminTokenBuf && given.length === adminTokenBuf.length && timingSafeEqual(given, adminTokenBuf)) {
      return { id: 'admin-env', role: 'admin', user: ADMIN_USER, groups: await repo.groupsOf(ADMIN_USER) };
    }
    const row = await repo.activeTokenByHash(sha256(secret));
    if (!row) throw new FemtoError('INVALID_TOKEN', 'The token is unknown or revoked');
    return { id: row.id, role: row.role, user: row.userId, groups: JSON.parse(row.groups) as string[] };
  }

  async function userOrThrow(id: string, pointer?: string): Promise<UserRecord> {
    const [user] = await repo.users(id);
    if (user) return user;
    if (pointer) throw new FemtoError('UNKNOWN_REFERENCE', `User '${id}' does not exist`, [{ pointer, message: 'unknown user' }]);
    throw notFound('User', id);
  }

  async function groupOrThrow(id: string): Promise<GroupRecord> {
    const [group] = await repo.groups(id);
    if (!group) throw notFound('Group', id);
    return group;
  }

  const auth = {
    /**
     * Bearer tokens everywhere; HTTP Basic (`repository id : token`) too, so DataCite clients work
     * unchanged against /dois. No header means anonymous; a bad one is refused rather than ignored.
     */
    async authenticate(authorization: string | undefined): Promise<Actor> {
      if (!authorization) return anonymous;
      const [scheme, ...rest] = authorization.trim().split(/\s+/);
      const value = rest.join(' ');
      if (/^bearer$/i.test(scheme) && value) return actorForSecret(value);
      if (/^basic$/i.test(scheme) && value) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) throw new FemtoError('INVALID_TOKEN', 'Basic credentials must be "repository id:token"');
        return actorForSecret(decoded.slice(colon + 1));
      }
      throw new FemtoError('INVALID_TOKEN', 'Use "Authorization: Bearer <token>" (or Basic for /dois)');
    },

    require(actor: Actor, role: Role): void {
      if (actor.role === 'anonymous') throw new FemtoError('UNAUTHENTICATED', `This operation needs a ${role} token`);
      if (!hasRole(actor, role)) throw new FemtoError('FORBIDDEN', `This operation needs the ${role} role; the token has ${actor.role}`);
    },

    /**
     * Makes a token acting for `user` (the default user when none is named, as tokens were before
     * users existed); the secret is returned once and only its hash is kept.
     */
    async createToken(role: Role, label?: string, user?: string): Promise<{ id: string; token: string; role: Role; user: string }> {
      const owner = user ?? DEFAULT_USER;
      return repo.transaction(async () => {
        if (user === undefined) await repo.ensureUser({ id: DEFAULT_USER, name: 'Default user' });
        else await userOrThrow(user, '/user');
        const id = randomId('tk-');
        const token = `femto_${randomBytes(24).toString('base64url')}`;
        await repo.insertToken({ id, hash: sha256(token), role, userId: owner, label });
        return { id, token, role, user: owner };
      });
    },

    revokeToken: (id: string) => repo.revokeToken(id, new Date().toISOString()),
    listTokens: () => repo.listTokens(),

    async createUser(actor: Actor, input: CreateUserInput): Promise<UserRecord> {
      auth.require(actor, 'admin');
      return repo.transaction(async () => {
        if ((await repo.users(input.id)).length)
          throw new FemtoError('ID_TAKEN', `User '${input.id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        await repo.insertUser({ id: input.id, name: input.name, email: input.email ?? null });
        await auth.audit(actor, { action: 'user.create', entityType: 'user', entityId: input.id, after: input });
        return userOrThrow(input.id);
      });
    },
    async listUsers(actor: Actor): Promise<UserRecord[]> {
      auth.require(actor, 'admin');
      return repo.users();
    },
    async getUser(actor: Actor, id: string): Promise<UserRecord> {
      auth.require(actor, 'admin');
      return userOrThrow(id);
    },

    async createGroup(actor: Actor, input: CreateGroupInput): Promise<GroupRecord> {
      auth.require(actor, 'admin');
      return repo.transaction(async () => {
        if ((await repo.groups(input.id)).length)
          throw new FemtoError('ID_TAKEN', `Group '${input.id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        await repo.insertGroup({ id: input.id, name: input.name, description: input.description ?? null });
        await auth.audit(actor, { action: 'group.create', entityType: 'group', entityId: input.id, after: input });
        return groupOrThrow(input.id);
      });
    },
    async listGroups(actor: Actor): Promise<GroupRecord[]> {
      auth.require(actor, 'admin');
      return repo.groups();
    },
    async getGroup(actor: Actor, id: string): Promise<GroupRecord> {
      auth.require(actor, 'admin');
      return groupOrThrow(id);
    },
    /** Adds (or, with `member` false, removes) a user to a group; both must exist. */
    async setMember(actor: Actor, groupId: string, userId: string, member: boolean): Promise<GroupRecord> {
      auth.require(actor, 'admin');
      return repo.transaction(async () => {
        await groupOrThrow(groupId);
        await userOrThrow(userId);
        const changed = member ? await repo.addMember(groupId, userId) : await repo.removeMember(groupId, userId);
        if (changed)
          await auth.audit(actor, {
            action: member ? 'group.add-member' : 'group.remove-member',
            entityType: 'group',
            entityId: groupId,
            after: { user: userId },
          });
        return groupOrThrow(groupId);
      });
    },

    /** Throws 422 naming the first unknown user or group (a pointer per reference). */
    async assertExist(refs: { users?: { id: string; pointer: string }[]; groups?: { id: string; pointer: string }[] }): Promise<void> {
      for (const u of refs.users ?? []) await userOrThrow(u.id, u.pointer);
      const groups = refs.groups ?? [];
      const known = new Set(await repo.existingGroups(groups.map((g) => g.id)));
      const missing = groups.filter((g) => !known.has(g.id));
      if (missing.length)
        throw new FemtoError(
          'UNKNOWN_REFERENCE',
          `No group ${missing.map((g) => `'${g.id}'`).join(', ')}`,
          missing.map((g) => ({ pointer: g.pointer, message: 'unknown group' })),
        );
    },

    /** Records who (the user) did what on whose credentials (the token). */
    async audit(actor: Actor, e: AuditEntry): Promise<void> {
      await repo.insertAudit(auditRow(actor, e));
    },

    /** Many entries in one statement, in order (a bulk import's batch). */
    async auditMany(actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
      if (entries.length) await repo.insertAudits(entries.map((e) => auditRow(actor, e)));
    },

    auditFor: (entityType: string, entityId: string) => repo.auditFor(entityType, entityId),
  };
  return auth;
}

export type AuthService = ReturnType<typeof createAuthService>;
