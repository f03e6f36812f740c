import { customType, pgTable, text, bigint, index } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * What unicode61 takes for a word character besides ICU's alphanumerics (letters, decimal digits): the other numbers
 * physics writes (superscripts, subscripts, fractions, Roman numerals) and combining marks (an accent typed apart
 * from its letter stays in the word, as in FTS5; unaccent then drops it). Everything else separates words. Spelled
 * with \u escapes, which PostgreSQL's regular expressions and JavaScript's (flag u) both read: search.repository.ts
 * cuts query words with the same class.
 */
export const MORE_WORD_CHARS = String.raw`\u00b2\u00b3\u00b9\u00bc-\u00be\u2070\u2074-\u2079\u2080-\u2089\u2150-\u2189\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f`;

/**
 * One column's words as FTS5's unicode61 tokenizer cuts them: PostgreSQL's own parser keeps compounds whole
 * (`3.14`, `v1.2.3`, `a@b.org`, a URL) and adds the parts of a hyphenated word after it, so its tokens and their
 * positions would differ. Every run of non-word characters becomes a space first, and the text is lower-cased by
 * ICU (the database's C ctype folds ASCII only). The weight tells the columns apart, so that a phrase matches
 * within one column, as in FTS5.
 */
const words = (column: string, weight: 'A' | 'B' | 'C') =>
  `setweight(to_tsvector('femto_search'::regconfig, regexp_replace(lower(coalesce(${column}, '') COLLATE "und-x-icu"), '[^[:alnum:]${MORE_WORD_CHARS}]+', ' ', 'g')), '${weight}')`;

/**
 * The full-text index of every dataset version: SQLite's FTS5 table `dataset_fts` (migration
 * search_index), with the same columns so the repository writes it with the same statements;
 * `document` is what a search matches, kept by PostgreSQL. The `femto_search` configuration
 * removes accents and does not stem or drop stop words, as unicode61 with remove_diacritics does
 * (migration text-search).
 */
export const datasetFts = pgTable(
  'dataset_fts',
  {
    rowid: bigint('rowid', { mode: 'number' }).primaryKey(),
    title: text('title'),
    description: text('description'),
    keywords: text('keywords'),
    document: tsvector('document').generatedAlwaysAs((): SQL => sql.raw(`${words('title', 'A')} || ${words('description', 'B')} || ${words('keywords', 'C')}`)),
  },
  (t) => [index('dataset_fts_document_idx').using('gin', t.document)],
);
