import { sqliteTable, text, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { createdAt } from './common.js';

/** prov:Agent — a person (ORCID), an organisation (ROR) or a piece of software. */
export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['person', 'organization', 'software'] }).notNull(),
    name: text('name').notNull(),
    orcid: text('orcid'),
    ror: text('ror'),
    url: text('url'),
    /** Free-text affiliation when no organisation record exists for it. */
    affiliation: text('affiliation'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agents_orcid_uq').on(t.orcid), uniqueIndex('agents_ror_uq').on(t.ror), index('agents_name_idx').on(t.kind, t.name)],
);
