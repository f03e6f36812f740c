import t from 'tap';
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import { Parser, type Quad } from 'n3';
import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { BASE_URL, makeApp, publishedDataset, type TestApp } from '../helpers/app.js';
import { quadsOf } from '../helpers/harvest.js';

/** What one format says about a record, on the properties every format must agree on. */
interface Said {
  title?: string;
  creators?: string[];
  publisher?: string;
  year?: string;
  /** DataCite resourceTypeGeneral, read back through DataCite's crosswalk where the format has its own types. */
  resourceType?: string;
  /** SPDX id. */
  license?: string;
}

// DataCite's own crosswalk (bolognese / commonmeta DC_TO_SO_TRANSLATIONS, DC_TO_RIS_TRANSLATIONS), the rows used here.
const SCHEMA_ORG_OF: Record<string, string> = { Dataset: 'Dataset', Software: 'SoftwareSourceCode', Collection: 'Collection', Text: 'ScholarlyArticle' };
const RIS_OF: Record<string, string> = { Dataset: 'DATA', Software: 'COMP', Text: 'RPRT' };
const fromCrosswalk = (table: Record<string, string>, value: string | string[] | undefined) =>
  Object.keys(table).find((k) => table[k] !== 'Dataset' && [value].flat().includes(table[k])) ??
  (value && [value].flat().includes('Dataset') ? 'Dataset' : undefined);

