import type { Database, SqlDialect } from '../../db/port.js';
import { IN_DOMAIN, IN_TIER, LATEST_PUBLISHED, mayReadVersion, WITHDRAWN, type AccessParams } from '../../db/fragments.js';
import { MORE_WORD_CHARS } from '../../db/schema-pg/search.js';
import type { Facet, FacetValue, SearchQuery } from './search.schema.js';

export interface SearchHit {
  pk: number;
  /** Sort key, for per-item cursors. */
  rank: number;
  id: string;
  /** What the representation cache needs of the version. */
  seq: number;
  accessLevel: 'open' | 'embargoed' | 'restricted';
  embargoUntil: string | null;
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  facets: Record<Facet, FacetValue[]>;
  /** Sort key of the last row, for the next page. */
  last?: { rank: number; id: string };
}

/** The words of free text: every run of letters, digits and underscores; the rest of the text, FTS5 syntax included, is left out. */
const termsOf = (text: string) => text.match(/[\p{L}\p{N}_]+/gu);

/** Turns free text into an FTS5 query of quoted terms (all required), the last one a prefix: no syntax errors from user input. */
export function ftsQuery(text: string): string | null {
  const terms = termsOf(text);
  if (!terms?.length) return null;
  return terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** Within a term, the words the PostgreSQL document holds (schema-pg/search.ts): FTS5 cuts a quoted term into its words too. */
const PG_WORD = new RegExp(`[\\p{L}\\p{Nd}${MORE_WORD_CHARS}]+`, 'gu');
const PG_COLUMNS = ['A', 'B', 'C'];

/**
 * The tsquery of what ftsQuery makes of the same text: every term required; a term of several words (`f21_chiral`)
 * a phrase, in one column as FTS5 matches phrases (the document weighs each column's words apart); the last word of
 * the last term a prefix. Its words are only letters, digits and marks, so quoting them is enough; PostgreSQL
 * lower-cases and unaccents them as it did the document. A term with no word (`_`) is left out, as FTS5 leaves out
 * an empty phrase; text of no word at all matches nothing.
 */
export function tsQuery(text: string): string | null {
  const terms = termsOf(text);
  if (!terms?.length) return null;
  const parts: string[] = [];
  for (const [i, term] of terms.entries()) {
    const words = term.match(PG_WORD);
    if (!words) continue;
    const last = i === terms.length - 1;
    const label = (j: number, weight: string) => (last && j === words.length - 1 ? `:*${weight}` : weight && `:${weight}`);
    const phrase = (weight: string) => words.map((w, j) => `'${w}'${label(j, weight)}`).join(' <-> ');
    parts.push(words.length === 1 ? phrase('') : `(${PG_COLUMNS.map(phrase).join(' | ')})`);
  }
  return parts.length ? parts.join(' & ') : null;
}

const FACETS: Facet[] = ['status', 'tier', 'domain', 'dataType', 'format', 'observable', 'nf', 'gaugeAction', 'quarkAction', 'system'];

/**
 * The filtered set, as one static condition: an unset filter binds NULL and drops out. Only the
 * latest published version of each dataset takes part, never a withdrawn one (its landing page
 * answers 410).
 */
const filtersOf = (sql: SqlDialect) => `NOT ${WITHDRAWN} AND ${mayReadVersion('v', 'd', sql)}
  AND ${IN_TIER}
  AND ${IN_DOMAIN}
  AND (@status IS NULL OR v.status = @status)
  AND (@dataType IS NULL OR v.data_type = @dataType)
  AND (@accessLevel IS NULL OR v.access_level = @accessLevel)
  AND (@format IS NULL OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'format' AND t.value = @format))
  AND (@observable IS NULL OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'observable' AND t.value = @observable))
  AND (@ensemble IS NULL OR EXISTS (SELECT 1 FROM version_ensembles e WHERE e.version_pk = v.pk
        AND (@betaMin IS NULL OR e.beta >= @betaMin) AND (@betaMax IS NULL OR e.beta <= @betaMax)
        AND (@lMin IS NULL OR e.l >= @lMin) AND (@lMax IS NULL OR e.l <= @lMax)
        AND (@tMin IS NULL OR e.t >= @tMin) AND (@tMax IS NULL OR e.t <= @tMax)
        AND (@nf IS NULL OR e.nf = @nf) AND (@gaugeAction IS NULL OR e.gauge_action = @gaugeAction)
        AND (@quarkAction IS NULL OR EXISTS (SELECT 1 FROM version_ensemble_quarks q WHERE q.version_pk = e.version_pk AND q.action = @quarkAction))))
  AND (@collision IS NULL OR EXISTS (SELECT 1 FROM version_collisions c WHERE c.version_pk = v.pk
        AND (@sqrtsMin IS NULL OR c.sqrt_snn_gev >= @sqrtsMin) AND (@sqrtsMax IS NULL OR c.sqrt_snn_gev <= @sqrtsMax)
        AND (@system IS NULL OR EXISTS (SELECT 1 FROM version_collision_systems cs WHERE cs.version_pk = c.version_pk AND cs.system = @system))))`;

/** The tsquery of @fts (tsQuery's text), lower-cased as the document was. */
export const TSQUERY = `to_tsquery('femto_search', lower(CAST(@fts AS text) COLLATE "und-x-icu"))`;

/**
 * With text, the full-text index drives the query and ranks, lowest first; without, every record ranks 0 and the id
 * orders. SQLite: FTS5's bm25. PostgreSQL: minus ts_rank with every column weighed alike (as bm25 does) and divided by
 * 1 + log of the document's length: like bm25, more occurrences rank higher and a longer document lower, but the
 * formulas differ (bm25 also weighs rare words up, ts_rank near words), so two backends may order other hits apart.
 */
const textOf = (filters: string) => ({
  sqlite: `SELECT v.pk AS pk, d.id AS id, f.rank AS rank FROM ${LATEST_PUBLISHED} JOIN dataset_fts f ON f.rowid = v.pk WHERE dataset_fts MATCH @fts AND ${filters}`,
  postgres: `SELECT v.pk AS pk, d.id AS id, -CAST(ts_rank('{1,1,1,1}', f.document, ${TSQUERY}, 1) AS double precision) AS rank
    FROM ${LATEST_PUBLISHED} JOIN dataset_fts f ON f.rowid = v.pk WHERE f.document @@ ${TSQUERY} AND ${filters}`,
});
const allOf = (filters: string) => `SELECT v.pk AS pk, d.id AS id, 0 AS rank FROM ${LATEST_PUBLISHED} WHERE ${filters}`;
const QUERY_OF = { sqlite: ftsQuery, postgres: tsQuery };

/**
 * Without text, a typed-block filter drives the query from its index instead of a probe per
 * record (a β or √s_NN range first, then a colliding system, an L range, a flavour content); the
 * whole of the filters still applies to what the index finds. An open range end is ±1e308 (a bound the index can seek).
 */
const DRIVERS = {
  beta: { from: 'version_ensembles x', where: 'x.beta BETWEEN coalesce(@betaMin, -1e308) AND coalesce(@betaMax, 1e308)' },
  sqrtsNN: { from: 'version_collisions x', where: 'x.sqrt_snn_gev BETWEEN coalesce(@sqrtsMin, -1e308) AND coalesce(@sqrtsMax, 1e308)' },
  system: { from: 'version_collision_systems x', where: 'x.system = @system' },
  L: { from: 'version_ensembles x', where: 'x.l BETWEEN coalesce(@lMin, -1e308) AND coalesce(@lMax, 1e308)' },
  nf: { from: 'version_ensembles x', where: 'x.nf = @nf' },
} as const;
type Driver = keyof typeof DRIVERS;
const drivenBy = (d: (typeof DRIVERS)[Driver], filters: string) =>
  `SELECT v.pk AS pk, d.id AS id, 0 AS rank FROM ${d.from} CROSS JOIN dataset_versions v CROSS JOIN datasets d WHERE v.pk = x.version_pk AND d.latest_version_pk = v.pk AND ${d.where} AND ${filters}`;
const driverOf = (q: SearchQuery): Driver | undefined => (Object.keys(DRIVERS) as Driver[]).find((k) => q[k] !== undefined);

/** Page: keyset on (rank, id), one row past the page telling whether a next one exists. */
const pageSql = (set: string) => `
  SELECT s.pk, s.id, s.rank, coalesce(c.seq, 0) AS seq, v.access_level AS accessLevel, v.embargo_until AS embargoUntil
    FROM (${set}) s JOIN dataset_versions v ON v.pk = s.pk LEFT JOIN version_changes c ON c.version_pk = s.pk
   WHERE @afterRank IS NULL OR s.rank > @afterRank OR (s.rank = @afterRank AND s.id > @afterId)
   ORDER BY s.rank, s.id LIMIT @limit`;

/**
 * The total and every facet's counts over the same set, in one statement. CROSS JOIN keeps the
 * matched set the outer loop: otherwise SQLite may walk a whole index (every version by status,
 * every term of a facet) and probe the set — the cost of the catalog, not of the matches. The join
 * conditions stand in WHERE: PostgreSQL's CROSS JOIN takes no ON (SQLite plans both spellings alike).
 */
const facetsSql = (set: string) => `
  WITH s AS MATERIALIZED (${set})
  SELECT 'total' AS facet, NULL AS value, count(*) AS count FROM s
  UNION ALL SELECT 'status', v.status, count(*) FROM s CROSS JOIN dataset_versions v WHERE v.pk = s.pk GROUP BY v.status
  UNION ALL SELECT facet, value, count(DISTINCT pk) FROM (
    SELECT 'tier' AS facet, s.pk AS pk, CAST(v.tier AS TEXT) AS value FROM s CROSS JOIN dataset_versions v WHERE v.pk = s.pk AND v.tier IS NOT NULL
    UNION ALL SELECT 'domain', s.pk, v.domain FROM s CROSS JOIN dataset_versions v WHERE v.pk = s.pk AND v.domain IS NOT NULL
    UNION ALL SELECT t.facet, s.pk, t.value FROM s CROSS JOIN version_terms t WHERE t.version_pk = s.pk AND t.facet IN ('tier', 'domain')
  ) x GROUP BY facet, value
  UNION ALL SELECT 'dataType', v.data_type, count(*) FROM s CROSS JOIN dataset_versions v WHERE v.pk = s.pk AND v.data_type IS NOT NULL GROUP BY v.data_type
  UNION ALL SELECT 'format', t.value, count(DISTINCT s.pk) FROM s CROSS JOIN version_terms t WHERE t.version_pk = s.pk AND t.facet = 'format' GROUP BY t.value
  UNION ALL SELECT 'observable', t.value, count(DISTINCT s.pk) FROM s CROSS JOIN version_terms t WHERE t.version_pk = s.pk AND t.facet = 'observable' GROUP BY t.value
  UNION ALL SELECT 'nf', e.nf, count(*) FROM s CROSS JOIN version_ensembles e WHERE e.version_pk = s.pk AND e.nf IS NOT NULL GROUP BY e.nf
  UNION ALL SELECT 'gaugeAction', e.gauge_action, count(*) FROM s CROSS JOIN version_ensembles e WHERE e.version_pk = s.pk AND e.gauge_action IS NOT NULL GROUP BY e.gauge_action
  UNION ALL SELECT 'quarkAction', q.action, count(DISTINCT s.pk) FROM s CROSS JOIN version_ensemble_quarks q WHERE q.version_pk = s.pk GROUP BY q.action
  UNION ALL SELECT 'system', cs.system, count(DISTINCT s.pk) FROM s CROSS JOIN version_collision_systems cs WHERE cs.version_pk = s.pk GROUP BY cs.system
  ORDER BY 1, 3 DESC, 2`;

/** The typed-block filters, each bound NULL when unset; `ensemble` / `collision` say whether any of theirs is set. */
function ensembleParams(q: SearchQuery) {
  const any = q.beta ?? q.L ?? q.T ?? q.nf ?? q.gaugeAction ?? q.quarkAction;
  return {
    ensemble: any === undefined ? null : 1,
    betaMin: q.beta?.min ?? null,
    betaMax: q.beta?.max ?? null,
    lMin: q.L?.min ?? null,
    lMax: q.L?.max ?? null,
    tMin: q.T?.min ?? null,
    tMax: q.T?.max ?? null,
    nf: q.nf ?? null,
    gaugeAction: q.gaugeAction ?? null,
    quarkAction: q.quarkAction ?? null,
  };
}

function collisionParams(q: SearchQuery) {
  return {
    collision: (q.system ?? q.sqrtsNN) ? 1 : null,
    system: q.system ?? null,
    sqrtsMin: q.sqrtsNN?.min ?? null,
    sqrtsMax: q.sqrtsNN?.max ?? null,
  };
}

export function createSearchRepository(db: Database) {
  const filters = filtersOf(db.sql);
  const prepared = (set: string) => ({ page: db.prepare(pageSql(set)), facets: db.prepare(facetsSql(set)) });
  const statements = {
    text: prepared(textOf(filters)[db.dialect]),
    all: prepared(allOf(filters)),
    driven: Object.fromEntries((Object.keys(DRIVERS) as Driver[]).map((k) => [k, prepared(drivenBy(DRIVERS[k], filters))])) as Record<
      Driver,
      ReturnType<typeof prepared>
    >,
  };

  const generationStmt = db.prepare('SELECT seq FROM catalog_changes WHERE id = 1');

  return {
    /** The catalog's change counter: any change to any version moves it (see the catalog_changes migration). */
    generation: async () => ((await generationStmt.scalar()) as number | undefined) ?? 0,

    /**
     * One filtered set, counted, faceted and paged, in two statements. Order: text rank (TEXT)
     * when there is a query, then dataset id; the cursor is that pair, so paging is stable while
     * records are added.
     */
    async search(query: SearchQuery, opts: { access: AccessParams; after?: { rank: number; id: string } }): Promise<SearchPage> {
      const facets = Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as SearchPage['facets'];
      const fts = query.q ? QUERY_OF[db.dialect](query.q) : null;
      // Text with no searchable characters matches nothing.
      if (query.q && !fts) return { hits: [], total: 0, facets };
      const driver = driverOf(query);
      const s = fts ? statements.text : driver ? statements.driven[driver] : statements.all;
      const params = {
        ...(fts ? { fts } : {}),
        ...opts.access,
        tier: query.tier ?? null,
        domain: query.domain ?? null,
        status: query.status ?? null,
        dataType: query.dataType ?? null,
        accessLevel: query.accessLevel ?? null,
        format: query.format ?? null,
        observable: query.observable ?? null,
        ...ensembleParams(query),
        ...collisionParams(query),
      };
      // The page and its counts from one snapshot: a write between the two would count what the page does not show.
      const [rows, counts] = await db.transaction(
        async (): Promise<[SearchHit[], { facet: Facet | 'total'; value: string; count: number }[]]> => [
          (await s.page.all({ ...params, afterRank: opts.after?.rank ?? null, afterId: opts.after?.id ?? null, limit: query.limit + 1 })) as SearchHit[],
          (await s.facets.all(params)) as { facet: Facet | 'total'; value: string; count: number }[],
        ],
        { readOnly: true },
      );
      let total = 0;
      for (const r of counts) {
        if (r.facet === 'total') total = r.count;
        else facets[r.facet].push({ value: r.value, count: r.count });
      }
      const hits = rows.slice(0, query.limit);
      const lastRow = rows.length > query.limit ? hits[hits.length - 1] : undefined;
      return { hits, total, facets, last: lastRow ? { rank: lastRow.rank, id: lastRow.id } : undefined };
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;
