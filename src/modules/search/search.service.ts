import type { ByteCache } from '../../lib/byte-cache.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import { mayListRestricted } from '../datasets/visibility.js';
import type { SearchHit, SearchRepository } from './search.repository.js';
import { decodeCursor, encodeCursor, type Facet, type SearchQuery } from './search.schema.js';

export interface SearchHits {
  /** `cursor` resumes the search after that hit (Relay edges). */
  hits: (SearchHit & { cursor: string })[];
  nextCursor: string | null;
  total: number;
  facets: Record<Facet, { value: string; count: number }[]>;
}

export interface SearchResult extends Omit<SearchHits, 'hits'> {
  items: { pk: number; record: DatasetRecord; cursor: string }[];
}

export function createSearchService(repo: SearchRepository, datasets: DatasetsService, cache: ByteCache) {
  /**
   * One page of hits: REST renders them through the read pipeline's cache. The page itself is
   * cached under the catalog's change counter: one one-row read while nothing changed.
   */
  function page(actor: Actor, query: SearchQuery): SearchHits {
    const includeRestricted = mayListRestricted(actor);
    const key = `search:${repo.generation()}:${includeRestricted ? 1 : 0}:${JSON.stringify(query)}`;
    const hit = cache.get<SearchHits>(key);
    if (hit) return hit.meta!;
    const p = repo.search(query, {
      includeRestricted,
      // searchQuery refused cursors femto did not issue
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const out = { hits: p.hits.map((h) => ({ ...h, cursor: encodeCursor(h) })), nextCursor: p.last ? encodeCursor(p.last) : null, total: p.total, facets: p.facets };
    // Kept as the object itself (callers only read it), sized by its JSON text.
    cache.set(key, '', out, JSON.stringify(out).length);
    return out;
  }

  return {
    page,

    /** The page with its records (GraphQL, portal). */
    search(actor: Actor, query: SearchQuery): SearchResult {
      const { hits, ...rest } = page(actor, query);
      const records = datasets.recordsFor(actor, hits.map((h) => h.pk));
      return {
        ...rest,
        items: hits.flatMap((h) => {
          const record = records.get(h.pk);
          return record ? [{ pk: h.pk, record, cursor: h.cursor }] : [];
        }),
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
