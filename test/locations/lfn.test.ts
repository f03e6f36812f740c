import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, makeApp, minimalDataset, doiRequest, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { qcdmlConfiguration } from '../helpers/qcdml.js';

const ildg = shared('fixtures', 'real', 'ildg');
/** The logical file names the fixtures' configurations state (gral.xml: QCDml config 1.3; example_config.xml: 2.0). */
const GRAL_LFN = 'lfn://ldg/gral/wilson_nf2/b5p6kp1575-14x32/config.00.000000.dat';
const HOTQCD_CHAIN = 'mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810';
const HOTQCD_LFN = `${HOTQCD_CHAIN}/l408f21b6260m002025m0810a_0.400`;

const importXml = async (a: TestApp, ...paths: string[]) => {
  const ids: string[] = [];
  for (const p of paths) {
    const res = await a.app.inject({
      method: 'POST',
      url: '/import/qcdml',
      headers: { ...a.as.curator, 'content-type': 'application/xml' },
      payload: readFileSync(join(ildg.path, p)),
    });
    if (res.statusCode >= 300) throw new Error(res.body);
    ids.push(res.json().results[0].subject as string);
  }
  return ids;
};

/** A new version of a record carrying these distributions (and the licence publishing needs, which the QCDml 1.x fixtures do not state), published. */
async function publishWith(a: TestApp, id: string, distributions: unknown[]) {
  for (const [method, url, payload] of [
    ['POST', `/datasets/${id}/versions`, undefined],
    ['PATCH', `/datasets/${id}`, { distributions, license: 'CC-BY-4.0' }],
    ['POST', `/datasets/${id}/publish`, undefined],
  ] as const) {
    const res = await a.app.inject({ method, url, headers: { ...a.as.curator, 'if-match': '*' }, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.body}`);
  }
}

const resolve = (a: TestApp, identifier: string, headers: Record<string, string> = {}) => a.app.inject({ url: `/resolve/${identifier}`, headers });

t.test('a logical file name resolves to the best replica of the ensemble distribution that is that file', requires(t, ildg), async (t) => {
  const a = await makeApp(t);
  const [gral] = await importXml(a, 'qcdml1.4.7/ensemble-valid/plaquette_wilson.xml', 'qcdml1.3.1/config/gral.xml');
  const noFile = await resolve(a, GRAL_LFN);
  t.match(noFile.json(), { status: 404, code: 'NO_REPLICA' }, 'a recorded configuration no distribution is yet');
  t.match(noFile.json().detail, `has no distribution that is the file ${GRAL_LFN}`);

  // Another record listing the same name with a file of its own: not the ensemble, never the answer.
  const phish = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: a.as.curator,
    payload: minimalDataset({ id: 'aa-phish', distributions: [{ lfn: GRAL_LFN, urls: ['https://elsewhere.example/phish'] }] }),
  });
  t.equal(phish.statusCode, 201);
  await a.app.inject({ method: 'POST', url: '/datasets/aa-phish/publish', headers: a.as.curator });

  await publishWith(a, gral, [
    { title: 'configuration list', urls: ['https://se1.example.org/gral/list.txt'] },
    {
      lfn: GRAL_LFN,
      replicas: [{ url: 'https://se1.example.org/gral/config.00.000000.dat' }, { url: 'root://se2.example.org//gral/config.00.000000.dat' }],
    },
  ]);
  t.equal((await resolve(a, GRAL_LFN)).headers.location, 'https://se1.example.org/gral/config.00.000000.dat', 'its first replica');
  t.equal((await resolve(a, `${GRAL_LFN}?protocol=root`)).headers.location, 'root://se2.example.org//gral/config.00.000000.dat');
  t.match((await resolve(a, GRAL_LFN, { accept: 'application/json' })).json(), {
    identifier: GRAL_LFN,
    dataset: gral,
    version: 2,
    distribution: 2,
    replica: { protocol: 'https' },
  });
  t.equal((await resolve(a, `${GRAL_LFN}?version=1`)).json().code, 'NO_REPLICA', 'a version names its own files');
  t.equal((await resolve(a, 'lfn://ldg/gral/wilson_nf2/b5p6kp1575-14x32/config.99')).statusCode, 404, 'an unrecorded name is unknown');

  // QCDml 2.0 names a configuration beneath its chain (mc://…/file); the chain itself still names the ensemble.
  const [hotqcd] = await importXml(a, 'qcdml2.0/example_ensemble.xml', 'qcdml2.0/example_config.xml');
  await publishWith(a, hotqcd, [{ urls: ['https://hotqcd.example.org/ensemble.tar'] }, { lfn: HOTQCD_LFN, urls: ['https://hotqcd.example.org/a_0.400'] }]);
  t.equal((await resolve(a, HOTQCD_LFN)).headers.location, 'https://hotqcd.example.org/a_0.400');
  t.equal((await resolve(a, HOTQCD_CHAIN)).headers.location, 'https://hotqcd.example.org/ensemble.tar');
  t.same(
    (await a.app.inject({ url: `/datasets/${hotqcd}` })).json().distributions.map((d: { lfn: string | null }) => d.lfn),
    [null, HOTQCD_LFN],
    'the record shows which file is which configuration',
  );
});

t.test('a logical file name answers as its record: hidden 404 alike, withheld files 404 alike (the name is withheld with them), withdrawn 410', async (t) => {
  const a = await makeApp(t);
  const ensemble = async (id: string, extra: Record<string, unknown> = {}) => {
    const uri = `mc://ldg/test/${id}`;
    const lfn = `lfn://ldg/test/${id}/cfg.1`;
    const created = await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: minimalDataset({
        id,
        ensemble: { markovChainUri: uri, size: { x: 8, y: 8, z: 8, t: 16 } },
        distributions: [{ lfn, urls: [`https://se.example.org/${id}/cfg.1`] }],
        ...extra,
      }),
    });
    if (created.statusCode !== 201) throw new Error(created.body);
    await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator });
    const attached = await a.app.inject({
      method: 'POST',
      url: '/import/qcdml',
      headers: { ...a.as.curator, 'content-type': 'application/xml' },
      payload: qcdmlConfiguration(uri, lfn),
    });
    if (attached.statusCode !== 201) throw new Error(attached.body);
    return lfn;
  };
  const open = await ensemble('open-one', { publisher: 'Lattice Lab' });
  t.equal((await resolve(a, open)).headers.location, 'https://se.example.org/open-one/cfg.1');

  const secret = await ensemble('secret-one', { visibility: 'private' });
  const hidden = await resolve(a, secret);
  const unknown = await resolve(a, 'lfn://ldg/test/xxxxxx-xxx/cfg.1');
  t.same([hidden.statusCode, hidden.json().detail.replace('secret-one', 'xxxxxx-xxx')], [404, unknown.json().detail], 'hidden answers as unknown');
  t.equal((await resolve(a, secret, a.as.admin)).headers.location, 'https://se.example.org/secret-one/cfg.1', 'not to those who may see it');

  const restricted = await ensemble('restricted-one', { accessLevel: 'restricted', visibility: 'public' });
  const withheld = await resolve(a, restricted);
  t.same([withheld.statusCode, withheld.json().detail.replace('restricted-one', 'xxxxxx-xxx')], [404, unknown.json().detail], 'withheld answers as unknown');
  t.notMatch(withheld.body, /se\.example\.org/);
  t.same((await a.app.inject({ url: '/datasets/restricted-one' })).json().distributions[0].lfn, null, 'nor is the name shown with the files withheld');
  const embargoed = await ensemble('embargoed-one', { accessLevel: 'embargoed', embargoUntil: '2999-01-01' });
  t.equal((await resolve(a, embargoed)).json().code, 'NOT_FOUND');
  t.equal((await resolve(a, embargoed, a.as.curator)).statusCode, 302, 'its holders get the file');

  const doi = (method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) => doiRequest(a, method, url, attributes);
  await doi('POST', '/dois', { doi: '10.5072/open-one', url: `${BASE_URL}/datasets/open-one`, event: 'publish' });
  await doi('PUT', '/dois/10.5072/open-one', { event: 'hide', withdrawalReason: 'superseded' });
  t.match((await resolve(a, open)).json(), { status: 410, code: 'GONE' });
});
