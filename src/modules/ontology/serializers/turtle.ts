import { Writer, type Store } from 'n3';
import type { ParsedFiles } from '../ontology.loader.js';

/** The union of the ontology files as one Turtle document, with the prefixes the files declare. */
export function ontologyTurtle(parsed: ParsedFiles): Promise<string> {
  const prefixes = Object.assign({}, ...parsed.files.map((f) => f.prefixes)) as Record<string, string>;
  return write(parsed.store, { prefixes });
}

export function ontologyNQuads(store: Store): Promise<string> {
  return write(store, { format: 'N-Quads' });
}

function write(store: Store, options: ConstructorParameters<typeof Writer>[0]): Promise<string> {
  const writer = new Writer(options);
  writer.addQuads(store.getQuads(null, null, null, null));
  return new Promise((resolve, reject) => writer.end((err, out) => (err ? reject(err) : resolve(out))));
}
