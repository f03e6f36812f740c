import t from 'tap';
import { BASE_URL, makeApp, publishedDataset } from '../helpers/app.js';
import { everyFormat, publishersIn } from '../helpers/formats.js';
import { parseLinkHeader } from '../helpers/harvest.js';
import { assertValid, dataciteXsd } from '../helpers/validators.js';

const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
// The bundled catalog belongs to the catalog user: an admin (or a curator it is shared with) gives its records DOIs.
const postDoi = (attributes: Record<string, unknown>) =>
  a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.admin, 'content-type': 'application/vnd.api+json' },
    payload: { data: { type: 'dois', attributes } },
  });
const noneIn = (publishers: Record<string, string[]>) => Object.fromEntries(Object.keys(publishers).map((k) => [k, []]));

t.test('the publisher the seed names is the publisher in every format; femto is the host', async (t) => {
  // Seed 000: "The primary access point is the Planck Legacy Archive (PLA) hosted by the European Space Agency (ESA)."
  const planck = await everyFormat(a, 'planck-legacy-archive');
  const publishers = publishersIn(planck, [`${BASE_URL}/datasets/planck-legacy-archive/versions/1`]);
  for (const [format, names] of Object.entries(publishers)) t.same(names, ['European Space Agency (ESA)'], format);
  t.same(planck.schemaOrg.provider, { '@id': BASE_URL, '@type': 'Organization', name: 'femto', url: BASE_URL }, 'schema.org provider');
  t.match(planck.dataciteJson.contributors, [{ name: 'femto', contributorType: 'HostingInstitution' }], 'DataCite HostingInstitution');
  t.match(planck.dcat.inCatalog, { '@id': `${BASE_URL}/catalog`, '@type': 'Catalog' }, "DCAT: a member of femto's catalog");
  t.ok(
    planck.turtle.some((q) => q.subject.value === `${BASE_URL}/catalog` && q.predicate.value === 'http://www.w3.org/ns/dcat#dataset'),
    'Turtle: dcat:dataset from the catalog',
  );
  t.match(
    planck.html,
    /\(n\.d\.\)\. Planck Legacy Archive \(CMB Data\) \(version 1\) \[Data set\]\. European Space Agency \(ESA\)\./,
    'citation: the seed states no creator and no year',
  );
  t.notOk('datePublished' in planck.schemaOrg, 'no issue date the seed does not state');
  t.ok(planck.schemaOrg.sdDatePublished, "femto's publication of the record is sdDatePublished");
  t.notOk(
    planck.dataciteJson.dates?.some((d: { dateType: string }) => d.dateType === 'Issued'),
    'DataCite claims no Issued date',
  );
  t.notMatch(planck.bibtex, /year =/, 'BibTeX gives no year');
});

