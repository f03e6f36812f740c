import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { readCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { projectPath } from '../../src/paths.js';
import { makeApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const FILE = '002-qcd-foundation-data.yaml';
const seed = shared('seeds', '002_293f90dbcc664d74.txt');

/** Every string in a YAML tree, with where it is. */
function strings(value: unknown, path: string[] = []): [string, string][] {
  if (typeof value === 'string') return [[path.join('.'), value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

const flat = (s: string) =>
  s
    .replace(/<sup>[^<]*<\/sup>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

t.test('every datasheet answer of the bundled catalog quotes seed 002 word for word', requires(t, seed), async (t) => {
  const text = flat(readFileSync(seed.path, 'utf8'));
  const yaml = parse(readFileSync(projectPath('catalog', 'datasheets', FILE), 'utf8')) as { source: string; common: unknown; datasheets: unknown };
  t.equal(yaml.source, '002_293f90dbcc664d74.txt');
  const answers = strings({ common: yaml.common, datasheets: yaml.datasheets });
  t.ok(answers.length > 40, `${answers.length} answers`);
  for (const [where, answer] of answers) {
    const quotes = [...answer.matchAll(/"([^"]+)"/g)].map((m) => flat(m[1]));
    if (!quotes.length) t.fail(`${where} quotes nothing: ${answer}`);
    for (const q of quotes) if (!text.includes(q)) t.fail(`${where}: "${q}" is not in the seed`);
  }
  t.pass('all quoted');
});

t.test('the seed-002 releases carry their datasheets; what the seed does not say stays unanswered', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const sheet = async (id: string) => (await a.app.inject({ url: `/datasets/${id}/datasheet` })).json();

  const sphenix = await sheet('sphenix-auau-tpc-sim');
  t.match(sphenix.datasheet.motivation.purpose, /^"Release of simulated 5 million Au\+Au sPHENIX TPC data/);
  t.equal(sphenix.datasheet.composition.instanceCount, 5_000_000);
  t.equal(sphenix.datasheet.composition.confidentialData, false, 'the seed: no personal or confidential data');
  t.equal(sphenix.datasheet.uses.recommendedUses.length, 2, "the common use and the release's own");
  t.match(sphenix.datasheet.maintenance.maintainer, /AmSC infrastructure/);
  t.notOk(sphenix.datasheet.preprocessing, 'the seed says nothing of its preprocessing');
  t.notOk(sphenix.datasheet.distribution.licenseTerms, 'nor of a licence');
  t.notOk(sphenix.datasheet.motivation.funding, 'nor of funding');
  t.match(sphenix.completeness, { sections: { answered: 6, total: 7 }, complete: false });

  const lattice = await sheet('lqcd-hadron-structure-correlation-functions');
  t.match(lattice.datasheet.preprocessing.preprocessing, /process LQCD data into correlation functions/);
  t.notOk(lattice.datasheet.motivation.creators, 'the seed assigns no laboratory to this release');

  t.same((await sheet('fm4npp')).datasheet, {}, 'a model cited by the seed has no datasheet from it');
  t.same((await sheet('tpcpp-10m')).datasheet, {}, "an earlier publication is not one of the proposal's releases");
  const page = (await a.app.inject({ url: '/datasets/hallc-jpsi-007', headers: { accept: 'text/html' } })).body;
  t.match(page, 'CEBAF Hall C J/\\psi data', 'quoted as the seed writes it');
});

t.test('a datasheet file naming no dataset of its catalog file, or answering badly, is refused', async (t) => {
  const catalog = 'source: x\ndatasets:\n  - id: first\n    title: t\n    description: d\n    status: available\n';
  const unknown = t.testdir({ 'a.yaml': catalog, datasheets: { 'a.yaml': 'source: x\ndatasheets:\n  other: { motivation: { purpose: p } }\n' } });
  t.throws(() => readCatalog(unknown), /datasheets\/a\.yaml[\s\S]*has no dataset 'other'/);
  const bad = t.testdir({ 'a.yaml': catalog, datasheets: { 'a.yaml': 'source: x\ndatasheets:\n  first: { composition: { instanceCount: many } }\n' } });
  t.throws(() => readCatalog(bad), /datasheets\/a\.yaml[\s\S]*datasheets\.first\.composition\.instanceCount/);
  const fine = t.testdir({
    'a.yaml': catalog,
    datasheets: {
      'a.yaml': 'source: x\ncommon: { uses: { recommendedUses: [a] } }\ndatasheets:\n  first: { uses: { recommendedUses: [b], socialImpact: s } }\n',
    },
  });
  t.same(readCatalog(fine)[0].datasheets.get('first'), { uses: { recommendedUses: ['a', 'b'], socialImpact: 's' } });
});
