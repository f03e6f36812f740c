// PostgreSQL twin of ../schema/auth.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, index, uniqueIndex, bigint } from 'drizzle-orm/pg-core';
import { createdAt, timestamp } from './common.js';
import { users } from './access.js';

export const tokens = pgTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    hash: text('hash').notNull(),
    role: text('role', { enum: ['reader', 'curator', 'admin'] }).notNull(),
    userId: text('user_id').references(() => users.id),
    label: text('label'),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at'),
  },
  (t) => [uniqueIndex('tokens_hash_uq').on(t.hash)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: createdAt(),
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
