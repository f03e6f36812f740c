import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { projectPath } from '../../src/paths.js';
import { toQuads } from '../../src/modules/harvest/jsonld.js';

export const shared = (...parts: string[]) => projectPath('..', 'shared', ...parts);

/** Validates an OAI-PMH response (envelope and payloads) with libxml2 against the official schemas, offline. */
export function validateOai(xml: string): { ok: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', shared('validators', 'oai-pmh-wrapper.xsd'), '-'], {
    input: xml,
    env: { ...process.env, XML_CATALOG_FILES: shared('validators', 'catalog.xml') },
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { ok: r.status === 0, output: r.stderr.split('\n').filter((l) => !/Skipping import|^\.\.\/fixtures|^$/.test(l)).join('\n') };
}

/** Shapes as quads; owl:imports (of DASH, not bundled) are dropped, the shapes used here need nothing from them. */
export const turtleQuads = (path: string): Quad[] =>
  new Parser().parse(readFileSync(path, 'utf8')).filter((q) => q.predicate.value !== 'http://www.w3.org/2002/07/owl#imports');

/** SHACL report as plain messages; an empty list means the data conforms. */
export async function shaclViolations(shapeFiles: string[], data: Quad[]): Promise<string[]> {
  const validator = new SHACLValidator(shapeFiles.flatMap(turtleQuads));
  const report = await validator.validate(validator.factory.dataset(data));
  return report.results.map((r) => `${r.focusNode?.value} ${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join('; ') || r.sourceConstraintComponent?.value}`);
}

/** The RDF of JSON-LD documents, contexts served from local files only (as femto does). */
export const quadsOf = (docs: object[], baseUrl: string) => toQuads(docs, baseUrl);

/** Link header (RFC 8288) parsed into {href, rel, params}; throws on anything malformed. */
export function parseLinkHeader(header: string): { href: string; rel: string; params: Record<string, string> }[] {
  const out: { href: string; rel: string; params: Record<string, string> }[] = [];
  const re = /\s*<([^>]*)>((?:\s*;\s*[a-zA-Z*-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^",;]+))*)\s*(,|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < header.length && (m = re.exec(header))) {
    const params: Record<string, string> = {};
    for (const p of m[2].matchAll(/;\s*([a-zA-Z*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^",;]+))/g)) params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
    out.push({ href: m[1], rel: params.rel, params });
    if (m[3] === '') break;
  }
  if (re.lastIndex !== header.length && re.lastIndex !== 0) throw new Error(`Link header not fully parsed at ${re.lastIndex}: ${header.slice(re.lastIndex, re.lastIndex + 40)}`);
  return out;
}
