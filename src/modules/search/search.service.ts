import { FemtoError } from '../../errors.js';
import { canSeeRestricted, type Actor } from '../auth/auth.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import type { SearchRepository } from './search.repository.js';
import type { Facet, SearchQuery } from './search.schema.js';

export interface SearchResult {
  /** `cursor` resumes the search after that item (Relay edges). */
  items: { pk: number; record: DatasetRecord; cursor: string }[];
  nextCursor: string | null;
  total: number;
  facets: Record<Facet, { value: string; count: number }[]>;
}

// The cursor is opaque to clients: base64url of the last row's sort key.
const encodeCursor = (last: { rank: number; id: string }) => Buffer.from(JSON.stringify([last.rank, last.id])).toString('base64url');

function decodeCursor(cursor: string): { rank: number; id: string } {
  try {
    const [rank, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof rank === 'number' && typeof id === 'string') return { rank, id };
  } catch {
    /* fall through to the coded error */
  }
  throw new FemtoError('VALIDATION_FAILED', 'The cursor is not one femto issued', [{ pointer: 'query/cursor', message: 'malformed cursor' }]);
}

export function createSearchService(repo: SearchRepository, datasets: DatasetsService) {
  return {
    search(actor: Actor, query: SearchQuery): SearchResult {
      const page = repo.search(query, {
        includeRestricted: canSeeRestricted(actor),
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
      });
      const records = datasets.recordsFor(actor, page.pks);
      return {
        items: page.pks.flatMap((pk, i) => {
          const record = records.get(pk);
          return record ? [{ pk, record, cursor: encodeCursor(page.keys[i]) }] : [];
        }),
        nextCursor: page.last ? encodeCursor(page.last) : null,
        total: page.total,
        facets: page.facets,
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
