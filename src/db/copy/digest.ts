import { createHash, type Hash } from 'node:crypto';
import type { ColumnKind, CopyColumn } from './plan.js';

/**
 * One value as both dialects are compared on: text and JSON as their exact text, integers in decimal, reals as
 * JavaScript prints a double (shortest exact form), booleans as true/false (SQLite stores 0/1). The same string
 * is the parameter written to PostgreSQL, which parses each back into its column type.
 */
export function canonical(kind: ColumnKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      return String(typeof value === 'boolean' ? value : Number(value) !== 0);
    case 'real':
      return String(Number(value));
    default:
      return String(value);
  }
}

export const canonicalRow = (columns: readonly CopyColumn[], row: readonly unknown[]): (string | null)[] => columns.map((c, i) => canonical(c.kind, row[i]));

/** A running digest of a table: SHA-256 over its rows' canonical encodings (one JSON array a line), in primary-key order. */
export class TableDigest {
  private readonly hash: Hash = createHash('sha256');
  rows = 0;

  add(cells: readonly (string | null)[]): void {
    this.hash.update(JSON.stringify(cells) + '\n');
    this.rows++;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}
