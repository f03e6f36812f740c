import { sql } from 'drizzle-orm';
import { text } from 'drizzle-orm/pg-core';

/**
 * Timestamps are ISO-8601 UTC text here too, formatted exactly as SQLite's default writes them
 * (docs/database.md says why not timestamptz).
 */
export const timestamp = (name: string) => text(name);
export const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
