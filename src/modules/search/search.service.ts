import type { ByteCache } from '../../lib/byte-cache.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import { accessParams, sharesPublicView } from '../datasets/visibility.js';
import type { SearchHit, SearchRepository } from './search.repository.js';
import { decodeCursor, encodeCursor, type Facet, type FacetValue, type SearchQuery } from './search.schema.js';

export interface SearchHits {
  /** `cursor` resumes the search after that hit (Relay edges). */
  hits: (SearchHit & { cursor: string })[];
  nextCursor: string | null;
  total: number;
  facets: Record<Facet, FacetValue[]>;
}

export interface SearchResult extends Omit<SearchHits, 'hits'> {
  items: { pk: number; record: DatasetRecord; cursor: string }[];
}

/** Domains by any of their names, and their labels (from the ontology). */
export interface DomainNames {
  resolveDomain(text: string): { iri: string; label: string } | undefined;
}

export function createSearchService(repo: SearchRepository, datasets: DatasetsService, cache: ByteCache, domains: DomainNames) {
  /**
   * One page of hits: REST renders them through the read pipeline's cache. The page itself is
   * cached under the catalog's change counter (one one-row read while nothing changed), for
   * anonymous callers: what anyone else finds depends on who they are.
   */
  const keyOf = async (actor: Actor, query: SearchQuery) =>
    sharesPublicView(actor) ? `search:${await repo.generation()}:${JSON.stringify(query)}` : undefined;

  // A domain filter may name the domain any way the ontology does; a name it does not know matches nothing.
  const withDomainIri = (query: SearchQuery): SearchQuery =>
    query.domain ? { ...query, domain: domains.resolveDomain(query.domain)?.iri ?? query.domain } : query;

  async function page(actor: Actor, given: SearchQuery, knownKey?: string): Promise<SearchHits> {
    const key = knownKey ?? (await keyOf(actor, given));
    const query = withDomainIri(given);
    const hit = key ? cache.get<SearchHits>(key) : undefined;
    if (hit) return hit.meta!;
    const p = await repo.search(query, {
      access: accessParams(actor),
      // searchQuery refused cursors femto did not issue
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const facets = { ...p.facets, domain: p.facets.domain.map((f) => ({ ...f, label: domains.resolveDomain(f.value)?.label ?? f.value })) };
    const out = { hits: p.hits.map((h) => ({ ...h, cursor: encodeCursor(h) })), nextCursor: p.last ? encodeCursor(p.last) : null, total: p.total, facets };
    // Kept as the object itself (callers only read it), sized by its JSON text.
    if (key) cache.set(key, '', out, JSON.stringify(out).length);
    return out;
  }

  return {
    page,

    /**
     * The page as a REST answer, rendered by `render` and cached with it: a change to any record
     * moves the key, and an embargo ending on a hit (which changes what anonymous callers see of
     * it, with no write) ends the entry's life.
     */
    async pageText(actor: Actor, query: SearchQuery, render: (page: SearchHits) => Promise<string>): Promise<string> {
      const key = await keyOf(actor, query);
      if (!key) return render(await page(actor, query, key));
      const hit = cache.get<number | null>(`${key}:text`);
      if (hit && (hit.meta == null || Date.now() < hit.meta)) return hit.text;
      const p = await page(actor, query, key);
      const now = Date.now();
      const embargoEnds = p.hits.map((h) => (h.accessLevel === 'embargoed' && h.embargoUntil ? Date.parse(h.embargoUntil) : NaN)).filter((t) => t > now);
      const text = await render(p);
      cache.set(`${key}:text`, text, embargoEnds.length ? Math.min(...embargoEnds) : null);
      return text;
    },

    /** The page with its records (GraphQL, portal). */
    async search(actor: Actor, query: SearchQuery): Promise<SearchResult> {
      const { hits, ...rest } = await page(actor, query);
      const records = await datasets.recordsFor(
        actor,
        hits.map((h) => h.pk),
      );
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
