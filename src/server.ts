import { buildApp } from './app.js';
import type { Config } from './config.js';
import { startCheckpointer } from './db/checkpointer.js';
import { limitHeapGrowth } from './lib/heap-growth.js';
import { listenStartError } from './start-errors.js';

/** Listens, and closes cleanly on SIGTERM/SIGINT: in-flight requests finish, the database is closed. */
export async function startServer(config: Config) {
  limitHeapGrowth(config.heapGrowthPercent);
  const app = await buildApp(config);
  const { sqlite } = app.femto.database;
  if (sqlite && config.dbPath !== ':memory:') {
    // Without the worker the connection checkpoints inside its commits, as SQLite does by default: slower, not less safe.
    const checkpoints = await startCheckpointer(sqlite, config.dbPath).catch((err: unknown) => {
      app.log.warn({ err }, 'WAL checkpoints stay on the request thread');
    });
    if (checkpoints) app.addHook('onClose', () => checkpoints.stop());
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    throw listenStartError(err, config.host, config.port) ?? err;
  }
  return app;
}
