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
  /** JSON text of the array of `expr` over the rows of a subquery's FROM ... WHERE, in `orderBy` order. */
  jsonArray(expr: string, orderBy: string): string;
  /** A JSON object of these fields (name: SQL expression), in this order; an element for jsonArray. */
  jsonObject(fields: Record<string, string>): string;
  /** 'array', 'object', 'text', ... of a JSON value (NULL for none). */
  jsonType(expr: string): string;
  /** The larger of two values. */
  greatest(a: string, b: string): string;
  /** Now, as the ISO-8601 text femto stores (UTC, milliseconds, `Z`). */
  now: string;
}

const objectArgs = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, expr]) => `'${name}', ${expr}`)
    .join(', ');

const sqlite: SqlDialect = {
  each: (array, alias) => `json_each(${array}) ${alias}`,
  jsonArray: (expr, orderBy) => `json_group_array(${expr} ORDER BY ${orderBy})`,
  jsonObject: (fields) => `json_object(${objectArgs(fields)})`,
  jsonType: (expr) => `json_type(${expr})`,
  greatest: (a, b) => `max(${a}, ${b})`,
  now: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
};

const postgres: SqlDialect = {
  each: (array, alias, type) =>
    type === 'json'
      ? `jsonb_array_elements(CAST(${array} AS jsonb)) AS ${alias}(value)`
      : `(SELECT ${type === 'integer' ? 'CAST(e AS bigint)' : 'e'} AS value FROM jsonb_array_elements_text(CAST(${array} AS jsonb)) AS e) ${alias}`,
  jsonArray: (expr, orderBy) => `CAST(coalesce(json_agg(${expr} ORDER BY ${orderBy}), '[]') AS text)`,
  jsonObject: (fields) => `json_build_object(${objectArgs(fields)})`,
  jsonType: (expr) => `jsonb_typeof(${expr})`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
  now: `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

export const dialects: Record<Dialect, SqlDialect> = { sqlite, postgres };
