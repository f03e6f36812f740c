import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import oxigraph from 'oxigraph';
import SHACLValidator from 'rdf-validate-shacl';
import { localDocumentLoader } from '../../src/modules/harvest/jsonld.js';
import { BASE_URL } from './app.js';
import { shared, type External } from './external.js';
import type { Validator } from './validators.js';

/**
 * The RO-Crate validator's SHACL profiles (crs4/rocrate-validator, in the shared fixtures) run as
 * that validator runs them with pyshacl: the crate parsed with the crate root as base IRI, the
 * profile's ontology merged in with its class hierarchy inferred, SHACL-AF triple rules applied
 * until nothing changes, SPARQL-based targets and constraints evaluated (here by Oxigraph), and
 * the SHACL Core constraints checked (by rdf-validate-shacl, with each SPARQL target rewritten as
 * the nodes it selects).
 */

const BASE = 'file:///crate/';
const SH = 'http://www.w3.org/ns/shacl#';
const root = shared('fixtures', 'real', 'rocrate', 'shacl-rocrate-validator');

const ttlUnder = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? [] : name.endsWith('.ttl') && !['ontology.ttl', 'profile.ttl'].includes(name) ? [path] : [];
    });

/** Query prefixes: the profiles' sh:declare entries (rocrate-validator injects the same defaults). */
function prefixHeader(shapes: oxigraph.Store): string {
  const rows = shapes.query(`PREFIX sh: <${SH}> SELECT ?p ?ns WHERE { ?x sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }`) as Map<string, oxigraph.Term>[];
  const declared = new Map(rows.map((r) => [r.get('p')!.value, new URL(r.get('ns')!.value, BASE).href]));
  declared.set('rdf', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#');
  declared.set('dct', 'http://purl.org/dc/terms/');
  declared.set('ro-crate', 'https://github.com/crs4/rocrate-validator/profiles/ro-crate/');
  return [...declared].map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join('\n');
}

/** A term in N-Triples (and SPARQL) syntax. */
const nt = (t: oxigraph.Term): string => {
  if (t.termType === 'NamedNode') return `<${t.value}>`;
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  const l = t as oxigraph.Literal;
  return `${JSON.stringify(l.value)}${l.language ? `@${l.language}` : `^^<${l.datatype.value}>`}`;
};

const withThis = (select: string, focus: oxigraph.Term) => select.replace(/WHERE\s*{/i, (m) => `${m} VALUES ?this { ${nt(focus)} }`);

interface Profile {
  shapes: oxigraph.Store;
  ontology: string;
  prefixes: string;
}

function loadProfile(levels: string[]): Profile {
  const shapes = new oxigraph.Store();
  const files = levels.flatMap((l) => ttlUnder(join(root.path, l)));
  for (const f of [join(root.path, 'ro-crate', '1.1', 'prefixes.ttl'), ...files])
    shapes.load(readFileSync(f, 'utf8'), { format: 'text/turtle', base_iri: BASE });
  return { shapes, ontology: readFileSync(join(root.path, 'ro-crate', '1.1', 'ontology.ttl'), 'utf8'), prefixes: prefixHeader(shapes) };
}

function focusNodes(p: Profile, data: oxigraph.Store, shape: oxigraph.Term): oxigraph.Term[] {
  const s = `<${shape.value}>`;
  const q = (where: string) =>
    (data.query(`${p.prefixes}\nSELECT DISTINCT ?this WHERE { ${where} }`, { base_iri: BASE }) as Map<string, oxigraph.Term>[]).map((r) => r.get('this')!);
  const one = (pattern: string) =>
    (p.shapes.query(`PREFIX sh: <${SH}> SELECT ?v WHERE { ${pattern} }`) as Map<string, oxigraph.Term>[]).map((r) => r.get('v')!);
  const iri = (t: oxigraph.Term) => `<${t.value}>`;
  const nodes = [
    ...one(`${s} sh:targetClass ?v`).flatMap((c) => q(`?this a ${iri(c)}`)),
    ...one(`${s} sh:targetNode ?v`),
    ...one(`${s} sh:targetObjectsOf ?v`).flatMap((pr) => q(`?x ${iri(pr)} ?this`)),
    ...one(`${s} sh:targetSubjectsOf ?v`).flatMap((pr) => q(`?this ${iri(pr)} ?x`)),
    ...one(`${s} sh:target/sh:select ?v`).flatMap((select) =>
      (data.query(`${p.prefixes}\n${select.value}`, { base_iri: BASE }) as Map<string, oxigraph.Term>[]).map((r) => r.get('this')!),
    ),
  ];
  const seen = new Set<string>();
  return nodes.filter((n) => n && !seen.has(n.value) && seen.add(n.value));
}

/** The class hierarchy of the profile's ontology (OWL RL's subclass and equivalent-class rules, all pyshacl's owlrl pass adds here). */
function inferTypes(data: oxigraph.Store) {
  data.update(`PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#>
    INSERT { ?x a ?super } WHERE { ?x a ?c . { ?c rdfs:subClassOf+ ?super } UNION { ?c owl:equivalentClass ?super } UNION { ?super owl:equivalentClass ?c } }`);
}

/** SHACL-AF triple rules (`sh:subject sh:this`), with the one kind of condition the profiles use, until a fixpoint. */
function applyRules(p: Profile, data: oxigraph.Store) {
  const rules = p.shapes.query(`PREFIX sh: <${SH}> SELECT ?shape ?p ?o ?cp ?cv WHERE {
      ?shape sh:rule ?r . ?r a sh:TripleRule ; sh:subject sh:this ; sh:predicate ?p ; sh:object ?o .
      OPTIONAL { ?r sh:condition/sh:property ?c . ?c sh:path ?cp ; sh:hasValue ?cv } }`) as Map<string, oxigraph.Term>[];
  for (let round = 0; round < 10; round++) {
    const before = data.size;
    inferTypes(data);
    for (const r of rules) {
      for (const focus of focusNodes(p, data, r.get('shape')!)) {
        const cp = r.get('cp');
        // A literal (a licence given as text) cannot be the subject of a triple.
        if (focus.termType === 'Literal' || (cp && !data.match(focus as never, cp as never, r.get('cv') as never).length)) continue;
        data.add(oxigraph.quad(focus as never, r.get('p') as never, r.get('o') as never));
      }
    }
    inferTypes(data);
    if (data.size === before) return;
  }
  throw new Error('SHACL rules did not reach a fixpoint');
}

/** SPARQL-based constraints: every row a query answers for a focus node is a violation. */
function sparqlViolations(p: Profile, data: oxigraph.Store): string[] {
  const constraints = p.shapes.query(
    `PREFIX sh: <${SH}> SELECT ?shape ?select ?message WHERE { ?shape sh:sparql ?c . ?c sh:select ?select . OPTIONAL { ?c sh:message ?message } }`,
  ) as Map<string, oxigraph.Term>[];
  return constraints.flatMap((c) =>
    focusNodes(p, data, c.get('shape')!).flatMap((focus) => {
      const rows = data.query(`${p.prefixes}\n${withThis(c.get('select')!.value, focus)}`, { base_iri: BASE }) as Map<string, oxigraph.Term>[];
      return rows.map(() => `${focus.value}: ${c.get('message')?.value ?? c.get('shape')!.value}`);
    }),
  );
}

/** The shapes with each SPARQL target replaced by the nodes it selected in this data graph (rdf-validate-shacl knows no SPARQL). */
function coreShapes(p: Profile, data: oxigraph.Store): Quad[] {
  const targeted = p.shapes.query(`PREFIX sh: <${SH}> SELECT DISTINCT ?shape WHERE { ?shape sh:target/sh:select ?q }`) as Map<string, oxigraph.Term>[];
  const extra = targeted.flatMap((r) => focusNodes(p, data, r.get('shape')!).map((n) => `<${r.get('shape')!.value}> <${SH}targetNode> ${nt(n)} .`));
  // sh:sparql constraints are checked by sparqlViolations.
  return new Parser()
    .parse(`${p.shapes.dump({ format: 'application/n-triples', from_graph_name: oxigraph.defaultGraph() })}\n${extra.join('\n')}`)
    .filter((q) => q.predicate.value !== `${SH}sparql`);
}

/**
 * The validator's Python checks of the file descriptor's form (0_file_descriptor_format.py): a
 * @context, a flat @graph whose entities all have @id and @type, nested objects only references
 * or value objects.
 */
function descriptorFormatErrors(crate: object): string[] {
  const doc = crate as { '@context'?: unknown; '@graph'?: unknown };
  if (doc['@context'] === undefined) return ['the file descriptor has no @context'];
  if (!Array.isArray(doc['@graph'])) return ['the file descriptor has no @graph'];
  const nested = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(nested);
    if (!v || typeof v !== 'object') return false;
    const o = v as Record<string, unknown>;
    return '@value' in o ? '@id' in o : !('@id' in o) || Object.keys(o).length > 1;
  };
  return (doc['@graph'] as Record<string, unknown>[]).flatMap((e, i) => [
    ...(typeof e['@id'] === 'string' ? [] : [`entity ${i} has no @id`]),
    ...(e['@type'] === undefined ? [`entity ${String(e['@id'] ?? i)} has no @type`] : []),
    ...(Object.entries(e).some(([k, v]) => !k.startsWith('@') && nested(v)) ? [`entity ${String(e['@id'] ?? i)} is not flattened`] : []),
  ]);
}

async function errorsOf(p: Profile, crate: object): Promise<string[]> {
  const form = descriptorFormatErrors(crate);
  if (form.length) return form;
  const nquads = (await jsonld.toRDF(
    crate as jsonld.JsonLdDocument,
    { base: BASE, format: 'application/n-quads', documentLoader: localDocumentLoader(BASE_URL) } as jsonld.Options.ToRdf,
  )) as unknown as string;
  const data = new oxigraph.Store();
  data.load(nquads, { format: 'application/n-quads' });
  data.load(p.ontology, { format: 'text/turtle', base_iri: BASE });
  applyRules(p, data);
  const validator = new SHACLValidator(coreShapes(p, data));
  const report = await validator.validate(
    validator.factory.dataset(new Parser().parse(data.dump({ format: 'application/n-triples', from_graph_name: oxigraph.defaultGraph() }))),
  );
  const core = report.results.map(
    (r) => `${r.focusNode?.value} ${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join('; ') || r.sourceConstraintComponent?.value}`,
  );
  return [...sparqlViolations(p, data), ...core];
}

function roCrateValidator(levels: string[]): Validator<object> {
  let profile: Profile | undefined;
  return {
    needs: [root] as External[],
    async errors(docs) {
      profile ??= loadProfile(levels);
      const out: string[][] = [];
      for (const doc of docs) out.push(await errorsOf(profile, doc));
      return out;
    },
  };
}

/** RO-Crate 1.1, the REQUIRED (must) shapes. */
export const roCrateRequired = roCrateValidator(['ro-crate/1.1/must']);
/** RO-Crate 1.1 and the Process Run Crate profile (which the Workflow and Provenance Run Crate profiles extend), REQUIRED shapes. */
export const processRunCrateRequired = roCrateValidator(['ro-crate/1.1/must', 'process-run-crate/must']);
/** The RECOMMENDED (should) shapes of both. */
export const processRunCrateRecommended = roCrateValidator(['ro-crate/1.1/must', 'ro-crate/1.1/should', 'process-run-crate/must', 'process-run-crate/should']);
