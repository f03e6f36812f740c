import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeApp, minimalDataset, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const ildg = shared('fixtures', 'real', 'ildg', 'qcdml2.0');
const datacite = shared('fixtures', 'real', 'datacite', 'json-attributes', 'datacite-example-dataset-v4.5.json');
/** The chain example_ensemble.xml (QCDml 2.0, HotQCD) names. */
const HOTQCD = 'mc://ldg/HotQCD/f21_chiral/l408f21b6260m002025m0810';
const size = { x: 8, y: 8, z: 8, t: 16 };

async function curators(a: TestApp) {
  const token = async (user: string) => ({ authorization: `Bearer ${(await a.app.femto.auth.createToken('curator', undefined, user)).token}` });
  for (const id of ['hotqcd', 'mallory']) {
    const res = await a.app.inject({ method: 'POST', url: '/users', headers: a.as.admin, payload: { id, name: id } });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  return { owner: await token('hotqcd'), mallory: await token('mallory') };
}

const importEnsemble = (a: TestApp, headers: Record<string, string>) =>
  a.app.inject({
    method: 'POST',
    url: '/import/qcdml',
    headers: { ...headers, 'content-type': 'application/xml' },
    payload: readFileSync(join(ildg.path, 'example_ensemble.xml')),
  });

/** PATCH as a curator reading its own draft's ETag first. */
async function patchAs(a: TestApp, headers: Record<string, string>, id: string, payload: Record<string, unknown>) {
  const etag = (await a.app.inject({ url: `/datasets/${id}/draft`, headers })).headers.etag as string;
  return a.app.inject({ method: 'PATCH', url: `/datasets/${id}`, headers: { ...headers, 'if-match': etag }, payload });
}

const identicalTo = (value: string, type = 'ILDG') => ({ relatedIdentifiers: [{ type, value, relation: 'IsIdenticalTo' }] });

/** A refusal without the chain it names: what a caller could compare between two answers. */
const shape = (res: { statusCode: number; json(): { code: string; errors: { pointer: string }[] } }) => ({
  status: res.statusCode,
  code: res.json().code,
  pointers: res.json().errors.map((e) => e.pointer),
});

t.test('a record is identical only to the Markov chain of its own ensemble block, whoever holds the chain', requires(t, ildg), async (t) => {
  const a = await makeApp(t);
  const { owner, mallory } = await curators(a);
  t.equal((await importEnsemble(a, owner)).statusCode, 201, 'HotQCD imports its ensemble');
  // A chain held by a record nobody else may see: an unpublished draft.
  const hidden = 'mc://ldg/HotQCD/f21_chiral/unpublished';
  const draft = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: owner,
    payload: minimalDataset({ ensemble: { markovChainUri: hidden, size } }),
  });
  t.equal(draft.statusCode, 201, draft.body);

  const claim = (value: string, type?: string) =>
    a.app.inject({ method: 'POST', url: '/datasets', headers: mallory, payload: minimalDataset(identicalTo(value, type)) });
  const visible = await claim(HOTQCD);
  t.same(shape(visible), { status: 422, code: 'MARKOV_CHAIN_NOT_OWN', pointers: ['/relatedIdentifiers/0'] }, visible.body);
  t.same(shape(await claim('www.lqcd.org/ildg/gral/wilson_nf2/b5p6kp1575-14x32')), shape(visible), 'QCDml 1.x chain URIs have no scheme');
  const unowned = await claim('mc://ldg/nobody/none');
  const hiddenOwner = await claim(hidden);
  t.same(shape(hiddenOwner), shape(unowned), 'a hidden holder is answered as no holder');
  const words = (body: string, uri: string) => ({ ...JSON.parse(body.replaceAll(uri, 'X')), requestId: null });
  t.same(words(hiddenOwner.body, hidden), words(unowned.body, 'mc://ldg/nobody/none'), 'word for word');

  // Other relations cite a chain without claiming it.
  const derived = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: mallory,
    payload: minimalDataset({ id: 'analysis', relatedIdentifiers: [{ type: 'ILDG', value: HOTQCD, relation: 'IsDerivedFrom' }] }),
  });
  t.equal(derived.statusCode, 201, derived.body);
  const patched = await patchAs(a, mallory, 'analysis', identicalTo(HOTQCD));
  t.same(shape(patched), { status: 422, code: 'MARKOV_CHAIN_NOT_OWN', pointers: ['/relatedIdentifiers/0'] }, 'nor by PATCH');
  // A logical file name is a file of a chain, not the chain.
  t.equal((await patchAs(a, mallory, 'analysis', identicalTo('lfn://ldg/HotQCD/f21_chiral/cfg.1'))).statusCode, 200);

  // The ensemble's own record says it is its chain; taking the block away takes the claim with it.
  const own = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: mallory,
    payload: minimalDataset({ id: 'own', ensemble: { markovChainUri: 'mc://ldg/mallory/own', size }, ...identicalTo('mc://ldg/mallory/own') }),
  });
  t.equal(own.statusCode, 201, own.body);
  const unblocked = await patchAs(a, mallory, 'own', { ensemble: null });
  t.same(shape(unblocked), { status: 422, code: 'MARKOV_CHAIN_NOT_OWN', pointers: ['/relatedIdentifiers/0'] });
});

t.test('the real holder imports its ensemble after others cited the chain (reverse order)', requires(t, ildg), async (t) => {
  const a = await makeApp(t);
  const { owner, mallory } = await curators(a);
  const first = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: mallory,
    payload: minimalDataset({ relatedIdentifiers: [{ type: 'ILDG', value: HOTQCD, relation: 'IsDerivedFrom' }] }),
  });
  t.equal(first.statusCode, 201);
  t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${first.json().id}/publish`, headers: mallory })).statusCode, 200);
  const imported = await importEnsemble(a, owner);
  t.equal(imported.statusCode, 201, imported.body);
  const id = imported.json().results[0].subject as string;
  const ensemble = await a.app.inject({ url: `/datasets/${id}` });
  t.match(ensemble.json(), { ensemble: { markovChainUri: HOTQCD }, relatedIdentifiers: [{ type: 'ILDG', value: HOTQCD, relation: 'IsIdenticalTo' }] });
});

t.test('a DataCite import claiming a chain is refused with the pointer into the DataCite record', requires(t, datacite), async (t) => {
  const a = await makeApp(t);
  const record = JSON.parse(readFileSync(datacite.path, 'utf8')) as { relatedIdentifiers: Record<string, string>[] };
  // An identifier femto does not keep first: the pointer must still name the DataCite record's own position.
  record.relatedIdentifiers.unshift({ relatedIdentifier: 'urn:x', relatedIdentifierType: 'Handle', relationType: 'NotARelation' });
  record.relatedIdentifiers.push({ relatedIdentifier: HOTQCD, relatedIdentifierType: 'ILDG', relationType: 'IsIdenticalTo' });
  const res = await a.app.inject({
    method: 'POST',
    url: '/import/datacite',
    headers: { ...a.as.curator, 'content-type': 'application/json' },
    payload: record,
  });
  t.same(shape(res), { status: 422, code: 'MARKOV_CHAIN_NOT_OWN', pointers: [`/relatedIdentifiers/${record.relatedIdentifiers.length - 1}`] }, res.body);
});
