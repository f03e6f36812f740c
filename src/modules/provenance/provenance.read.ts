import type { ReadExtension } from '../datasets/read.js';
import type { Neighbourhood, ProvenanceService } from './provenance.service.js';

declare module '../datasets/read.js' {
  interface ReadParts {
    /** The steps one hop around the version and the versions at their other ends. */
    provenance: Neighbourhood;
  }
}

/** The provenance module's part of every dataset read: one-hop lineage, for the whole batch at once. */
export function provenanceReadExtension(provenance: ProvenanceService): ReadExtension {
  return {
    async load(actor, items) {
      const around = await provenance.neighbourhood(
        actor,
        items.map((i) => i.pk),
      );
      for (const item of items) item.parts.provenance = around.get(item.pk)!;
    },
  };
}
