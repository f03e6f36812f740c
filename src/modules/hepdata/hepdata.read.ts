import type { ReadExtension } from '../datasets/read.js';
import type { HepdataTable } from './hepdata.schema.js';
import type { HepdataService } from './hepdata.service.js';

declare module '../datasets/read.js' {
  interface ReadParts {
    /** The version's HEPData tables; empty for a record that did not come from a HEPData submission. */
    hepdataTables: HepdataTable[];
  }
}

/** The HEPData module's part of every dataset read: the tables of the batch's versions in one statement, in the JSON record as `hepdataTables`. */
export function hepdataReadExtension(hepdata: HepdataService): ReadExtension {
  return {
    async load(_actor, items) {
      const tables = await hepdata.tablesOf(items.map((i) => i.pk));
      for (const item of items) item.parts.hepdataTables = tables.get(item.pk) ?? [];
    },
    json: ({ parts: { hepdataTables } }) => (hepdataTables.length ? { hepdataTables } : {}),
  };
}
