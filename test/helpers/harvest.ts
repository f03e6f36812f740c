import { toQuads } from '../../src/modules/harvest/jsonld.js';

/** The RDF of JSON-LD documents, contexts served from local files only (as femto does). */
export const quadsOf = (docs: object[], baseUrl: string) => toQuads(docs, baseUrl);

/** Link header (RFC 8288) parsed into {href, rel, params}; throws on anything malformed. */
export function parseLinkHeader(header: string): { href: string; rel: string; params: Record<string, string> }[] {
  const out: { href: string; rel: string; params: Record<string, string> }[] = [];
  const re = /\s*<([^>]*)>((?:\s*;\s*[a-zA-Z*-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^",;]+))*)\s*(,|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < header.length && (m = re.exec(header))) {
    const params: Record<string, string> = {};
    for (const p of m[2].matchAll(/;\s*([a-zA-Z*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^",;]+))/g))
      params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
    out.push({ href: m[1], rel: params.rel, params });
    if (m[3] === '') break;
  }
  if (re.lastIndex !== header.length && re.lastIndex !== 0)
    throw new Error(`Link header not fully parsed at ${re.lastIndex}: ${header.slice(re.lastIndex, re.lastIndex + 40)}`);
  return out;
}
