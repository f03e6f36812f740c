import type { Database } from '../../db/port.js';
import { tableRows } from '../../db/rows.js';
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

export function createAuthRepository(db: Database) {
  const tokenRows = tableRows(db, tokens);
  const userRows = tableRows(db, users);
  const groupRows = tableRows(db, groups);
  const memberRows = tableRows(db, groupMembers);
  const auditRows = tableRows(db, auditLog);
  const revokeStmt = db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const listTokensStmt = db.prepare(
    'SELECT id, role, user_id AS user, label, created_at AS createdAt, revoked_at AS revokedAt FROM tokens ORDER BY created_at',
  );
  const removeMemberStmt = db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?');
  const auditForStmt = db.prepare(`${auditRows.select} WHERE entity_type = ? AND entity_id = ?`);
  // Every authenticated request looks its token up, with its user's groups: one statement, prepared once.
  // Every write is audited: prepared once.
  const audit = db.prepare(`
    INSERT INTO audit_log (actor, user_id, action, entity_type, entity_id, before_digest, after_digest, created_at)
    VALUES (@actor, @userId, @action, @entityType, @entityId, @beforeDigest, @afterDigest, @at)`);
  const auditMany = db.prepare(`
    INSERT INTO audit_log (actor, user_id, action, entity_type, entity_id, before_digest, after_digest, created_at)
    SELECT value->>'actor', value->>'userId', value->>'action', value->>'entityType', value->>'entityId', value->>'beforeDigest', value->>'afterDigest', value->>'at'
      FROM ${db.sql.each('?', 'k', 'json')}`);
  const groupIds = db.sql.jsonArray('m.group_id', 'm.group_id');
  const activeByHash = db.prepare(`
    SELECT t.id, t.role, t.user_id AS userId, (SELECT ${groupIds} FROM group_members m WHERE m.user_id = t.user_id) AS groups
      FROM tokens t WHERE t.hash = ? AND t.revoked_at IS NULL`);
  const groupsOfUser = db.prepare(`SELECT ${groupIds} FROM group_members m WHERE m.user_id = ?`);
  const usersStmt = db.prepare(`
    SELECT u.id, u.name, u.email, u.created_at AS createdAt, (SELECT ${groupIds} FROM group_members m WHERE m.user_id = u.id) AS groups
      FROM users u WHERE @id IS NULL OR u.id = @id ORDER BY u.id`);
  const groupsStmt = db.prepare(`
    SELECT g.id, g.name, g.description, g.created_at AS createdAt, (SELECT ${db.sql.jsonArray('m.user_id', 'm.user_id')} FROM group_members m WHERE m.group_id = g.id) AS members
      FROM groups g WHERE @id IS NULL OR g.id = @id ORDER BY g.id`);
  const existingGroups = db.prepare(`SELECT g.id FROM ${db.sql.each('?', 'k', 'text')} JOIN groups g ON g.id = k.value`);

  type UserRow = { id: string; name: string; email: string | null; createdAt: string; groups: string };
  type GroupRow = { id: string; name: string; description: string | null; createdAt: string; members: string };
  const ids = (json: string) => (JSON.parse(json) as string[]).sort();

  return {
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    async insertToken(row: { id: string; hash: string; role: Role; userId: string; label?: string }): Promise<void> {
      await tokenRows.insert({ ...row, label: row.label ?? null });
    },
    async activeTokenByHash(hash: string): Promise<TokenIdentity | undefined> {
      return (await activeByHash.get(hash)) as TokenIdentity | undefined;
    },
    async groupsOf(userId: string): Promise<string[]> {
      return JSON.parse((await groupsOfUser.scalar(userId)) as string) as string[];
    },
    async revokeToken(id: string, at: string): Promise<boolean> {
      return (await revokeStmt.run([at, id])).changes > 0;
    },
    listTokens() {
      return listTokensStmt.all() as Promise<
        { id: string; role: Role; user: string | null; label: string | null; createdAt: string; revokedAt: string | null }[]
      >;
    },

    async insertUser(row: { id: string; name: string; email: string | null }): Promise<void> {
      await userRows.insert(row);
    },
    /** Makes the user unless it exists (femto's own users, which an older database may lack). */
    async ensureUser(row: { id: string; name: string }): Promise<void> {
      await userRows.insert(row, true);
    },
    async users(id?: string) {
      return ((await usersStmt.all({ id: id ?? null })) as UserRow[]).map((u) => ({ ...u, groups: ids(u.groups) }));
    },

    async insertGroup(row: { id: string; name: string; description: string | null }): Promise<void> {
      await groupRows.insert(row);
    },
    async groups(id?: string) {
      return ((await groupsStmt.all({ id: id ?? null })) as GroupRow[]).map((g) => ({ ...g, members: ids(g.members) }));
    },
    /** The ids among `ids` that name groups, in one statement. */
    async existingGroups(ids: readonly string[]): Promise<string[]> {
      return (await existingGroups.column(JSON.stringify(ids))) as string[];
    },
    async addMember(groupId: string, userId: string): Promise<boolean> {
      return (await memberRows.insert({ groupId, userId }, true)).changes > 0;
    },
    async removeMember(groupId: string, userId: string): Promise<boolean> {
      return (await removeMemberStmt.run([groupId, userId])).changes > 0;
    },

    async insertAudit(entry: AuditRow): Promise<void> {
      await audit.run(entry);
    },
    /** Entries in one statement, in order. */
    async insertAudits(entries: readonly AuditRow[]): Promise<void> {
      await auditMany.run(JSON.stringify(entries));
    },
    async auditFor(entityType: string, entityId: string) {
      return (await auditForStmt.all([entityType, entityId])).map(auditRows.decode);
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
