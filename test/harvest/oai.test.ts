import t from 'tap';
import { makeApp, patchDraft, publishedDataset } from '../helpers/app.js';
import { oai, valid } from '../helpers/oai.js';
import { assertValid, oaiXsd } from '../helpers/validators.js';
import { fullFixture } from './fixtures.js';

t.test('all six verbs answer schema-valid documents, GET and POST', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const identify = await valid(t, app, 'verb=Identify');
  t.equal(identify.Identify.deletedRecord, 'persistent');
  t.equal(identify.Identify.granularity, 'YYYY-MM-DDThh:mm:ssZ');
  const formats = await valid(t, app, 'verb=ListMetadataFormats');
  t.same(
    formats.ListMetadataFormats.metadataFormat.map((f: { metadataPrefix: string }) => f.metadataPrefix),
    ['oai_dc', 'oai_datacite', 'datacite'],
  );
  await valid(t, app, 'verb=ListMetadataFormats&identifier=oai:femto.test:ising-features');
  const sets = await valid(t, app, 'verb=ListSets');
  const specs = sets.ListSets.set.map((s: { setSpec: string[] }) => s.setSpec[0]);
  for (const spec of ['tier', 'tier:3', 'domain', 'domain:stat-field-theory-rg', 'datatype', 'datatype:ai-curated']) t.ok(specs.includes(spec), spec);
  for (const prefix of ['oai_dc', 'oai_datacite', 'datacite']) {
    const rec = await valid(t, app, `verb=GetRecord&metadataPrefix=${prefix}&identifier=oai:femto.test:ising-features`);
    t.equal(rec.GetRecord.record[0].header[0].identifier, 'oai:femto.test:ising-features');
    const list = await valid(t, app, `verb=ListRecords&metadataPrefix=${prefix}`, 'POST');
    t.equal(list.ListRecords.record.length, 4, 'the four public records (the restricted one absent)');
  }
  const ids = await valid(t, app, 'verb=ListIdentifiers&metadataPrefix=oai_dc&set=domain:stat-field-theory-rg');
  t.same(
    ids.ListIdentifiers.header.map((h: { identifier: string }) => h.identifier),
    ['oai:femto.test:ising-features'],
  );
  const dt = await valid(t, app, 'verb=ListIdentifiers&metadataPrefix=oai_dc&set=datatype:ai-curated');
  t.equal(dt.ListIdentifiers.header.length, 2);
});

t.test('every OAI-PMH error code, each in a schema-valid response', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const cases: [string, string][] = [
    ['', 'badVerb'],
    ['verb=Frobnicate', 'badVerb'],
    ['verb=Identify&verb=Identify', 'badVerb'],
    ['verb=Identify&extra=1', 'badArgument'],
    ['verb=ListRecords', 'badArgument'],
    ['verb=GetRecord&identifier=oai:femto.test:ising-features', 'badArgument'],
    ['verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2030-01-01T00:00:00Z', 'badArgument'],
    ['verb=ListRecords&metadataPrefix=oai_dc&from=yesterday', 'badArgument'],
    ['verb=ListRecords&metadataPrefix=oai_dc&from=2021-02-30', 'badArgument'],
    ['verb=ListRecords&metadataPrefix=oai_dc&set=tier&set=domain', 'badArgument'],
    ['verb=ListRecords&resumptionToken=abc&metadataPrefix=oai_dc', 'badArgument'],
    ['verb=ListRecords&resumptionToken=not-a-token', 'badResumptionToken'],
    ['verb=ListSets&resumptionToken=x', 'badResumptionToken'],
    ['verb=ListRecords&metadataPrefix=marc21', 'cannotDisseminateFormat'],
    ['verb=GetRecord&metadataPrefix=marc21&identifier=oai:femto.test:ising-features', 'cannotDisseminateFormat'],
    ['verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:nope', 'idDoesNotExist'],
    ['verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:secret-set', 'idDoesNotExist'],
    ['verb=ListMetadataFormats&identifier=oai:elsewhere:ising-features', 'idDoesNotExist'],
    ['verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01', 'noRecordsMatch'],
    ['verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01', 'noRecordsMatch'],
    ['verb=ListRecords&metadataPrefix=oai_dc&set=domain:no-such-domain', 'noRecordsMatch'],
  ];
  for (const [query, code] of cases) {
    const body = await valid(t, app, query);
    t.equal(body.error?.[0]?.['@code'], code, `${query || '(no arguments)'} -> ${code}`);
    if (code === 'badVerb' || code === 'badArgument') t.equal(typeof body.request, 'string', 'request element without attributes');
  }
  const empty = await makeApp(t);
  const body = await valid(t, empty, 'verb=ListSets');
  t.equal(body.error[0]['@code'], 'noSetHierarchy', 'an empty repository has no set hierarchy');
});

