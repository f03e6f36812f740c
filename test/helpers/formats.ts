import { XMLParser } from 'fast-xml-parser';
import { Parser, type Quad } from 'n3';
import type { TestApp } from './app.js';

/** Every representation of one dataset femto serves, fetched as an anonymous harvester would. */
export interface EveryFormat {
  json: Record<string, any>;
  graphql: Record<string, any>;
  schemaOrg: Record<string, any>;
  dcat: Record<string, any>;
  turtle: Quad[];
  html: string;
  dataciteXml: Record<string, any>;
  dataciteJson: Record<string, any>;
  bibtex: string;
  ris: string;
  csl: Record<string, any>;
  oaiDc: Record<string, any>;
  oaiDatacite: Record<string, any>;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  isArray: (name) => ['title', 'publisher', 'description', 'date', 'contributor', 'rights', 'subject', 'identifier', 'creator'].includes(name),
});

const GRAPHQL_FIELDS = `id status license publisher issued tier alsoInTiers domain domainLabel alsoInDomains sizeBytes recordCount formats
  creators { name } relatedIdentifiers { type value relation } generatedBy { id implied }`;

export async function everyFormat(a: TestApp, id: string): Promise<EveryFormat> {
  const get = async (format: string) => {
    const res = await a.app.inject({ url: `/datasets/${id}?format=${format}` });
    if (res.statusCode !== 200) throw new Error(`${id}?format=${format}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.body;
  };
  const oai = async (prefix: string) => {
    const res = await a.app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=${prefix}&identifier=oai:femto.test:${id}` });
    return xml.parse(res.body)['OAI-PMH'].GetRecord.record.metadata;
  };
  const gql = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ dataset(id: "${id}") { ${GRAPHQL_FIELDS} } }` } });
  return {
    json: JSON.parse(await get('json')),
    graphql: gql.json().data.dataset,
    schemaOrg: JSON.parse(await get('jsonld')),
    dcat: JSON.parse(await get('dcat')),
    turtle: new Parser().parse(await get('ttl')),
    html: await get('html'),
    dataciteXml: xml.parse(await get('datacite-xml')).resource,
    dataciteJson: JSON.parse(await get('datacite-json')),
    bibtex: await get('bibtex'),
    ris: await get('ris'),
    csl: JSON.parse(await get('csl')),
    oaiDc: (await oai('oai_dc')).dc,
    oaiDatacite: (await oai('oai_datacite')).oai_datacite.payload.resource,
  };
}

const text = (v: unknown): string => (typeof v === 'object' && v !== null ? String((v as Record<string, unknown>)['#text'] ?? '') : String(v));

/**
 * The publisher each format states, by format; an empty list where the format states none.
 * DataCite's `:unav` (its value for unavailable information, which its XSD requires) counts as none.
 */
export function publishersIn(f: EveryFormat, datasetIris: string[]): Record<string, string[]> {
  const unav = (names: string[]) => names.filter((n) => n && n !== ':unav');
  const turtlePublishers = f.turtle
    .filter((q) => datasetIris.includes(q.subject.value) && /(purl\.org\/dc\/terms\/|schema\.org\/)publisher$/.test(q.predicate.value))
    .map((q) => {
      const name = f.turtle.find((n) => n.subject.equals(q.object) && /(foaf\/0\.1\/|schema\.org\/)name$/.test(n.predicate.value));
      return name?.object.value ?? q.object.value;
    });
  return {
    json: f.json.publisher ? [f.json.publisher] : [],
    graphql: f.graphql.publisher ? [f.graphql.publisher] : [],
    schemaOrg: f.schemaOrg.publisher ? [f.schemaOrg.publisher.name] : [],
    dcat: f.dcat.publisher ? [f.dcat.publisher.name] : [],
    turtle: [...new Set(turtlePublishers)],
    dataciteXml: unav((f.dataciteXml.publisher ?? []).map(text)),
    dataciteJson: unav(f.dataciteJson.publisher ? [f.dataciteJson.publisher.name] : []),
    bibtex: [...f.bibtex.matchAll(/^\s*publisher = \{(.*)\},?$/gm)].map((m) => m[1]),
    ris: [...f.ris.matchAll(/^PB {2}- (.*)\r$/gm)].map((m) => m[1]),
    csl: f.csl.publisher ? [f.csl.publisher] : [],
    oaiDc: (f.oaiDc.publisher ?? []).map(text),
    oaiDatacite: unav((f.oaiDatacite.publisher ?? []).map(text)),
    html: [...f.html.matchAll(/<th scope="row">Publisher<\/th><td>([^<]*)<\/td>/g)].map((m) => m[1]).filter((p) => !p.startsWith('No publisher recorded')),
  };
}
