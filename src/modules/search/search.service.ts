import { canSeeRestricted, type Actor } from '../auth/auth.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import type { SearchRepository } from './search.repository.js';
import { decodeCursor, encodeCursor, type Facet, type FacetValue, type SearchQuery } from './search.schema.js';

export interface SearchResult {
  /** `cursor` resumes the search after that item (Relay edges). */
  items: { pk: number; record: DatasetRecord; cursor: string }[];
  nextCursor: string | null;
  total: number;
  facets: Record<Facet, FacetValue[]>;
}

/** Domains by any of their names, and their labels (from the ontology). */
export interface DomainNames {
  resolveDomain(text: string): { iri: string; label: string } | undefined;
}

export function createSearchService(repo: SearchRepository, datasets: DatasetsService, domains: DomainNames) {
  return {
    search(actor: Actor, given: SearchQuery): SearchResult {
      // A domain filter may name the domain any way the ontology does; a name it does not know matches nothing.
      const query = given.domain ? { ...given, domain: domains.resolveDomain(given.domain)?.iri ?? given.domain } : given;
      const page = repo.search(query, {
        includeRestricted: canSeeRestricted(actor),
        // searchQuery refused cursors femto did not issue
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
        facets: { ...page.facets, domain: page.facets.domain.map((f) => ({ ...f, label: domains.resolveDomain(f.value)?.label ?? f.value })) },
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
