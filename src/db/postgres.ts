import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { dialects } from './dialect.js';
import { bindSlots, translate } from './placeholders.js';
import type { Database, Params, Row, Statement, TransactionOptions } from './port.js';
import { readsOnly, replicaReads, unreachable, type ReplicaConfig } from './replica.js';

/** A transaction in progress: the pooled connection its async call chain's statements run on. */
interface Tx {
  client: pg.PoolClient;
  savepoints: number;
}

/**
 * Write transactions take turns across every process on the database, as SQLite's one writer does: under
 * SERIALIZABLE alone, three replicas publishing, patching and delivering at once aborted a publish more than ten
 * times running (test/e2e/replicas.test.ts). A session lock held from before BEGIN to after COMMIT makes each
 * writer's snapshot start after the last commit, so writers no longer abort one another; reads never wait for it.
 * Like SQLite's, this asks a write transaction to do nothing slow while it is open.
 */
export const WRITE_LOCK = 0x66656d7477; // 'femtw'
/** How often a write transaction is run again after PostgreSQL aborted it to keep it serializable. */
const MAX_ATTEMPTS = 10;
/** serialization_failure, deadlock_detected: the transaction lost a race and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

const INT8 = 20;
const NUMERIC = 1700;

/** int8 as a number, as better-sqlite3 hands SQLite's 64-bit integers over; a value a double cannot hold exactly is refused, not rounded. */
function int8(text: string): number {
  const n = Number(text);
  // Past 2^53 some integers still are doubles (a catalog states a size of 10^16 bytes): only the others are refused.
  if (!Number.isSafeInteger(n) && BigInt(n) !== BigInt(text)) throw new RangeError(`the integer ${text} is beyond 2^53 and cannot be read exactly`);
  return n;
}

/** This pool's type parsers only (other pg clients in the process, such as `femto db copy`'s, keep the driver's). */
const types = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8) return int8;
    if (oid === NUMERIC) return Number;
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  url: string;
  /** Connections of each pool (the primary's, the replica's). */
  poolSize?: number;
  /** FEMTO_DB_READ_URL: a streaming replica of `url`, read by the call chains run through onReplica while within its lag bound, and where its outages are told. */
  replica?: ReplicaConfig;
  /** How long a transaction may sit idle before PostgreSQL ends its session (default IDLE_IN_TRANSACTION_MS). */
  idleInTransactionMs?: number;
}

/**
 * A process that stops in a write transaction (frozen, swapped out, partitioned away) would hold WRITE_LOCK and stop
 * every writer of every replica: PostgreSQL ends a session idle in a transaction this long, and the lock goes with it.
 * No transaction of femto waits this long between two statements (they do nothing slow while open).
 */
const IDLE_IN_TRANSACTION_MS = 60_000;

/**
 * The port over a pool of PostgreSQL connections. Outside a transaction a statement runs on any free connection; a
 * transaction takes one connection for its async call chain (AsyncLocalStorage), so other chains run on others at
 * the same time (write transactions one at a time: WRITE_LOCK). Writes are SERIALIZABLE: two requests that each read then write (the If-Match check, a cycle test
 * before an edge) cannot both commit on what the other changed — REPEATABLE READ let two opposite edges both commit
 * past the cycle check — and a transaction PostgreSQL aborts for that runs again, up to MAX_ATTEMPTS times.
 * With a read replica, the reads of call chains run through onReplica go to its pool (replica.ts); a replica that
 * cannot be reached, or is not known to be within FEMTO_DB_READ_MAX_LAG_MS of the primary, is passed over for the
 * primary, so those reads never fail for it nor show what the primary no longer does past the bound.
 */
