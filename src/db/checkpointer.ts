import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker looks at the WAL: a checkpoint with nothing new to copy costs a read of the WAL index. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** SQLite's own default, restored on the connection whenever the worker is not running. */
const AUTO_CHECKPOINT_PAGES = 1000;

/*
 * The worker, as a script (the same source under tsx and in dist/): its own connection to the file, a PASSIVE checkpoint
 * (it waits for no reader and no writer) every interval, and a last one before it closes.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => checkpoint.run(), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint.run();
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export interface Checkpointer {
  /** Runs a last checkpoint and ends the worker. */
  stop(): Promise<void>;
}

/**
 * WAL checkpoints off the event loop. SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 pages: that
 * request, and every other waiting on the one thread, waits while pages are copied into the database file and both
 * files are fsynced. Under a stream of writes (POST /api/v1/lineage, one group commit per event-loop turn) that came
 * every few dozen events and blocked for milliseconds each. The server's connection stops checkpointing by itself
 * while a worker thread, with its own connection to the same file, checkpoints whenever the WAL has grown.
 *
 * Durability is unchanged: a commit is in the WAL either way (synchronous=NORMAL: safe against a process crash), and
 * the worker's checkpoint syncs the WAL and the database file as SQLite's own does, only sooner. If the worker fails,
 * the connection checkpoints by itself again.
 */
export async function startCheckpointer(sqlite: Database.Database, path: string, intervalMs = CHECKPOINT_INTERVAL_MS): Promise<Checkpointer> {
  const worker = new Worker(WORKER, { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, intervalMs } });
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  worker.once('error', fallBack);
  void exited.then(() => {
    if (!stopping) fallBack();
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  sqlite.pragma('wal_autocheckpoint = 0');
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      fallBack();
      worker.postMessage('stop');
      await exited;
    },
  };
}
