import t from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const fixture = shared('fixtures', 'real', 'hepdata', 'submission-ATLAS-ZZ');
const admin = { id: 'cli', role: 'admin' } as const;
const SQRTS = '- {name: SQRT(S), units: GEV, value: 7000}';

/** The real submission with its first data file replaced. */
function submissionWith(t: Parameters<Parameters<typeof t.test>[1]>[0], data1: string): string {
  const dir = join(t.testdir({}), 'submission-ATLAS-ZZ');
  cpSync(fixture.path, dir, { recursive: true });
  writeFileSync(join(dir, 'data1.yaml'), data1);
  return dir;
}
const run = async (a: TestApp, dir: string) => {
  const out: string[] = [];
  const [counts] = await importCommand(a.app.femto.imports, admin, ['hepdata', dir], {}, { out: (l) => out.push(l) });
  return { counts, out: out.join('\n') };
};

/** Many anchors, each used as often as the yaml library's own per-anchor bound lets it: a file amplified about 90-fold. */
function amplified(anchors: number, values: number, uses: number): string {
  const list = (v: string) => `[${Array.from({ length: values }, (_, i) => `{value: ${i}${v}}`).join(', ')}]`;
  let y = `independent_variables:\n- header: {name: x}\n  values: &a0 ${list('')}\ndependent_variables:\n`;
  for (let k = 1; k < anchors; k++) y += `- header: {name: y${k}}\n  values: &a${k} ${list('.5')}\n`;
  for (let k = 0; k < anchors; k++) for (let u = 0; u < uses; u++) y += `- header: {name: z${k}_${u}}\n  values: *a${k}\n`;
  return y;
}

t.test('YAML aliases: a few shared nodes are read, an amplifying file is refused before it is expanded', requires(t, fixture), async (t) => {
  const a = await makeApp(t);
  // PyYAML writes an alias where one object is shared: the qualifier every table of the fixture repeats.
  const original = readFileSync(join(fixture.path, 'data1.yaml'), 'utf8');
  const shared_ = original.replace(SQRTS, `- &sqrts {name: SQRT(S), units: GEV, value: 7000}`).replaceAll(SQRTS, '- *sqrts');
  t.ok(shared_.includes('*sqrts'), 'the fixture repeats the qualifier');
  const ok = await run(a, submissionWith(t, shared_));
  t.match(ok.counts, { created: 1, refused: 0 }, ok.out);
  const id = /create dataset (\S+)/.exec(ok.out)![1];
  const table = (await a.app.inject({ url: `/datasets/${id}` })).json().hepdataTables[0];
  t.ok(
    table.dependentVariables.every((v: { qualifiers: { name: string; value: string }[] }) =>
      v.qualifiers.some((q) => q.name === 'SQRT(S)' && q.value === '7000'),
    ),
    'every aliased qualifier is read',
  );

  const bomb = amplified(20, 200, 95);
  const started = process.hrtime.bigint();
  const refused = await run(await makeApp(t), submissionWith(t, bomb));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.match(refused.counts, { created: 0, refused: 1 });
  t.match(refused.out, /data1\.yaml: its YAML aliases expand .+; at most 4 times its own nodes/);
  t.ok(ms < 10_000, `refused in ${Math.round(ms)} ms (${bomb.length} bytes)`);

  // A billion laughs: each level ten aliases of the one before.
  let laughs = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 12; i++) laughs += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  const laughed = await run(await makeApp(t), submissionWith(t, laughs));
  t.match(laughed.out, /data1\.yaml: its YAML aliases expand it past \d+ nodes/);
});

t.test('a table of hundreds of rows and no alias at all is read whole (the bound is relative to its own nodes)', requires(t, fixture), async (t) => {
  const a = await makeApp(t);
  const rows = 400;
  let table = 'independent_variables:\n- header: {name: PT, units: GEV}\n  values:\n';
  for (let i = 0; i < rows; i++) table += `  - {low: ${i}, high: ${i + 1}}\n`;
  table += 'dependent_variables:\n- header: {name: DSIG/DPT, units: FB/GEV}\n  qualifiers:\n  - {name: SQRT(S), units: GEV, value: 7000}\n  values:\n';
  for (let i = 0; i < rows; i++) table += `  - value: ${(1000 / (i + 1)).toFixed(3)}\n    errors:\n    - {symerror: 0.5, label: stat}\n`;
  t.notOk(table.includes('&') || table.includes('*'), 'no anchor, no alias');
  const ok = await run(a, submissionWith(t, table));
  t.match(ok.counts, { created: 1, refused: 0 }, ok.out);
  const id = /create dataset (\S+)/.exec(ok.out)![1];
  t.equal((await a.app.inject({ url: `/datasets/${id}` })).json().hepdataTables[0].rowCount, rows, 'every row counted');
});
