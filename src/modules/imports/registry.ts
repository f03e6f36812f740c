import { FemtoError } from '../../errors.js';
import type { FileInput, Importer } from './imports.schema.js';

/**
 * The one list of import formats. A format is an `Importer` (see imports.schema.ts) made by a
 * factory in its owning module or in `formats/`, and registered in container.ts; registration
 * order is the order formats are tried when the format is not named.
 */
export function createImportRegistry() {
  const formats = new Map<string, Importer>();
  return {
    register<T>(importer: Importer<T>): void {
      if (formats.has(importer.format)) throw new Error(`import format '${importer.format}' registered twice`);
      formats.set(importer.format, importer as Importer);
    },

    has: (format: string) => formats.has(format),

    /** The importer of a format; 404 naming the known ones otherwise. */
    get(format: string): Importer {
      const importer = formats.get(format);
      if (!importer) throw new FemtoError('NOT_FOUND', `No import format '${format}'; known: ${[...formats.keys()].join(', ')}`);
      return importer;
    },

    all: (): Importer[] => [...formats.values()],

    /** The first format that recognises the file, by content; undefined when none does. */
    detect(input: FileInput): Importer | undefined {
      return [...formats.values()].find((f) => f.detect?.(input));
    },
  };
}

export type ImportRegistry = ReturnType<typeof createImportRegistry>;
