import { and, asc, eq, isNull } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../../db/client.js';
import { auditLog, groupMembers, groups, tokens, users } from '../../db/schema/index.js';
import type { Role } from './auth.schema.js';

export interface TokenIdentity {
  id: string;
  role: Role;
  userId: string;
  /** JSON array of the user's group ids. */
  groups: string;
}

interface AuditRow {
  actor: string;
  userId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  beforeDigest: string | null;
  afterDigest: string | null;
  at: string;
}

export function createAuthRepository(db: Db, sqlite: Database.Database) {
  // Every authenticated request looks its token up, with its user's groups: one statement, prepared once.
  // Every write is audited: prepared once.
  const audit = sqlite.prepare(`
    INSERT INTO audit_log (actor, user_id, action, entity_type, entity_id, before_digest, after_digest, created_at)
    VALUES (@actor, @userId, @action, @entityType, @entityId, @beforeDigest, @afterDigest, @at)`);
  const auditMany = sqlite.prepare(`
    INSERT INTO audit_log (actor, user_id, action, entity_type, entity_id, before_digest, after_digest, created_at)
    SELECT value->>'actor', value->>'userId', value->>'action', value->>'entityType', value->>'entityId', value->>'beforeDigest', value->>'afterDigest', value->>'at'
      FROM json_each(?)`);
  const activeByHash = sqlite.prepare(`
    SELECT t.id, t.role, t.user_id AS userId, (SELECT json_group_array(m.group_id) FROM group_members m WHERE m.user_id = t.user_id) AS groups
      FROM tokens t WHERE t.hash = ? AND t.revoked_at IS NULL`);
  const groupsOfUser = sqlite.prepare(`SELECT json_group_array(group_id) FROM group_members WHERE user_id = ?`).pluck(true);
  const usersStmt = sqlite.prepare(`
    SELECT u.id, u.name, u.email, u.created_at AS createdAt, (SELECT json_group_array(m.group_id) FROM group_members m WHERE m.user_id = u.id) AS groups
      FROM users u WHERE @id IS NULL OR u.id = @id ORDER BY u.id`);
  const groupsStmt = sqlite.prepare(`
    SELECT g.id, g.name, g.description, g.created_at AS createdAt, (SELECT json_group_array(m.user_id) FROM group_members m WHERE m.group_id = g.id) AS members
      FROM groups g WHERE @id IS NULL OR g.id = @id ORDER BY g.id`);
  const existingGroups = sqlite.prepare(`SELECT g.id FROM json_each(?) k JOIN groups g ON g.id = k.value`).pluck(true);

  type UserRow = { id: string; name: string; email: string | null; createdAt: string; groups: string };
  type GroupRow = { id: string; name: string; description: string | null; createdAt: string; members: string };
  const ids = (json: string) => (JSON.parse(json) as string[]).sort();

  return {
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    insertToken(row: { id: string; hash: string; role: Role; userId: string; label?: string }): void {
      db.insert(tokens)
        .values({ ...row, label: row.label ?? null })
        .run();
    },
    activeTokenByHash(hash: string): TokenIdentity | undefined {
      return activeByHash.get(hash) as TokenIdentity | undefined;
    },
    groupsOf(userId: string): string[] {
      return JSON.parse(groupsOfUser.get(userId) as string) as string[];
    },
    revokeToken(id: string, at: string): boolean {
      return (
        db
          .update(tokens)
          .set({ revokedAt: at })
          .where(and(eq(tokens.id, id), isNull(tokens.revokedAt)))
          .run().changes > 0
      );
    },
    listTokens() {
      return db
        .select({ id: tokens.id, role: tokens.role, user: tokens.userId, label: tokens.label, createdAt: tokens.createdAt, revokedAt: tokens.revokedAt })
        .from(tokens)
        .orderBy(asc(tokens.createdAt))
        .all();
    },

    insertUser(row: { id: string; name: string; email: string | null }): void {
      db.insert(users).values(row).run();
    },
    /** Makes the user unless it exists (femto's own users, which an older database may lack). */
    ensureUser(row: { id: string; name: string }): void {
      db.insert(users).values(row).onConflictDoNothing().run();
    },
    users(id?: string) {
      return (usersStmt.all({ id: id ?? null }) as UserRow[]).map((u) => ({ ...u, groups: ids(u.groups) }));
    },

    insertGroup(row: { id: string; name: string; description: string | null }): void {
      db.insert(groups).values(row).run();
    },
    groups(id?: string) {
      return (groupsStmt.all({ id: id ?? null }) as GroupRow[]).map((g) => ({ ...g, members: ids(g.members) }));
    },
    /** The ids among `ids` that name groups, in one statement. */
    existingGroups(ids: readonly string[]): string[] {
      return existingGroups.all(JSON.stringify(ids)) as string[];
    },
    addMember(groupId: string, userId: string): boolean {
      return db.insert(groupMembers).values({ groupId, userId }).onConflictDoNothing().run().changes > 0;
    },
    removeMember(groupId: string, userId: string): boolean {
      return (
        db
          .delete(groupMembers)
          .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
          .run().changes > 0
      );
    },

    insertAudit(entry: AuditRow): void {
      audit.run(entry);
    },
    /** Entries in one statement, in order. */
    insertAudits(entries: readonly AuditRow[]): void {
      auditMany.run(JSON.stringify(entries));
    },
    auditFor(entityType: string, entityId: string) {
      return db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
        .all();
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
