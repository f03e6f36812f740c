import t from 'tap';
import fc from 'fast-check';
import { deepStrictEqual } from 'node:assert';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { postgresPort } from '../../src/db/postgres.js';
import { ftsQuery, TSQUERY, tsQuery } from '../../src/modules/search/search.repository.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

/**
 * FTS5 decides: for any records made of words, separators and accents, and any text typed into the search box, the
 * PostgreSQL document and tsquery (schema-pg/search.ts, tsQuery) match the same records as FTS5's table and ftsQuery.
 * Left out of the words: what unaccent folds further than unicode61 (ß, æ, ½, full-width letters; docs/database.md).
 */
const WORDS = [
  'lattice',
  'Lattice',
  'QCD',
  'qcd',
  'Résumé',
  'RESUME',
  'école',
  'ÉCOLE',
  'f21',
  'chiral',
  '3',
  '14',
  'v1',
  'alpha',
  'beta',
  'xy',
  'L³',
  'naïve',
  'Ωmega',
  'Straat',
];
const SEPARATORS = [' ', ' ', '-', '_', '.', '@', '/', "'", '—', '×', ', ', ' (', ') ', ':'];
/** In the search box: more underscores, which make phrases. */
const TYPED_SEPARATORS = [...SEPARATORS, '_', '_', '_'];
const SYNTAX = ['"', '*', '(', ')', ':', '^', '-', '+', 'OR', 'AND', 'NOT', 'NEAR', '{', '}', '\\', "'"];

const text = (parts: fc.Arbitrary<string>, most: number, separators = SEPARATORS) =>
  fc.array(fc.tuple(parts, fc.constantFrom(...separators)), { minLength: 1, maxLength: most }).map((ws) =>
    ws
      .map(([w, s]) => w + s)
      .join('')
      .trim(),
  );
const record = fc.record({
  title: text(fc.constantFrom(...WORDS), 4),
  description: text(fc.constantFrom(...WORDS), 4),
  keywords: text(fc.constantFrom(...WORDS), 4),
});
/** A word, a prefix of one, or FTS5 syntax. */
const typed = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.tuple(fc.constantFrom(...WORDS), fc.nat(4)).map(([w, n]) => w.slice(0, Math.max(1, w.length - n))),
  fc.constantFrom(...SYNTAX),
);

const wordsOf = (s: string) => s.match(/[\p{L}\p{N}]+/gu) ?? [];
/** A phrase from one field's last word to the next field's first: FTS5 matches it only where it stands within one field. */
const across = (records: { title: string; description: string; keywords: string }[]) =>
  fc.constantFrom(...records).map((r) => `${wordsOf(r.title).at(-1)}_${wordsOf(r.description)[0]}`);

t.test('FTS5 and the PostgreSQL document match the same records for any text', requires(t, postgres()), async (t) => {
  const lite = openDatabase(':memory:');
  applyMigrations(lite);
  t.teardown(() => lite.close());
  const pg = postgresPort({ url: await pgDatabase(t, { migrated: true }) });
  t.teardown(() => pg.close());
  const liteMatch = lite.prepare<{ rowid: number }>('SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH @fts ORDER BY rowid');
  const pgMatch = pg.prepare<{ rowid: number }>(`SELECT rowid FROM dataset_fts WHERE document @@ ${TSQUERY} ORDER BY rowid`);
  const matched = async (stmt: typeof liteMatch, fts: string | null) => (fts === null ? [] : (await stmt.all({ fts })).map((r) => r.rowid));

  await fc.assert(
    fc.asyncProperty(
      fc
        .array(record, { minLength: 1, maxLength: 6 })
        .chain((records) =>
          fc.tuple(fc.constant(records), fc.array(fc.oneof(text(typed, 3, TYPED_SEPARATORS), across(records)), { minLength: 1, maxLength: 4 })),
        ),
      async ([records, queries]) => {
        for (const db of [lite, pg]) {
          await db.exec('DELETE FROM dataset_fts');
          for (const [i, r] of records.entries())
            await db
              .prepare('INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (?, ?, ?, ?)')
              .run([i + 1, r.title, r.description, r.keywords]);
        }
        for (const q of queries) deepStrictEqual(await matched(pgMatch, tsQuery(q)), await matched(liteMatch, ftsQuery(q)), `q = ${JSON.stringify(q)}`);
      },
    ),
    { numRuns: 150 },
  );
  t.pass('the same records on both for every text');
});
