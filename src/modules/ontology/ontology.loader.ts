import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Parser, Store, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { projectPath, projectRoot } from '../../paths.js';

/** A broken ontology file: the message names the file, the line and the term at fault. */
export class OntologyError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly term: string | null,
    detail: string,
  ) {
    super(`Ontology ${file}${line != null ? `:${line}` : ''}: ${term ? `${term}: ` : ''}${detail}`);
    this.name = 'OntologyError';
  }
}

export interface SourceFile {
  /** Path as shown in messages (relative to the project when inside it). */
  name: string;
  text: string;
  prefixes: Record<string, string>;
}

export interface ParsedFiles {
  /** The union of the files' triples, deduplicated, in the order of the files (a store built from them numbers terms as the parse did, so the model lists values as before). */
  quads: Quad[];
  files: SourceFile[];
}

/**
 * An indexed store over the triples, for the queries of a check or of building the model. Built on
 * demand and dropped after: an n3 Store keys its indexes by entity number in plain objects, which
 * V8 backs with arrays as long as the largest number (29 MiB for the 2,660 triples of the bundled
 * ontology, against 1.2 MiB for the triples themselves), so no long-lived structure keeps one.
 */
export const storeOf = (parsed: Pick<ParsedFiles, 'quads'>) => new Store(parsed.quads);

const displayName = (path: string) => {
  const rel = relative(projectRoot, path);
  return rel.startsWith('..') ? path : rel;
};

interface N3ParseError extends Error {
  context?: { line?: number; token?: { value?: string; prefix?: string } | null };
}

/** Parses Turtle files into one store; a syntax error names file, line and the offending token. */
export function parseTurtleFiles(paths: string[]): ParsedFiles {
  const store = new Store();
  const unique: Quad[] = [];
  const files: SourceFile[] = [];
  for (const path of paths) {
    const name = displayName(path);
    const text = readFileSync(path, 'utf8');
    const prefixes: Record<string, string> = {};
    let quads: Quad[];
    try {
      quads = new Parser({ baseIRI: `file://${path}` }).parse(text, null, (prefix, iri) => {
        prefixes[prefix] = iri.value;
      });
    } catch (err) {
      const e = err as N3ParseError;
      const token = e.context?.token;
      const term = token ? (token.prefix != null ? `${token.prefix}:${token.value ?? ''}` : (token.value ?? null)) : null;
      throw new OntologyError(name, e.context?.line ?? null, term, e.message.replace(/ on line \d+\.?$/, ''));
    }
    for (const quad of quads) if (store.addQuad(quad)) unique.push(quad);
    files.push({ name, text, prefixes });
  }
  return { quads: unique, files };
}

/** Shortest prefixed name of an IRI under a file's prefixes, for messages and line lookups. */
function prefixedForms(file: SourceFile, iri: string): string[] {
  const forms = [`<${iri}>`];
  for (const [prefix, ns] of Object.entries(file.prefixes)) {
    if (iri.startsWith(ns) && iri.length > ns.length) forms.push(`${prefix}:${iri.slice(ns.length)}`);
  }
  return forms;
}

/**
 * Where a term is described: the first line where it is the subject, else the first line that
 * mentions it. n3 quads carry no positions, hence the search in the text.
 */
export function locate(files: SourceFile[], iri: string): { file: string; line: number } | null {
  let mention: { file: string; line: number } | null = null;
  for (const file of files) {
    const forms = new Set(prefixedForms(file, iri));
    const lines = file.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trimStart().startsWith('#')) continue;
      const tokens = lines[i]
        .trim()
        .split(/\s+/)
        .map((tok) => tok.replace(/[;,.]$/, ''));
      if (forms.has(tokens[0]) && !/^\s/.test(lines[i])) return { file: file.name, line: i + 1 };
      if (!mention && tokens.some((tok) => forms.has(tok))) mention = { file: file.name, line: i + 1 };
    }
  }
  return mention;
}

export function shortName(files: SourceFile[], iri: string): string {
  for (const file of files) {
    const forms = prefixedForms(file, iri);
    if (forms.length > 1) return forms.sort((a, b) => a.length - b.length)[0];
  }
  return `<${iri}>`;
}

/** Validates the union of the ontology files against the SHACL shapes; the first violations become one error. */
export async function checkShapes(parsed: ParsedFiles, shapesPath: string): Promise<void> {
  const shapes = storeOf(parseTurtleFiles([shapesPath]));
  const report = await new SHACLValidator(shapes).validate(storeOf(parsed));
  if (report.conforms) return;
  const violations = report.results.map((r) => {
    const focus = r.focusNode?.value ?? '';
    const where = locate(parsed.files, focus);
    const path = r.path && 'value' in r.path ? shortName(parsed.files, (r.path as { value: string }).value) : null;
    const message = r.message.map((m) => m.value).join('; ') || (r.sourceConstraintComponent?.value ?? 'violation');
    return { where, term: shortName(parsed.files, focus), detail: `${path ? `${path}: ` : ''}${message}` };
  });
  const [first, ...rest] = violations;
  const more = rest.length
    ? ` (and ${rest.length} more: ${rest
        .slice(0, 5)
        .map((v) => `${v.where?.file ?? '?'}:${v.where?.line ?? '?'} ${v.term}`)
        .join(', ')})`
    : '';
  throw new OntologyError(first.where?.file ?? '(shapes)', first.where?.line ?? null, first.term, `violates the SHACL shapes: ${first.detail}${more}`);
}

export const defaultShapesPath = () => projectPath('schema', 'shacl', 'ontology-shapes.ttl');

export function ontologyFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new OntologyError(displayName(dir), null, null, `cannot read the ontology directory (${(err as Error).message})`);
  }
  const ttl = names.filter((n) => n.endsWith('.ttl')).sort();
  if (!ttl.length) throw new OntologyError(displayName(dir), null, null, 'holds no .ttl file');
  return ttl.map((n) => join(dir, n));
}

const checked = new Map<string, Promise<ParsedFiles>>();

/**
 * Parses and checks every *.ttl of `dir`. Identical contents are checked once per process (the
 * SHACL run costs a few hundred milliseconds; tests build many apps from the same files).
 */
export function loadOntologyFiles(dir: string, shapesPath = defaultShapesPath()): Promise<ParsedFiles> {
  const paths = ontologyFiles(dir);
  const hash = createHash('sha256');
  for (const p of [shapesPath, ...paths]) hash.update(p).update('\0').update(readFileSync(p)).update('\0');
  const key = hash.digest('hex');
  let pending = checked.get(key);
  if (!pending) {
    pending = (async () => {
      const parsed = parseTurtleFiles(paths);
      await checkShapes(parsed, shapesPath);
      return parsed;
    })();
    pending.catch(() => checked.delete(key));
    checked.set(key, pending);
  }
  return pending;
}
