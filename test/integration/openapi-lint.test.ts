import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeApp } from '../helpers/app.js';
import { projectPath } from '../../src/paths.js';

const run = promisify(execFile);

t.test('redocly lint (recommended rules, offline) finds nothing in the OpenAPI document', async (t) => {
  const { app } = await makeApp(t);
  const doc = (await app.inject('/openapi.json')).json();
  const file = join(t.testdir({}), 'openapi.json');
  writeFileSync(file, JSON.stringify(doc));
  const cli = projectPath('node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // Exit code 1 when errors were found: the report is read either way.
  const { stdout } = await run(process.execPath, [cli, 'lint', file, '--format=json', `--config=${projectPath('redocly.yaml')}`], {
    env,
    cwd: projectPath(),
  }).catch((e) => e);
  const problems = (JSON.parse(stdout).problems as { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[]).map(
    (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`,
  );
  t.same(
    problems.filter((p) => p.startsWith('error')),
    [],
    '0 errors',
  );
  t.same(problems, [], 'and no warnings');

  const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>).flatMap(
    ([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );
  t.notOk(
    operations.some((o) => o.path.includes('*')),
    'no wildcard path: a generated client could not call it',
  );
  t.ok(doc.paths['/dois/{prefix}/{suffix}']?.get, 'a DOI is addressed by prefix and suffix');
  t.equal(new Set(operations.map((o) => o.op.operationId)).size, operations.length, 'every operation has its own operationId');
  t.same(
    Object.keys(doc.paths['/dois/{prefix}/{suffix}'].delete.responses).filter((s) => s.startsWith('2')),
    ['204'],
    'DELETE /dois documents the 204 it answers',
  );
  for (const [path, method] of [
    ['/dois/{prefix}/{suffix}', 'get'],
    ['/contexts/{name}', 'get'],
    ['/datasets/{id}/linkset', 'get'],
    ['/ontology', 'get'],
  ]) {
    t.ok((doc.paths[path][method].responses['200'] as { content?: unknown }).content, `${method} ${path} documents its 200 body`);
  }
  t.match(doc.paths['/datasets'].get.responses['4XX'], { $ref: '#/components/responses/Problem' }, 'client errors are problem+json');
  t.same(doc.paths['/datasets'].post.security, [{ bearer: [] }], 'writes name their credentials');
});
