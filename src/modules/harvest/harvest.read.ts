import type { DatasetRecord } from '../datasets/datasets.schema.js';
import type { ReadExtension } from '../datasets/read.js';
import type { DescribedRecord } from '../identifiers/description.js';
import '../provenance/provenance.read.js';
import { visibleEndpoint } from '../datasets/visibility.js';

declare module '../datasets/read.js' {
  interface ReadParts {
    /** The lineage neighbours the caller may see, each described as it describes itself (by version pk). */
    neighbours: Map<number, DescribedRecord>;
  }
}

/**
 * The harvest module's part of every dataset read: the descriptions of the versions one step away,
 * for the whole batch in a fixed number of statements. Runs after the provenance part it reads.
 */
export function harvestReadExtension(deps: {
  storedRecords: (pks: readonly number[]) => Promise<Map<number, DatasetRecord>>;
  describe: (items: { record: DatasetRecord; pk: number }[]) => Promise<Map<number, DescribedRecord>>;
}): ReadExtension {
  return {
    async load(actor, items) {
      const ends = items.flatMap((i) => [...i.parts.provenance.upstream, ...i.parts.provenance.downstream]);
      const pks = [...new Set(ends.filter((e) => visibleEndpoint(actor, e)).map((e) => e.versionPk))];
      const described = await deps.describe([...(await deps.storedRecords(pks))].map(([pk, record]) => ({ pk, record })));
      for (const item of items) item.parts.neighbours = described;
    },
  };
}
