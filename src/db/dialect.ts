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
  /**
   * Reads inside a JSON document (a JSON column, or JSON text) by member names (literals of the code, never input):
   * the SQL value at a path (text on PostgreSQL), the JSON type of a member ('array', 'object', ...), and the
   * elements of a member array as `each(..., 'json')` gives them. SQLite's path forms read the document once,
   * where `->` would write the member out as text to read it again.
   */
  jsonValue(json: string, ...keys: string[]): string;
  memberType(json: string, key: string): string;
  eachMember(json: string, key: string, alias: string): string;
  /** The smaller of two values. */
  least(a: string, b: string): string;
  /**
   * A column in a condition that must not choose an index: SQLite's unary `+` (its planner would walk an index
   * of mostly NULLs for `IS NULL`); PostgreSQL's planner weighs its statistics and needs no hint.
   */
  unindexed(column: string): string;
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
  least: (a, b) => `min(${a}, ${b})`,
  jsonValue: (json, ...keys) => `json_extract(${json}, '$.${keys.join('.')}')`,
  memberType: (json, key) => `json_type(${json}, '$.${key}')`,
  eachMember: (json, key, alias) => `json_each(${json}, '$.${key}') ${alias}`,
  unindexed: (column) => `+${column}`,
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
  least: (a, b) => `least(${a}, ${b})`,
  jsonValue: (json, ...keys) => `(CAST(${json} AS json) #>> '{${keys.join(',')}}')`,
  memberType: (json, key) => `json_typeof(CAST(${json} AS json) -> '${key}')`,
  eachMember: (json, key, alias) => `json_array_elements(CAST(${json} AS json) -> '${key}') AS ${alias}(value)`,
  unindexed: (column) => column,
  now: `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

export const dialects: Record<Dialect, SqlDialect> = { sqlite, postgres };
