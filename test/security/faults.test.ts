import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../src/paths.js';
import { makeApp, minimalDataset, sqliteFile } from '../helpers/app.js';

const cli = projectPath('src/cli.ts');
/** As root every directory is writable: the read-only case runs the CLI as nobody then. */
const asUnprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * The real CLI, through a shell that drops NODE_OPTIONS: the test runner puts its own hooks there
 * (on every child it spawns), and they write files of their own, which `nobody` may not.
 */
function serve(env: Record<string, string>, extra: object = {}) {
  return spawnSync('/bin/sh', ['-c', 'unset NODE_OPTIONS; exec "$0" "$@"', process.execPath, '--import', 'tsx', cli, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'silent', FEMTO_SEED_ON_EMPTY: 'false', PORT: '0', ...env },
    encoding: 'utf8',
    cwd: projectPath(),
    timeout: 60_000,
    ...extra,
  });
}

function assertOneLine(t: Tap.Test, r: ReturnType<typeof serve>, names: RegExp, cause: RegExp) {
  t.not(r.status, 0, `exits non-zero (${r.status})`);
  t.not(r.status, null, 'exits by itself (not killed by the timeout)');
  const lines = r.stderr.trim().split('\n');
  t.equal(lines.length, 1, `one line: ${r.stderr.trim()}`);
  t.match(lines[0], names, 'names the variable or file');
  t.match(lines[0], cause, 'says why');
  t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

t.test('start faults end with one line naming the variable or file and the cause', async (t) => {
  const dir = t.testdir({ ro: {} });
  chmodSync(dir, 0o755);

  t.test('an unknown gate in FEMTO_GATE_POLICY', async (t) => {
    assertOneLine(
      t,
      serve({ FEMTO_DB: join(dir, 'gate.sqlite'), FEMTO_GATE_POLICY: '{"3":["no-such-gate"]}' }),
      /FEMTO_GATE_POLICY/,
      /unknown gate 'no-such-gate'/,
    );
  });

  t.test('HOST=999.1.1.1', async (t) => {
    assertOneLine(t, serve({ FEMTO_DB: join(dir, 'host.sqlite'), HOST: '999.1.1.1' }), /HOST/, /IP address or a host name/);
  });

  t.test('a corrupt database file', async (t) => {
    const file = join(dir, 'corrupt.sqlite');
    writeFileSync(file, 'this is not an SQLite database, whatever its name says. '.repeat(100));
    assertOneLine(t, serve({ FEMTO_DB: file }), new RegExp(`FEMTO_DB=${file}`), /not an SQLite database, or corrupt/);
  });

  t.test('no space left at start (the quota stands in for a full disk)', async (t) => {
    const file = join(dir, 'full.sqlite');
    assertOneLine(t, serve({ FEMTO_DB: file, FEMTO_DB_MAX_BYTES: '65536' }), new RegExp(`FEMTO_DB=${file}`), /no space left/);
  });

  t.test('a read-only database directory', async (t) => {
    const ro = join(dir, 'ro');
    chmodSync(ro, 0o555);
    t.teardown(() => chmodSync(ro, 0o755));
    assertOneLine(t, serve({ FEMTO_DB: join(ro, 'femto.sqlite') }, asUnprivileged), new RegExp(`FEMTO_DB=${ro}/femto.sqlite`), /writable/);
  });
});

t.test('a full database at run time: writes answer 507 problem+json and leave nothing; readiness fails, liveness stands', async (t) => {
  const a = await makeApp(t, { FEMTO_DB: sqliteFile(t), FEMTO_DB_MAX_BYTES: String(1536 * 1024) });
  t.equal((await a.app.inject('/health/ready')).statusCode, 200, 'ready while there is room');
  const big = 'x'.repeat(99_000);
  let full: Awaited<ReturnType<typeof a.app.inject>> | undefined;
  let stored = 0;
  for (let i = 0; i < 30 && !full; i++) {
    const res = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ description: `${i} ${big}` }) });
    if (res.statusCode === 201) stored++;
    else full = res;
  }
  t.ok(full, `the quota was reached after ${stored} datasets`);
  t.equal(full!.statusCode, 507);
  t.match(full!.headers['content-type'], 'application/problem+json');
  t.match(full!.json(), { code: 'STORAGE_FULL', detail: /nothing was written/ });
  const { n } = a.app.femto.database.sqlite.prepare('SELECT count(*) AS n FROM dataset_versions').get() as { n: number };
  t.equal(n, stored, 'the failed write left no half-written dataset');

  const ready = await a.app.inject('/health/ready');
  t.equal(ready.statusCode, 503, 'not ready when the database cannot take writes');
  t.match(ready.json(), { code: 'NOT_READY', detail: /SQLITE_FULL/ });
  t.equal((await a.app.inject('/health')).statusCode, 200, 'alive all the same (reads work)');
});
