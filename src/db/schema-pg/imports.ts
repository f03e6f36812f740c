// PostgreSQL twin of ../schema/imports.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, primaryKey } from 'drizzle-orm/pg-core';
import { timestamp } from './common.js';

export const importLedger = pgTable(
  'import_ledger',
  {
    format: text('format').notNull(),
    key: text('key').notNull(),
    digest: text('digest').notNull(),
    status: text('status', { enum: ['created', 'updated', 'unchanged'] }).notNull(),
    subject: text('subject'),
    location: text('location'),
    appliedAt: timestamp('applied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.format, t.key] })],
);
