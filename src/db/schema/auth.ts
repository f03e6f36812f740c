import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, timestamp } from './common.js';
import { users } from './access.js';

/** API tokens: only a SHA-256 of the secret is stored. The role is the token's; whose records it reaches is its user's. */
export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    hash: text('hash').notNull(),
    role: text('role', { enum: ['reader', 'curator', 'admin'] }).notNull(),
    /** Set on every token (the migration gave older tokens the `default` user). */
    userId: text('user_id').references(() => users.id),
    label: text('label'),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at'),
  },
  (t) => [uniqueIndex('tokens_hash_uq').on(t.hash)],
);

/** Every write: who (the user) on whose credentials (the token, `actor`), when, what, and digests of the record before and after. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: createdAt(),
    /** The token id ('admin-env' for FEMTO_ADMIN_TOKEN, 'cli', 'system:catalog'). */
    actor: text('actor').notNull(),
    userId: text('user_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    beforeDigest: text('before_digest'),
    afterDigest: text('after_digest'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId)],
);
