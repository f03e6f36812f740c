import type { DoiRow } from '../../db/schema/index.js';
import type { DescribedRecord } from './description.js';
import type { ReadExtension, ReadItem } from '../datasets/read.js';
import { mayRead } from '../datasets/visibility.js';
import '../provenance/provenance.read.js';
import { lineageRelations, type IdentifiersService, type LineageRelation } from './identifiers.service.js';

declare module '../datasets/read.js' {
  interface ReadParts {
    /** The version's own DOI as the caller may see it: findable, or any state for those who may edit the record. */
    doi: DoiRow | null;
    /** What every format says of the version: its record, with its findable DOI's metadata taking precedence. */
    description: DescribedRecord;
  }
}

/** The identifiers module's part of every dataset read: the version's DOI, in the JSON record as `doi`. */
export function identifiersReadExtension(identifiers: IdentifiersService): ReadExtension {
  return {
    async load(_actor, items) {
      const rows = await identifiers.forVersions(items.map((i) => i.pk));
      const described = await identifiers.describe(items);
      for (const item of items) {
        const row = rows.get(item.pk);
        item.parts.doi = row && (row.state === 'findable' || item.editor) ? row : null;
        item.parts.description = described.get(item.pk)!;
      }
    },
    json({ parts: { doi: row }, editor }) {
      return {
        doi: row ? { doi: row.doi, state: row.state, url: row.url, withdrawnAt: row.withdrawnAt, registration: identifiers.registration(row, editor) } : null,
      };
    },
  };
}

/** DataCite relations of loaded items, from the lineage the read already loaded: the neighbours their viewer may see. */
export const lineageOfItems = (items: readonly ReadItem[]): Map<number, LineageRelation[]> =>
  new Map(
    items.map((i) => {
      const seen = (ends: ReadItem['parts']['provenance']['upstream']) => ends.filter((e) => mayRead(i.viewer, e));
      return [i.pk, lineageRelations(seen(i.parts.provenance.upstream), seen(i.parts.provenance.downstream))];
    }),
  );