t.test('a record without a publisher: every format omits it or says none is recorded', async (t) => {
  const fm4npp = await everyFormat(a, 'fm4npp');
  const publishers = publishersIn(fm4npp, [`${BASE_URL}/datasets/fm4npp/versions/1`]);
  t.same(publishers, noneIn(publishers));
  t.match(fm4npp.bibtex, /note = \{No creator or publisher recorded\}/);
  t.match(fm4npp.ris, /^N1 {2}- No creator or publisher recorded\r$/m);
  t.equal(fm4npp.csl.note, 'No creator or publisher recorded');
  t.same(fm4npp.csl.author, [], 'no ":unav" author in a citation');
  t.match(fm4npp.html, /\[No creator recorded\] \(n\.d\.\)\. FM4NPP: .*\[Model\]\. \[No publisher recorded\]\./);
  t.notMatch(`${fm4npp.html}${fm4npp.bibtex}${fm4npp.ris}`, /femto \(|\{femto\}|PB {2}- femto/, 'never femto as author or publisher');
  t.equal(fm4npp.dataciteXml.publisher[0], ':unav', 'DataCite XML must have a publisher: its value for unavailable, not femto');
  await assertValid(
    t,
    dataciteXsd,
    (await a.app.inject('/datasets/fm4npp?format=datacite-xml')).body,
    'DataCite XML of a record with no publisher, creator or licence',
  );
});

t.test('a DOI for a record without a publisher is refused until the curator states one', async (t) => {
  const refused = await postDoi({ prefix: '10.5072', url: `${BASE_URL}/datasets/planck-cmb-cubemaps`, event: 'publish', creators: [{ name: 'Hanno Rein' }] });
  t.equal(refused.statusCode, 422);
  t.match(refused.json().errors, [{ code: 'DOI_MISSING_PROPERTIES', source: 'publisher', title: /names no publisher/ }]);
  const stated = await postDoi({
    prefix: '10.5072',
    url: `${BASE_URL}/datasets/planck-cmb-cubemaps`,
    event: 'publish',
    creators: [{ name: 'Hanno Rein' }],
    publisher: { name: 'GitHub' },
  });
  t.equal(stated.statusCode, 201, stated.body);
  t.equal(stated.json().data.attributes.publisher.name, 'GitHub');
  t.match(stated.json().data.attributes.contributors, [{ name: 'femto', contributorType: 'HostingInstitution' }]);
  const bibtex = (await a.app.inject(`/dois/${stated.json().data.id}?format=bibtex`)).body;
  t.match(bibtex, /publisher = \{GitHub\}/, 'the DOI is cited with the stated publisher');
});

t.test('a record with a DOI of its own is cited by it, and no second DOI is minted for the same object', async (t) => {
  // Table 1 links UKTC to https://doi.org/10.5281/zenodo.2577238.
  const own = 'https://doi.org/10.5281/zenodo.2577238';
  const landing = await a.app.inject('/datasets/uktc-taylor-green-vortex');
  const citeAs = parseLinkHeader(String(landing.headers.link)).filter((l) => l.rel === 'cite-as');
  t.same(
    citeAs.map((l) => l.href),
    [own],
    'Signposting cite-as',
  );
  const linkset = (await a.app.inject('/datasets/uktc-taylor-green-vortex/linkset')).json();
  t.same(linkset.linkset[0]['cite-as'], [{ href: own }], 'linkset cite-as');
  const f = await everyFormat(a, 'uktc-taylor-green-vortex');
  t.equal(f.schemaOrg['@id'], own, 'schema.org @id');
  t.equal(f.schemaOrg.identifier, own, 'schema.org identifier');
  t.ok(f.schemaOrg.sameAs.includes(`${BASE_URL}/datasets/uktc-taylor-green-vortex/versions/1`), 'the landing page is sameAs');
  t.match(f.bibtex, /doi = \{10\.5281\/zenodo\.2577238\}/, 'BibTeX');
  t.match(f.ris, /^DO {2}- 10\.5281\/zenodo\.2577238\r$/m, 'RIS');
  t.equal(f.csl.DOI, '10.5281/zenodo.2577238', 'CSL');
  t.match(f.dataciteXml.identifier, [{ '@identifierType': 'DOI', '#text': '10.5281/ZENODO.2577238' }], 'DataCite XML identifier');
  t.notOk(
    f.dataciteJson.relatedIdentifiers?.some((r: { relationType: string }) => r.relationType === 'IsIdenticalTo'),
    'not "identical to" itself',
  );
  t.match(f.html, /<th scope="row">DOI<\/th><td><a href="https:\/\/doi\.org\/10\.5281\/zenodo\.2577238">/, 'landing page');
  t.equal(f.json.publisher, 'Zenodo', '"available via Zenodo"');

  const url = `${BASE_URL}/datasets/uktc-taylor-green-vortex`;
  const second = await postDoi({ prefix: '10.5072', url, event: 'publish' });
  t.equal(second.statusCode, 422);
  t.match(second.json().errors, [{ code: 'DOI_ALREADY_IDENTIFIED', source: 'relatedIdentifiers', detail: /10\.5281\/zenodo\.2577238/ }]);
  const identical = await postDoi({
    prefix: '10.5072',
    url,
    relatedIdentifiers: [{ relatedIdentifier: '10.5281/zenodo.2577238', relatedIdentifierType: 'DOI', relationType: 'IsIdenticalTo' }],
  });
  t.match(identical.json().errors, [{ code: 'DOI_ALREADY_IDENTIFIED' }], 'IsIdenticalTo is the same object: refused, draft or not');
  const derivative = await postDoi({
    prefix: '10.5072',
    url,
    event: 'publish',
    relatedIdentifiers: [{ relatedIdentifier: 'https://doi.org/10.5281/ZENODO.2577238', relatedIdentifierType: 'DOI', relationType: 'IsDerivedFrom' }],
  });
  t.equal(derivative.statusCode, 201, `a femto-curated derivative the curator declares as such: ${derivative.body}`);
  const relinked = await a.app.inject('/datasets/uktc-taylor-green-vortex');
  t.same(
    parseLinkHeader(String(relinked.headers.link))
      .filter((l) => l.rel === 'cite-as')
      .map((l) => l.href),
    [own],
    'still cited by its own DOI',
  );
});

t.test("creators are the seed's: none invented (JHTDB), a host is not a creator (HEPData)", async (t) => {
  const jhtdb = (await a.app.inject('/datasets/jhtdb')).json();
  t.same(jhtdb.creators, []);
  t.equal(jhtdb.publisher, null);
  const hepdata = (await a.app.inject('/datasets/hepdata')).json();
  t.same(hepdata.creators, [], '"a service based at Durham University" is its host');
  t.equal(hepdata.publisher, 'Durham University');
});

t.test('an issue date a curator states is the one every format gives', async (t) => {
  const id = await publishedDataset(a, { title: 'Lattice run with a known release date', issued: '2019-03-01', publisher: 'Lattice Lab' });
  const f = await everyFormat(a, id);
  t.equal(f.json.issued, '2019-03-01');
  t.equal(f.schemaOrg.datePublished, '2019-03-01');
  t.same(f.dcat.issued, { '@value': '2019-03-01', '@type': 'xsd:date' });
  t.equal(f.dataciteJson.publicationYear, '2019');
  t.match(f.bibtex, /year = \{2019\}/);
  t.same(f.oaiDc.date, ['2019-03-01']);
  t.match(f.html, /\(2019\)\. Lattice run with a known release date/);
});

t.test('an imported DataCite record keeps its issue year and treats ":unav" as nothing stated', async (t) => {
  const payload = JSON.stringify({
    doi: '10.5555/imported-run',
    titles: [{ title: 'An imported lattice run' }],
    creators: [{ name: ':unav' }],
    publisher: { name: ':unav' },
    publicationYear: 2017,
    types: { resourceTypeGeneral: 'Dataset' },
  });
  const res = await a.app.inject({ method: 'POST', url: '/import', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload });
  t.equal(res.statusCode, 201, res.body);
  const f = await everyFormat(a, res.json().results[0].subject);
  t.equal(f.json.issued, '2017', "publicationYear is the source's year");
  t.same([f.json.creators, f.json.publisher], [[], null], 'no ":unav" creator or publisher');
  t.same(f.dcat.issued, { '@value': '2017', '@type': 'xsd:gYear' });
  t.match(f.bibtex, /year = \{2017\}/);
  t.equal(f.schemaOrg['@id'], 'https://doi.org/10.5555/imported-run', 'cited by the DOI it came with');
});
