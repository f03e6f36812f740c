import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../src/paths.js';
import { available } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';
import { freePort } from '../helpers/ports.js';

/**
 * The runtime stage of the Dockerfile, read as the image builder reads it: each COPY's sources
 * (from the build context, or from the build stage's /app) and its destination under WORKDIR.
 */
function runtimeCopies(dockerfile: string): { from: 'context' | 'build'; sources: string[]; dest: string }[] {
  const stages = dockerfile.split(/^FROM\s/m);
  const runtime = stages[stages.length - 1];
  return [...runtime.matchAll(/^COPY\s+(--from=(\S+)\s+)?(.+)$/gm)].map((m) => {
    const parts = m[3].trim().split(/\s+/);
    return { from: m[2] ? 'build' : 'context', sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
  });
}

t.test('the runtime stage parses into what the image holds', async (t) => {
  const copies = runtimeCopies(readFileSync(projectPath('Dockerfile'), 'utf8'));
  t.same(
    copies.filter((c) => c.from === 'build').map((c) => c.sources[0]),
    ['/app/node_modules', '/app/dist'],
    'the build stage hands over dependencies and compiled code',
  );
  t.ok(
    copies.some((c) => c.from === 'context' && c.sources.includes('vocab')),
    'vocab/ (QUDT units, read at start) is in the image',
  );
});

t.test('the files the runtime stage copies, and nothing else, start the server', async (t) => {
  const image = t.testdir({});
  for (const copy of runtimeCopies(readFileSync(projectPath('Dockerfile'), 'utf8'))) {
    const dest = join(image, copy.dest);
    for (const source of copy.sources) {
      if (copy.from === 'context') {
        cpSync(projectPath(source), source.endsWith('/') || copy.sources.length > 1 || copy.dest.endsWith('/') ? join(dest, source) : dest, {
          recursive: true,
        });
      } else if (source === '/app/dist') {
        // The build stage's `npm run build`, into the image folder.
        const built = spawnSync(process.execPath, [projectPath('node_modules/typescript/bin/tsc'), '-p', projectPath('tsconfig.json'), '--outDir', dest], {
          encoding: 'utf8',
        });
        t.equal(built.status, 0, built.stdout + built.stderr);
      } else if (source === '/app/node_modules') {
        // The installed dependencies (the build stage prunes dev ones; their presence cannot hide a missing file of ours).
        symlinkSync(projectPath('node_modules'), dest, 'dir');
      } else {
        t.fail(`the test does not know how the build stage makes ${source}`);
      }
    }
  }
  t.ok(existsSync(join(image, 'dist/src/cli.js')), 'compiled CLI in place');

  const port = await freePort();
  const child = spawn(process.execPath, [join(image, 'dist/src/cli.js'), 'serve'], {
    cwd: image,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      FEMTO_DB: join(image, 'data/femto.sqlite'),
      LOG_LEVEL: 'warn',
    },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let health: Response | undefined;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (health) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  t.equal(health?.status, 200, `GET /health over HTTP from the image's files (log: ${log.slice(0, 2000)})`);
  const record = await fetch(`http://127.0.0.1:${port}/datasets/fm4npp`).catch(() => undefined);
  t.equal(record?.status, 200, 'the bundled catalog was loaded from the image');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit');

  if (available(t, "the image's files copy its database to PostgreSQL (migrations-pg)", postgres())) {
    const copied = spawnSync(
      process.execPath,
      [join(image, 'dist/src/cli.js'), 'db', 'copy', '--from', join(image, 'data/femto.sqlite'), '--to', await pgDatabase(t)],
      {
        cwd: image,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
      },
    );
    t.equal(copied.status, 0, copied.stderr);
  }
});