/** DataCite's "unavailable" names nobody. */
const named = (names: string[]) => names.filter((n) => n !== ':unav');
const namedOne = (name: string | undefined) => (name === ':unav' ? undefined : name);
// SPDX ids match case-insensitively (SPDX spec, license expressions); DataCite's examples write them in lower case.
const spdxIds = new Map((createRequire(import.meta.url)('spdx-license-ids') as string[]).map((id) => [id.toLowerCase(), id]));
const spdx = (id: string | undefined) => (id ? (spdxIds.get(id.toLowerCase()) ?? id) : undefined);
const spdxOf = (url: string | undefined) => spdx(url?.replace(/^https?:\/\/spdx\.org\/licenses\//, '').replace(/\.html$/, ''));
const SCHEMA = 'http://schema.org/';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const SKOS = 'http://www.w3.org/2004/02/skos/core#';

/** Reads RDF the way a harvester does: by predicate, from the node the document is about. */
function rdf(quads: Quad[]) {
  const objects = (s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value);
  return { objects, one: (s: string, p: string) => objects(s, p)[0] };
}

function fromSchemaOrg(quads: Quad[], subject: string): Said {
  const g = rdf(quads);
  return {
    title: g.one(subject, `${SCHEMA}name`),
    creators: g.objects(subject, `${SCHEMA}creator`).map((c) => g.one(c, `${SCHEMA}name`)),
    publisher: g.one(g.one(subject, `${SCHEMA}publisher`), `${SCHEMA}name`),
    year: g.one(subject, `${SCHEMA}datePublished`)?.slice(0, 4),
    resourceType: fromCrosswalk(
      SCHEMA_ORG_OF,
      g.objects(subject, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type').map((x) => x.replace(SCHEMA, '')),
    ),
    license: spdxOf(g.one(subject, `${SCHEMA}license`)),
  };
}

function fromDcat(quads: Quad[], subject: string): Said {
  const g = rdf(quads);
  const types = g.objects(subject, `${DCT}type`).filter((c) => c.includes('/resource-type/'));
  return {
    title: g.one(subject, `${DCT}title`),
    creators: g.objects(subject, `${DCT}creator`).map((c) => g.one(c, `${FOAF}name`)),
    publisher: g.one(g.one(subject, `${DCT}publisher`), `${FOAF}name`),
    year: g.one(subject, `${DCT}issued`)?.slice(0, 4),
    resourceType: g.one(types[0], `${SKOS}prefLabel`),
    license: spdxOf(g.one(subject, `${DCT}license`)),
  };
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  isArray: (n) => ['creator', 'title', 'rights', 'record', 'dc:creator', 'creator', 'type', 'rights', 'date', 'publisher'].includes(n),
});
const text = (v: unknown): string => (typeof v === 'object' && v !== null ? String((v as Record<string, unknown>)['#text']) : String(v));

function fromDataciteXml(resource: Record<string, any>): Said {
  return {
    title: text(resource.titles.title[0]),
    creators: named(resource.creators.creator.map((c: Record<string, unknown>) => text(c.creatorName))),
    publisher: namedOne(text(resource.publisher[0])),
    year: String(resource.publicationYear),
    resourceType: resource.resourceType['@resourceTypeGeneral'],
    license: spdx((resource.rightsList?.rights ?? []).map((r: Record<string, string>) => r['@rightsIdentifier']).find(Boolean)),
  };
}

function fromDataciteJson(a: Record<string, any>): Said {
  return {
    title: a.titles[0].title,
    creators: named(a.creators.map((c: { name: string }) => c.name)),
    publisher: namedOne(a.publisher.name),
    year: String(a.publicationYear),
    resourceType: a.types.resourceTypeGeneral,
    license: spdx(a.rightsList.map((r: { rightsIdentifier?: string }) => r.rightsIdentifier).find(Boolean)),
  };
}

function fromOaiDc(dc: Record<string, any>): Said {
  return {
    title: text(dc.title[0]),
    creators: (dc.creator ?? []).map(text),
    publisher: dc.publisher ? text(dc.publisher[0]) : undefined,
    year: dc.date ? text(dc.date[0]).slice(0, 4) : undefined,
    resourceType: text(dc.type[0]),
    license: dc.rights
      .map(text)
      .filter((r: string) => !r.startsWith('info:'))
      .map(spdxOf)[0],
  };
}

function fromBibtex(body: string): Said {
  const [entry] = parseBibtex(body).entries;
  const f = entry.fields as Record<string, any>;
  const person = (p: { lastName?: string; firstName?: string; name?: string }) => p.name ?? [p.lastName, p.firstName].filter(Boolean).join(', ');
  return { title: f.title, creators: (f.author ?? []).map(person), publisher: [f.publisher].flat()[0], year: f.year };
}

/** RIS is line-based: "TY  - DATA". */
function fromRis(body: string): Said {
  const tags = body
    .split(/\r\n/)
    .filter(Boolean)
    .map((l) => /^([A-Z][A-Z0-9])  - (.*)$/.exec(l)!.slice(1));
  const all = (tag: string) => tags.filter(([t]) => t === tag).map(([, v]) => v);
  return {
    title: all('T1')[0],
    creators: all('AU'),
    publisher: all('PB')[0],
    year: all('PY')[0],
    resourceType: fromCrosswalk(RIS_OF, all('TY')[0]) ?? undefined,
  };
}

function fromCsl(item: Record<string, any>): Said {
  return {
    title: item.title,
    creators: (item.author ?? []).map(
      (a: { literal?: string; family?: string; given?: string }) => a.literal ?? [a.family, a.given].filter(Boolean).join(', '),
    ),
    publisher: item.publisher,
    year: item.issued ? String(item.issued['date-parts'][0][0]) : undefined,
  };
}

/** Every format of one record, each read with a parser of its kind. */
async function everyFormat(a: TestApp, id: string, subject: string): Promise<Record<string, Said>> {
  const get = async (format: string) => {
    const res = await a.app.inject({ url: `/datasets/${id}?format=${format}` });
    if (res.statusCode !== 200) throw new Error(`${format}: ${res.statusCode} ${res.body}`);
    return res.body;
  };
  const oai = async (prefix: string) =>
    xml.parse((await a.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=${prefix}&identifier=oai:femto.test:${id}` })).body)['OAI-PMH'].GetRecord.record[0]
      .metadata;
  const turtle = new Parser({ baseIRI: BASE_URL }).parse(await get('ttl'));
  const landing = await get('html');
  const embedded = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(landing)![1]);
  const fromLanding = fromSchemaOrg(await quadsOf([embedded], BASE_URL), subject);
  return {
    'schema.org': fromSchemaOrg(await quadsOf([JSON.parse(await get('jsonld'))], BASE_URL), subject),
    dcat: fromDcat(await quadsOf([JSON.parse(await get('dcat'))], BASE_URL), subject),
    'turtle (schema.org)': fromSchemaOrg(turtle, subject),
    'turtle (dcat)': fromDcat(turtle, subject),
    'datacite-xml': fromDataciteXml(xml.parse(await get('datacite-xml')).resource),
    'datacite-json': fromDataciteJson(JSON.parse(await get('datacite-json'))),
    oai_datacite: fromDataciteXml((await oai('oai_datacite')).oai_datacite.payload.resource),
    oai_dc: fromOaiDc((await oai('oai_dc')).dc),
    bibtex: fromBibtex(await get('bibtex')),
    ris: fromRis(await get('ris')),
    csl: fromCsl(JSON.parse(await get('csl'))),
    'landing page (JSON-LD)': fromLanding,
    'landing page (text)': { title: /<h1>([^<]*)<\/h1>/.exec(landing)![1] },
  };
}

/** DataCite formats must state a publicationYear: without a known issue date it is the year femto made the record available. */
const DATACITE = ['datacite-xml', 'datacite-json', 'oai_datacite'];

/** Each format states what it can express of `expected`, and nothing else (`undefined`: none is recorded, so none is said). */
function agree(t: Tap.Test, formats: Record<string, Said>, expected: Said & { title: string; creators: string[] }, dataciteYear = expected.year) {
  for (const [format, said] of Object.entries(formats)) {
    for (const [key, value] of Object.entries(said) as [keyof Said, unknown][]) {
      if (value === undefined && (key === 'resourceType' || key === 'license')) continue; // the format has no such property
      t.same(value, key === 'year' && DATACITE.includes(format) ? dataciteYear : expected[key], `${format}: ${key}`);
    }
  }
}

t.test('a DOI whose metadata a curator set: every format says what the DOI says', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, {
    title: 'Record title',
    creators: [{ name: 'Ada Lovelace' }],
    publisher: 'Record Publisher',
    license: 'CC-BY-4.0',
    resourceType: 'Dataset',
  });
  const doi = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: {
      data: {
        type: 'dois',
        attributes: {
          doi: '10.5072/curated',
          url: `${BASE_URL}/datasets/${id}`,
          event: 'publish',
          titles: [{ title: 'Curated title' }],
          creators: [{ name: 'Hopper, Grace', nameType: 'Personal', givenName: 'Grace', familyName: 'Hopper' }],
          publisher: 'DOI Publisher',
          publicationYear: 2019,
          types: { resourceTypeGeneral: 'Software', resourceType: 'Simulation code' },
          rightsList: [{ rights: 'MIT License', rightsIdentifier: 'MIT', rightsIdentifierScheme: 'SPDX' }],
        },
      },
    },
  });
  t.equal(doi.statusCode, 201, doi.body);
  agree(t, await everyFormat(a, id, 'https://doi.org/10.5072/curated'), {
    title: 'Curated title',
    creators: ['Hopper, Grace'],
    publisher: 'DOI Publisher',
    year: '2019',
    resourceType: 'Software',
    license: 'MIT',
  });
});

t.test('a record without a DOI: every format says what the record says, and no publisher or year where it names none', async (t) => {
  const a = await makeApp(t, { FEMTO_REPOSITORY_NAME: 'Configured Repository' });
  const id = await publishedDataset(a, { title: 'Plain record', creators: [{ name: 'Noether, Emmy' }], license: 'CC0-1.0', resourceType: 'Collection' });
  const loadYear = String(new Date().getUTCFullYear());
  const expected = {
    title: 'Plain record',
    creators: ['Noether, Emmy'],
    publisher: undefined,
    year: undefined,
    resourceType: 'Collection',
    license: 'CC0-1.0',
  };
  agree(t, await everyFormat(a, id, `${BASE_URL}/datasets/${id}/versions/1`), expected, loadYear);
  const dated = await publishedDataset(a, {
    title: 'Dated record',
    creators: [{ name: 'Noether, Emmy' }],
    publisher: 'Record Publisher',
    issued: '2011-05-02',
    license: 'CC0-1.0',
    resourceType: 'Collection',
  });
  agree(t, await everyFormat(a, dated, `${BASE_URL}/datasets/${dated}/versions/1`), {
    ...expected,
    title: 'Dated record',
    publisher: 'Record Publisher',
    year: '2011',
  });
});

t.test('a draft or registered DOI is not public: it changes no format', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { title: 'Record title', resourceType: 'Dataset' });
  for (const event of [undefined, 'register']) {
    const doi = `10.5072/not-public-${event ?? 'draft'}`;
    const res = await a.app.inject({
      method: event ? 'PUT' : 'POST',
      url: event ? `/dois/${doi}` : '/dois',
      headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
      payload: {
        data: {
          type: 'dois',
          attributes: {
            doi,
            url: `${BASE_URL}/datasets/${id}`,
            event,
            titles: [{ title: 'Not yet public' }],
            publisher: 'x',
            publicationYear: 2000,
            types: { resourceTypeGeneral: 'Text' },
            creators: [{ name: 'x' }],
          },
        },
      },
    });
    t.ok(res.statusCode < 300, res.body);
    const formats = await everyFormat(a, id, `${BASE_URL}/datasets/${id}/versions/1`);
    for (const [format, said] of Object.entries(formats)) t.equal(said.title, 'Record title', `${format} after a ${event ?? 'draft'} DOI`);
    await a.app.inject({ method: 'DELETE', url: `/dois/${doi}`, headers: a.as.curator });
    if (event) break; // a registered DOI cannot be deleted: the next iteration would find the version taken
  }
});

t.test('BibTeX of every bundled record answers (the describedby links of the bundled catalog)', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const res = await a.app.inject({ url: '/datasets/fm4npp/versions/1?format=bibtex' });
  t.equal(res.statusCode, 200);
  const [entry] = parseBibtex(res.body).entries;
  t.match(entry.fields, { title: /FM4NPP/ });
  t.notOk(entry.fields.year, 'the seed states no year: none is cited');
  t.match(entry.fields.note, /No creator or publisher recorded/);
  t.notOk(res.body.includes(':unav'), "DataCite's placeholder is no author");
});
