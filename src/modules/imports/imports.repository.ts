import type { Database_ } from '../../db/client.js';
import type { AppliedStatus } from './imports.schema.js';

export interface LedgerEntry {
  key: string;
  digest: string;
  status: AppliedStatus;
  subject: string | null;
  location: string | null;
}

export function createImportsRepository({ sqlite }: Database_) {
  // A batch of keys is looked up in one statement (the keys travel as one JSON array).
  const doneStmt = sqlite.prepare(`
    SELECT l.key, l.digest, l.status, l.subject, l.location
      FROM json_each(@keys) k CROSS JOIN import_ledger l ON l.format = @format AND l.key = k.value`);
  const recordStmt = sqlite.prepare(`
    INSERT INTO import_ledger (format, key, digest, status, subject, location, applied_at) VALUES (@format, @key, @digest, @status, @subject, @location, @at)
    ON CONFLICT (format, key) DO UPDATE SET digest = excluded.digest, status = excluded.status, subject = excluded.subject, location = excluded.location, applied_at = excluded.applied_at`);

  return {
    /** Runs fn in one transaction; nested in another, a savepoint (one unit inside its batch). */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    done(format: string, keys: readonly string[]): Map<string, LedgerEntry> {
      if (!keys.length) return new Map();
      const rows = doneStmt.all({ format, keys: JSON.stringify(keys) }) as LedgerEntry[];
      return new Map(rows.map((r) => [r.key, r]));
    },

    record(format: string, entry: LedgerEntry, at: string): void {
      recordStmt.run({ format, ...entry, at });
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
