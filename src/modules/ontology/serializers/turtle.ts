import { Writer, type Quad } from 'n3';
import type { ParsedFiles } from '../ontology.loader.js';

/** The union of the ontology files as one Turtle document, with the prefixes the files declare. */
export function ontologyTurtle(parsed: ParsedFiles): Promise<string> {
  const prefixes = Object.assign({}, ...parsed.files.map((f) => f.prefixes)) as Record<string, string>;
  return write(parsed.quads, { prefixes });
}

export function ontologyNQuads(quads: Quad[]): Promise<string> {
  return write(quads, { format: 'N-Quads' });
}

function write(quads: Quad[], options: ConstructorParameters<typeof Writer>[0]): Promise<string> {
  const writer = new Writer(options);
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((err, out) => (err ? reject(err) : resolve(out))));
}
