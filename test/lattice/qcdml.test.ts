import t from 'tap';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { assertValid, dataciteXsd } from '../helpers/validators.js';

const ildg = shared('fixtures', 'real', 'ildg');
const admin = { id: 'cli', role: 'admin' } as const;

/** The fixtures as one archive export: every ensemble and configuration of QCDml 1.x and 2.0 in one directory tree. */
function archive(t: Parameters<typeof makeApp>[0], ...parts: string[]): string {
  const dir = t.testdir({});
  for (const p of parts) cpSync(join(ildg.path, p), join(dir, p), { recursive: true });
  return dir;
}

async function run(a: TestApp, ...args: string[]) {
  const out: string[] = [];
  const [counts] = await importCommand(a.app.femto.imports, admin, ['qcdml', ...args], {}, { out: (l) => out.push(l) });
  return { counts, out };
}

const record = async (a: TestApp, id: string, headers: Record<string, string> = {}) => (await a.app.inject({ url: `/datasets/${id}`, headers })).json();
const idOf = (out: string[], uri: string) => /dataset (\S+) /.exec(out.find((l) => l.includes(`(ensemble ${uri})`))!)![1];

t.test(
  'an ILDG archive: ensembles become records with their ensemble block, configurations attach by Markov chain URI, invalid files are refused',
  requires(t, ildg),
  async (t) => {
    const a = await makeApp(t);
    const dir = archive(t, 'qcdml1.4.7', 'qcdml2.0', 'qcdml1.3.1');
    const { counts, out } = await run(a, dir);
    // 9 valid ensembles; configurations: the 2.0 one and gral.xml name imported chains, config.xml and qcdsf.xml name chains nobody imported.
    t.match(counts, { format: 'qcdml', created: 11, refused: 3 }, out.join('\n'));
    const refused = out.filter((l) => l.startsWith('refused'));
    t.match(
      refused.find((l) => l.includes('kleinertQuarkAction.xml')),
      /kleinertQuarkAction\.xml:57 .*kleinertQuarkAction': This element is not expected/,
      'the XSD refusal names the file, the line and the element',
    );
    t.match(
      refused.find((l) => l.includes('config/qcdsf.xml')),
      /No ensemble you may change has the Markov chain URI www\.lqcd\.org\/ildg\/qcdsf\/clover_nf2\/b5p40kp13610-24x48/,
    );

    // Values as example_ensemble.xml and example_config.xml (QCDml 2.0, HotQCD) state them.
    const hotqcd = await record(a, idOf(out, 'mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810'));
    t.match(hotqcd, {
      title: 'HotQCD f21_chiral: lattice QCD ensemble with N_f = 2+1, 40³×8, β = 6.26',
      license: 'CC-BY-4.0',
      tier: 8,
      formats: ['ILDG'],
      creators: [{ name: 'HotQCD', type: 'Organization' }],
      contributors: [{ name: 'Lisa Simpson', affiliation: 'Springfield University' }],
      relatedIdentifiers: [{ type: 'ILDG', value: 'mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810', relation: 'IsIdenticalTo' }],
    });
    t.same(hotqcd.ensemble, {
      markovChainUri: 'mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810',
      collaboration: 'HotQCD',
      projectName: 'f21_chiral',
      gaugeAction: 'treelevelSymanzikGluonAction',
      beta: 6.26,
      size: { x: 40, y: 40, z: 40, t: 8 },
      L: 40,
      T: 8,
      nf: '2+1',
      algorithm: 'RHMC',
      quarks: [
        { action: 'hisqQuarkAction', flavours: 1, mass: 0.081 },
        { action: 'hisqQuarkAction', flavours: 2, mass: 0.002025 },
      ],
      configurations: { recorded: 1, logicalFileNames: ['mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810/l408f21b6260m002025m0810a_0.400'] },
    });
    // plaquette_wilson.xml (QCDml 1.4) and gral.xml (config 1.3) name the same chain.
    const gral = await record(a, idOf(out, 'www.lqcd.org/ildg/gral/wilson_nf2/b5p6kp1575-14x32'));
    t.match(gral.ensemble, { beta: 5.6, L: 14, T: 32, nf: '2', quarks: [{ action: 'wilsonQuarkAction', flavours: 2, kappa: 0.1575 }] });
    t.same(gral.ensemble.configurations.logicalFileNames, ['lfn://ldg/gral/wilson_nf2/b5p6kp1575-14x32/config.00.000000.dat']);
    // Equal hopping parameters keep the source's order (qcdsf-nf2p1.xml: 2 then 1).
    t.equal((await record(a, idOf(out, 'mc://ldg/qcdsf/clover_nf2p1/b7p20kp12450kp12450-16x32'))).ensemble.nf, '2+1');

    const again = await run(a, dir);
    t.match(again.counts, { created: 0, updated: 0, unchanged: 11, refused: 3 }, 'a re-run changes nothing');
  },
);

