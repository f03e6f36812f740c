import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, makeApp, minimalDataset, type TestApp } from '../helpers/app.js';
import { PolicyError } from '../../src/modules/policies/policies.loader.js';

/** Publication policies: reviewed files checked at start, enforced at publish and at DOI publish, reported by the FAIR self-score. */

const OBS = 'https://w3id.org/femto/observable/';

/** A directory of its own: makeApp's t.testdir would empty the test's directory. */
function policyDir(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'femto-policies-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

t.test('a bad policy file stops the start, naming the file, the line and the JSON pointer', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['not YAML', 'policy: x\nrules: [\n', /broken\.yaml line \d+: not valid YAML/],
    [
      'two requirements in one rule',
      'policy: x\ntitle: X\nrules:\n  - id: a\n    description: d\n    require: { license: true, fields: [keywords] }\n',
      /broken\.yaml line 6 \/rules\/0\/require: must name exactly one requirement/,
    ],
    [
      'an unknown key',
      'policy: x\ntitle: X\nrules:\n  - id: a\n    description: d\n    colour: blue\n    require: { license: true }\n',
      /broken\.yaml line 4 \/rules\/0: .*colour/,
    ],
    [
      'a generating step checked at publish',
      'policy: x\ntitle: X\nrules:\n  - id: a\n    description: d\n    on: [publish]\n    require: { generatedBy: {} }\n',
      /line 6 \/rules\/0\/on: a generatedBy rule can be checked at doi only/,
    ],
    [
      'an unknown gate',
      'policy: x\ntitle: X\nrules:\n  - id: a\n    description: d\n    require:\n      gates: [no-such-gate]\n',
      /broken\.yaml line 7 \/rules\/0\/require\/gates: names unknown gate 'no-such-gate'/,
    ],
    [
      'a gate that can never pass',
      'policy: x\ntitle: X\nrules:\n  - id: a\n    description: d\n    require: { gates: [ward-identity] }\n',
      /\/rules\/0\/require\/gates: gate 'ward-identity' states no number/,
    ],
    [
      'a tier out of range',
      'policy: x\ntitle: X\nrules:\n  - id: a\n    description: d\n    tiers: [12]\n    require: { license: true }\n',
      /line 6 \/rules\/0\/tiers/,
    ],
  ];
  for (const [what, text, message] of cases) {
    const dir = policyDir(t, { 'broken.yaml': text });
    const err = await makeApp(t, { FEMTO_POLICY_DIR: dir }).then(
      () => null,
      (e: unknown) => e,
    );
    t.ok(err instanceof PolicyError, `${what}: the start fails with a PolicyError`);
    t.match((err as Error).message, /^FEMTO_POLICY_DIR: /);
    t.match((err as Error).message, message, `${what}: ${(err as Error).message}`);
  }
  const dup = policyDir(t, {
    'a.yaml': 'policy: same\ntitle: A\nrules:\n  - { id: r, description: d, require: { license: true } }\n',
    'b.yaml': 'policy: same\ntitle: B\nrules:\n  - { id: r, description: d, require: { license: true } }\n',
  });
  await t.rejects(makeApp(t, { FEMTO_POLICY_DIR: dup }), /b\.yaml line 1 \/policy: repeats policy 'same' of .*a\.yaml/);
  await t.rejects(makeApp(t, { FEMTO_POLICY_DIR: join(dup, 'missing') }), /FEMTO_POLICY_DIR: cannot read the policy directory/);
});

const LATTICE_POLICY = `
policy: lattice-test
title: Test policy for tier 8
rules:
  - id: described
    description: keywords and related identifiers
    tiers: [8]
    require: { fields: [keywords, relatedIdentifiers] }
  - id: orcids
    description: people by ORCID
    tiers: { min: 8, max: 8 }
    require: { creators: { orcid: true } }
  - id: made-by
    description: a generating step with software name, version, commit
    on: [doi]
    tiers: [8]
    require: { generatedBy: { software: [name, version, commit] } }
  - id: gates
    description: applicable gates passed
    on: [doi]
    tiers: [8]
    require: { gates: applicable }
  - id: consortium-datasheet
    description: the lattice consortium asks for a datasheet
    groups: [lattice]
    require: { fields: [datasheet] }
`;