t.test('a token cannot be forged or reused for another verb; expired tokens are refused', async (t) => {
  const app = await makeApp(t, { FEMTO_OAI_PAGE_SIZE: '2' });
  await fullFixture(app);
  const first = await valid(t, app, 'verb=ListIdentifiers&metadataPrefix=oai_dc');
  const token = first.ListIdentifiers.resumptionToken['#text'] as string;
  t.ok(Date.parse(first.ListIdentifiers.resumptionToken['@expirationDate']) - Date.now() >= 10 * 60 * 1000, 'valid for at least 10 minutes');
  const [payload, mac] = token.split('.');
  const state = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = `${Buffer.from(JSON.stringify({ ...state, cursor: 0, after: ['', ''] })).toString('base64url')}.${mac}`;
  t.equal((await oai(app, `verb=ListIdentifiers&resumptionToken=${encodeURIComponent(forged)}`)).body.error[0]['@code'], 'badResumptionToken');
  t.equal((await oai(app, `verb=ListRecords&resumptionToken=${encodeURIComponent(token)}`)).body.error[0]['@code'], 'badResumptionToken');
  const later = await app.app.femto.oai.respond({ verb: 'ListIdentifiers', resumptionToken: token }, new Date(Date.now() + 2 * 60 * 60 * 1000));
  t.match(later, /code="badResumptionToken">The resumptionToken expired/);
});

t.test(
  'a full harvest by resumption tokens returns every public record exactly once while records are added; an incremental harvest then returns exactly the added ones',
  async (t) => {
    const app = await makeApp(t, { FEMTO_OAI_PAGE_SIZE: '7', FEMTO_SEED_ON_EMPTY: 'true' });
    // Datestamps have one-second granularity: records added from the next whole second on are newer than every seeded one.
    const from = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000);
    while (Date.now() < from.getTime()) await new Promise((done) => setTimeout(done, 50));
    const seen: string[] = [];
    let body = await valid(t, app, 'verb=ListRecords&metadataPrefix=oai_datacite');
    const total = Number(body.ListRecords.resumptionToken['@completeListSize']);
    const added: string[] = [];
    for (;;) {
      const list = body.ListRecords;
      t.equal(Number(list.resumptionToken?.['@cursor'] ?? seen.length), seen.length, 'cursor counts what came before');
      seen.push(...list.record.map((r: { header: { identifier: string }[] }) => r.header[0].identifier));
      // Records published mid-harvest wait for the next incremental harvest; they must not shift the pages.
      added.push(await publishedDataset(app, { id: `added-${added.length}` }));
      const token = list.resumptionToken?.['#text'];
      if (!token) break;
      body = await valid(t, app, `verb=ListRecords&resumptionToken=${encodeURIComponent(token)}`);
    }
    t.equal(new Set(seen).size, seen.length, 'no record twice');
    t.equal(seen.length, total, 'completeListSize records');
    const catalog = (await app.app.inject({ url: '/catalog?limit=1' })).json();
    t.equal(catalog['hydra:totalItems'], total + added.length, 'the catalog now also has the added ones');
    t.notOk(
      seen.some((id) => id.includes('added-')),
      'added records are not in the snapshot',
    );
    t.ok(added.length > 7, 'the added records fill more than one page');

    const incremental: string[] = [];
    let page = (await valid(t, app, `verb=ListIdentifiers&metadataPrefix=oai_dc&from=${from.toISOString().replace(/\.\d+Z$/, 'Z')}`)).ListIdentifiers;
    for (;;) {
      incremental.push(...page.header.map((h: { identifier: string }) => h.identifier.replace('oai:femto.test:', '')));
      const token = page.resumptionToken?.['#text'];
      if (!token) break;
      page = (await valid(t, app, `verb=ListIdentifiers&resumptionToken=${encodeURIComponent(token)}`)).ListIdentifiers;
    }
    t.same(incremental.sort(), [...added].sort(), 'the incremental harvest returns the records added after `from`, and none of the older ones');
  },
);

