import pg from 'pg';

/** How often the probe compares the standby's replay with the primary (more often under a bound below 4 times this, so a standby that keeps up stays within it). */
const PROBE_MS = 500;
/** A probe's connection or query unanswered this long fails: a host gone silent would otherwise hold the probe, and freeze what it knows, forever. */
const PROBE_TIMEOUT_MS = 2_000;

const LSN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/** A WAL position as PostgreSQL writes it ('16/B374D848': the high and the low 32 bits, in hex) as a byte offset, which compares. */
export function walPosition(lsn: string): bigint {
  const m = LSN.exec(lsn);
  if (!m) throw new RangeError(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export interface LagProbeOptions {
  /** FEMTO_DB and FEMTO_DB_READ_URL. */
  primaryUrl: string;
  replicaUrl: string;
  /** FEMTO_DB_READ_MAX_LAG_MS. */
  maxLagMs: number;
  /** The standby did not answer the probe. */
  failed(err: unknown): void;
  answered(): void;
  /** Its lag went past maxLagMs (true), or came back within it (false). */
  behind(lagging: boolean): void;
}

/**
 * How far a streaming standby is behind its primary, by WAL position: `now() - pg_last_xact_replay_timestamp()` alone
 * reads as huge on an idle primary, and as nothing on a standby that stopped receiving. Every probe reads the
 * primary's WAL write position at a time T (every commit visible on the primary at T lies before it), then the
 * standby's replay position; a standby replayed past the position read at T holds all the primary showed at T, and
 * its lag is the time since the latest such T. `fresh()` only compares that time with the clock: the bound holds
 * between probes too, and a standby whose probe stalls grows stale by itself.
 */
export function lagProbe(opts: LagProbeOptions) {
  // A connection of its own on each server: requests that hold every pooled connection neither delay the probe (the
  // standby would look behind) nor fail it (it would look unreachable).
  const connection = (url: string) => {
    // allowExitOnIdle: like its timer, the probe alone does not keep the process alive.
    const pool = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      application_name: 'femto replica lag probe',
      allowExitOnIdle: true,
    });
    pool.on('error', () => {});
    return pool;
  };
  const primaryDb = connection(opts.primaryUrl);
  const replicaDb = connection(opts.replicaUrl);
  const started = Date.now();
  const interval = Math.min(PROBE_MS, opts.maxLagMs / 4);
  /** The primary's positions at probe times the standby has not been seen past yet, oldest first. */
  let marks: { at: number; lsn: bigint }[] = [];
  /** The latest time the standby is known to hold everything the primary showed then. */
  let freshAt = -Infinity;
  let lagging = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const position = async (pool: pg.Pool, text: string): Promise<bigint | null> => {
    // pg reads a query's own query_timeout (its types know only the client's).
    const query = { text, query_timeout: PROBE_TIMEOUT_MS } as pg.QueryConfig;
    const { rows } = await pool.query<{ lsn: string | null }>(query);
    return rows[0]?.lsn == null ? null : walPosition(rows[0].lsn);
  };

  async function probe(): Promise<void> {
    const at = Date.now();
    // A primary that cannot answer leaves no mark: the standby's lag grows, as nothing can be known against it.
    const primary = await position(primaryDb, 'SELECT pg_current_wal_lsn()::text AS lsn').catch(() => null);
    if (primary !== null) marks.push({ at, lsn: primary });
    // A mark older than the bound could only make the standby fresh to a time already too long ago.
    marks = marks.filter((m) => Date.now() - m.at <= opts.maxLagMs);
    let replayed: bigint | null;
    try {
      // NULL on a server that is not replaying (not a standby): never fresh.
      replayed = await position(replicaDb, 'SELECT pg_last_wal_replay_lsn()::text AS lsn');
    } catch (err) {
      opts.failed(err);
      return;
    }
    opts.answered();
    let seen = -1;
    for (let i = 0; i < marks.length; i++) if (replayed !== null && marks[i].lsn <= replayed) seen = i;
    if (seen >= 0) freshAt = Math.max(freshAt, marks[seen].at);
    marks = marks.slice(seen + 1);
    // Nothing is known before the first probes: the standby is not called behind until the bound has passed since the start.
    const behind = Date.now() - Math.max(freshAt, started) > opts.maxLagMs;
    if (behind !== lagging) opts.behind((lagging = behind));
  }

  // The queries' failures are handled in probe(); what else could throw there (a logger) must not stop the probing.
  const run = (): void => {
    running = probe().then(next, next);
  };
  const next = () => {
    if (stopped) return;
    timer = setTimeout(run, interval);
    timer.unref();
  };
  run();

  return {
    /** Whether the standby is known to be within maxLagMs of the primary now. */
    fresh: (): boolean => Date.now() - freshAt <= opts.maxLagMs,
    /** Stops probing, once a probe under way has ended, and closes its connections. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
      await Promise.all([primaryDb.end(), replicaDb.end()]);
    },
  };
}
