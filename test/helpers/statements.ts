import type Database from 'better-sqlite3';

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
