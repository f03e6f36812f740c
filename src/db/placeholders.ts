/**
 * The repositories' SQL as PostgreSQL takes it, rewritten once per SQL text:
 * - `?` and `@name` become `$1, $2, ...`, one per occurrence (a name used twice binds its value twice): PostgreSQL
 *   types each `$n` from its context, and an occurrence such as `@since IS NULL` has none, so it is cast to text
 *   there — which, with one `$n` shared, would also make `modified_at > @since` compare text with whatever the column is;
 * - a bare mixed-case word is quoted: PostgreSQL folds unquoted names to lower case, so `AS datasetId` would come
 *   back as `datasetid`; every table and column is snake_case, so such a word can only be an alias.
 * String literals, quoted identifiers, comments and dollar-quoted bodies pass through untouched. The SQL is read as
 * SQLite reads it: a `?` is always a parameter and `@name` always a named one, so PostgreSQL's jsonb `?` operators
 * (use jsonb_exists) and `<@` glued to a name cannot be written. `E'...'` strings, where a backslash escapes a quote,
 * would be misread: they are refused when the statement is prepared.
 */

export type Slot = { kind: 'positional'; index: number } | { kind: 'named'; name: string };

export interface Translated {
  text: string;
  /** Where each `$n` takes its value from, in order. */
  slots: Slot[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;
const NULL_TEST = /^\s+IS\s+(NOT\s+)?NULL\b/i;

/** The end (exclusive) of the quoted run starting at i with `quote`, where a doubled quote escapes it. */
function quotedEnd(sql: string, i: number, quote: string): number {
  let j = i + 1;
  for (;;) {
    const k = sql.indexOf(quote, j);
    if (k < 0) return sql.length;
    if (sql[k + 1] === quote) j = k + 2;
    else return k + 1;
  }
}

/** The end of a dollar-quoted body starting at i (`$tag$ ... $tag$`), or -1 when `$` does not open one. */
function dollarEnd(sql: string, i: number): number {
  const open = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
  if (!open) return -1;
  const close = sql.indexOf(open[0], i + open[0].length);
  return close < 0 ? sql.length : close + open[0].length;
}

const mixedCase = (word: string) => /[a-z]/.test(word) && /[A-Z]/.test(word);

export function translate(sql: string): Translated {
  const slots: Slot[] = [];
  let out = '';
  let positional = 0;
  const param = (slot: Slot, rest: number) => {
    slots.push(slot);
    const ref = `$${slots.length}`;
    out += NULL_TEST.test(sql.slice(rest, rest + 32)) ? `CAST(${ref} AS text)` : ref;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    let end = -1;
    if (c === "'" || c === '"') end = quotedEnd(sql, i, c);
    else if (c === '-' && sql[i + 1] === '-') end = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*') end = sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2;
    else if (c === '$') end = dollarEnd(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (c === '?') {
      param({ kind: 'positional', index: positional++ }, i + 1);
      i++;
      continue;
    }
    if (c === '@' && IDENT_START.test(sql[i + 1] ?? '') && sql[i - 1] !== '@') {
      let j = i + 1;
      while (j < sql.length && IDENT.test(sql[j])) j++;
      param({ kind: 'named', name: sql.slice(i + 1, j) }, j);
      i = j;
      continue;
    }
    if (IDENT_START.test(c) || /[0-9]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && IDENT.test(sql[j])) j++;
      const word = sql.slice(i, j);
      if ((word === 'E' || word === 'e') && sql[j] === "'")
        throw new RangeError(`an E'...' string's backslash escapes are not read here: write a standard string in: ${sql}`);
      out += IDENT_START.test(c) && mixedCase(word) ? `"${word}"` : word;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return { text: out, slots };
}

/** The values of a statement's `$n` from the parameters a repository passes (an array, one value, or an object of names). */
export function bindSlots(slots: readonly Slot[], params: unknown, sql: string): unknown[] {
  const positional: readonly unknown[] = params === undefined ? [] : Array.isArray(params) ? params : [params];
  const named = params !== null && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
  return slots.map((slot) => {
    if (slot.kind === 'positional') {
      if (slot.index >= positional.length) throw new RangeError(`too few parameters (${positional.length}) for: ${sql}`);
      return driverValue(positional[slot.index]);
    }
    if (!named || !(slot.name in named)) throw new RangeError(`missing named parameter @${slot.name} for: ${sql}`);
    return driverValue(named[slot.name]);
  });
}

/** A value as SQLite's driver would take it, for PostgreSQL: undefined is NULL, bigint is its decimal text. */
function driverValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  return v;
}
