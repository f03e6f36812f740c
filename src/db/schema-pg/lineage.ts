// PostgreSQL twin of ../schema/lineage.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.
import { pgTable, bigint } from 'drizzle-orm/pg-core';

export const provenanceGeneration = pgTable('provenance_generation', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull(),
});
