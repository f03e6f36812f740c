import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { faultCode, redactedUrl } from './faults.js';

/** What the adapter tells the operator about the replica: when it stops answering, and when it answers again. */
export interface ReplicaLog {
  warn(msg: string): void;
  info(msg: string): void;
}

/** After the replica failed, reads go to the primary this long before the replica is tried again. */
const RETRY_MS = 5_000;
/**
 * A replica that gives no connection within this (a host that drops packets, or every pooled connection busy) is
 * passed over for the primary: without it a connection attempt waits for the kernel's TCP timeout, minutes.
 */
const CONNECT_TIMEOUT_MS = 2_000;

/** pg's words for a connection that broke or never came (no SQLSTATE): pool timeouts, a socket closed under it. */
const CONNECTION_LOST = /timeout exceeded when trying to connect|connection terminated|not queryable/i;

/**
 * Whether an error says the replica cannot serve (rather than that a statement is wrong): a socket error, a
 * connection lost or refused, a login refused or no such database (class 08, 28, 3D), no room for a connection
 * (53), shutting down or starting up (57P).
 */
export function unreachable(err: unknown): boolean {
  const code = faultCode(err);
  if (code) return /^(E[A-Z]+|08...|28...|3D...|53...|57P..)$/.test(code);
  return CONNECTION_LOST.test((err as Error | undefined)?.message ?? '');
}

/** SQL that may run on a hot standby: a query that neither writes nor locks rows (anything else goes to the primary). */
export const readsOnly = (sql: string): boolean => /^\s*(SELECT|WITH)\b/i.test(sql) && !/\b(INSERT|UPDATE|DELETE|MERGE|SHARE|nextval|setval)\b/i.test(sql);

/** A request's choice: true while its reads may go to the replica. It only ever turns false, so a request never reads older after newer. */
interface Scope {
  replica: boolean;
}

/** FEMTO_DB_READ_URL, and where its outages are told. */
export interface ReplicaConfig {
  url: string;
  log: ReplicaLog;
  /** How long a replica that failed is passed over (tests: 0, tried again at once). */
  retryMs?: number;
}

export interface ReplicaOptions extends ReplicaConfig {
  poolSize: number;
  types: pg.CustomTypesConfig;
}

/** The read replica's pool, and which async call chains read from it (AsyncLocalStorage). */
export function replicaReads(opts: ReplicaOptions) {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize, types: opts.types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', () => {});
  const scope = new AsyncLocalStorage<Scope>();
  let downUntil = 0;
  let down = false;

  return {
    pool,
    run: <T>(fn: () => T): T => scope.run({ replica: true }, fn),
    stayOnPrimary(): void {
      const s = scope.getStore();
      if (s) s.replica = false;
    },
    /** Whether the calling chain's next read goes to the replica; a request the primary served while the replica was down stays there. */
    wanted(): boolean {
      const s = scope.getStore();
      if (s?.replica && Date.now() < downUntil) s.replica = false;
      return s?.replica ?? false;
    },
    /** The replica failed this read: the request, and every request for RETRY_MS, reads from the primary. Logged once until it answers again. */
    failed(err: unknown): void {
      this.stayOnPrimary();
      downUntil = Date.now() + (opts.retryMs ?? RETRY_MS);
      if (down) return;
      down = true;
      opts.log.warn(
        `the read replica FEMTO_DB_READ_URL=${redactedUrl(opts.url)} cannot be reached (${faultCode(err) || (err as Error).message}); anonymous reads go to the primary until it answers`,
      );
    },
    answered(): void {
      if (!down) return;
      down = false;
      opts.log.info(`the read replica FEMTO_DB_READ_URL=${redactedUrl(opts.url)} answers again; anonymous reads go to it`);
    },
  };
}

export type ReplicaReads = ReturnType<typeof replicaReads>;
