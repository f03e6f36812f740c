import t from 'tap';
import type { AddressInfo } from 'node:net';
import { BASE_URL, makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { chromium, requires } from '../helpers/external.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A record with a lineage step and one withdrawn record: every kind of HTML page femto serves. */
async function htmlPages(a: TestApp) {
  const kept = await publishedDataset(a, { title: 'Kept record', distributions: [{ urls: ['https://data.example.org/kept.h5'] }] });
  const derived = await publishedDataset(a, { title: 'Derived record' });
  await a.app.inject({
    method: 'POST',
    url: '/activities',
    headers: a.as.curator,
    payload: { kind: 'analysis', name: 'fit', inputs: [{ dataset: kept }], outputs: [{ dataset: derived }] },
  });
  const gone = await publishedDataset(a, { title: 'Withdrawn record' });
  const doi = (method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) =>
    a.app.inject({
      method,
      url,
      headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
      payload: JSON.stringify({ data: { type: 'dois', attributes } }),
    });
  await doi('POST', '/dois', { doi: '10.5072/gone-1', url: `${BASE_URL}/datasets/${gone}`, event: 'publish' });
  await doi('PUT', '/dois/10.5072/gone-1', { event: 'hide', withdrawalReason: 'test' });
  return {
    portal: '/?q=record',
    lineage: `/portal/lineage/${kept}`,
    landing: `/datasets/${kept}`,
    version: `/datasets/${derived}/versions/1`,
    tombstone: `/datasets/${gone}`,
    graphiql: '/graphiql',
    docs: '/docs/',
  };
}

t.test('every HTML page sends a strict CSP, nosniff, no framing and a Referrer-Policy, and inlines no script or style', async (t) => {
  const a = await makeApp(t);
  const pages = await htmlPages(a);
  for (const [name, url] of Object.entries(pages)) {
    const res = await a.app.inject({ url, headers: { accept: BROWSER } });
    t.ok([200, 410].includes(res.statusCode), `${name}: ${res.statusCode}`);
    t.match(res.headers['content-type'], /^text\/html/, `${name} is HTML`);
    const csp = String(res.headers['content-security-policy']);
    t.match(csp, /(^|;)script-src 'self'(;|$)/, `${name}: scripts from femto only`);
    t.match(csp, /(^|;)style-src 'self'( 'sha256-[^']+')?(;|$)/, `${name}: styles from femto only (or hashed)`);
    t.match(csp, /frame-ancestors 'none'/, `${name}: no framing (CSP)`);
    t.match(csp, /object-src 'none'/);
    t.equal(res.headers['x-frame-options'], 'DENY', `${name}: no framing (X-Frame-Options)`);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['referrer-policy'], 'no-referrer');
    const inlineScripts = [...res.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].filter((m) => !/type="application\/ld\+json"/.test(m[1]));
    t.same(
      inlineScripts.map((m) => m[0]),
      [],
      `${name}: no inline script (JSON-LD data blocks aside)`,
    );
    t.notMatch(res.body, /<style|\sstyle="|\son[a-z]+=/i, `${name}: no inline style or event handler`);
  }
});

t.test('Chromium loads every HTML page with the CSP on and reports no violation', requires(t, chromium()), async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const pages = await htmlPages(a);
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
  const browser = await launchBrowser(t);
  for (const [name, url] of Object.entries(pages)) {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
    );
    await page.goto(`${base}${url}`, { waitUntil: 'networkidle' });
    if (name === 'graphiql') await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    if (name === 'docs') await page.waitForSelector('.opblock', { timeout: 20_000 });
    t.same(
      problems.filter((p) => !/status of 410/.test(p)),
      [],
      `${name}: no CSP violation, no script error`,
    );
    await page.close();
  }
});
