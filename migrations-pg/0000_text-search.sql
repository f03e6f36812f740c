-- Full-text search as FTS5's unicode61 tokenizer with remove_diacritics does it (migrations/0001_search_index.sql):
-- words case-folded with accents removed, no stemming, no stop words. unaccent is a trusted extension: the owner of
-- the database may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION femto_search (COPY = pg_catalog.simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION femto_search ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;
