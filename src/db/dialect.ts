export type Dialect = 'sqlite' | 'postgres';

/**
 * The SQL forms the two dialects spell differently, one named fragment each, in this one place: a
 * repository builds its statements from these once, at creation, so one repository serves both
 * backends. Full-text search differs too much for a fragment: the search repository keeps one
 * query per dialect, selected by `Database.dialect`.
 */
export interface SqlDialect {
  /**
   * A table `alias` with one column `value`: the elements of a JSON array (a parameter such as
   * `@pks`, or a JSON expression), as integers, text, or JSON values whose fields
   * `alias.value ->> 'field'` reads (text on PostgreSQL: CAST what is not text).
   */
  each(array: string, alias: string, type: 'integer' | 'text' | 'json'): string;
  /**
   * As `each(array, alias, 'json')`, with a column `key` too: each element's index in the array (from 0), for the
   * reads that pair rows with their place in the array.
   */
  eachIndexed(array: string, alias: string): string;
  /**
   * JSON text of the array of `expr` over the rows of a subquery's FROM ... WHERE, in `orderBy` order (none: a set,
   * in no set order). `indexed`: the index the subquery searches gives its rows in that order already; SQLite, whose
   * aggregate ORDER BY would sort them again (a temporary b-tree per row of the outer query), takes them as they come.
   */
  jsonArray(expr: string, orderBy?: string, indexed?: boolean): string;
  /** 'array', 'object', 'text', ... of a JSON value (NULL for none). */
  jsonType(expr: string): string;
  /** A JSON object built of `key, value, ...` (SQL expressions, comma-separated). */
  jsonObject(entries: string): string;
  /** A JSON array built of `value, ...` (SQL expressions, comma-separated). */
  jsonTuple(values: string): string;
  /** A JSON text (such as `jsonArray`'s) as a JSON value inside `jsonObject` or `jsonTuple`. */
  json(text: string): string;
  /** A JSON text written into a JSON column (SQLite stores the text as it is). */
  jsonColumn(text: string): string;
  /** The larger of two values. */
  greatest(a: string, b: string): string;
  /** Now, as the ISO-8601 text femto stores (UTC, milliseconds, `Z`). */
  now: string;
}

const sqlite: SqlDialect = {
  each: (array, alias) => `json_each(${array}) ${alias}`,
  eachIndexed: (array, alias) => `json_each(${array}) ${alias}`,
  jsonArray: (expr, orderBy, indexed) => `json_group_array(${expr}${orderBy && !indexed ? ` ORDER BY ${orderBy}` : ''})`,
  jsonType: (expr) => `json_type(${expr})`,
  jsonObject: (entries) => `json_object(${entries})`,
  jsonTuple: (values) => `json_array(${values})`,
  json: (text) => `json(${text})`,
  jsonColumn: (text) => text,
  greatest: (a, b) => `max(${a}, ${b})`,
  now: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
};

const postgres: SqlDialect = {
  each: (array, alias, type) =>
    type === 'json'
      ? `jsonb_array_elements(CAST(${array} AS jsonb)) AS ${alias}(value)`
      : `(SELECT ${type === 'integer' ? 'CAST(e AS bigint)' : 'e'} AS value FROM jsonb_array_elements_text(CAST(${array} AS jsonb)) AS e) ${alias}`,
  eachIndexed: (array, alias) => `(SELECT e.value, e.n - 1 AS key FROM jsonb_array_elements(CAST(${array} AS jsonb)) WITH ORDINALITY AS e(value, n)) ${alias}`,
  jsonArray: (expr, orderBy) => `CAST(coalesce(json_agg(${expr}${orderBy ? ` ORDER BY ${orderBy}` : ''}), '[]') AS text)`,
  jsonType: (expr) => `jsonb_typeof(${expr})`,
  jsonObject: (entries) => `json_build_object(${entries})`,
  jsonTuple: (values) => `json_build_array(${values})`,
  json: (text) => `CAST(${text} AS json)`,
  jsonColumn: (text) => `CAST(${text} AS json)`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
  now: `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

export const dialects: Record<Dialect, SqlDialect> = { sqlite, postgres };
