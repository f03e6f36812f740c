import { sqliteTable, integer } from 'drizzle-orm/sqlite-core';

/**
 * One row (id 1) counting writes to the provenance graph. The provenance repository bumps it in
 * the same transaction as every activity insert, so a lineage snapshot held in memory by any
 * process on this database knows it is stale by comparing one integer. No row means generation 0.
 */
export const provenanceGeneration = sqliteTable('provenance_generation', {
  id: integer('id').primaryKey(),
  generation: integer('generation').notNull(),
});
