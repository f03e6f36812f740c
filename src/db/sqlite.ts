import { AsyncLocalStorage } from 'node:async_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { dialects } from './dialect.js';
import type { Database, Params, Row, Statement, TransactionOptions } from './port.js';

/** A transaction in progress on the one connection: the statements of its async call chain run inside it, all others wait for it. */
interface Tx {
  done: Promise<void>;
  savepoints: number;
}

const bind = (params: Params | undefined): unknown[] => (params === undefined ? [] : Array.isArray(params) ? params : [params]);

/**
 * The port over one better-sqlite3 connection. better-sqlite3 runs each statement synchronously, so
 * a statement outside a transaction runs at once and costs one resolved Promise more than before.
 * A transaction holds the connection for its whole async call chain: AsyncLocalStorage tells its
 * statements from other chains', which wait for its COMMIT or ROLLBACK (on one connection they
 * would otherwise join it, reading its uncommitted rows and committing or rolling back with it).
 */
export function sqlitePort(raw: BetterSqlite3.Database): Database {
  const context = new AsyncLocalStorage<Tx>();
  let active: Tx | null = null;

  const mine = () => active === null || context.getStore() === active;

  /** Runs a synchronous driver call now, unless another call chain's transaction holds the connection. */
  function when<T>(call: () => T): Promise<T> {
    if (mine()) {
      try {
        return Promise.resolve(call());
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    return (async () => {
      while (!mine()) await active!.done;
      return call();
    })();
  }

  const statements = new Map<string, Statement>();
  function prepare<R = Row>(sql: string): Statement<R> {
    const known = statements.get(sql);
    if (known) return known as Statement<R>;
    const rows = raw.prepare(sql);
    // Arrays and first columns are modes of the one prepared statement, switched on for a call and off after it (the call runs to its end synchronously).
    function inMode<T>(mode: 'raw' | 'pluck', call: () => T): T {
      rows[mode](true);
      try {
        return call();
      } finally {
        rows[mode](false);
      }
    }
    const statement: Statement<R> = {
      sql,
      all: (params) => when(() => rows.all(...bind(params)) as R[]),
      get: (params) => when(() => rows.get(...bind(params)) as R | undefined),
      values: (params) => when(() => inMode('raw', () => rows.all(...bind(params)) as unknown[][])),
      column: <V>(params?: Params) => when(() => inMode('pluck', () => rows.all(...bind(params)) as V[])),
      scalar: <V>(params?: Params) => when(() => inMode('pluck', () => rows.get(...bind(params)) as V | undefined)),
      run: (params) => when(() => ({ changes: rows.run(...bind(params)).changes })),
    };
    statements.set(sql, statement as Statement);
    return statement;
  }

  const begin = raw.prepare('BEGIN IMMEDIATE');
  const beginRead = raw.prepare('BEGIN');
  const commit = raw.prepare('COMMIT');
  const rollback = raw.prepare('ROLLBACK');

  async function outermost<T>(fn: () => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    while (active !== null) await active.done;
    let finished!: () => void;
    const tx: Tx = { done: new Promise((resolve) => (finished = resolve)), savepoints: 0 };
    active = tx;
    try {
      (opts.readOnly ? beginRead : begin).run();
      try {
        const result = await context.run(tx, fn);
        commit.run();
        return result;
      } catch (err) {
        if (raw.inTransaction) rollback.run();
        throw err;
      }
    } finally {
      active = null;
      // While no transaction is open no statement needs to know its call chain: the store's hooks on every promise
      // (a cost to every request, database or not) are switched off until the next transaction's run switches them on.
      context.disable();
      finished();
    }
  }

  return {
    dialect: 'sqlite',
    sql: dialects.sqlite,
    prepare,
    get inTransaction() {
      return active !== null && context.getStore() === active;
    },
    async transaction<T>(fn: () => Promise<T>, opts?: TransactionOptions): Promise<T> {
      return this.inTransaction ? await fn() : await outermost(fn, opts);
    },
    async savepoint<T>(fn: () => Promise<T>): Promise<T> {
      const tx = context.getStore();
      if (!tx || tx !== active) return outermost(fn);
      const name = `femto_sp${++tx.savepoints}`;
      raw.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn();
        raw.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        // Some errors (a full disk, an interrupt) have SQLite roll the whole transaction back, savepoints with it.
        if (raw.inTransaction) raw.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      }
    },
    // One connection: there is no replica to read from.
    onReplica: (fn) => fn(),
    stayOnPrimary: () => undefined,
    exec: (sql) => when(() => void raw.exec(sql)),
    close: async () => {
      while (active !== null) await active.done;
      raw.close();
    },
  };
}
