import t from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { BASE_URL, makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { quadsOf } from '../helpers/harvest.js';
import { assertValid, dataciteJsonSchema, dataciteXsd, dcatAp3Shapes, oaiXsd } from '../helpers/validators.js';

const submission = shared('fixtures', 'real', 'hepdata', 'submission-ATLAS-ZZ');
const admin = { id: 'cli', role: 'admin' } as const;

/** The tables as submission.yaml states them (the expected values, read apart from femto's importer). */
function statedTables(): { name: string; description: string; location?: string }[] {
  const docs = parseAllDocuments(readFileSync(join(submission.path, 'submission.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, string>);
  return docs.filter((d) => d.data_file).map((d) => ({ name: d.name, description: d.description, location: d.location }));
}

async function importSubmission(a: TestApp): Promise<string> {
  const out: string[] = [];
  await importCommand(a.app.femto.imports, admin, ['hepdata', submission.path], {}, { out: (l) => out.push(l) });
  return /create dataset (\S+)/.exec(out[0])![1];
}

const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['relatedItem', 'title', 'record'].includes(name) });

t.test('the HEPData tables are parts of the record in DCAT, DataCite XML/JSON and OAI-PMH, checked by their schemas', requires(t, submission), async (t) => {
  const a = await makeApp(t);
  const id = await importSubmission(a);
  const stated = statedTables();
  t.equal(stated.length, 8);
  const landing = `${BASE_URL}/datasets/${id}/versions/1`;

  const dcat = (await a.app.inject({ url: `/datasets/${id}?format=dcat` })).json();
  await assertValid(t, dcatAp3Shapes, await quadsOf([dcat], BASE_URL), 'DCAT-AP 3.0.1 with the tables');
  t.same(
    dcat['dct:hasPart'].map((p: Record<string, unknown>) => [p['@id'], p['@type'], p.title, p.description]),
    stated.map((s, i) => [`${landing}#hepdata-table-${i + 1}`, 'Dataset', s.location ? `${s.name}: ${s.location}` : s.name, s.description]),
  );
  const page = (await a.app.inject({ url: landing, headers: { accept: 'text/html' } })).body;
  for (let i = 1; i <= stated.length; i++) t.match(page, `<tr id="hepdata-table-${i}">`, `the landing page has the anchor of table ${i}`);

  const items = (a: Record<string, unknown>[]) => a.map((r) => [r.relationType, r.relatedItemType, (r.titles as { title: string }[])[0].title]);
  const expectedItems = stated.map((s) => ['HasPart', 'Dataset', s.name]);
  const json = (await a.app.inject({ url: `/datasets/${id}?format=datacite-json` })).json();
  await assertValid(t, dataciteJsonSchema, json, 'DataCite JSON schema');
  t.same(items(json.relatedItems), expectedItems);
  t.same(json.relatedItems[2].titles[1], { title: stated[2].location, titleType: 'Subtitle' });

  const dataciteXml = (await a.app.inject({ url: `/datasets/${id}?format=datacite-xml` })).body;
  await assertValid(t, dataciteXsd, dataciteXml, 'DataCite kernel 4.7 XSD');
  const related = xml.parse(dataciteXml).resource.relatedItems.relatedItem as Record<string, unknown>[];
  t.same(
    related.map((r) => [r['@_relationType'], r['@_relatedItemType'], ((r.titles as { title: unknown[] }).title[0] as string).toString()]),
    expectedItems,
  );

  const oai = (await a.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_datacite&identifier=oai:femto.test:${id}` })).body;
  await assertValid(t, oaiXsd, oai, 'OAI-PMH with oai_datacite');
  t.equal((oai.match(/<relatedItem relatedItemType="Dataset" relationType="HasPart">/g) ?? []).length, stated.length, 'OAI: every table');
});

t.test('tables appear only where their record does', requires(t, submission), async (t) => {
  const a = await makeApp(t);
  const id = await importSubmission(a);
  // HEPData imports publish public records; the version is made private in place, as a curator's sharing choice would leave it.
  await a.app.femto.database.prepare(`UPDATE dataset_versions SET visibility = 'private' WHERE dataset_id = ?`).run(id);
  const tableName = statedTables()[0].description.slice(0, 40);

  for (const format of ['dcat', 'datacite-xml', 'datacite-json']) {
    const res = await a.app.inject({ url: `/datasets/${id}?format=${format}` });
    t.equal(res.statusCode, 404, `${format}: anonymous callers are not told of it`);
    t.notOk(res.body.includes('hepdata-table'), format);
  }
  for (const url of ['/catalog?format=dcat&limit=500', '/oai?verb=ListRecords&metadataPrefix=oai_datacite']) {
    const body = (await a.app.inject({ url })).body;
    t.notOk(body.includes(tableName) || body.includes('hepdata-table-1'), `${url}: nothing of its tables`);
  }
  const owner = (await a.app.inject({ url: `/datasets/${id}?format=dcat`, headers: a.as.admin })).json();
  t.equal(owner['dct:hasPart'].length, 8, 'those who may see the record see its tables');
});

const relatedItemFixture = shared('fixtures', 'real', 'datacite', 'json-attributes');
t.test('DataCite XML writes related items as the kernel example states them', requires(t, relatedItemFixture), async (t) => {
  const { dataciteXml } = await import('../../src/modules/identifiers/serializers/datacite-xml.js');
  const attrs = JSON.parse(readFileSync(join(relatedItemFixture.path, 'datacite-example-relateditem1-v4.5.json'), 'utf8'));
  const written = dataciteXml(attrs);
  await assertValid(t, dataciteXsd, written, 'kernel 4.7 XSD');
  const expected = readFileSync(join(relatedItemFixture.path, 'datacite-example-relateditem1-v4.5.xml'), 'utf8');
  t.same(xml.parse(written).resource.relatedItems, xml.parse(expected).resource.relatedItems, 'the same related item as the example XML');
});

/** The fixture with its first table's document edited (`Table 1`'s name line replaced), imported; the record's id. */
async function importWithFirstTable(t: Parameters<Parameters<typeof t.test>[1]>[0], a: TestApp, nameLine: string): Promise<string> {
  const dir = join(t.testdir({}), 'edited');
  cpSync(submission.path, dir, { recursive: true });
  const stated = readFileSync(join(dir, 'submission.yaml'), 'utf8');
  writeFileSync(join(dir, 'submission.yaml'), stated.replace('name: "Table 1"', nameLine));
  const out: string[] = [];
  await importCommand(a.app.femto.imports, admin, ['hepdata', dir], {}, { out: (l) => out.push(l) });
  const id = /create dataset (\S+)/.exec(out[0])?.[1];
  if (!id) throw new Error(out.join('\n'));
  return id;
}

t.test('a table DOI holding characters an IRI may not (a space, <, ", ...) is percent-encoded where it becomes an IRI', requires(t, submission), async (t) => {
  const a = await makeApp(t);
  const id = await importWithFirstTable(t, a, 'name: "Table 1"\ntable_doi: \'10.17182/t1 draft<2>"x"\'');
  const dcat = (await a.app.inject({ url: `/datasets/${id}?format=dcat` })).json();
  t.equal(dcat['dct:hasPart'][0]['@id'], 'https://doi.org/10.17182/t1%20draft%3C2%3E%22x%22', 'the table as a part, by its DOI');
  await assertValid(t, dcatAp3Shapes, await quadsOf([dcat], BASE_URL), 'DCAT-AP 3.0.1');
  for (const url of [`/datasets/${id}?format=ttl`, '/catalog?format=ttl']) {
    const turtle = await a.app.inject({ url });
    t.equal(turtle.statusCode, 200, `${url}: ${turtle.body.slice(0, 200)}`);
    t.ok(turtle.body.includes('<https://doi.org/10.17182/t1%20draft%3C2%3E%22x%22>'), `${url}: the table DOI as an IRI`);
  }
});

t.test('a table named with characters XML cannot carry (controls, U+FFFE) leaves DataCite XML and OAI-PMH valid', requires(t, submission), async (t) => {
  const a = await makeApp(t);
  const id = await importWithFirstTable(t, a, 'name: "Table\\x01 1\\x0b\\uFFFE"');
  const dataciteXml = (await a.app.inject({ url: `/datasets/${id}?format=datacite-xml` })).body;
  await assertValid(t, dataciteXsd, dataciteXml, 'DataCite kernel 4.7 XSD');
  t.match(dataciteXml, '<title>Table 1</title>', 'the name without what XML cannot carry');
  const oai = (await a.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_datacite&identifier=oai:femto.test:${id}` })).body;
  await assertValid(t, oaiXsd, oai, 'OAI-PMH with oai_datacite');
});
