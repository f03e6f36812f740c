import { and, eq, isNull } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../../db/client.js';
import { auditLog, tokens } from '../../db/schema/index.js';
import type { Role } from './auth.schema.js';

export function createAuthRepository(db: Db, sqlite: Database.Database) {
  // Every authenticated request looks its token up: prepared once.
  // Every write is audited: prepared once.
  const audit = sqlite.prepare(
    `INSERT INTO audit_log (actor, action, entity_type, entity_id, before_digest, after_digest, created_at) VALUES (@actor, @action, @entityType, @entityId, @beforeDigest, @afterDigest, @at)`,
  );
  const activeByHash = sqlite.prepare(`SELECT id, hash, role, label, created_at AS createdAt, revoked_at AS revokedAt FROM tokens WHERE hash = ? AND revoked_at IS NULL`);
  return {
    insertToken(row: { id: string; hash: string; role: Role; label?: string }): void {
      db.insert(tokens).values({ ...row, label: row.label ?? null }).run();
    },
    activeTokenByHash(hash: string) {
      return activeByHash.get(hash) as typeof tokens.$inferSelect | undefined;
    },
    revokeToken(id: string, at: string): boolean {
      return db.update(tokens).set({ revokedAt: at }).where(and(eq(tokens.id, id), isNull(tokens.revokedAt))).run().changes > 0;
    },
    listTokens() {
      return db.select({ id: tokens.id, role: tokens.role, label: tokens.label, createdAt: tokens.createdAt, revokedAt: tokens.revokedAt }).from(tokens).all();
    },
    insertAudit(entry: { actor: string; action: string; entityType: string; entityId: string; beforeDigest: string | null; afterDigest: string | null; at: string }): void {
      audit.run(entry);
    },
    auditFor(entityType: string, entityId: string) {
      return db.select().from(auditLog).where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId))).all();
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
