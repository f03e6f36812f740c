// PostgreSQL twin of ../schema/agents.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, text, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { createdAt } from './common.js';

export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['person', 'organization', 'software'] }).notNull(),
    name: text('name').notNull(),
    orcid: text('orcid'),
    ror: text('ror'),
    url: text('url'),
    affiliation: text('affiliation'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agents_orcid_uq').on(t.orcid), uniqueIndex('agents_ror_uq').on(t.ror), index('agents_name_idx').on(t.kind, t.name)],
);
