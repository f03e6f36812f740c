import jsonld from 'jsonld';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../../paths.js';
import type { ParsedFiles } from '../ontology.loader.js';
import { ontologyNQuads } from './turtle.js';

/** Local context (schema/jsonld/): compaction never fetches anything. */
const context = JSON.parse(readFileSync(projectPath('schema', 'jsonld', 'femto-ontology.context.json'), 'utf8')) as { '@context': Record<string, unknown> };

/** The ontology as compacted JSON-LD: jsonld.fromRDF over the N-Quads of the triples, compacted with the local context. */
export async function ontologyJsonLd(parsed: ParsedFiles): Promise<string> {
  const expanded = await jsonld.fromRDF(await ontologyNQuads(parsed.quads), { format: 'application/n-quads' });
  const compacted = await jsonld.compact(expanded, context['@context'] as jsonld.ContextDefinition);
  return JSON.stringify(compacted);
}
