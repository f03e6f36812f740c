import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { normalMarkovChainUri } from '../../src/modules/datasets/physics.schema.js';
import { makeApp, minimalDataset } from '../helpers/app.js';
import { qcdmlConfiguration } from '../helpers/qcdml.js';
import { requires, shared } from '../helpers/external.js';

const datacite = shared('fixtures', 'real', 'datacite', 'json-attributes', 'datacite-example-dataset-v4.5.json');

const size = { x: 8, y: 8, z: 8, t: 16 };

t.test('a Markov chain URI is one chain however its scheme and host are cased or a slash ends it (RFC 3986 §6.2.2)', async (t) => {
  const a = await makeApp(t);
  const create = (id: string, over: Record<string, unknown>) =>
    a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ id, ...over }) });

  const held = await create('ens-a', { ensemble: { markovChainUri: 'MC://LDG/Test/Chain-A/', size } });
  t.equal(held.statusCode, 201, held.body);
  t.equal(held.json().ensemble.markovChainUri, 'mc://ldg/Test/Chain-A', 'stored in its normal form: scheme and host lower case, the path as given');

  const again = await create('ens-b', { ensemble: { markovChainUri: 'mc://ldg/Test/Chain-A', size } });
  t.equal(again.statusCode, 409, 'the same chain spelt otherwise is the one already held');
  t.match(again.json(), { code: 'ID_TAKEN', errors: [{ pointer: '/ensemble/markovChainUri' }] });
  const otherPath = await create('ens-c', { ensemble: { markovChainUri: 'mc://ldg/test/chain-a', size } });
  t.equal(otherPath.statusCode, 201, 'a path cased otherwise is another chain');

  const citing = await create('cites', { relatedIdentifiers: [{ type: 'ILDG', value: 'Mc://Ldg/Test/Chain-A//', relation: 'References' }] });
  t.equal(citing.statusCode, 201, citing.body);
  t.same(citing.json().relatedIdentifiers, [{ type: 'ILDG', value: 'mc://ldg/Test/Chain-A', relation: 'References' }], 'a related identifier too');

  t.equal((await a.app.inject({ method: 'POST', url: '/datasets/ens-a/publish', headers: a.as.curator })).statusCode, 200);
  const configuration = await a.app.inject({
    method: 'POST',
    url: '/import/qcdml',
    headers: { ...a.as.curator, 'content-type': 'application/xml' },
    payload: qcdmlConfiguration('MC://ldg/Test/Chain-A/', 'lfn://grid/test/chain-a/cfg.0001'),
  });
  t.equal(configuration.statusCode, 201, configuration.body);
  const ensemble = await a.app.inject({ url: '/datasets/ens-a', headers: a.as.curator });
  t.same(ensemble.json().ensemble.configurations.recorded, 1, 'a configuration naming the chain otherwise spelt attaches to its ensemble');
});

t.test('a DataCite record citing a chain cites it in its normal form', requires(t, datacite), async (t) => {
  const a = await makeApp(t);
  const record = JSON.parse(readFileSync(datacite.path, 'utf8')) as { relatedIdentifiers: Record<string, string>[] };
  record.relatedIdentifiers = [{ relatedIdentifier: 'MC://LDG/Test/Chain-A/', relatedIdentifierType: 'ILDG', relationType: 'IsDerivedFrom' }];
  const res = await a.app.inject({
    method: 'POST',
    url: '/import/datacite',
    headers: { ...a.as.curator, 'content-type': 'application/json' },
    payload: record,
  });
  t.equal(res.statusCode, 201, res.body);
  const stored = await a.app.inject({ url: new URL(res.json().results[0].location as string).pathname, headers: a.as.curator });
  t.same(stored.json().relatedIdentifiers, [{ type: 'ILDG', value: 'mc://ldg/Test/Chain-A', relation: 'IsDerivedFrom' }]);
});

t.test('the normal form: idempotent, and only the scheme, the host and trailing slashes change', (t) => {
  t.equal(normalMarkovChainUri('MC://Ldg:443/A/B/'), 'mc://ldg:443/A/B');
  t.equal(normalMarkovChainUri('www.lqcd.org/ildg/UKQCD/x/'), 'www.lqcd.org/ildg/UKQCD/x', 'a QCDml 1.x chain name (no scheme) loses its trailing slash only');
  const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/);
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9+.-]{0,5}$/), segment, fc.array(segment, { maxLength: 4 }), fc.boolean(), (scheme, host, path, slash) => {
      const uri = `${scheme}://${host}${path.map((s) => `/${s}`).join('')}${slash ? '/' : ''}`;
      const normal = normalMarkovChainUri(uri);
      t.equal(normalMarkovChainUri(normal), normal);
      t.equal(normal, `${scheme.toLowerCase()}://${host.toLowerCase()}${path.map((s) => `/${s}`).join('')}`);
    }),
    { numRuns: 200 },
  );
  t.end();
});
