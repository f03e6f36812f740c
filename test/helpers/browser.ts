import { chromium, type Browser } from 'playwright-core';
import type { Test } from 'tap';
import { chromium as debianChromium } from './external.js';

/** Debian's Chromium (installed by .ci/run), headless, with the flags this closed network needs; guard the test with requires(t, chromium()). */
export async function launchBrowser(t: Test): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: debianChromium().path,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** The app listening on loopback and a page of Debian's Chromium, collecting console errors (CSP violations surface there). */
export async function browse(t: Test, app: { listen(o: { port: number; host: string }): Promise<unknown>; server: { address(): unknown } }) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { base, page, errors };
}
