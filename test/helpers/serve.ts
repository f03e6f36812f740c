import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../src/paths.js';

/** A real `femto serve` process on its own port, with `admin` as FEMTO_ADMIN_TOKEN and no seed (silent unless FEMTO_TEST_LOG names a level); resolves once /health answers. */
export async function femtoServe(admin: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('src/cli.ts'), 'serve'], {
    env: { ...process.env, ...env, PORT: port, LOG_LEVEL: process.env.FEMTO_TEST_LOG ?? 'silent', FEMTO_ADMIN_TOKEN: admin, FEMTO_SEED_ON_EMPTY: 'false' },
    cwd: projectPath(),
    // FEMTO_TEST_LOG=error shows the server's log on stderr (stdout is the test's TAP stream).
    stdio: process.env.FEMTO_TEST_LOG ? ['ignore', 2, 2] : 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, base };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('femto serve did not start');
}
