import t from 'tap';
import fc from 'fast-check';
import { bindSlots, translate } from '../../src/db/placeholders.js';

/*
 * The repositories' SQLite-style parameters and aliases as PostgreSQL takes them. Expected texts are written out by
 * hand from PostgreSQL's rules (numbered `$n` parameters, unquoted names folded to lower case), not produced by the code.
 */

t.test('positional and named values', async (t) => {
  const positional = translate('INSERT INTO kv (k, v) VALUES (?, ?)');
  t.equal(positional.text, 'INSERT INTO kv (k, v) VALUES ($1, $2)');
  t.same(bindSlots(positional.slots, ['a', 1], ''), ['a', 1]);
  t.same(bindSlots(translate('SELECT ?').slots, 'one', ''), ['one'], 'one value for one ?');
  const named = translate('SELECT * FROM t WHERE a = @id OR b = @id');
  t.equal(named.text, 'SELECT * FROM t WHERE a = $1 OR b = $2');
  t.same(bindSlots(named.slots, { id: 'x' }, ''), ['x', 'x'], 'a name used twice binds its value twice');
  t.same(bindSlots(translate('SELECT @a, @b').slots, { a: undefined, b: 10n }, ''), [null, '10'], 'undefined is NULL, bigint its decimal text');
  t.throws(() => bindSlots(named.slots, { other: 1 }, 'SQL'), /missing named parameter @id/);
  t.throws(() => bindSlots(positional.slots, ['a'], 'SQL'), /too few parameters/);
});

t.test('a parameter tested for NULL is cast to text there, and only there', async (t) => {
  t.equal(
    translate('SELECT * FROM t WHERE (@since IS NULL OR modified_at > @since) AND (@kind IS  not  NULL)').text,
    'SELECT * FROM t WHERE (CAST($1 AS text) IS NULL OR modified_at > $2) AND (CAST($3 AS text) IS  not  NULL)',
  );
  t.equal(translate('SELECT ? ISNULL').text, 'SELECT $1 ISNULL', 'only the IS NULL form');
});

t.test('mixed-case words are quoted; keywords, snake_case names and literals are not', async (t) => {
  t.equal(
    translate(`SELECT d.id AS datasetId, count(*) AS n, CAST(x AS TEXT) FROM datasets d ORDER BY datasetId DESC`).text,
    `SELECT d.id AS "datasetId", count(*) AS n, CAST(x AS TEXT) FROM datasets d ORDER BY "datasetId" DESC`,
  );
  t.equal(translate(`SELECT "keptAs" FROM t WHERE a = 'don''t @x ? camelCase'`).text, `SELECT "keptAs" FROM t WHERE a = 'don''t @x ? camelCase'`);
  t.equal(translate('SELECT 1 -- why? @no camelCase\n, ?').text, 'SELECT 1 -- why? @no camelCase\n, $1');
  t.equal(translate('SELECT /* ? @a aB */ ?').text, 'SELECT /* ? @a aB */ $1');
  t.equal(translate('SELECT $body$ ? @a aB $body$, $$?$$, ?').text, 'SELECT $body$ ? @a aB $body$, $$?$$, $1');
  t.equal(translate("SELECT tsv @@ to_tsquery('simple', @q)").text, "SELECT tsv @@ to_tsquery('simple', $1)", 'the @@ operator is no parameter');
  t.equal(translate('SELECT 1e5, x2Y').text, 'SELECT 1e5, "x2Y"');
});

t.test('SQL is read as SQLite reads it; what that would misread is refused', async (t) => {
  t.equal(translate(`SELECT ?||'%', ?&1, ?|2`).text, `SELECT $1||'%', $2&1, $3|2`, 'a ? before || & | is a parameter, as in SQLite');
  t.equal(translate('SELECT * FROM t WHERE n<@max').text, 'SELECT * FROM t WHERE n<$1', '<@name is less than a parameter');
  t.throws(() => translate(`SELECT * FROM t WHERE a = E'it\\'s ?'`), /E'...' string/);
  t.equal(translate(`SELECT name FROM t WHERE type = 'e'`).text, `SELECT name FROM t WHERE type = 'e'`, "a word e before a space is no E''");
});

t.test('text outside parameters and mixed-case words passes through unchanged', async () => {
  // Any SQL made of lower-case words, numbers, punctuation and literals without ? or @ is left exactly as it was.
  const piece = fc.oneof(
    fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
    fc.stringMatching(/^[A-Z_]{1,8}$/),
    fc.stringMatching(/^[0-9]{1,5}$/),
    fc.constantFrom(' ', ', ', '(', ')', ' = ', '.', '*', '||', "'it''s ? @x aB'", '"quotedName"', '-- ? aB\n', '/* @p */'),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const sql = pieces.join(' ');
      const { text, slots } = translate(sql);
      return text === sql && slots.length === 0;
    }),
  );
});
