import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Test } from 'tap';
import { projectPath } from '../../src/paths.js';

/** Goldens are rewritten only on request (`UPDATE_GOLDENS=1 npm test`), never as a side effect of a test run. */
export const updatingGoldens = process.env.UPDATE_GOLDENS === '1';

/**
 * The stored golden text of test/golden/<parts>, or undefined after failing `t` when it is missing. Under
 * UPDATE_GOLDENS=1 the file is first written from `actual`, to be reviewed in the diff before it is committed.
 */
export function golden(t: Test, actual: string, ...parts: string[]): string | undefined {
  const path = projectPath('test', 'golden', ...parts);
  if (updatingGoldens) writeFileSync(path, actual);
  if (!existsSync(path)) {
    t.fail(`golden test/golden/${parts.join('/')} is missing: write it with UPDATE_GOLDENS=1 npm test and review it`);
    return undefined;
  }
  return readFileSync(path, 'utf8');
}
