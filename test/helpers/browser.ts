import { chromium, type Browser } from 'playwright-core';
import type { Test } from 'tap';
import { chromium as debianChromium } from './external.js';

/** Debian's Chromium (installed by .ci/run), headless, with the flags this closed network needs; guard the test with requires(t, chromium()). */
export async function launchBrowser(t: Test): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: debianChromium().path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return browser;
}
