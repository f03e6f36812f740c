import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { projectPath } from '../../src/paths.js';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { FemtoError } from '../../src/errors.js';
import { makeApp, minimalDataset } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const cli = projectPath('src/cli.ts');
const admin = { id: 'cli', role: 'admin' } as const;
const line = (id: string, over: Record<string, unknown> = {}) => JSON.stringify({ id, ...minimalDataset({ title: `Dataset ${id}` }), ...over });
const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => line(`ds-${from + i}`)).join('\n') + '\n';
const dataciteXml = shared('fixtures', 'real', 'datacite', 'examples-xml', 'datacite-example-dataset-v4.xml');

const capture = () => {
  const out: string[] = [];
  return { out, console_: { out: (l: string) => out.push(l) } };
};

t.test('plain lines per unit, then the summary; a re-run reports everything unchanged', async (t) => {
  const a = await makeApp(t);
  const file = join(t.testdir({ 'catalog.jsonl': lines(3) + '{"id": "x"}\n' }), 'catalog.jsonl');
  const { out, console_ } = capture();
  const [counts] = await importCommand(a.app.femto.imports, admin, ['jsonl', file], {}, console_);
  t.match(counts, { format: 'jsonl', created: 3, refused: 1 });
  t.match(out[0], new RegExp(`^created\\t${file}:1\\tcreated dataset ds-0 v1$`));
  t.match(out[3], new RegExp(`^refused\\t${file}:4\\t.*/title`), 'a refusal names the line and the field');
  t.equal(out[4], 'jsonl: 3 created, 0 updated, 0 unchanged, 1 refused');
  const again = capture();
  await importCommand(a.app.femto.imports, admin, ['jsonl', file], {}, again.console_);
  t.equal(again.out[4], 'jsonl: 0 created, 0 updated, 3 unchanged, 1 refused');
});

t.test('an interrupted run keeps its committed batches, and the re-run skips them', async (t) => {
  // A full disk is an SQLite file's page limit: both lanes run it on SQLite.
  const a = await makeApp(t, { FEMTO_DB: join(t.testdir({}), 'femto.sqlite') });
  const file = join(t.testdir({ 'catalog.jsonl': lines(400) }), 'catalog.jsonl');
  const sqlite = a.app.femto.database.sqlite!;
  // A full disk part-way through: the database may grow by a few pages only.
  const pages = (sqlite.pragma('page_count', { simple: true }) as number) - (sqlite.pragma('freelist_count', { simple: true }) as number);
  sqlite.pragma(`max_page_count = ${pages + 8}`);
  const first = capture();
  const failure = await (async () => {
    try {
      await importCommand(a.app.femto.imports, admin, ['jsonl', file], { batchSize: 5 }, first.console_);
    } catch (err) {
      return err;
    }
  })();
  t.ok(failure instanceof FemtoError && failure.code === 'STORAGE_FULL', `the run stopped on the full disk (${String(failure)})`);
  const committed = first.out.filter((l) => l.startsWith('created')).length;
  t.ok(committed > 0 && committed < 400 && committed % 5 === 0, `whole batches committed before the disk filled (${committed})`);
  sqlite.pragma('max_page_count = 1073741823');
  const rerun = capture();
  const [counts] = await importCommand(a.app.femto.imports, admin, ['jsonl', file], { batchSize: 5 }, rerun.console_);
  t.match(counts, { created: 400 - committed, unchanged: committed, refused: 0 });
  t.equal((await a.app.inject({ url: '/datasets?limit=100' })).json().items.length, 100);
});

t.test('a directory: each file of the format; without a format, each file by its content', requires(t, dataciteXml), async (t) => {
  const a = await makeApp(t);
  const dir = t.testdir({
    'a.jsonl': lines(2),
    sub: { 'b.jsonl': lines(1, 2) },
    'notes.txt': 'not a record',
    'record.xml': readFileSync(dataciteXml.path, 'utf8'),
  });
  const named = capture();
  const [counts] = await importCommand(a.app.femto.imports, admin, ['jsonl', dir], {}, named.console_);
  t.match(counts, { created: 3, refused: 0 }, 'only .jsonl files, subdirectories included');
  const guessed = capture();
  const all = await importCommand(a.app.femto.imports, admin, [dir], { dryRun: true }, guessed.console_);
  t.same(
    all.map((c) => [c.format, c.created, c.unchanged, c.refused]),
    [
      ['jsonl', 0, 3, 0],
      ['unknown', 0, 0, 1],
      ['datacite', 1, 0, 0],
    ],
  );
  t.match(guessed.out.join('\n'), /refused\t.*notes\.txt\t.*none of the import formats/);
  t.match(guessed.out.join('\n'), /datacite: 1 created, 0 updated, 0 unchanged, 0 refused \(dry run: nothing was written\)/);
});

t.test('on a terminal: a progress bar, and the refusals after it', async (t) => {
  const a = await makeApp(t);
  const file = join(t.testdir({ 'c.jsonl': lines(2) + 'not json\n' }), 'c.jsonl');
  const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
  let drawn = '';
  (terminal as unknown as PassThrough).on('data', (d: Buffer) => (drawn += d.toString()));
  const { out, console_ } = capture();
  await importCommand(a.app.femto.imports, admin, ['jsonl', file], {}, { ...console_, progress: terminal });
  t.match(drawn, /import \[.*\] 3\/3 units/);
  t.same(
    out.map((l) => l.split('\t')[0]),
    ['jsonl: 2 created, 0 updated, 0 unchanged, 1 refused', 'refused'],
  );
});

t.test('femto import from standard input, the DataCite records of old without a format, exit status', requires(t, dataciteXml), async (t) => {
  const dir = t.testdir({});
  const env = { ...process.env, LOG_LEVEL: 'silent', FEMTO_DB: join(dir, 'cli.sqlite') };
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, 'import', ...args], { env, input, encoding: 'utf8', cwd: projectPath() });
  const piped = run(['jsonl', '-'], lines(2));
  t.equal(piped.status, 0, piped.stderr);
  t.match(piped.stdout, /jsonl: 2 created/);
  const xml = join(dir, 'record.xml');
  writeFileSync(xml, readFileSync(dataciteXml.path));
  const datacite = run([xml]);
  t.equal(datacite.status, 0, datacite.stderr);
  t.match(datacite.stdout, /created\t.*record\.xml\tcreated dataset doi-10-82433-9184-dy35 with DOI 10\.82433\/9184-dy35/);
  const refused = run(['jsonl', '-'], '{"id": "no-title"}\n');
  t.equal(refused.status, 1, 'a refused unit makes the exit status 1');
  const unknown = run(['jsonl']);
  t.equal(unknown.status, 1);
  t.match(unknown.stderr, /needs a file, a directory or -/);
});
