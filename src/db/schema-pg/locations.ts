// PostgreSQL twin of ../schema/locations.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, timestamp } from './common.js';

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  homepage: text('homepage'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at').notNull(),
});
