import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { MAX_DATASHEET_DESCRIPTION } from '../../src/modules/identifiers/serializers/datacite.js';
import { BASE_URL, makeApp, publishedDataset } from '../helpers/app.js';
import { quadsOf } from '../helpers/harvest.js';
import { assertValid, dataciteJsonSchema, dataciteXsd, googleDatasetShapes } from '../helpers/validators.js';

const sheet = {
  motivation: { purpose: 'Extend foundation-model tracking to heavy ions.', funding: 'DOE Office of Nuclear Physics' },
  composition: { instances: 'Simulated Au+Au events <script>alert(1)</script>', instanceCount: 5_000_000, confidentialData: false },
  preprocessing: { steps: ['digitisation', 'clustering'] },
  uses: { recommendedUses: ['tracking'], outOfScopeUses: ['physics results'] },
};

t.test('the landing page shows all seven sections, the unanswered ones as unanswered', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { datasheet: sheet });
  const page = (await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } })).body;
  for (const title of ['Motivation', 'Composition', 'Collection process', 'Preprocessing, cleaning and labelling', 'Uses', 'Distribution', 'Maintenance'])
    t.match(page, `<h3>${title}</h3>`, title);
  t.match(page, '4 of 7 sections');
  t.equal(page.match(/<p class="missing">Not answered\.<\/p>/g)?.length, 3, 'collection, distribution and maintenance are not answered');
  t.match(page, /Not answered: [^<]*Creators/, 'unanswered questions of an answered section are named');
  t.match(page, '<dd>5000000</dd>');
  t.match(page, '<li>digitisation</li><li>clustering</li>');
  t.notMatch(page, '<script>alert(1)', 'answers are escaped');
  t.match(page, '&lt;script&gt;alert(1)&lt;/script&gt;');
  t.match(page, `href="${BASE_URL}/datasets/${id}/versions/1/datasheet"`);
  t.match(page, 'href="https://doi.org/10.1145/3458723"');
});

t.test('schema.org JSON-LD carries the datasheet (femto vocabulary) and RAI terms, and stays valid', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { datasheet: sheet });
  const doc = (await a.app.inject({ url: `/datasets/${id}?format=jsonld` })).json();
  t.same(doc['rai:dataUseCases'], 'tracking');
  t.same(doc['rai:dataLimitations'], 'Not for: physics results');
  const ds = doc['femto:datasheet'];
  t.equal(ds['@type'], 'femto:Datasheet');
  t.same(ds['dct:conformsTo'], { '@id': 'https://doi.org/10.1145/3458723' });
  t.same(
    Object.keys(ds)
      .filter((k) => k.startsWith('femto:'))
      .sort(),
    ['femto:composition', 'femto:motivation', 'femto:preprocessing', 'femto:uses'],
  );
  const count = ds['femto:composition'].additionalProperty.find(
    (p: { propertyID: string }) => p.propertyID === 'https://w3id.org/femto/ns#datasheet.composition.instanceCount',
  );
  t.equal(count.value, 5_000_000);
  // toQuads expands in safe mode: a key the context does not define would throw, not be dropped.
  const quads = await quadsOf([doc], BASE_URL);
  t.ok(quads.some((q) => q.predicate.value === 'http://mlcommons.org/croissant/RAI/dataUseCases' && q.object.value === 'tracking'));
  t.ok(quads.some((q) => q.predicate.value === 'https://w3id.org/femto/ns#motivation'));
  await assertValid(t, googleDatasetShapes, quads, 'Google required shapes');
});

t.test('DataCite: composition and preprocessing as TechnicalInfo, the rest as Other, bounded, schema-valid', async (t) => {
  const a = await makeApp(t);
  const long = 'x'.repeat(10_000);
  const id = await publishedDataset(a, { datasheet: { ...sheet, maintenance: { summary: long } } });
  const json = (await a.app.inject({ url: `/datasets/${id}?format=datacite-json` })).json();
  const descriptions = json.descriptions as { description: string; descriptionType: string }[];
  t.same(
    descriptions.map((d) => [d.descriptionType, d.description.split(':')[0]]),
    [
      ['Abstract', descriptions[0].description.split(':')[0]],
      ['Other', 'Status'],
      ['Other', 'Datasheet, Motivation'],
      ['TechnicalInfo', 'Datasheet, Composition'],
      ['TechnicalInfo', 'Datasheet, Preprocessing, cleaning and labelling'],
      ['Other', 'Datasheet, Uses'],
      ['Other', 'Datasheet, Maintenance'],
    ],
  );
  t.match(descriptions[3].description, 'Instance count: 5000000');
  t.match(descriptions[3].description, 'Confidential data: no');
  const maintenance = descriptions[6].description;
  t.equal(maintenance.length, MAX_DATASHEET_DESCRIPTION, 'a long section is cut');
  t.ok(maintenance.endsWith('…'));
  await assertValid(t, dataciteJsonSchema, json, 'DataCite JSON Schema');
  const xml = (await a.app.inject({ url: `/datasets/${id}?format=datacite-xml` })).body;
  await assertValid(t, dataciteXsd, xml, 'kernel-4.7 XSD');
  const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml).resource.descriptions.description as { '@_descriptionType': string }[];
  t.same(
    parsed.map((d) => d['@_descriptionType']),
    ['Abstract', 'Other', 'Other', 'TechnicalInfo', 'TechnicalInfo', 'Other', 'Other'],
  );
});

t.test('the FAIR self-score counts datasheet sections', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { datasheet: sheet });
  const none = await publishedDataset(a, { id: 'no-sheet' });
  const metric = async (dataset: string) =>
    (await a.app.inject({ url: `/datasets/${dataset}/fair` })).json().metrics.find((m: { metric: string }) => m.metric === 'femto-R1-datasheet');
  t.match(await metric(id), { status: 'partial', score: { earned: 4, total: 7 }, fix: /Collection process.*Distribution.*Maintenance/ });
  t.match(await metric(none), { status: 'fail', score: { earned: 0, total: 7 } });
});
