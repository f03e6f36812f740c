import { readFileSync } from 'node:fs';
import jsonld from 'jsonld';
import { Writer, DataFactory, type Quad } from 'n3';
import { projectPath } from '../../paths.js';

/** The JSON-LD contexts femto serves from schema/jsonld/ (GET /contexts/{name}). */
/**
 * `croissant-1.1.jsonld` is the context of Appendix 1 of the Croissant 1.1 specification (mlcommons/croissant,
 * docs/croissant-spec-1.1.md, Apache-2.0), as published there.
 */
export const CONTEXT_FILES = [
  'schemaorg.jsonld',
  'dcat.jsonld',
  'ro-crate-1.1.jsonld',
  'ro-crate-1.2.jsonld',
  'workflow-run.jsonld',
  'croissant-1.1.jsonld',
] as const;
export type ContextFile = (typeof CONTEXT_FILES)[number];

/** Published contexts femto's documents name by their canonical URL, answered from the local copies (RO-Crate requires its own URL). */
export const WELL_KNOWN_CONTEXTS: Readonly<Record<string, ContextFile>> = {
  'https://w3id.org/ro/crate/1.1/context': 'ro-crate-1.1.jsonld',
  'https://w3id.org/ro/crate/1.2/context': 'ro-crate-1.2.jsonld',
  'https://w3id.org/ro/terms/workflow-run/context': 'workflow-run.jsonld',
  'https://w3id.org/ro/terms/workflow-run': 'workflow-run.jsonld',
};

const cache = new Map<string, { '@context': unknown }>();
export function contextDocument(name: ContextFile): { '@context': unknown } {
  let doc = cache.get(name);
  if (!doc) {
    doc = JSON.parse(readFileSync(projectPath('schema', 'jsonld', name), 'utf8')) as { '@context': unknown };
    cache.set(name, doc);
  }
  return doc;
}

const SCHEMA_ORG = /^https?:\/\/schema\.org\/?(docs\/jsonldcontext\.json)?$/;

/**
 * A jsonld.js document loader that serves only local files: schema.org's context from its
 * bundled copy, the RO-Crate contexts by their canonical URLs, and femto's own contexts under
 * `${baseUrl}/contexts/`. Anything else is refused, so nothing is ever fetched from the network.
 */
export function localDocumentLoader(baseUrl: string) {
  const prefix = `${baseUrl}/contexts/`;
  return async (url: string) => {
    let name: string | undefined;
    if (SCHEMA_ORG.test(url)) name = 'schemaorg.jsonld';
    else if (WELL_KNOWN_CONTEXTS[url]) name = WELL_KNOWN_CONTEXTS[url];
    else if (url.startsWith(prefix)) name = url.slice(prefix.length);
    if (!name || !(CONTEXT_FILES as readonly string[]).includes(name)) {
      throw new Error(`femto loads JSON-LD contexts from local files only; refusing ${url}`);
    }
    return { contextUrl: undefined, documentUrl: url, document: contextDocument(name as ContextFile) };
  };
}

const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  prov: 'http://www.w3.org/ns/prov#',
  schema: 'http://schema.org/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  spdx: 'http://spdx.org/rdf/terms#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

interface RdfJsTerm {
  termType: string;
  value: string;
  language?: string;
  datatype?: { value: string };
}

function term(t: RdfJsTerm) {
  switch (t.termType) {
    case 'NamedNode':
      return DataFactory.namedNode(t.value);
    case 'BlankNode':
      return DataFactory.blankNode(t.value.replace(/^_:/, ''));
    case 'DefaultGraph':
      return DataFactory.defaultGraph();
    default:
      return DataFactory.literal(t.value, t.language || (t.datatype ? DataFactory.namedNode(t.datatype.value) : undefined));
  }
}

/** The triples of JSON-LD documents (one graph; blank nodes kept apart per document). */
export async function toQuads(docs: object[], baseUrl: string): Promise<Quad[]> {
  const documentLoader = localDocumentLoader(baseUrl);
  const out: Quad[] = [];
  for (const [i, doc] of docs.entries()) {
    const quads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, { documentLoader, safe: true } as jsonld.Options.ToRdf)) as unknown as {
      subject: RdfJsTerm;
      predicate: RdfJsTerm;
      object: RdfJsTerm;
    }[];
    const rename = (t: RdfJsTerm) => (t.termType === 'BlankNode' ? { ...t, value: `d${i}${t.value.replace(/^_:/, '')}` } : t);
    for (const q of quads) out.push(DataFactory.quad(term(rename(q.subject)) as never, term(q.predicate) as never, term(rename(q.object)) as never));
  }
  return out;
}

export async function toTurtle(docs: object[], baseUrl: string): Promise<string> {
  const quads = await toQuads(docs, baseUrl);
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((err, result) => (err ? reject(err) : resolve(result))));
}
