import t from 'tap';
import { makeApp, publishedDataset } from '../helpers/app.js';
import { assertAllValid, assertInvalid, assertValid, dataciteJsonSchema, dataciteXsd } from '../helpers/validators.js';
import { dataciteAttributes } from '../../src/modules/identifiers/serializers/datacite.js';
import { dataciteXml } from '../../src/modules/identifiers/serializers/datacite-xml.js';
import { loadCatalog } from '../../src/modules/datasets/catalog.loader.js';

t.test('a rich record maps to DataCite JSON and XML that the official schemas accept', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, {
    contributors: [{ name: 'CERN', type: 'Organization', ror: 'https://ror.org/01ggx4157' }],
    keywords: ['lattice QCD', 'Monte Carlo'],
    domain: 'stat-field-theory-rg',
    formats: ['HDF5'],
    distributions: [{ urls: ['https://example.org/a.h5', 'https://mirror.example.org/a.h5'], mediaType: 'application/x-hdf5', sizeBytes: 10 }],
    relatedIdentifiers: [
      { type: 'arXiv', value: 'arXiv:2101.00001', relation: 'IsSupplementTo' },
      { type: 'INSPIRE', value: 'https://inspirehep.net/literature/1', relation: 'References' },
      { type: 'ILDG', value: 'mc://ldg/ukqcd/x', relation: 'IsDerivedFrom' },
    ],
    accessLevel: 'embargoed',
    embargoUntil: '2999-01-01',
    sizeBytes: 1234,
    recordCount: 5,
    version: '1.0',
  });
  const { record } = await a.app.femto.datasets.get(a.as.curator as never, id);
  const attrs = dataciteAttributes(record, {
    doi: '10.5072/ABCD-1234',
    url: `https://femto.example/datasets/${id}`,
    hostingInstitution: 'femto',
    related: [{ relatedIdentifier: '10.5072/parent', relatedIdentifierType: 'DOI', relationType: 'IsDerivedFrom' }],
  });
  await assertValid(t, dataciteJsonSchema, attrs, 'DataCite JSON Schema');
  t.equal(attrs.doi, '10.5072/abcd-1234');
  t.equal(attrs.prefix, '10.5072');
  t.equal(attrs.publisher?.name, ':unav', 'the record names no publisher: DataCite\'s "unavailable", never the hosting catalog');
  t.same(attrs.contributors?.at(-1), { name: 'femto', nameType: 'Organizational', contributorType: 'HostingInstitution' }, 'femto hosts the record');
  t.equal(attrs.types?.resourceTypeGeneral, 'Dataset');
  t.same(attrs.creators?.[0].nameIdentifiers?.[0].nameIdentifier, 'https://orcid.org/0000-0002-1825-0097');
  t.ok(
    attrs.relatedIdentifiers?.some((r) => r.relatedIdentifierType === 'URL' && r.relationType === 'References'),
    'INSPIRE URL becomes URL',
  );
  t.notOk(
    attrs.relatedIdentifiers?.some((r) => r.relatedIdentifier.startsWith('mc://')),
    'an ILDG URI has no DataCite type and is left out',
  );
  t.ok(attrs.relatedIdentifiers?.some((r) => r.relationType === 'IsDerivedFrom' && r.relatedIdentifier === '10.5072/parent'));
  t.ok(attrs.rightsList?.some((r) => r.rightsUri === 'info:eu-repo/semantics/embargoedAccess'));

  const xml = dataciteXml(attrs);
  await assertValid(t, dataciteXsd, xml, 'kernel-4.7 XSD');
  t.match(xml, '<identifier identifierType="DOI">10.5072/ABCD-1234</identifier>');

  const withoutDoi = dataciteXml(dataciteAttributes(record, { url: `https://femto.example/datasets/${id}`, hostingInstitution: 'femto' }));
  await assertValid(t, dataciteXsd, withoutDoi, 'kernel-4.7 XSD without a DOI');
  t.match(withoutDoi, `<identifier identifierType="URL">https://femto.example/datasets/${id}</identifier>`);
  t.throws(() => dataciteXml({ ...attrs, doi: undefined, url: undefined }), /DOI or a landing page/);
  const literal = dataciteXml({ ...attrs, titles: [{ title: 'by &ldquo;peers&rdquo; & a &amp; b' }] });
  await assertValid(t, dataciteXsd, literal, 'entity-shaped text stays text');
  t.match(literal, '<title>by &amp;ldquo;peers&amp;rdquo; &amp; a &amp;amp; b</title>');
});

t.test('an invalid XML is caught by the validator (the check can fail)', async (t) => {
  await assertInvalid(
    t,
    dataciteXsd,
    '<resource xmlns="http://datacite.org/schema/kernel-4"><identifier identifierType="DOI">x</identifier></resource>',
    'XSD refuses a bare identifier',
  );
  await assertInvalid(t, dataciteJsonSchema, { titles: [] }, 'JSON Schema refuses empty titles');
});

t.test('every bundled catalog record serializes validly', async (t) => {
  const a = await makeApp(t);
  await loadCatalog(a.app.femto);
  const rows = (await a.app.femto.database.prepare("SELECT pk FROM dataset_versions WHERE state = 'published'").all()) as { pk: number }[];
  t.ok(rows.length > 10);
  const records = await a.app.femto.repos.datasets.records(rows.map((r) => r.pk));
  const json = new Map<string, unknown>();
  const xml = new Map<string, string>();
  for (const record of records.values()) {
    const attrs = dataciteAttributes(record, { url: `https://femto.example/datasets/${record.id}`, hostingInstitution: 'femto' });
    json.set(record.id, attrs);
    xml.set(record.id, dataciteXml(attrs));
    if (!record.creators.length) t.same(attrs.creators, [{ name: ':unav' }], `${record.id} has no creators: DataCite's unknown value`);
  }
  await assertAllValid(t, dataciteJsonSchema, json, 'DataCite JSON');
  await assertAllValid(t, dataciteXsd, xml, 'DataCite XML');
});
