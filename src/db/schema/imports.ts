import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { timestamp } from './common.js';

/**
 * Import units already applied, by format and stable key, with a digest of what was applied: a
 * re-run (after an interruption, or of the same file) skips a unit whose digest is unchanged. Each
 * row is written in the transaction of its unit, so it exists exactly when the unit's changes do.
 */
export const importLedger = sqliteTable(
  'import_ledger',
  {
    format: text('format').notNull(),
    key: text('key').notNull(),
    digest: text('digest').notNull(),
    status: text('status', { enum: ['created', 'updated', 'unchanged'] }).notNull(),
    /** The main entity the unit wrote (a dataset or activity id), for answers that link it. */
    subject: text('subject'),
    location: text('location'),
    appliedAt: timestamp('applied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.format, t.key] })],
);
