// `npm run mutate [group...]`: runs Stryker once per group (all groups when none is named) and prints each
// group's mutation score from its JSON report (reports/mutation/<group>.json).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { groups } from './mutation-groups.mjs';

const names = process.argv.slice(2);
for (const name of names) if (!groups[name]) throw new Error(`unknown group ${name}; groups: ${Object.keys(groups).join(', ')}`);
const chosen = names.length ? names : Object.keys(groups);

// Stryker copies the project into a sandbox, from where ../shared no longer resolves.
const env = { ...process.env, FEMTO_SHARED_DIR: process.env.FEMTO_SHARED_DIR ?? resolve('..', 'shared'), TAP_TIMEOUT: '600' };
const killedStates = new Set(['Killed', 'Timeout']);
const rows = [];
let failed = false;
for (const name of chosen) {
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...env, FEMTO_MUTATE: name } });
  if (run.status !== 0) {
    failed = true;
    rows.push(`${name}: stryker exited ${run.status}`);
    continue;
  }
  const report = JSON.parse(readFileSync(`reports/mutation/${name}.json`, 'utf8'));
  const mutants = Object.values(report.files).flatMap((f) => f.mutants);
  const valid = mutants.filter((m) => !['CompileError', 'RuntimeError', 'Ignored'].includes(m.status));
  const killed = valid.filter((m) => killedStates.has(m.status)).length;
  rows.push(`${name}: ${((100 * killed) / valid.length).toFixed(1)}% (${killed}/${valid.length} killed)`);
}
console.log(['', 'mutation score per group:', ...rows].join('\n'));
process.exit(failed ? 1 : 0);
