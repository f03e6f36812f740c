/**
 * The processes bench/rest measures: femto compiled by `npm run build` and started as
 * `node dist/src/cli.js serve` (what `npm start` runs), and a bare Fastify hello-world, each
 * listening on 127.0.0.1 in its own process so the load generator never shares their event loop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.js';
import { BENCH_BASE_URL } from './loader.js';
import { freePort } from '../../test/helpers/ports.js';

export interface Server {
  name: string;
  base: string;
  pid: number;
  /** Resident set size now and at its peak (VmHWM), in MiB, from /proc (Linux). */
  memory(): { rss: number; peak: number };
  /** CPU time the process has used so far (user + system, every thread), in microseconds, from /proc (Linux). */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** Compiles src/ to dist/ so the measured server is the current code, run as production runs it. */
export function buildFemto(): void {
  const r = spawnSync('npm', ['run', 'build'], { cwd: projectPath(), stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

async function untilAnswering(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}: no answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cpuMicrosOf(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (after the command name in parentheses), in clock ticks of 1/100 s.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Servers still running: stopped if the bench itself is interrupted, so no orphan keeps a port and a core busy. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

async function start(name: string, args: string[], env: Record<string, string>, readyPath: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: projectPath(),
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const base = `http://127.0.0.1:${port}`;
  try {
    await untilAnswering(child, base + readyPath, 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    name,
    base,
    pid: child.pid!,
    memory: () => memoryOf(child.pid!),
    cpuMicros: () => cpuMicrosOf(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => (clearTimeout(force), resolve()));
        child.kill('SIGTERM');
      }),
  };
}

/**
 * femto over an existing database (nothing seeded at start), logging warnings only. With `BENCH_CPU_PROF=<dir>` the
 * server writes a V8 CPU profile there when it stops (`node --cpu-prof`: NODE_OPTIONS may not carry it).
 */
export function startFemto(dbPath: string, extraEnv: Record<string, string> = {}): Promise<Server> {
  const env = { FEMTO_DB: dbPath, FEMTO_BASE_URL: BENCH_BASE_URL, LOG_LEVEL: 'warn', FEMTO_SEED_ON_EMPTY: 'false', NODE_ENV: 'production', ...extraEnv };
  const prof = process.env.BENCH_CPU_PROF;
  return start('femto', [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), projectPath('dist', 'src', 'cli.js'), 'serve'], env, '/health');
}

export function startHelloWorld(): Promise<Server> {
  return start('hello-world', ['--import', 'tsx', projectPath('bench', 'rest', 'hello-world.ts')], { NODE_ENV: 'production' }, '/');
}
