import t from 'tap';
import { makeApp } from '../helpers/app.js';
import { browse } from '../helpers/browser.js';
import { chromium, requires } from '../helpers/external.js';

t.test('a researcher searches the bundled catalog in the portal and narrows by facet', requires(t, chromium()), async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const { base, page, errors } = await browse(t, a.app);

  await page.goto(`${base}/`);
  t.match(await page.title(), /femto/);
  await page.fill('input[type=search]', 'lattice');
  await Promise.all([page.waitForURL(/q=lattice/), page.click('button[type=submit]')]);
  const titles = await page.locator('ol.results h3').allTextContents();
  t.ok(
    titles.some((x) => /Lattice QCD/.test(x)),
    `results: ${titles.join(' | ')}`,
  );
  const total = Number((await page.textContent('#count'))!.split(' ')[0]);

  await Promise.all([page.waitForURL(/tier=8/), page.click('aside.facets section:has(h2:text("Tier")) a:text-is("8")')]);
  const narrowed = Number((await page.textContent('#count'))!.split(' ')[0]);
  t.ok(narrowed > 0 && narrowed <= total, `tier facet narrows ${total} -> ${narrowed}`);
  const tiers = await page.locator('ol.results .badge:text-matches("^tier")').allTextContents();
  t.ok(
    tiers.every((x) => x === 'tier 8'),
    'every result is tier 8',
  );

  await page.goto(`${base}/?q=${encodeURIComponent('<script>alert(1)</script>')}`);
  t.equal(await page.inputValue('input[type=search]'), '<script>alert(1)</script>', 'the query is shown as text, not run');
  t.equal(await page.locator('main script').count(), 0);
  t.same(errors, [], 'no console errors, no CSP violations');
});

t.test('a researcher walks lineage in the portal from FM4NPP back to its simulated TPC data', requires(t, chromium()), async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const { base, page, errors } = await browse(t, a.app);

  await page.goto(`${base}/?q=FM4NPP`);
  await Promise.all([page.waitForURL(/\/portal\/lineage\/fm4npp/), page.click('ol.results li:has(a[href="/datasets/fm4npp"]) a:text("lineage")')]);
  const labels = await page.locator('svg.lineage g.node title').allTextContents();
  t.ok(
    labels.some((l) => /^TPCpp-10M/.test(l)),
    `the upstream training data is drawn: ${labels.join(' | ')}`,
  );
  t.ok(
    labels.some((l) => /FM4NPP/.test(l)),
    'and the root',
  );
  t.equal(await page.locator('svg.lineage g.node.root').count(), 1, 'the root is marked');
  // Training: TPCpp-10M -> step -> FM4NPP; downstream, the two evaluation steps of FM4NPP's stated claims used it.
  t.equal(await page.locator('svg.lineage path[d]').count(), 2 + 2 + 1, 'four edges plus the arrow marker');

  await Promise.all([page.waitForURL(/\/datasets\/tpcpp-10m\/versions\/1/), page.click('svg.lineage a:has(title:text-matches("^TPCpp-10M"))')]);
  t.match(await page.textContent('h1'), /TPCpp-10M/, 'a node opens its landing page');
  t.same(errors, [], 'no console errors, no CSP violations');
});
