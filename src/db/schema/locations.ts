import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, timestamp } from './common.js';

/**
 * The named sites replicas live at (a lab's storage element, a mirror, an object store), kept by
 * admins over REST: a replica names its site by id, so a site that replicas name cannot go.
 */
export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  /** The site's own page (its operator, its access rules). */
  homepage: text('homepage'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at').notNull(),
});

/** What the last check of a replica found (`femto locations verify`). */
export const VERIFY_RESULTS = ['ok', 'missing', 'size-mismatch', 'checksum-mismatch', 'timeout', 'unreachable', 'unsupported'] as const;
export type VerifyResult = (typeof VERIFY_RESULTS)[number];
