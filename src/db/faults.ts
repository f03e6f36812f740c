import { dirname } from 'node:path';
import { StartError } from '../start-errors.js';

/**
 * The SQLite (or file system) error code behind an error: drizzle wraps driver errors in its own
 * ("Failed to run the query ..."), with the SqliteError as the cause.
 */
export function faultCode(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, hops = 0; e && hops < 5; e = e.cause as typeof e, hops++) {
    if (typeof e.code === 'string' && /^(SQLITE_|E[A-Z]+$)/.test(e.code)) return e.code;
  }
  return '';
}

/** The message of the innermost error (the driver's own words). */
const innermost = (err: unknown): string => {
  let e = err as { message?: string; cause?: unknown };
  while (e.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return e.message ?? String(err);
};

/** What went wrong with the database file at start, in the operator's terms; null for anything else. */
export function databaseStartError(err: unknown, path: string): StartError | null {
  const c = faultCode(err);
  const at = `FEMTO_DB=${path}`;
  const cause = innermost(err);
  if (c === 'SQLITE_FULL' || c === 'ENOSPC')
    return new StartError(`${at}: no space left (the disk is full, or the database reached FEMTO_DB_MAX_BYTES): ${cause}`);
  if (c.startsWith('SQLITE_READONLY') || c === 'EACCES' || c === 'EROFS' || c === 'EPERM') {
    return new StartError(`${at}: cannot write the database; SQLite needs to write the file and its -wal and -shm files in ${dirname(path)}: ${cause}`);
  }
  if (c.startsWith('SQLITE_CANTOPEN')) return new StartError(`${at}: cannot open the database file (is ${dirname(path)} a writable directory?): ${cause}`);
  if (c === 'SQLITE_NOTADB' || c.startsWith('SQLITE_CORRUPT')) return new StartError(`${at}: not an SQLite database, or corrupt: ${cause}`);
  if (c.startsWith('SQLITE_IOERR')) return new StartError(`${at}: input/output error: ${cause}`);
  return null;
}
