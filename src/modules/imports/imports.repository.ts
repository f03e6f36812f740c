import type { Database } from '../../db/port.js';
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

export function createImportsRepository(db: Database) {
  const deferred = deferredChanges(db);
  // A batch of keys is looked up in one statement (the keys travel as one JSON array). CROSS JOIN keeps the keys the
  // outer loop: otherwise the planner may range over the format's whole ledger and probe the keys for each row.
  const doneStmt = db.prepare(`
    SELECT l.key, l.digest, l.status, l.subject, l.location
      FROM ${db.sql.each('@keys', 'k', 'text')} CROSS JOIN import_ledger l WHERE l.format = @format AND l.key = k.value`);
  const recordManyStmt = db.prepare(`
    INSERT INTO import_ledger (format, key, digest, status, subject, location, applied_at)
    SELECT @format, k.value->>'key', k.value->>'digest', k.value->>'status', k.value->>'subject', k.value->>'location', k.value->>'at' FROM ${db.sql.each('@entries', 'k', 'json')} WHERE true
    ON CONFLICT (format, key) DO UPDATE SET digest = excluded.digest, status = excluded.status, subject = excluded.subject, location = excluded.location, applied_at = excluded.applied_at`);
  const recordStmt = db.prepare(`
    INSERT INTO import_ledger (format, key, digest, status, subject, location, applied_at) VALUES (@format, @key, @digest, @status, @subject, @location, @at)
    ON CONFLICT (format, key) DO UPDATE SET digest = excluded.digest, status = excluded.status, subject = excluded.subject, location = excluded.location, applied_at = excluded.applied_at`);

  const bulkCache = async () => {
    if (db.dialect === 'sqlite') await db.exec(`PRAGMA cache_size = -${BULK_CACHE_KIB}`);
  };

  return {
    /** Runs fn in one transaction (a batch of units). */
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    /** Runs fn in one transaction with the change counters of the step edges it writes counted once at its end (a batch of units applied one at a time). */
    async batch<T>(fn: () => Promise<T>): Promise<T> {
      await bulkCache();
      return db.transaction(() => deferred.run(fn));
    },

    /** As batch, with the counters of new versions counted at its end too: fn writes versions only as new records' published first ones (runBulk). */
    async bulkBatch<T>(fn: () => Promise<T>): Promise<T> {
      await bulkCache();
      return db.transaction(() => deferred.runBulk(fn));
    },

    /** Runs fn in a savepoint of the batch: a refused unit is rolled back alone and the batch goes on. */
    savepoint: <T>(fn: () => Promise<T>): Promise<T> => db.savepoint(fn),

    async done(format: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
      if (!keys.length) return new Map();
      const rows = (await doneStmt.all({ format, keys: JSON.stringify(keys) })) as LedgerEntry[];
      return new Map(rows.map((r) => [r.key, r]));
    },

    async record(format: string, entry: LedgerEntry, at: string): Promise<void> {
      await recordStmt.run({ format, ...entry, at });
    },

    /** Many entries, in order, in one statement. */
    async recordMany(format: string, entries: readonly (LedgerEntry & { at: string })[]): Promise<void> {
      if (entries.length) await recordManyStmt.run({ format, entries: JSON.stringify(entries) });
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