async function dois(a: TestApp, method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) {
  return a.app.inject({
    method,
    url,
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes } }),
  });
}

t.test('rules are checked at publish and at DOI publish; every unmet rule is listed with its pointer', async (t) => {
  const a = await makeApp(t, { FEMTO_POLICY_DIR: policyDir(t, { 'lattice.yaml': LATTICE_POLICY }) });
  const post = (url: string, payload?: object) => a.app.inject({ method: 'POST', url, headers: a.as.curator, payload });
  const created = await post(
    '/datasets',
    minimalDataset({
      id: 'hvp',
      tier: 8,
      creators: [{ name: 'No Orcid' }, { name: 'Has Orcid', orcid: '0000-0002-1825-0097' }],
      observables: [`${OBS}scaling-collapse-r2`],
    }),
  );
  t.equal(created.statusCode, 201, created.body);

  const refused = await post('/datasets/hvp/publish');
  t.equal(refused.statusCode, 422);
  const body = refused.json();
  t.equal(body.code, 'POLICY_UNMET');
  t.same(
    body.errors.map((e: { pointer: string }) => e.pointer),
    ['/keywords', '/relatedIdentifiers', '/creators/0/orcid'],
    'every problem of every rule checked at publish, with its pointer (rules checked at doi are not)',
  );
  t.same(
    body.policy.map((p: { rule: string }) => p.rule),
    ['described', 'orcids'],
  );
  t.match(body.errors[2].message, /^lattice-test\/orcids: No Orcid has no ORCID iD$/);
  t.equal((await a.app.inject({ url: '/datasets/hvp/versions', headers: a.as.curator })).json().items.length, 0, 'nothing was published');

  const draft = await a.app.inject({ url: '/datasets/hvp/draft', headers: a.as.curator });
  const patched = await a.app.inject({
    method: 'PATCH',
    url: '/datasets/hvp',
    headers: { ...a.as.curator, 'if-match': draft.headers.etag as string },
    payload: {
      keywords: ['lattice QCD'],
      relatedIdentifiers: [{ type: 'arXiv', value: '2401.00001', relation: 'IsDescribedBy' }],
      creators: [{ name: 'Has Orcid', orcid: '0000-0002-1825-0097' }],
    },
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal((await post('/datasets/hvp/publish')).statusCode, 200, 'published once the publish rules are met');

  const url = `${BASE_URL}/datasets/hvp`;
  const noDoi = await dois(a, 'POST', '/dois', { doi: '10.5072/hvp-1', url, event: 'publish', publisher: 'Lattice Lab' });
  t.equal(noDoi.statusCode, 422, noDoi.body);
  t.same(
    noDoi.json().errors.map((e: { source: string }) => e.source),
    ['generatedBy', 'gates'],
    'JSON:API errors: the generating step and the gate',
  );
  t.same(
    noDoi.json().meta.policy.map((p: { rule: string }) => p.rule),
    ['made-by', 'gates'],
  );
  t.match(noDoi.json().meta.gates, [{ gate: 'https://w3id.org/femto/gate/scaling-collapse-r2', state: 'not-evaluated' }]);
  t.equal(
    (await dois(a, 'POST', '/dois', { doi: '10.5072/hvp-1', url, event: 'register', publisher: 'Lattice Lab' })).statusCode,
    201,
    'register is not public: allowed',
  );

  const input = await post(
    '/datasets',
    minimalDataset({ id: 'configs', tier: 8, keywords: ['x'], relatedIdentifiers: [{ type: 'arXiv', value: '2401.00002', relation: 'IsDescribedBy' }] }),
  );
  t.equal(input.statusCode, 201);
  t.equal((await post('/datasets/configs/publish')).statusCode, 200);
  t.equal(
    (
      await post('/activities', {
        kind: 'analysis',
        software: { name: 'chroma', version: '3.5' },
        inputs: [{ dataset: 'configs' }],
        outputs: [{ dataset: 'hvp' }],
      })
    ).statusCode,
    201,
  );
  t.equal((await post('/datasets/hvp/measurements', { observable: `${OBS}scaling-collapse-r2`, value: 0.99 })).statusCode, 201);
  const noCommit = await dois(a, 'PUT', '/dois/10.5072/hvp-1', { event: 'publish' });
  t.equal(noCommit.statusCode, 422);
  t.same(
    noCommit.json().errors.map((e: { source: string }) => e.source),
    ['generatedBy/software/commit'],
    'the gate passed; the commit is still missing',
  );

  // FAIR self-score: how the record fares, rule by rule.
  const fair = (await a.app.inject('/datasets/hvp/fair')).json();
  t.same(fair.policy.compliant, { publish: true, doi: false });
  t.same(
    fair.policy.rules.map((r: { rule: string; met: boolean }) => `${r.rule}:${r.met}`),
    ['described:true', 'orcids:true', 'made-by:false', 'gates:true'],
  );

  // A rule for a group governs the records shared with it; only their holders see it listed.
  t.equal(
    (await a.app.inject({ method: 'POST', url: '/groups', headers: a.as.admin, payload: { id: 'lattice', name: 'Lattice consortium' } })).statusCode,
    201,
  );
  await a.app.inject({ method: 'PUT', url: '/datasets/hvp/sharing', headers: a.as.admin, payload: { groups: ['lattice'] } });
  t.same(
    (await a.app.inject('/datasets/hvp/fair')).json().policy.rules.map((r: { rule: string }) => r.rule),
    ['described', 'orcids', 'made-by', 'gates'],
    'anonymous: the group rule is not listed (it would tell which groups hold the record)',
  );
  const holder = (await a.app.inject({ url: '/datasets/hvp/fair', headers: a.as.curator })).json();
  t.match(holder.policy.rules.at(-1), { rule: 'consortium-datasheet', met: false, problems: [{ pointer: '/datasheet' }] }, 'the owner sees it');
  t.equal((await post('/datasets/hvp/versions')).statusCode, 201);
  const refusedByGroup = await post('/datasets/hvp/publish');
  t.same(
    refusedByGroup.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/datasheet'],
    "the group's rule now governs publication",
  );
});

t.test('the shipped minimal-provenance policy: tiers 6-9, and what it says of the bundled catalog', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const rules = a.app.femto.policies.rules().map((r) => `${r.policy}/${r.id}`);
  t.same(rules, [
    'minimal-provenance/licence',
    'minimal-provenance/named-creators',
    'minimal-provenance/generating-step',
    'minimal-provenance/validation-gates',
  ]);
  const tier3 = (await a.app.inject('/datasets/ising-xy-spin-configurations/fair')).json();
  t.same(tier3.policy, { compliant: { publish: true, doi: true }, rules: [] }, 'tier 3: no rule governs it');
  // Table 1 puts the Ising/XY Monte Carlo source in tiers 3, 7 and 8: the rules of tiers 6-9 govern it.
  const alsoIn = (await a.app.inject('/datasets/ising-xy-monte-carlo/fair')).json();
  t.same(
    alsoIn.policy.rules.map((r: { rule: string }) => r.rule),
    ['licence', 'named-creators', 'generating-step', 'validation-gates'],
    'a record also in tier 8 is governed as a tier-8 one',
  );
  t.match(
    alsoIn.policy.rules.find((r: { rule: string }) => r.rule === 'licence'),
    { met: false, problems: [{ pointer: '/license' }] },
  );
  // The catalog is loaded, not published through the policy: its tier-8 records say honestly what they lack.
  const tier8 = (await a.app.inject('/datasets/cern-open-data/fair')).json();
  t.same(
    tier8.policy.rules.map((r: { rule: string }) => r.rule),
    ['licence', 'named-creators', 'generating-step', 'validation-gates'],
    'a tier-8 record is governed by every rule',
  );
  t.equal(tier8.policy.compliant.doi, false, 'a catalog record with no recorded generating step fails the DOI rules: said, not hidden');
  t.match(
    tier8.policy.rules.find((r: { rule: string }) => r.rule === 'generating-step'),
    { met: false, problems: [{ pointer: '/generatedBy' }] },
  );
});
