import t from 'tap';
import { readFileSync } from 'node:fs';
import { makeApp } from '../helpers/app.js';
import { available, shared } from '../helpers/external.js';

const seedFile = shared('seeds', '002_293f90dbcc664d74.txt');
// Markup of the transcription (superscript citation marks) is not wording.
const squash = (s: string) =>
  s
    .replace(/<\/?sup>/g, '')
    .replace(/\\/g, '')
    .replace(/\s+/g, ' ');

t.test('the bundled FM4NPP: a model card from the seed only, trained on TPCpp-10M, its claims stated and never measured', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const card = await a.app.inject({ url: '/models/fm4npp/card' });
  t.equal(card.statusCode, 200, card.body);
  const view = card.json();

  // What seed 002 says of FM4NPP: a proof-of-concept FM-based tracking algorithm, TPCpp-10M beside it, no numbers.
  t.match(view.card.intendedUse.primaryUses, ['charged-particle tracking']);
  t.notOk(view.card.modelDetails.parametersCount ?? view.card.modelDetails.architecture, 'the seed states neither a parameter count nor an architecture');
  t.same(view.completeness.missing, ['factors', 'metrics', 'evaluationData', 'ethicalConsiderations'], 'sections the seed does not answer stay unanswered');
  t.equal(view.model.license, 'unknown', 'the seed states no licence');

  t.same(
    view.trainingSetManifest.trainingData.map((d: { id: string }) => d.id),
    ['tpcpp-10m@1'],
    'trained on TPCpp-10M',
  );
  t.same(
    view.trainingSetManifest.trainingSteps.map((s: { kind: string }) => s.kind),
    ['training'],
  );

  t.equal(view.evaluations.length, 2);
  for (const e of view.evaluations) {
    t.equal(e.kind, 'claim', `${e.id}: a stated claim`);
    t.equal(e.value, null, `${e.id}: no invented value`);
    t.equal(e.baseline.value, null, `${e.id}: no invented baseline value`);
    t.equal(e.benchmark, null, `${e.id}: the seed names no evaluation dataset`);
  }
  t.same(
    view.evaluations.map((e: { statement: string }) => e.statement),
    ['outperformed baseline methods', 'improving computational efficiency compared to traditional methods'],
  );
  const status = (await a.app.inject({ url: '/datasets/fm4npp' })).json().gateStatus;
  t.equal(status.status, 'not-evaluated', 'claims are not judged: the model is not evaluated');
  t.ok(status.gates.every((g: { state: string }) => g.state === 'not-evaluable'));

  if (available(t, 'the card and claims quote seed 002 word for word', seedFile)) {
    const seed = squash(readFileSync(seedFile.path, 'utf8'));
    const quoted = [
      ...Object.values(view.card).flatMap((section) => ((section as { basis?: string }).basis ?? '').split(' ... ')),
      ...view.evaluations.flatMap((e: { statement: string; basis: string }) => [e.statement, e.basis.replace(/ \(002_293f90dbcc664d74\.txt\)$/, '')]),
      ...view.card.intendedUse.primaryUses,
    ].filter(Boolean);
    t.ok(quoted.length >= 8);
    for (const q of quoted) t.ok(seed.includes(squash(q)), `seed 002 says: "${q.slice(0, 80)}"`);
  }

  const page = await a.app.inject({ url: '/portal/models/fm4npp' });
  t.equal(page.statusCode, 200);
  t.match(page.body, 'Only stated claims: nothing to rank.');
  t.match(page.body, /<span class="badge">stated claim<\/span> “outperformed baseline methods”/);
});
