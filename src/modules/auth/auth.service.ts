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

  function actorForSecret(secret: string): Actor {
    const given = Buffer.from(secret);
    if (adminTokenBuf && given.length === adminTokenBuf.length && timingSafeEqual(given, adminTokenBuf)) {
      return { id: 'admin-env', role: 'admin', user: ADMIN_USER, groups: repo.groupsOf(ADMIN_USER) };
    }
    const row = repo.activeTokenByHash(sha256(secret));
    if (!row) throw new FemtoError('INVALID_TOKEN', 'The token is unknown or revoked');
    return { id: row.id, role: row.role, user: row.userId, groups: JSON.parse(row.groups) as string[] };
  }

  function userOrThrow(id: string, pointer?: string): UserRecord {
    const [user] = repo.users(id);
    if (user) return user;
    if (pointer) throw new FemtoError('UNKNOWN_REFERENCE', `User '${id}' does not exist`, [{ pointer, message: 'unknown user' }]);
    throw notFound('User', id);
  }

  function groupOrThrow(id: string): GroupRecord {
    const [group] = repo.groups(id);
    if (!group) throw notFound('Group', id);
    return group;
  }

  const auth = {
    /**
     * Bearer tokens everywhere; HTTP Basic (`repository id : token`) too, so DataCite clients work
     * unchanged against /dois. No header means anonymous; a bad one is refused rather than ignored.
     */
    authenticate(authorization: string | undefined): Actor {
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
    createToken(role: Role, label?: string, user?: string): { id: string; token: string; role: Role; user: string } {
      const owner = user ?? DEFAULT_USER;
      return repo.transaction(() => {
        if (user === undefined) repo.ensureUser({ id: DEFAULT_USER, name: 'Default user' });
        else userOrThrow(user, '/user');
        const id = randomId('tk-');
        const token = `femto_${randomBytes(24).toString('base64url')}`;
        repo.insertToken({ id, hash: sha256(token), role, userId: owner, label });
        return { id, token, role, user: owner };
      });
    },

    revokeToken: (id: string) => repo.revokeToken(id, new Date().toISOString()),
    listTokens: () => repo.listTokens(),

    createUser(actor: Actor, input: CreateUserInput): UserRecord {
      auth.require(actor, 'admin');
      return repo.transaction(() => {
        if (repo.users(input.id).length) throw new FemtoError('ID_TAKEN', `User '${input.id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        repo.insertUser({ id: input.id, name: input.name, email: input.email ?? null });
        auth.audit(actor, { action: 'user.create', entityType: 'user', entityId: input.id, after: input });
        return userOrThrow(input.id);
      });
    },
    listUsers(actor: Actor): UserRecord[] {
      auth.require(actor, 'admin');
      return repo.users();
    },
    getUser(actor: Actor, id: string): UserRecord {
      auth.require(actor, 'admin');
      return userOrThrow(id);
    },

    createGroup(actor: Actor, input: CreateGroupInput): GroupRecord {
      auth.require(actor, 'admin');
      return repo.transaction(() => {
        if (repo.groups(input.id).length)
          throw new FemtoError('ID_TAKEN', `Group '${input.id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        repo.insertGroup({ id: input.id, name: input.name, description: input.description ?? null });
        auth.audit(actor, { action: 'group.create', entityType: 'group', entityId: input.id, after: input });
        return groupOrThrow(input.id);
      });
    },
    listGroups(actor: Actor): GroupRecord[] {
      auth.require(actor, 'admin');
      return repo.groups();
    },
    getGroup(actor: Actor, id: string): GroupRecord {
      auth.require(actor, 'admin');
      return groupOrThrow(id);
    },
    /** Adds (or, with `member` false, removes) a user to a group; both must exist. */
    setMember(actor: Actor, groupId: string, userId: string, member: boolean): GroupRecord {
      auth.require(actor, 'admin');
      return repo.transaction(() => {
        groupOrThrow(groupId);
        userOrThrow(userId);
        const changed = member ? repo.addMember(groupId, userId) : repo.removeMember(groupId, userId);
        if (changed)
          auth.audit(actor, { action: member ? 'group.add-member' : 'group.remove-member', entityType: 'group', entityId: groupId, after: { user: userId } });
        return groupOrThrow(groupId);
      });
    },

    /** Throws 422 naming the first unknown user or group (a pointer per reference). */
    assertExist(refs: { users?: { id: string; pointer: string }[]; groups?: { id: string; pointer: string }[] }): void {
      for (const u of refs.users ?? []) userOrThrow(u.id, u.pointer);
      const groups = refs.groups ?? [];
      const known = new Set(repo.existingGroups(groups.map((g) => g.id)));
      const missing = groups.filter((g) => !known.has(g.id));
      if (missing.length)
        throw new FemtoError(
          'UNKNOWN_REFERENCE',
          `No group ${missing.map((g) => `'${g.id}'`).join(', ')}`,
          missing.map((g) => ({ pointer: g.pointer, message: 'unknown group' })),
        );
    },

    /** Records who (the user) did what on whose credentials (the token). */
    audit(actor: Actor, e: AuditEntry): void {
      repo.insertAudit(auditRow(actor, e));
    },

    /** Many entries in one statement, in order (a bulk import's batch). */
    auditMany(actor: Actor, entries: readonly AuditEntry[]): void {
      if (entries.length) repo.insertAudits(entries.map((e) => auditRow(actor, e)));
    },

    auditFor: (entityType: string, entityId: string) => repo.auditFor(entityType, entityId),
  };
  return auth;
}

export type AuthService = ReturnType<typeof createAuthService>;
