import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServedDatabase } from './client.js';
import { faultCode } from './faults.js';

/** With less room than this (on the file system, or under FEMTO_DB_MAX_BYTES), the next writes are about to fail: a dataset with long texts takes tens of pages. */
export const MIN_FREE_BYTES = 256 * 1024;

/** Thrown inside the probe's transaction so that it rolls back: the probe changes nothing. */
class ProbeDone extends Error {}

/**
 * Why the database cannot take writes now, or null when it can: a write probe (a table created in a
 * transaction of its own and rolled back, so nothing changes; through the port, so it never runs
 * inside another request's transaction) meets a read-only file, a lock held past the busy timeout
 * or a corrupt schema page; the room left is counted too, under FEMTO_DB_MAX_BYTES (pages below
 * max_page_count plus free pages) and on the file system (which the rolled-back probe never
 * writes to).
 */
export async function unwritableReason(database: ServedDatabase, path: string): Promise<string | null> {
  if (database.dialect === 'postgres') return postgresUnwritableReason(database);
  try {
    await database.transaction(async () => {
      await database.exec('CREATE TABLE femto_ready_probe (x integer)');
      throw new ProbeDone();
    });
  } catch (err) {
    if (!(err instanceof ProbeDone)) return `the database cannot be written (${faultCode(err) || 'error'}: ${(err as Error).message})`;
  }
  const { sqlite } = database;
  if (!sqlite) return null;
  const pragma = (name: string) => sqlite.pragma(name, { simple: true }) as number;
  const quotaRoom = (pragma('max_page_count') - pragma('page_count') + pragma('freelist_count')) * pragma('page_size');
  if (quotaRoom < MIN_FREE_BYTES) return `the database has ${quotaRoom} bytes left under FEMTO_DB_MAX_BYTES (SQLITE_FULL ahead)`;
  if (path === ':memory:') return null;
  const fs = statfsSync(dirname(path));
  const free = fs.bavail * fs.bsize;
  return free < MIN_FREE_BYTES ? `the file system of ${path} has ${free} bytes free (SQLITE_FULL ahead)` : null;
}

/**
 * PostgreSQL: a read, not a write probe. A write transaction would wait for the write lock every process on the
 * database shares (postgres.ts WRITE_LOCK), so anyone calling /health/ready could queue behind, and ahead of, every
 * curator's write. The server's own faults (disk, connections) are its operator's to watch; the answer names the
 * SQLSTATE only, never the driver's words (host, port, user).
 */
async function postgresUnwritableReason(database: ServedDatabase): Promise<string | null> {
  try {
    const state = await database
      .prepare<{ standby: boolean; readOnly: string }>(`SELECT pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') AS readOnly`)
      .get();
    if (state?.standby) return 'the database is a read-only standby';
    if (state?.readOnly === 'on') return 'the database is read-only (default_transaction_read_only)';
    return null;
  } catch (err) {
    return `the database cannot be reached (${faultCode(err) || 'error'})`;
  }
}
