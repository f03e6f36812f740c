import { buildApp } from './app.js';
import type { Config } from './config.js';
import { limitHeapGrowth } from './lib/heap-growth.js';
import { listenStartError } from './start-errors.js';

/** Listens, and closes cleanly on SIGTERM/SIGINT: in-flight requests finish, the database is closed. */
export async function startServer(config: Config) {
  limitHeapGrowth(config.heapGrowthPercent);
  const app = await buildApp(config);
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
