import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectPath } from '../../src/paths.js';

const cli = projectPath('src/cli.ts');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    cwd: projectPath(),
  });

t.test('every command has --help', async (t) => {
  for (const args of [[], ['serve'], ['migrate'], ['seed'], ['token'], ['token', 'create']]) {
    const r = run([...args, '--help']);
    t.equal(r.status, 0, `femto ${args.join(' ')} --help`);
    t.match(r.stdout, /Usage: femto/);
  }
});

t.test('migrate, seed, token create on a fresh database', async (t) => {
  const db = join(t.testdir({}), 'cli.sqlite');
  t.equal(run(['migrate'], { FEMTO_DB: db }).status, 0);
  const seeded = run(['seed'], { FEMTO_DB: db });
  t.equal(seeded.status, 0, seeded.stderr);
  t.match(seeded.stdout, /loaded \d+ datasets and \d+ derivation steps/);
  const again = run(['seed'], { FEMTO_DB: db });
  t.equal(again.status, 1, 'seed refuses a database that already holds datasets');
  const token = run(['token', 'create', '--role', 'curator', '--label', 'ci'], { FEMTO_DB: db });
  t.equal(token.status, 0, token.stderr);
  t.match(JSON.parse(token.stdout), { role: 'curator', token: /^femto_/ });
  const bad = run(['token', 'create', '--role', 'emperor'], { FEMTO_DB: db });
  t.not(bad.status, 0);
  t.match(bad.stderr, /Allowed choices are reader, curator, admin/);
});

t.test('a bad configuration stops the start with the variable named', async (t) => {
  const r = run(['serve'], { PORT: 'eighty', FEMTO_DB: join(t.testdir({}), 'x.sqlite') });
  t.equal(r.status, 2);
  t.match(r.stderr, /PORT/);
  const r2 = run(['serve'], { FEMTO_REGISTRAR: 'datacite', FEMTO_DB: join(t.testdir({}), 'y.sqlite') });
  t.match(r2.stderr, /FEMTO_DATACITE_URL/);
});

t.test('serve answers on its port and shuts down cleanly on SIGTERM', async (t) => {
  const db = join(t.testdir({}), 'serve.sqlite');
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], {
    env: { ...process.env, FEMTO_DB: db, PORT: port, LOG_LEVEL: 'info', FEMTO_SEED_ON_EMPTY: 'false' },
    cwd: projectPath(),
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  // A hang bound, not a speed target: under a loaded machine tsx compiling the server took over 20 s.
  const deadline = Date.now() + 120_000;
  let health: Response | undefined;
  while (Date.now() < deadline && child.exitCode === null) {
    health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (health) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(health?.status, 200, 'health over real HTTP');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exit code 0 after SIGTERM');
  t.match(log, /"reqId"/, 'logs carry request ids');
  t.match(log, /shutting down/);
});
