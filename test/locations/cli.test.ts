import t from 'tap';
import { spawn } from 'node:child_process';
import { projectPath } from '../../src/paths.js';
import { makeApp, minimalDataset } from '../helpers/app.js';
import { CONTENT_SHA256, fileServer } from './file-server.js';

/** The CLI in its own process (the file server answers from this one, so not spawnSync). */
function femto(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', projectPath('src/cli.ts'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      cwd: projectPath(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

t.test('femto locations verify prints a line per replica and the counts, records them, and exits 1 when one failed', async (t) => {
  const a = await makeApp(t);
  const files = await fileServer(t);
  await a.app.inject({ method: 'PUT', url: '/sites/loopback', headers: a.as.admin, payload: { name: 'Loopback' } });
  const dist = (name: string) => ({
    title: name,
    sizeBytes: 11,
    checksum: { algorithm: 'sha256', value: CONTENT_SHA256 },
    replicas: [{ url: `${files.base}/${name}`, site: 'loopback' }],
  });
  const made = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ id: 'on-disk', distributions: [dist('good.bin'), dist('corrupt.bin')] }),
  });
  t.equal(made.statusCode, 201);
  t.equal((await a.app.inject({ method: 'POST', url: '/datasets/on-disk/publish', headers: a.as.curator })).statusCode, 200);
  const env = { FEMTO_DB: a.config.dbPath };

  const headOnly = await femto(['locations', 'verify', '--site', 'loopback', '--concurrency', '2', '--allow-private'], env);
  t.equal(headOnly.status, 0, headOnly.stderr);
  t.match(headOnly.stdout, /^ok\ton-disk v1\tloopback\thttp:\/\/127\.0\.0\.1:\d+\/good\.bin\tpresent, size matches$/m);
  t.match(headOnly.stdout, /checked 2 replicas: 2 ok\n$/);

  const full = await femto(['locations', 'verify', '--checksum', '--dataset', 'on-disk', '--allow-private'], env);
  t.equal(full.status, 1, 'a failed check is a failed run');
  t.match(full.stdout, /^checksum-mismatch\ton-disk v1\tloopback\t.*\/corrupt\.bin\tsha256 expected b94d27b9/m);
  t.match(full.stdout, /checked 2 replicas: 1 ok, 1 checksum-mismatch\n$/);
  const located = (await a.app.inject('/datasets/on-disk/locations')).json() as { distributions: { replicas: { verified: { result: string } }[] }[] };
  t.same(
    located.distributions.map((d) => d.replicas[0].verified.result),
    ['ok', 'checksum-mismatch'],
    'recorded where the server reads them',
  );

  const unknown = await femto(['locations', 'verify', '--site', 'atlantis'], env);
  t.equal(unknown.status, 1);
  t.match(unknown.stderr, /femto: Site 'atlantis' does not exist/);
  const bad = await femto(['locations', 'verify', '--concurrency', '1000'], env);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /concurrency/);
});
