import type { Actor } from '../auth/auth.schema.js';
import type { VersionContent } from '../datasets/datasets.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { HepdataRepository } from './hepdata.repository.js';
import type { HepdataTable } from './hepdata.schema.js';

/** HEPData records: a dataset (through the datasets service) whose versions carry their submission's tables. */
export function createHepdataService(deps: { repo: HepdataRepository; datasets: Pick<DatasetsService, 'publishContent'> }) {
  const { repo, datasets } = deps;
  return {
    /**
     * Publishes a submission as dataset `id`: its first version, or its next one when the record or
     * a table says something new (the content carries the submission's digest), with the tables
     * written in the same transaction; unchanged when the latest version says all this already.
     */
    publish(actor: Actor, id: string, content: VersionContent, tables: readonly HepdataTable[]) {
      return repo.transaction(async () => {
        const r = await datasets.publishContent(actor, id, content);
        if (r.status !== 'unchanged') await repo.insert(r.pk, tables);
        return r;
      });
    },

    /** The tables of versions the caller already may read (the read pipeline decided), by version pk. */
    tablesOf: (versionPks: readonly number[]) => repo.tablesOf(versionPks),
  };
}

export type HepdataService = ReturnType<typeof createHepdataService>;
