import { randomBytes, timingSafeEqual } from 'node:crypto';
import { FemtoError } from '../../errors.js';
import { digestOf, sha256 } from '../../lib/digest.js';
import { randomId } from '../../lib/ids.js';
import type { AuthRepository } from './auth.repository.js';
import { anonymous, hasRole, type Actor, type Role } from './auth.schema.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export function createAuthService(repo: AuthRepository, adminToken?: string) {
  const adminTokenBuf = adminToken ? Buffer.from(adminToken) : undefined;

  function actorForSecret(secret: string): Actor {
    const given = Buffer.from(secret);
    if (adminTokenBuf && given.length === adminTokenBuf.length && timingSafeEqual(given, adminTokenBuf)) {
      return { id: 'admin-env', role: 'admin' };
    }
    const row = repo.activeTokenByHash(sha256(secret));
    if (!row) throw new FemtoError('INVALID_TOKEN', 'The token is unknown or revoked');
    return { id: row.id, role: row.role };
  }

  return {
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

    /** Makes a token; the secret is returned once and only its hash is kept. */
    createToken(role: Role, label?: string): { id: string; token: string; role: Role } {
      const id = randomId('tk-');
      const token = `femto_${randomBytes(24).toString('base64url')}`;
      repo.insertToken({ id, hash: sha256(token), role, label });
      return { id, token, role };
    },

    revokeToken: (id: string) => repo.revokeToken(id, new Date().toISOString()),
    listTokens: () => repo.listTokens(),

    audit(actor: Actor, e: AuditEntry): void {
      repo.insertAudit({
        actor: actor.id,
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        beforeDigest: digestOf(e.before),
        afterDigest: digestOf(e.after),
        at: new Date().toISOString(),
      });
    },

    auditFor: (entityType: string, entityId: string) => repo.auditFor(entityType, entityId),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
