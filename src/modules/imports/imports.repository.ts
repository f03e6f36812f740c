import { savepointRunner, transactionRunner, type Database_ } from '../../db/client.js';
import { deferredChanges } from '../../db/deferred-changes.js';
import type { AppliedStatus } from './imports.schema.js';

export interface LedgerEntry {
  key: string;
  digest: string;
  status: AppliedStatus;
  subject: string | null;
  location: string | null;
}

/**
 * Page cache for bulk batches (KiB): each batch writes into every index of a dozen tables, and past SQLite's default
 * 2 MiB cache it reads back pages it wrote moments before. Durability is untouched (synchronous and journal stay).
 */
export const BULK_CACHE_KIB = 64 * 1024;

export function createImportsRepository({ sqlite }: Database_) {
  const inTransaction = transactionRunner(sqlite);
  const inSavepoint = savepointRunner(sqlite);
  const deferred = deferredChanges(sqlite);
  // A batch of keys is looked up in one statement (the keys travel as one JSON array). CROSS JOIN keeps the keys the
  // outer loop: otherwise the planner may range over the format's whole ledger and probe the keys for each row.
  const doneStmt = sqlite.prepare(`
    SELECT l.key, l.digest, l.status, l.subject, l.location
      FROM json_each(@keys) k CROSS JOIN import_ledger l ON l.format = @format AND l.key = k.value`);
  const recordManyStmt = sqlite.prepare(`
    INSERT INTO import_ledger (format, key, digest, status, subject, location, applied_at)
    SELECT @format, value->>'key', value->>'digest', value->>'status', value->>'subject', value->>'location', value->>'at' FROM json_each(@entries) WHERE true
    ON CONFLICT (format, key) DO UPDATE SET digest = excluded.digest, status = excluded.status, subject = excluded.subject, location = excluded.location, applied_at = excluded.applied_at`);
  const recordStmt = sqlite.prepare(`
    INSERT INTO import_ledger (format, key, digest, status, subject, location, applied_at) VALUES (@format, @key, @digest, @status, @subject, @location, @at)
    ON CONFLICT (format, key) DO UPDATE SET digest = excluded.digest, status = excluded.status, subject = excluded.subject, location = excluded.location, applied_at = excluded.applied_at`);

  const bulkCache = () => {
    if (-(sqlite.pragma('cache_size', { simple: true }) as number) < BULK_CACHE_KIB) sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  };

  return {
    /** Runs fn in one transaction (a batch of units). */
    transaction<T>(fn: () => T): T {
      return inTransaction(fn);
    },

    /** Runs fn in one transaction with the change counters of the step edges it writes counted once at its end (a batch of units applied one at a time). */
    batch<T>(fn: () => T): T {
      bulkCache();
      return inTransaction(() => deferred.run(fn));
    },

    /** As batch, with the counters of new versions counted at its end too: fn writes versions only as new records' published first ones (runBulk). */
    bulkBatch<T>(fn: () => T): T {
      bulkCache();
      return inTransaction(() => deferred.runBulk(fn));
    },

    /** Runs fn in a savepoint of the batch: a refused unit is rolled back alone and the batch goes on. */
    savepoint<T>(fn: () => T): T {
      return inSavepoint(fn);
    },

    done(format: string, keys: readonly string[]): Map<string, LedgerEntry> {
      if (!keys.length) return new Map();
      const rows = doneStmt.all({ format, keys: JSON.stringify(keys) }) as LedgerEntry[];
      return new Map(rows.map((r) => [r.key, r]));
    },

    record(format: string, entry: LedgerEntry, at: string): void {
      recordStmt.run({ format, ...entry, at });
    },

    /** Many entries, in order, in one statement. */
    recordMany(format: string, entries: readonly (LedgerEntry & { at: string })[]): void {
      if (entries.length) recordManyStmt.run({ format, entries: JSON.stringify(entries) });
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
