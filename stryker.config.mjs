// Mutation testing of the modules that guard data and access (`npm run mutate [group...]`, see test/README.md).
// Not part of `npm test` or CI: every mutant reruns the test files that cover it, which takes a while on 2 cores.
// One group per run (FEMTO_MUTATE names it), each with only the test files that exercise its code, so the initial
// run and every mutant's run stay small.
import { groups } from './scripts/mutation-groups.mjs';

const name = process.env.FEMTO_MUTATE;
const group = groups[name];
if (!group) throw new Error(`FEMTO_MUTATE must name one of: ${Object.keys(groups).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: { testFiles: group.tests, nodeArgs: ['--import=tsx', '-r', '{{hookFile}}', '{{testFile}}'] },
  mutate: group.mutate,
  coverageAnalysis: 'perTest',
  // Test files run as plain node processes: tap's per-file timeout must not cut them short under load.
  concurrency: Number(process.env.FEMTO_MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 60_000,
  timeoutFactor: 2.5,
  ignorePatterns: ['dist', 'reports', 'bench', 'data', '.tap', 'coverage', '*.sqlite*'],
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
