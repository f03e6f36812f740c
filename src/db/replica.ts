import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { faultCode, redactedUrl } from './faults.js';
import { lagProbe } from './replica-lag.js';

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

/** FEMTO_DB_READ_URL, how far behind it may be, and where its outages are told. */
export interface ReplicaConfig {
  url: string;
  log: ReplicaLog;
  /** FEMTO_DB_READ_MAX_LAG_MS: while the replica is not known to be within this of the primary, reads go to the primary. */
  maxLagMs: number;
  /** How long a replica that failed is passed over (tests: 0, tried again at once). */
  retryMs?: number;
}

export interface ReplicaOptions extends ReplicaConfig {
  poolSize: number;
  types: pg.CustomTypesConfig;
  /** FEMTO_DB, which the lag probe reads WAL positions from. */
  primaryUrl: string;
}

/** The read replica's pool, which async call chains read from it (AsyncLocalStorage), and how far behind it is (replica-lag.ts). */
export function replicaReads(opts: ReplicaOptions) {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize, types: opts.types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', () => {});
  const scope = new AsyncLocalStorage<Scope>();
  const named = `the read replica FEMTO_DB_READ_URL=${redactedUrl(opts.url)}`;
  let downUntil = 0;
  let down = false;

  /** Every request passes the replica over for RETRY_MS. Logged once until it answers again. */
  function passOver(err: unknown): void {
    downUntil = Date.now() + (opts.retryMs ?? RETRY_MS);
    if (down) return;
    down = true;
    opts.log.warn(`${named} cannot be reached (${faultCode(err) || (err as Error).message}); anonymous reads go to the primary until it answers`);
  }
  function answered(): void {
    if (!down) return;
    down = false;
    opts.log.info(`${named} answers again; anonymous reads go to it`);
  }
  const lag = lagProbe({
    primaryUrl: opts.primaryUrl,
    replicaUrl: opts.url,
    maxLagMs: opts.maxLagMs,
    failed: passOver,
    answered,
    behind: (lagging) =>
      lagging
        ? opts.log.warn(
            `${named} is more than ${opts.maxLagMs} ms (FEMTO_DB_READ_MAX_LAG_MS) behind the primary; anonymous reads go to the primary until it catches up`,
          )
        : opts.log.info(`${named} is within ${opts.maxLagMs} ms (FEMTO_DB_READ_MAX_LAG_MS) of the primary again; anonymous reads go to it`),
  });

  return {
    pool,
    run: <T>(fn: () => T): T => scope.run({ replica: true }, fn),
    stayOnPrimary(): void {
      const s = scope.getStore();
      if (s) s.replica = false;
    },
    /**
     * Whether the calling chain's next read goes to the replica (no query: a time and a comparison); a request the
     * primary served while the replica was down or too far behind stays there.
     */
    wanted(): boolean {
      const s = scope.getStore();
      if (s?.replica && (Date.now() < downUntil || !lag.fresh())) s.replica = false;
      return s?.replica ?? false;
    },
    /** The replica failed this read: the request, and every request for RETRY_MS, reads from the primary. */
    failed(err: unknown): void {
      this.stayOnPrimary();
      passOver(err);
    },
    answered,
    /** Stops the lag probe and closes the replica's connections. */
    async close(): Promise<void> {
      await lag.stop();
      await pool.end();
    },
  };
}

export type ReplicaReads = ReturnType<typeof replicaReads>;