export function postgresPort(opts: PostgresOptions): Database & { readonly pool: pg.Pool } {
  const poolSize = opts.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: poolSize,
    types,
    idle_in_transaction_session_timeout: opts.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
  });
  // An idle connection the server dropped (restart, failover) is discarded by the pool; without a listener it would crash the process.
  pool.on('error', () => {});
  const replica = opts.replica && replicaReads({ ...opts.replica, poolSize, types, primaryUrl: opts.url });
  const context = new AsyncLocalStorage<Tx>();
  const runner = (): pg.Pool | pg.PoolClient => context.getStore()?.client ?? pool;

  const statements = new Map<string, Statement>();
  function prepare<R = Row>(sql: string): Statement<R> {
    const known = statements.get(sql);
    if (known) return known as Statement<R>;
    const { text, slots } = translate(sql);
    const name = `femto_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    const reads = readsOnly(sql);
    const query = async (params: Params | undefined, rowMode?: 'array') => {
      const config = { name, text, values: bindSlots(slots, params, sql), ...(rowMode && { rowMode }) };
      const tx = context.getStore();
      if (tx) return tx.client.query(config);
      if (reads && replica?.wanted()) {
        try {
          const result = await replica.pool.query(config);
          replica.answered();
          return result;
        } catch (err) {
          if (!unreachable(err)) throw err;
          replica.failed(err);
        }
      }
      return pool.query(config);
    };
    const statement: Statement<R> = {
      sql,
      all: async (params) => (await query(params)).rows as R[],
      get: async (params) => (await query(params)).rows[0] as R | undefined,
      values: async (params) => (await query(params, 'array')).rows as unknown[][],
      column: async <V>(params?: Params) => ((await query(params, 'array')).rows as unknown[][]).map((r) => r[0] as V),
      scalar: async <V>(params?: Params) => ((await query(params, 'array')).rows as unknown[][])[0]?.[0] as V | undefined,
      run: async (params) => ({ changes: (await query(params)).rowCount ?? 0 }),
    };
    statements.set(sql, statement as Statement);
    return statement;
  }

  /**
   * This process's writers queue here before taking a pooled connection: only one of them at a time waits on
   * WRITE_LOCK, so waiting writers never hold the connections that reads outside transactions need.
   */
  let writerQueue: Promise<unknown> = Promise.resolve();
  function inTurn<T>(run: () => Promise<T>): Promise<T> {
    const turn = writerQueue.then(run);
    writerQueue = turn.catch(() => undefined);
    return turn;
  }

  async function attempt<T>(source: pg.Pool, fn: () => Promise<T>, readOnly: boolean): Promise<T> {
    return readOnly ? attemptOn(source, fn, true) : inTurn(() => attemptOn(source, fn, false));
  }

  async function attemptOn<T>(source: pg.Pool, fn: () => Promise<T>, readOnly: boolean): Promise<T> {
    const client = await source.connect();
    let broken: Error | undefined;
    // The server ending the session (idle in transaction too long, a restart) errors the connection: without a
    // listener the process would crash; the statement in flight fails, and the connection is destroyed on release.
    let ended: Error | undefined;
    // The first word is the server's reason; "Connection terminated" follows it.
    const lost = (err: Error) => (broken = ended ??= err);
    client.on('error', lost);
    let locked = false;
    try {
      if (!readOnly) {
        // Taken before BEGIN, so that the transaction's snapshot follows the previous writer's commit.
        await client.query('SELECT pg_advisory_lock($1)', [WRITE_LOCK]);
        locked = true;
      }
      await client.query(readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN ISOLATION LEVEL SERIALIZABLE');
      try {
        const result = await context.run({ client, savepoints: 0 }, fn);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        // The server's reason for ending the session (25P03, 57P01) came as the event: not the driver's "not queryable".
        throw ended ?? err;
      }
    } finally {
      // A connection that failed is destroyed, and its session's lock goes with it.
      if (locked && !broken) await client.query('SELECT pg_advisory_unlock($1)', [WRITE_LOCK]).catch((e: Error) => (broken = e));
      client.off('error', lost);
      client.release(broken);
    }
  }

  async function outermost<T>(fn: () => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const readOnly = opts.readOnly ?? false;
    let passedOver = false;
    for (let n = 1; ; n++) {
      const onReplica = readOnly && !passedOver && replica?.wanted();
      try {
        const result = await attempt(onReplica ? replica!.pool : pool, fn, readOnly);
        if (onReplica) replica!.answered();
        return result;
      } catch (err) {
        if (onReplica && unreachable(err)) {
          // A read-only fn may simply run again, on the primary.
          replica!.failed(err);
          passedOver = true;
          continue;
        }
        if (n >= MAX_ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
        // Those that collided once would collide again at once: each waits a random while, longer each time (at most 0.5 s).
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 5 * 2 ** n)));
      }
    }
  }

  const listening = new Set<() => Promise<void>>();
  /** A connection of its own, outside the pool: LISTEN belongs to a session, and a pooled one goes back to others. */
  async function listen(channel: string, onNotify: (payload?: string) => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new RangeError(`not a channel name: ${channel}`);
    let stopped = false;
    let client: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    const connect = async () => {
      const c = new pg.Client({ connectionString: opts.url, application_name: `femto listen ${channel}` });
      // A lost connection errors and ends: the end makes another.
      c.on('error', () => {});
      c.on('notification', (n) => n.channel === channel && onNotify(n.payload));
      try {
        await c.connect();
        await c.query(`LISTEN ${channel}`);
      } catch (err) {
        void c.end().catch(() => {});
        throw err;
      }
      if (stopped) return void (await c.end().catch(() => {}));
      client = c;
      c.once('end', () => again(0));
    };
    // The server restarting or failing over: tried again, waiting longer each time (at most 5 s).
    const again = (n: number) => {
      client = undefined;
      if (stopped) return;
      const retry = () =>
        void connect().then(
          () => !stopped && onNotify(),
          () => again(n + 1),
        );
      timer = setTimeout(retry, Math.min(5_000, 100 * 2 ** n));
    };
    await connect();
    const stop = async () => {
      stopped = true;
      clearTimeout(timer);
      listening.delete(stop);
      await client?.end().catch(() => {});
    };
    listening.add(stop);
    return stop;
  }

  return {
    dialect: 'postgres',
    sql: dialects.postgres,
    pool,
    prepare,
    get inTransaction() {
      return context.getStore() !== undefined;
    },
    async transaction<T>(fn: () => Promise<T>, opts?: TransactionOptions): Promise<T> {
      return this.inTransaction ? await fn() : await outermost(fn, opts);
    },
    async savepoint<T>(fn: () => Promise<T>): Promise<T> {
      const tx = context.getStore();
      if (!tx) return outermost(fn);
      const name = `femto_sp${++tx.savepoints}`;
      await tx.client.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn();
        await tx.client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await tx.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await tx.client.query(`RELEASE SAVEPOINT ${name}`);
        throw err;
      }
    },
    onReplica: (fn) => (replica ? replica.run(fn) : fn()),
    stayOnPrimary: () => replica?.stayOnPrimary(),
    exec: async (sql) => {
      await runner().query(sql);
    },
    listen,
    close: async () => {
      await Promise.all([...listening].map((stop) => stop()));
      await Promise.all([pool.end(), replica?.close()]);
    },
  };
}
