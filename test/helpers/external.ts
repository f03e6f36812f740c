import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Test } from 'tap';
import { projectPath } from '../../src/paths.js';

/**
 * The one way tests reach what `npm ci` cannot install: the shared fixtures folder kept beside the repository, and
 * Debian's Chromium. When one is missing the test is skipped with the reason and how to provide it, so a fresh clone
 * passes with Node alone; under CI=true (`.ci/run`, which provides them all) the same condition is a failure.
 */
export interface External {
  readonly path: string;
  /** What is missing, undefined when present. */
  readonly missing?: string;
  /** How to provide it. */
  readonly enable: string;
}

export const sharedDir = resolve(process.env.FEMTO_SHARED_DIR ?? projectPath('..', 'shared'));

/** A file or folder of the shared fixtures (`../shared` beside the repository, or FEMTO_SHARED_DIR). */
export function shared(...parts: string[]): External {
  const path = join(sharedDir, ...parts);
  const enable = `place the project's shared/ folder beside the repository or set FEMTO_SHARED_DIR to it (looked in ${sharedDir})`;
  return existsSync(path) ? { path, enable } : { path, enable, missing: `needs shared/${parts.join('/')}` };
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Debian's Chromium, as `.ci/run` installs it: CHROMIUM_PATH, else `chromium` on PATH. */
export function chromium(): External {
  const path =
    process.env.CHROMIUM_PATH ??
    (process.env.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, 'chromium'))
      .find(executable) ??
    'chromium';
  const enable = 'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary';
  return executable(path) ? { path, enable } : { path, enable, missing: `needs Chromium, not found (${path})` };
}

const failInsteadOfSkip = process.env.CI === 'true';

function reasonMissing(externals: External[]): string | undefined {
  const absent = externals.filter((e) => e.missing);
  if (!absent.length) return undefined;
  return `${absent.map((e) => e.missing).join(', ')}: ${[...new Set(absent.map((e) => e.enable))].join('; ')}`;
}

function missingIn(t: Test, reason: string) {
  t.fail(`CI=true turns this skip into a failure: ${reason}`);
}

/** Options for `t.test(name, requires(t, ...), fn)`: the test is skipped when something is missing (failed under CI=true). */
export function requires(t: Test, ...externals: External[]): { skip?: string } {
  const reason = reasonMissing(externals);
  if (reason === undefined) return {};
  if (failInsteadOfSkip) missingIn(t, reason);
  return { skip: reason };
}

/** For one check inside a larger test: true when it can run, else it is recorded as a skipped assertion (a failure under CI=true). */
export function available(t: Test, message: string, ...externals: External[]): boolean {
  const reason = reasonMissing(externals);
  if (reason === undefined) return true;
  if (failInsteadOfSkip) missingIn(t, `${message}: ${reason}`);
  else t.pass(message, { skip: reason });
  return false;
}
