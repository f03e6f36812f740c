import t from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'n3';
import jsonld from 'jsonld';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { projectPath } from '../../src/paths.js';
import { checkShapes, defaultShapesPath, OntologyError, parseTurtleFiles, ontologyFiles } from '../../src/modules/ontology/ontology.loader.js';
import { makeApp } from '../helpers/app.js';

const ONTOLOGY = projectPath('ontologies');

t.test('the ontology files parse and conform to their SHACL shapes', async (t) => {
  const parsed = parseTurtleFiles(ontologyFiles(ONTOLOGY));
  t.same(
    parsed.files.map((f) => f.name),
    ['ontologies/femto.ttl', 'ontologies/gates.ttl', 'ontologies/metrics.ttl', 'ontologies/observables.ttl', 'ontologies/tiers.ttl'],
  );
  t.ok(parsed.quads.length > 2000);
  await t.resolves(checkShapes(parsed, defaultShapesPath()));
});

/** A copy of the ontology directory with one file edited; returns the directory. */
function brokenCopy(t: Parameters<Parameters<typeof t.test>[1]>[0], file: string, edit: (text: string) => string): string {
  const dir = join(t.testdir({ ontology: {} }), 'ontology');
  cpSync(ONTOLOGY, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

async function startWith(t: Parameters<Parameters<typeof t.test>[1]>[0], dir: string) {
  const config = loadConfig({ FEMTO_DB: join(dir, '..', 'x.sqlite'), FEMTO_ONTOLOGY_DIR: dir, FEMTO_SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent' });
  return buildApp(config);
}

t.test('a Turtle syntax error stops the start with file, line and term', async (t) => {
  const original = readFileSync(join(ONTOLOGY, 'gates.ttl'), 'utf8');
  const needle = 'femto:observable obs:tomography-fidelity ;';
  const line = lineOf(original, needle);
  const dir = brokenCopy(t, 'gates.ttl', (s) => s.replace(needle, 'femto:observable nosuchprefix:tomography-fidelity ;'));
  const err = await startWith(t, dir).then(
    () => null,
    (e: unknown) => e,
  );
  t.type(err, OntologyError);
  const e = err as OntologyError;
  t.equal(e.line, line);
  t.match(e.file, /gates\.ttl$/);
  t.equal(e.term, 'nosuchprefix:tomography-fidelity');
  t.match(e.message, new RegExp(`gates\\.ttl:${line}: nosuchprefix:tomography-fidelity: Undefined prefix`));
});

t.test('a SHACL violation stops the start naming the focus node and its line', async (t) => {
  const original = readFileSync(join(ONTOLOGY, 'gates.ttl'), 'utf8');
  const line = lineOf(original, 'gate:scaling-collapse-r2');
  // a >= gate that lost its threshold
  const dir = brokenCopy(t, 'gates.ttl', (s) => s.replace('    femto:threshold 0.98 ;\n', ''));
  const err = await startWith(t, dir).catch((e: unknown) => e);
  t.type(err, OntologyError);
  const e = err as OntologyError;
  t.match(e.file, /gates\.ttl$/);
  t.equal(e.line, line);
  t.equal(e.term, 'gate:scaling-collapse-r2');
  t.match(e.message, /SHACL/);
});

t.test('a metric without its direction stops the start: leaderboards could not rank by it', async (t) => {
  const original = readFileSync(join(ONTOLOGY, 'metrics.ttl'), 'utf8');
  const line = lineOf(original, 'metric:fake-track-rate');
  const dir = brokenCopy(t, 'metrics.ttl', (s) => s.replace(/(metric:fake-track-rate\n[\s\S]*?)    femto:higherIsBetter false ;\n/, '$1'));
  const err = await startWith(t, dir).catch((e: unknown) => e);
  t.type(err, OntologyError);
  t.match(err, { line, term: 'metric:fake-track-rate' });
  t.match((err as Error).message, /higherIsBetter/);
});

t.test('GET /metrics lists the evaluation metrics with their direction', async (t) => {
  const a = await makeApp(t);
  const list = (await a.app.inject({ url: '/metrics' })).json().items as { slug: string; higherIsBetter: boolean; unit: string | null }[];
  t.same(
    list.find((m) => m.slug === 'tracking-efficiency'),
    {
      iri: 'https://w3id.org/femto/metric/tracking-efficiency',
      slug: 'tracking-efficiency',
      label: 'Track reconstruction efficiency',
      description: list.find((m) => m.slug === 'tracking-efficiency')!.description,
      higherIsBetter: true,
      unit: 'http://qudt.org/vocab/unit/UNITLESS',
    },
  );
  t.match((await a.app.inject({ url: '/metrics/processing-time-per-event' })).json(), { higherIsBetter: false, unit: 'http://qudt.org/vocab/unit/SEC' });
  t.equal((await a.app.inject({ url: '/metrics/nothing' })).statusCode, 404);
});

t.test('an observable unit femto cannot convert stops the start', async (t) => {
  const original = readFileSync(join(ONTOLOGY, 'observables.ttl'), 'utf8');
  const line = lineOf(original, 'obs:front-speed');
  const dir = brokenCopy(t, 'observables.ttl', (s) =>
    s.replace(/(obs:front-speed\n[\s\S]*?)qudt:hasUnit unit:M-PER-SEC/, '$1qudt:hasUnit unit:FURLONG-PER-FORTNIGHT'),
  );
  const err = await startWith(t, dir).catch((e: unknown) => e);
  t.type(err, OntologyError);
  t.match(err, { line, term: 'obs:front-speed' });
  t.match((err as Error).message, /FURLONG-PER-FORTNIGHT/);
});

t.test('GET /ontology: Turtle by default, JSON-LD by negotiation, both the same graph', async (t) => {
  const a = await makeApp(t);
  const ttl = await a.app.inject({ url: '/ontology' });
  t.equal(ttl.statusCode, 200);
  t.match(ttl.headers['content-type'], /^text\/turtle/);
  const quads = new Parser().parse(ttl.body);
  const expected = parseTurtleFiles(ontologyFiles(ONTOLOGY)).quads.length;
  t.equal(quads.length, expected);

  const ld = await a.app.inject({ url: '/ontology', headers: { accept: 'application/ld+json' } });
  t.equal(ld.statusCode, 200);
  t.match(ld.headers['content-type'], /^application\/ld\+json/);
  const doc = ld.json();
  t.equal(doc['@context'].femto, 'https://w3id.org/femto/ns#');
  const nquads = (await jsonld.toRDF(doc, { format: 'application/n-quads' })) as unknown as string;
  t.equal(new Parser({ format: 'N-Quads' }).parse(nquads).length, expected);

  t.equal((await a.app.inject({ url: '/ontology?format=jsonld' })).headers['content-type']?.toString().split(';')[0], 'application/ld+json');
  const no = await a.app.inject({ url: '/ontology', headers: { accept: 'image/png' } });
  t.equal(no.statusCode, 406);
});

t.test('GET /observables and /gates list terms with their numbers and units', async (t) => {
  const a = await makeApp(t);
  const obs = (await a.app.inject({ url: '/observables' })).json().items;
  t.ok(obs.length >= 40);
  t.match(
    obs.find((o: { slug: string }) => o.slug === 'front-speed'),
    { symbol: 'c_front', unit: 'http://qudt.org/vocab/unit/M-PER-SEC', quantityKind: 'http://qudt.org/vocab/quantitykind/Speed' },
  );
  const tier3 = (await a.app.inject({ url: '/observables?tier=3' })).json().items;
  t.ok(tier3.every((o: { tiers: number[] }) => o.tiers.includes(3)));
  const gates = (await a.app.inject({ url: '/gates' })).json().items;
  t.ok(gates.length >= 8);
  t.match(
    gates.find((g: { slug: string }) => g.slug === 'fast-reconnection-rate'),
    {
      iri: 'https://w3id.org/femto/gate/fast-reconnection-rate',
      observable: 'https://w3id.org/femto/observable/reconnection-rate',
      comparison: 'WithinInterval',
      lowerBound: 0.01,
      upperBound: 0.1,
      unit: 'http://qudt.org/vocab/unit/UNITLESS',
      tier: 6,
    },
  );
  const one = await a.app.inject({ url: '/gates/tomography-fidelity' });
  t.match(one.json(), { threshold: 0.95, comparison: 'GreaterOrEqual', tier: 4 });
  t.equal((await a.app.inject({ url: '/gates/nope' })).statusCode, 404);
  t.equal((await a.app.inject({ url: '/observables/nope' })).statusCode, 404);
  const byObs = (await a.app.inject({ url: '/gates?observable=scaling-collapse-r2' })).json().items;
  t.same(
    byObs.map((g: { slug: string }) => g.slug),
    ['scaling-collapse-r2'],
  );
});