t.test('OAI, sitemap and /catalog count the same public records', async (t) => {
  const app = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true', FEMTO_OAI_PAGE_SIZE: '1000' });
  await fullFixture(app);
  const oaiIds = (await oai(app, 'verb=ListIdentifiers&metadataPrefix=oai_dc')).body.ListIdentifiers.header.map((h: { identifier: string }) =>
    h.identifier.split(':').pop(),
  );
  const sitemap = (await app.app.inject({ url: '/sitemap.xml' })).body;
  const locs = [...sitemap.matchAll(/<loc>[^<]*\/datasets\/([^<]+)<\/loc>/g)].map((m) => m[1]);
  const catalog = (await app.app.inject({ url: '/catalog?limit=500' })).json();
  const catalogIds = catalog.dataset.map((d: { url: string }) => d.url.split('/datasets/')[1].split('/')[0]);
  t.same([...locs].sort(), [...oaiIds].sort(), 'sitemap = OAI');
  t.same([...catalogIds].sort(), [...oaiIds].sort(), '/catalog = OAI');
  t.equal(catalog['hydra:totalItems'], oaiIds.length);
});

t.test('a record made private after being public becomes an OAI deleted record', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  await app.app.inject({ method: 'POST', url: '/datasets/ising-raw/versions', headers: app.as.curator });
  t.equal((await patchDraft(app, 'ising-raw', { visibility: 'private' })).statusCode, 200);
  await app.app.inject({ method: 'POST', url: '/datasets/ising-raw/publish', headers: app.as.curator });
  const rec = await valid(t, app, 'verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:ising-raw');
  t.equal(rec.GetRecord.record[0].header[0]['@status'], 'deleted');
  t.notOk(rec.GetRecord.record[0].metadata, 'no metadata for a deleted record');
  const sitemap = (await app.app.inject({ url: '/sitemap.xml' })).body;
  t.notOk(sitemap.includes('ising-raw'));
});

t.test('oai_datacite payloads follow DOI and lineage changes of an already harvested version (no stale XML)', async (t) => {
  const app = await makeApp(t);
  const raw = await publishedDataset(app, { title: 'raw', publisher: 'p' });
  const get = async () => {
    const res = await app.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_datacite&identifier=oai:femto.test:${raw}` });
    await assertValid(t, oaiXsd, res.body, 'schema-valid');
    // responseDate is the clock's, not the record's: two requests may straddle a second.
    return res.body.replace(/<responseDate>[^<]*<\/responseDate>/, '');
  };
  const first = await get();
  t.match(first, /identifierType="URL"/, 'no DOI yet: identified by its landing page');
  t.equal(await get(), first, 'unchanged metadata, same payload');

  const derived = await publishedDataset(app, { title: 'derived', publisher: 'p' });
  const act = await app.app.inject({
    method: 'POST',
    url: '/activities',
    headers: app.as.curator,
    payload: { kind: 'analysis', inputs: [{ dataset: raw }], outputs: [{ dataset: derived }] },
  });
  t.equal(act.statusCode, 201, act.body);
  t.match(await get(), new RegExp(`relationType="IsSourceOf"[^>]*>[^<]*/datasets/${derived}/versions/1<`), 'new downstream lineage appears');

  const minted = await app.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...app.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({
      data: {
        type: 'dois',
        attributes: { doi: '10.5072/raw-oai', url: `http://femto.test/datasets/${raw}`, event: 'publish', titles: [{ title: 'Retitled at minting' }] },
      },
    }),
  });
  t.equal(minted.statusCode, 201, minted.body);
  const withDoi = await get();
  t.match(withDoi, '<identifier identifierType="DOI">10.5072/RAW-OAI</identifier>', 'the DOI appears');
  t.match(withDoi, 'Retitled at minting', "and the DOI's own metadata");
  await app.app.inject({
    method: 'PUT',
    url: '/dois/10.5072/raw-oai',
    headers: { ...app.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes: { titles: [{ title: 'Retitled again' }] } } }),
  });
  t.match(await get(), 'Retitled again', 'a DOI update reaches the payload');
});
