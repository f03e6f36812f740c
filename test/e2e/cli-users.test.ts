import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectPath } from '../../src/paths.js';

// Each command is a process that compiles femto through tsx: generous on a loaded machine.
t.setTimeout(900_000);

t.test('CLI: users, groups, tokens acting for a user', async (t) => {
  const db = join(t.testdir({}), 'cli.sqlite');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', projectPath('src/cli.ts'), ...args], {
      env: { ...process.env, FEMTO_DB: db, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      cwd: projectPath(),
    });
  const ok = (...args: string[]) => {
    const r = run(...args);
    t.equal(r.status, 0, `femto ${args.join(' ')}: ${r.stderr}`);
    return r.stdout ? (JSON.parse(r.stdout) as unknown) : undefined;
  };
  t.match(ok('user', 'create', 'dana', '--name', 'Dana Scully', '--email', 'dana@example.org'), { id: 'dana', name: 'Dana Scully', groups: [] });
  t.match(ok('group', 'create', 'epic', '--name', 'ePIC Collaboration'), { id: 'epic', members: [] });
  t.match(ok('group', 'add', 'epic', 'dana'), { members: ['dana'] });
  const users = ok('user', 'list') as { id: string; groups: string[] }[];
  t.same(
    users.map((u) => `${u.id}:${u.groups.join(',')}`),
    ['admin:', 'catalog:', 'dana:epic', 'default:'],
  );
  t.match(ok('token', 'create', '--user', 'dana', '--role', 'curator'), { user: 'dana', role: 'curator', token: /^femto_/ });
  t.match(ok('token', 'create', '--role', 'reader'), { user: 'default' }, 'the --role form keeps working');
  t.match(ok('group', 'remove', 'epic', 'dana'), { members: [] });
  t.same(
    (ok('group', 'list') as { id: string }[]).map((g) => g.id),
    ['epic'],
  );
  const unknown = run('group', 'add', 'epic', 'nobody');
  t.equal(unknown.status, 1);
  t.match(unknown.stderr, /femto: User 'nobody' does not exist/, 'one line, no stack trace');
  const bad = run('user', 'create', 'Not A Slug', '--name', 'x');
  t.equal(bad.status, 2);
  t.match(bad.stderr, /lowercase slug/);
});
