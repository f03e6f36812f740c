import { sqliteTable, text, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { createdAt } from './common.js';

/**
 * People (and femto's own system users) that tokens act for. A token belongs to one user; records
 * are owned by the user whose token created them. `admin` (FEMTO_ADMIN_TOKEN and the CLI),
 * `default` (tokens made without a user, and every token issued before users existed) and
 * `catalog` (the bundled catalog) are made by the migration that introduced users.
 */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email'),
  createdAt: createdAt(),
});

/** A collaboration or consortium (sPHENIX, ePIC, a lattice consortium): records shared with it are visible to its members and editable by its curators. */
export const groups = sqliteTable('groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  createdAt: createdAt(),
});

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);
