import { customType, pgTable, text, bigint, index } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * The full-text index of every dataset version: SQLite's FTS5 table `dataset_fts` (migration
 * search_index), with the same columns so the repository writes it with the same statements;
 * `document` is what a search matches, kept by PostgreSQL. The `femto_search` configuration
 * tokenises as FTS5's unicode61 with remove_diacritics does: words case-folded, accents removed,
 * no stemming, no stop words (migration text-search).
 */
export const datasetFts = pgTable(
  'dataset_fts',
  {
    rowid: bigint('rowid', { mode: 'number' }).primaryKey(),
    title: text('title'),
    description: text('description'),
    keywords: text('keywords'),
    document: tsvector('document').generatedAlwaysAs(
      (): SQL => sql`to_tsvector('femto_search'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(keywords, ''))`,
    ),
  },
  (t) => [index('dataset_fts_document_idx').using('gin', t.document)],
);
