/**
 * The database port: all that repositories see of the database, whichever backend holds it (today
 * SQLite through better-sqlite3; a PostgreSQL pool adapter fits the same interface). SQL text goes
 * in, rows come out, every call returns a Promise. docs/database.md states the SQL conventions that
 * keep one repository per module valid on both dialects.
 */
import type { Dialect, SqlDialect } from './dialect.js';

export type { Dialect, SqlDialect };

/** Positional (`?`, an array or one value) or named (`@name`, an object) parameters; never both in one statement. */
export type Params = readonly unknown[] | object | string | number | bigint | null;

/** A row as the driver returns it; the repository that selects it types it. */
export type Row = Record<string, any>;

/** One SQL text, prepared once (SQLite: on the connection; PostgreSQL: a named statement per pooled connection). */
export interface Statement<R = Row> {
  readonly sql: string;
  /** Every row, as objects keyed by column name. */
  all(params?: Params): Promise<R[]>;
  /** The first row, or undefined. */
  get(params?: Params): Promise<R | undefined>;
  /** Every row as an array of column values in select order: no object per row, for large scans. */
  values(params?: Params): Promise<unknown[][]>;
  /** The first column of every row. */
  column<V = unknown>(params?: Params): Promise<V[]>;
  /** The first column of the first row, or undefined when there is no row. */
  scalar<V = unknown>(params?: Params): Promise<V | undefined>;
  /** A write: the number of rows it changed (RETURNING rows come through all/get instead). */
  run(params?: Params): Promise<{ changes: number }>;
}

export interface TransactionOptions {
  /** Reads only: one consistent snapshot, no write lock (SQLite: a deferred BEGIN; PostgreSQL: READ ONLY). */
  readOnly?: boolean;
}

export interface Database {
  readonly dialect: Dialect;
  /** The fragments this dialect spells its own way. */
  readonly sql: SqlDialect;
  /** The statement for this SQL text; the same object for the same text. */
  prepare<R = Row>(sql: string): Statement<R>;
  /**
   * Runs fn in one transaction: everything it writes, or nothing. Statements issued while fn runs
   * (however deep in its async call chain) belong to it; statements of other call chains wait until
   * it ends. Called inside an open transaction, fn joins it (an error rolls back the outermost: a
   * nested savepoint per call would cost two statements and a sub-journal copy of every page it
   * changes; bulk imports nest five deep per record). fn must not wait on anything slow (network,
   * files): every other request waits with it.
   */
  transaction<T>(fn: () => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Runs fn in a savepoint of the open transaction (a transaction of its own when none is open): where an error is caught and the transaction goes on. */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /** Whether the calling async chain runs inside a transaction. */
  readonly inTransaction: boolean;
  /**
   * Runs fn (an anonymous GET's request) with its reads on the read replica where one is configured
   * (PostgreSQL, FEMTO_DB_READ_URL): statements that only read, outside transactions, and read-only
   * transactions. Writes and write transactions still go to the primary. Without a replica (and on
   * SQLite) it runs fn as it is.
   */
  onReplica<T>(fn: () => T): T;
  /**
   * Sends the calling request's reads from here on to the primary: for reads that must not be older
   * than something this process already holds from the primary (the lineage snapshot). A no-op
   * outside onReplica.
   */
  stayOnPrimary(): void;
  /** A script of statements without parameters (DDL in migrations-like work, probes). */
  exec(sql: string): Promise<void>;
  /**
   * Where the database can tell other processes' writes (PostgreSQL LISTEN/NOTIFY; absent on SQLite): calls
   * `onNotify` with the payload of every notification on `channel`, and with none after the listening connection
   * was lost and made again (what was sent meanwhile is lost). Resolves once listening, to a function that stops.
   */
  listen?(channel: string, onNotify: (payload?: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A condition selected as a value: SQLite answers 0/1, PostgreSQL true/false. */
export const flag = (v: unknown): boolean => v === true || v === 1;

/** A boolean as a parameter: SQLite stores 0/1 (PostgreSQL's boolean columns take the same integers cast in SQL). */
export const bit = (v: boolean | null | undefined): 0 | 1 => (v ? 1 : 0);

/** A JSON document stored as text (PostgreSQL's json/jsonb columns arrive parsed). */
export const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
