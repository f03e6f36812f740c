import { dirname } from 'node:path';
import { StartError } from '../start-errors.js';

/**
 * The SQLite, PostgreSQL (SQLSTATE) or file system / network error code behind an error: drizzle wraps driver errors
 * in its own ("Failed to run the query ..."), with the driver's error as the cause.
 */
export function faultCode(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, hops = 0; e && hops < 5; e = e.cause as typeof e, hops++) {
    if (typeof e.code === 'string' && /^(SQLITE_|E[A-Z]+$|[0-9A-Z]{5}$)/.test(e.code)) return e.code;
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

/** A postgres:// URL as an operator may see it in a log: without its password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // libpq-style URLs may carry secrets as query parameters too.
    for (const key of [...u.searchParams.keys()]) if (/password|secret|key/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** What went wrong reaching the PostgreSQL database at start, in the operator's terms (the URL without its password); null for anything else. */
export function postgresStartError(err: unknown, url: string): StartError | null {
  const c = faultCode(err);
  const at = `FEMTO_DB=${redactedUrl(url)}`;
  const cause = innermost(err);
  if (c === 'ECONNREFUSED' || c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'ETIMEDOUT' || c === 'EHOSTUNREACH')
    return new StartError(`${at}: cannot reach the PostgreSQL server (is it running, and the host and port right?): ${cause}`);
  if (c === '28P01' || c === '28000') return new StartError(`${at}: the server refused the login (user, password, pg_hba.conf): ${cause}`);
  if (c === '3D000') return new StartError(`${at}: no such database (create it first: createdb): ${cause}`);
  if (c === '42501') return new StartError(`${at}: the user may not create femto's tables in this database (migrations need CREATE): ${cause}`);
  if (c === '25006') return new StartError(`${at}: the server is read-only (a standby?); FEMTO_DB must be the primary: ${cause}`);
  if (c === '57P03') return new StartError(`${at}: the server is starting up or shutting down; retry: ${cause}`);
  if (c === '53100') return new StartError(`${at}: the database server's disk is full: ${cause}`);
  return null;
}