t.test(
  'a configuration arriving later changes the ensemble record (its ETag) and nothing else; one for a record the importer may not change is refused as unknown',
  requires(t, ildg),
  async (t) => {
    const a = await makeApp(t);
    const ensemble = join(ildg.path, 'qcdml2.0', 'example_ensemble.xml');
    const post = (file: string, headers = a.as.curator) =>
      a.app.inject({ method: 'POST', url: '/import/qcdml', headers: { ...headers, 'content-type': 'application/xml' }, payload: readFileSync(file) });
    const created = await post(ensemble);
    t.equal(created.statusCode, 201, created.body);
    const id = created.json().results[0].subject as string;
    const before = await a.app.inject({ url: `/datasets/${id}` });
    t.equal(before.json().ensemble.configurations.recorded, 0);

    // Another curator's configuration names a chain it may not change: the same answer as an unknown chain.
    await a.app.femto.auth.createUser(admin, { id: 'stranger', name: 'Stranger' });
    const other = { authorization: `Bearer ${(await a.app.femto.auth.createToken('curator', undefined, 'stranger')).token}` };
    const foreign = await post(join(ildg.path, 'qcdml2.0', 'example_config.xml'), other);
    t.equal(foreign.statusCode, 422, foreign.body);
    t.equal(foreign.json().code, 'UNKNOWN_REFERENCE');

    const attached = await post(join(ildg.path, 'qcdml2.0', 'example_config.xml'));
    t.equal(attached.statusCode, 201, attached.body);
    const after = await a.app.inject({ url: `/datasets/${id}`, headers: { 'if-none-match': before.headers.etag as string } });
    t.equal(after.statusCode, 200, 'the cached representation is not served: the configuration moved the change counter');
    t.not(after.headers.etag, before.headers.etag);
    t.equal(after.json().ensemble.configurations.recorded, 1);
    const page = (await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } })).body;
    t.match(page, /<h2 id="ensemble">Lattice ensemble<\/h2>/);
    t.match(page, /40³ × 8/);
    t.match(page, /hisqQuarkAction \(N_f = 2, m = 0\.002025\)/);
    t.match(page, /l408f21b6260m002025m0810a_0\.400/, 'the landing page lists the recorded configuration');
  },
);

t.test('invalid QCDml is refused before anything is read from it', requires(t, ildg), async (t) => {
  const a = await makeApp(t);
  const post = (payload: string | Buffer) =>
    a.app.inject({ method: 'POST', url: '/import/qcdml', headers: { ...a.as.curator, 'content-type': 'application/xml' }, payload });
  const invalid = await post(readFileSync(join(ildg.path, 'qcdml1.4.7', 'ensemble-invalid', 'kleinertQuarkAction.xml')));
  t.equal(invalid.statusCode, 400, invalid.body);
  t.match(invalid.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: /:57 / }] });
  const doctype = await post(
    '<?xml version="1.0"?><!DOCTYPE markovChain [<!ENTITY x "y">]><markovChain xmlns="http://www.lqcd.org/ildg/QCDml/ensemble2.0">&x;</markovChain>',
  );
  t.equal(doctype.statusCode, 400);
  t.match(doctype.json().detail, /document type declaration/);
  const other = await post('<?xml version="1.0"?><resource xmlns="http://datacite.org/schema/kernel-4"/>');
  t.equal(other.statusCode, 400);
  t.match(other.json().detail, /not a QCDml markovChain or gaugeConfiguration/);
});

t.test('POST /import recognises QCDml by its root element; the record is valid DataCite and schema.org says its chain', requires(t, ildg), async (t) => {
  const a = await makeApp(t);
  const res = await a.app.inject({
    method: 'POST',
    url: '/import',
    headers: { ...a.as.curator, 'content-type': 'application/xml' },
    payload: readFileSync(join(ildg.path, 'qcdml2.0', 'example_ensemble.xml')),
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().format, 'qcdml');
  const id = res.json().results[0].subject as string;
  await assertValid(t, dataciteXsd, (await a.app.inject(`/datasets/${id}?format=datacite-xml`)).body, 'DataCite XML of an imported ensemble');
  const jsonld = (await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'application/ld+json' } })).json();
  t.ok(JSON.stringify(jsonld.sameAs ?? []).includes('mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810'), "the Markov chain URI is the record's sameAs");
});
