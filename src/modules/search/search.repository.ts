import type { Database_ } from '../../db/client.js';
import { WITHDRAWN_SQL } from '../identifiers/identifiers.repository.js';
import type { Facet, FacetValue, SearchQuery } from './search.schema.js';

export interface SearchPage {
  pks: number[];
  /** Sort key of each row in `pks`, for per-item cursors. */
  keys: { rank: number; id: string }[];
  total: number;
  facets: Record<Facet, FacetValue[]>;
  /** Sort key of the last row, for the next page. */
  last?: { rank: number; id: string };
}

/** Turns free text into an FTS5 query of quoted terms (all required), the last one a prefix: no syntax errors from user input. */
export function ftsQuery(text: string): string | null {
  const terms = text.match(/[\p{L}\p{N}_]+/gu);
  if (!terms?.length) return null;
  return terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

const columnFacets = { status: 'v.status', dataType: 'v.data_type' } as const;
const termFacets = { format: 'format', observable: 'observable' } as const;
/** A record is in its primary tier/domain (a column) and in every one of its also-in terms. */
const membershipFacets = { tier: 'v.tier', domain: 'v.domain' } as const;
const memberOf = (facet: keyof typeof membershipFacets) =>
  `(${membershipFacets[facet]} = ? OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = '${facet}' AND t.value = ?))`;

export function createSearchRepository({ sqlite }: Database_) {
  return {
    /**
     * One filtered set, counted, faceted and paged. Only the latest published version of each
     * dataset takes part, unless withdrawn (its landing page answers 410). Order: FTS rank (bm25)
     * when there is a query, then dataset id; the cursor is that pair, so paging is stable while
     * records are added.
     */
    search(query: SearchQuery, opts: { includeRestricted: boolean; after?: { rank: number; id: string } }): SearchPage {
      const where: string[] = [];
      const params: unknown[] = [];
      const fts = query.q ? ftsQuery(query.q) : null;
      let from = 'datasets d JOIN dataset_versions v ON v.pk = d.latest_version_pk';
      let rank = '0';
      if (fts) {
        from += ' JOIN dataset_fts f ON f.rowid = v.pk';
        where.push('dataset_fts MATCH ?');
        params.push(fts);
        rank = 'f.rank';
      } else if (query.q) {
        where.push('0'); // text with no searchable characters matches nothing
      }
      where.push(`NOT ${WITHDRAWN_SQL}`);
      if (!opts.includeRestricted) where.push("v.access_level <> 'restricted'");
      if (query.tier !== undefined) (where.push(memberOf('tier')), params.push(query.tier, String(query.tier)));
      if (query.domain) (where.push(memberOf('domain')), params.push(query.domain, query.domain));
      if (query.status) (where.push('v.status = ?'), params.push(query.status));
      if (query.dataType) (where.push('v.data_type = ?'), params.push(query.dataType));
      if (query.accessLevel) (where.push('v.access_level = ?'), params.push(query.accessLevel));
      for (const facet of ['format', 'observable'] as const) {
        const value = query[facet];
        if (value) {
          where.push(`EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = '${termFacets[facet]}' AND t.value = ?)`);
          params.push(value);
        }
      }
      const filtered = `SELECT v.pk AS pk, d.id AS id, ${rank} AS rank FROM ${from}${where.length ? ' WHERE ' + where.join(' AND ') : ''}`;

      const total = (sqlite.prepare(`SELECT count(*) AS n FROM (${filtered})`).get(...params) as { n: number }).n;

      const pageParams = [...params];
      let pageSql = `SELECT pk, id, rank FROM (${filtered})`;
      if (opts.after) {
        pageSql += ' WHERE (rank > ? OR (rank = ? AND id > ?))';
        pageParams.push(opts.after.rank, opts.after.rank, opts.after.id);
      }
      pageSql += ' ORDER BY rank, id LIMIT ?';
      pageParams.push(query.limit + 1);
      const rows = sqlite.prepare(pageSql).all(...pageParams) as { pk: number; id: string; rank: number }[];

      const facets = {} as SearchPage['facets'];
      for (const [facet, column] of Object.entries(columnFacets) as [Facet, string][]) {
        facets[facet] = sqlite
          .prepare(
            `SELECT CAST(${column} AS TEXT) AS value, count(*) AS count FROM (${filtered}) s JOIN dataset_versions v ON v.pk = s.pk
             WHERE ${column} IS NOT NULL GROUP BY ${column} ORDER BY count DESC, value`,
          )
          .all(...params) as { value: string; count: number }[];
      }
      for (const [facet, column] of Object.entries(membershipFacets) as [Facet, string][]) {
        facets[facet] = sqlite
          .prepare(
            `SELECT value, count(DISTINCT pk) AS count FROM (
               SELECT s.pk AS pk, CAST(${column} AS TEXT) AS value FROM (${filtered}) s JOIN dataset_versions v ON v.pk = s.pk WHERE ${column} IS NOT NULL
               UNION ALL
               SELECT s.pk AS pk, t.value AS value FROM (${filtered}) s JOIN version_terms t ON t.version_pk = s.pk WHERE t.facet = '${facet}'
             ) GROUP BY value ORDER BY count DESC, value`,
          )
          .all(...params, ...params) as { value: string; count: number }[];
      }
      for (const [facet, termFacet] of Object.entries(termFacets) as [Facet, string][]) {
        facets[facet] = sqlite
          .prepare(
            `SELECT t.value AS value, count(DISTINCT s.pk) AS count FROM (${filtered}) s JOIN version_terms t ON t.version_pk = s.pk
             WHERE t.facet = '${termFacet}' GROUP BY t.value ORDER BY count DESC, value`,
          )
          .all(...params) as { value: string; count: number }[];
      }
      // One row past the page tells whether a next page exists, so the last page has no cursor.
      const page = rows.slice(0, query.limit);
      const lastRow = rows.length > query.limit ? page[page.length - 1] : undefined;
      return { pks: page.map((r) => r.pk), keys: page.map((r) => ({ rank: r.rank, id: r.id })), total, facets, last: lastRow ? { rank: lastRow.rank, id: lastRow.id } : undefined };
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;
