import t from 'tap';
import { makeApp, publishedDataset, step } from '../helpers/app.js';
import { browse } from '../helpers/browser.js';
import { chromium, requires } from '../helpers/external.js';

t.test('a reviewer reads a model page: card, manifest, evaluations, leaderboard, coloured lineage', requires(t, chromium()), async (t) => {
  const a = await makeApp(t);
  await publishedDataset(a, {
    id: 'raw',
    title: 'Raw TPC hits of simulated collisions for the tracking benchmark',
    tier: 3,
    observables: ['https://w3id.org/femto/observable/scaling-collapse-r2'],
  });
  await publishedDataset(a, {
    id: 'train',
    title: 'Training tracks',
    distributions: [{ urls: ['https://data.example.org/train.h5'], checksum: { algorithm: 'sha256', value: 'ab'.repeat(32) } }],
  });
  await publishedDataset(a, { id: 'bench', title: 'Benchmark events' });
  await publishedDataset(a, {
    id: 'tracker',
    title: 'GNN tracker',
    resourceType: 'Model',
    modelCard: { modelDetails: { architecture: 'message-passing GNN', parametersCount: 1_200_000 } },
  });
  await publishedDataset(a, { id: 'rival', title: 'Rival tracker', resourceType: 'Model' });
  await step(a, { kind: 'reconstruction', inputs: [{ dataset: 'raw' }], outputs: [{ dataset: 'train' }] });
  await step(a, { kind: 'training', name: 'Train the GNN tracker', inputs: [{ dataset: 'train' }], outputs: [{ dataset: 'tracker' }] });
  const measured = await a.app.inject({
    method: 'POST',
    url: '/datasets/raw/measurements',
    headers: a.as.curator,
    payload: { observable: 'scaling-collapse-r2', value: 0.9 },
  });
  t.equal(measured.statusCode, 201, 'the raw data fail their gate');
  for (const [model, value] of [
    ['tracker', 0.95],
    ['rival', 0.93],
  ] as const) {
    const ev = await a.app.inject({
      method: 'POST',
      url: `/models/${model}/evaluations`,
      headers: a.as.curator,
      payload: { benchmark: { dataset: 'bench' }, metric: 'tracking-efficiency', value, baseline: { algorithm: 'Kalman-filter tracker', value: 0.91 } },
    });
    t.equal(ev.statusCode, 201);
  }

  const { base, page, errors } = await browse(t, a.app);

  await page.goto(`${base}/datasets/tracker`);
  t.equal(await page.locator('#model-card').count(), 1, 'the landing page has the model card');
  t.equal(await page.locator('svg.lineage').count(), 1, 'and the lineage picture');
  t.equal(await page.locator('svg.lineage g.node.root.passed').count(), 1, 'the model is drawn as passed (it beats its baseline)');
  // Landing pages link with FEMTO_BASE_URL (not this loopback address): follow the link's path.
  const modelPage = new URL((await page.getAttribute('a:text("Model page")', 'href'))!).pathname;
  t.equal(modelPage, '/portal/models/tracker');
  await page.goto(`${base}${modelPage}`);

  t.match(await page.textContent('h1'), /GNN tracker/);
  t.match(await page.textContent('#card-modelDetails'), /message-passing GNN/);
  t.match(await page.textContent('#card-factors'), /Not stated/, 'an unanswered section says so');
  t.match(await page.textContent('#manifest-status'), /Needs review/, 'the failed upstream gate makes the manifest need review');
  t.match(await page.textContent('ul.flags'), /failed validation gates: raw@1/);
  t.equal(await page.locator('table.manifest.training tr[data-id="train@1"]').count(), 1, 'the training data are listed');
  t.match(await page.textContent('table.manifest.training tr[data-id="train@1"]'), /sha256:abab/);
  const rows = await page
    .locator('section.leaderboard tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()).join(' | ')));
  t.same(
    rows,
    ['1 | GNN tracker v1 | all | 0.95', '2 | Rival tracker v1 | all | 0.93', '3 | Kalman-filter tracker baseline | all | 0.91'],
    'the leaderboard, best first, with the baseline',
  );
  t.equal(await page.locator('section.leaderboard tr.this-model').count(), 1, 'this model stands out');

  // The coloured upstream lineage: a failed raw source, a training set not evaluated, the legend, full names on hover.
  t.equal(await page.locator('svg.lineage g.node.failed[data-id="raw@1"]').count(), 1);
  t.equal(await page.locator('svg.lineage g.node.not-evaluated[data-id="train@1"]').count(), 1);
  const raw = page.locator('svg.lineage g.node[data-id="raw@1"]');
  t.equal(
    await raw.locator('title').textContent(),
    'Raw TPC hits of simulated collisions for the tracking benchmark v1 (validation failed)',
    'the full name and status on hover',
  );
  t.match(await raw.locator('text').textContent(), /…$/, 'the box itself clips the long name');
  const fill = await raw.locator('rect').evaluate((el) => getComputedStyle(el).fill);
  t.equal(fill, 'rgb(251, 217, 214)', 'drawn in the failed colour by the stylesheet');
  const legend = await page.locator('ul.legend li').allTextContents();
  t.same(legend.slice(0, 3), ['validation passed', 'validation failed', 'not evaluated']);
  t.same(errors, [], 'no console errors, no CSP violations');
});
