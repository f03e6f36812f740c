import type Database from 'better-sqlite3';
import pg from 'pg';
import type { ServedDatabase } from '../../src/db/client.js';

/** Transaction control: the port's BEGIN and COMMIT around a consistent read are no repository statement. */
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * Counts what better-sqlite3 executes and prepares, below drizzle and every repository: the
 * prototype methods each statement runs through.
 */
export function statementCounter(sqlite: Database.Database) {
  const statement = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  const database = Object.getPrototypeOf(sqlite) as Record<string, (...args: unknown[]) => unknown>;
  /** executed: the statements that read or write rows; control: BEGIN, COMMIT and the like, counted apart. */
  const counts = { executed: 0, prepared: 0, control: 0 };
  /** The SQL text of each statement executed, in order. */
  let sources: string[] = [];
  const originals: [Record<string, (...args: unknown[]) => unknown>, string, (...args: unknown[]) => unknown][] = [];
  const wrap = (target: typeof statement, method: string, count: keyof typeof counts) => {
    const original = target[method];
    originals.push([target, method, original]);
    target[method] = function (this: { source?: string }, ...args: unknown[]) {
      if (count === 'executed' && CONTROL.test(this.source ?? '')) counts.control++;
      else {
        counts[count]++;
        if (count === 'executed') sources.push(this.source ?? '');
      }
      return original.apply(this, args);
    };
  };
  for (const m of ['run', 'get', 'all', 'iterate']) wrap(statement, m, 'executed');
  wrap(database, 'prepare', 'prepared');
  return {
    async during(fn: () => Promise<unknown>) {
      counts.executed = 0;
      counts.prepared = 0;
      counts.control = 0;
      sources = [];
      await fn();
      return { ...counts, sources };
    },
    restore: () => originals.forEach(([target, method, original]) => (target[method] = original)),
  };
}

/**
 * The same counts on PostgreSQL: every query a pg client sends (the pool's connections are pg.Client instances);
 * `prepared` stays 0, as the adapter names its statements and PostgreSQL prepares them per connection.
 */
export function pgStatementCounter() {
  const proto = pg.Client.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = proto.query;
  const counts = { executed: 0, prepared: 0, control: 0 };
  let sources: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const sql = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
    if (CONTROL.test(sql)) counts.control++;
    else {
      counts.executed++;
      sources.push(sql);
    }
    return original.apply(this, args);
  };
  return {
    async during(fn: () => Promise<unknown>) {
      counts.executed = 0;
      counts.control = 0;
      sources = [];
      await fn();
      return { ...counts, sources };
    },
    restore: () => (proto.query = original),
  };
}

/** The counter for the backend `database` runs on. */
export const backendStatementCounter = (database: ServedDatabase) => (database.sqlite ? statementCounter(database.sqlite) : pgStatementCounter());
