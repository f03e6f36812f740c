import t from 'tap';
import type { AddressInfo } from 'node:net';
import { makeApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { chromium, requires } from '../helpers/external.js';

t.test('GraphiQL works offline and walks FM4NPP back to TPCpp-10M', requires(t, chromium()), async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // CSP violations surface as console errors.
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  await page.goto(`${base}/graphiql`);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/graphql` && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('lineage')),
    page.click('.graphiql-execute-button'),
  ]);
  const { data } = await response.json();
  t.same(
    data.lineage.nodes.map((n: { id: string }) => n.id).sort(),
    ['fm4npp@1', 'tpcpp-10m@1', 'tpcpp-to-fm4npp-training'],
    'the default query walks the lineage',
  );
  t.equal(data.lineage.truncated, false);
  await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('tpcpp-10m@1'), null, { timeout: 20_000 });
  t.pass('the answer is shown in the result pane');
  t.same(external, [], 'no request leaves the server');
  t.same(errors, [], 'no script errors, no CSP violations');
});
