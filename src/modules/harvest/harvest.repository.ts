import type { Statement } from 'better-sqlite3';
import type { Database_ } from '../../db/client.js';
import { WITHDRAWN_SQL } from '../identifiers/identifiers.repository.js';

/** One harvestable dataset: its latest published version, keyed by (datestamp, id) for keyset paging. */
export interface HarvestRow {
  pk: number;
  id: string;
  /** published_at of the latest version: when the record last changed for a harvester. */
  datestamp: string;
  /** Withdrawn (a hidden DOI's tombstone), or the latest version left public view while an earlier one was public (OAI deleted record). */
  deleted: boolean;
  /** The primary tier and the other tiers the record is in. */
  tiers: number[];
  /** Domain IRIs: the primary domain and the others the record is in. */
  domains: string[];
  dataType: string | null;
}

/** Set membership as stored values (tier number, domain IRI, data type). */
export interface FacetFilter {
  tier?: number | 'any';
  domain?: string | 'any';
  dataType?: string | 'any';
}

export interface HarvestQuery {
  /** Inclusive lower bound on the datestamp. */
  from?: string;
  /** Exclusive upper bound on the datestamp (a snapshot bound keeps paging stable while records are added). */
  before?: string;
  /** Keyset: rows strictly after this (datestamp, id). */
  after?: readonly [string, string];
  facets?: FacetFilter;
  /** Readers see restricted records as live; anonymous harvesters never do. */
  includeRestricted: boolean;
  /** OAI keeps withdrawn records (tombstones, records made restricted) as deleted headers; the other channels drop them. */
  includeDeleted: boolean;
}

export function createHarvestRepository({ sqlite }: Database_) {
  const statements = new Map<string, Statement<unknown[]>>();
  /* The WHERE clause varies with the filters given; each shape is prepared once. */
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = sqlite.prepare<unknown[]>(sql)));
    return s;
  };

  /* A withdrawn record: its latest version is restricted but some published version was not. */
  const everPublic = `EXISTS (SELECT 1 FROM dataset_versions p WHERE p.dataset_id = d.id AND p.state = 'published' AND p.access_level != 'restricted')`;

  const withdrawn = WITHDRAWN_SQL;

  function where(q: HarvestQuery): { clause: string; params: unknown[] } {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (!q.includeRestricted) conds.push(q.includeDeleted ? `(v.access_level != 'restricted' OR ${everPublic})` : `v.access_level != 'restricted'`);
    if (!q.includeDeleted) conds.push(`NOT ${withdrawn}`);
    if (q.from) conds.push('v.published_at >= ?'), params.push(q.from);
    if (q.before) conds.push('v.published_at < ?'), params.push(q.before);
    if (q.after) conds.push('(v.published_at, d.id) > (?, ?)'), params.push(q.after[0], q.after[1]);
    const f = q.facets ?? {};
    // A record is in the set of its primary tier/domain and of each of its also-in terms.
    const member = (column: string, facet: string) => `(${column} = ? OR EXISTS (SELECT 1 FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = '${facet}' AND t.value = ?))`;
    if (f.tier === 'any') conds.push('v.tier IS NOT NULL');
    else if (f.tier !== undefined) conds.push(member('v.tier', 'tier')), params.push(f.tier, String(f.tier));
    if (f.domain === 'any') conds.push('v.domain IS NOT NULL');
    else if (f.domain) conds.push(member('v.domain', 'domain')), params.push(f.domain, f.domain);
    if (f.dataType === 'any') conds.push('v.data_type IS NOT NULL');
    else if (f.dataType !== undefined) conds.push('v.data_type = ?'), params.push(f.dataType);
    return { clause: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
  }

  const from = `FROM datasets d JOIN dataset_versions v ON v.pk = d.latest_version_pk`;
  const columns = (q: HarvestQuery) =>
    `v.pk AS pk, d.id AS id, v.published_at AS datestamp, ${q.includeRestricted ? withdrawn : `(v.access_level = 'restricted' OR ${withdrawn})`} AS deleted,
     v.tier AS tier, v.domain AS domain, v.data_type AS dataType,
     (SELECT json_group_array(t.value) FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'tier') AS alsoTiers,
     (SELECT json_group_array(t.value) FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'domain') AS alsoDomains`;
  type Raw = Omit<HarvestRow, 'deleted' | 'tiers' | 'domains'> & { deleted: number; tier: number | null; domain: string | null; alsoTiers: string; alsoDomains: string };
  const toRow = ({ tier, domain, alsoTiers, alsoDomains, ...r }: Raw): HarvestRow => ({
    ...r,
    deleted: r.deleted === 1,
    tiers: [...(tier != null ? [tier] : []), ...(JSON.parse(alsoTiers) as string[]).map(Number)],
    domains: [...(domain ? [domain] : []), ...(JSON.parse(alsoDomains) as string[])],
  });

  return {
    /** One page in (datestamp, id) order; `offset` serves numbered pages, `after` keyset pages. */
    page(q: HarvestQuery, limit: number, offset = 0): HarvestRow[] {
      const { clause, params } = where(q);
      const rows = prepared(`SELECT ${columns(q)} ${from} ${clause} ORDER BY v.published_at, d.id LIMIT ? OFFSET ?`).all(...params, limit, offset) as Raw[];
      return rows.map(toRow);
    },

    count(q: HarvestQuery): number {
      const { clause, params } = where(q);
      return (prepared(`SELECT count(*) AS n ${from} ${clause}`).get(...params) as { n: number }).n;
    },

    one(id: string, q: HarvestQuery): HarvestRow | undefined {
      const { clause, params } = where(q);
      const r = prepared(`SELECT ${columns(q)} ${from} ${clause ? `${clause} AND` : 'WHERE'} d.id = ?`).get(...params, id) as Raw | undefined;
      return r && toRow(r);
    },

    earliestDatestamp(): string | null {
      return (prepared(`SELECT min(published_at) AS t FROM dataset_versions WHERE state = 'published'`).get() as { t: string | null }).t;
    },

    /** Distinct facet values of the records a harvester may see (the OAI set hierarchy). */
    facetValues(includeRestricted: boolean): { tiers: number[]; dataTypes: string[] } {
      const { clause, params } = where({ includeRestricted, includeDeleted: false });
      const distinct = (col: string) =>
        (prepared(`SELECT DISTINCT ${col} AS x ${from} ${clause} ${clause ? 'AND' : 'WHERE'} ${col} IS NOT NULL ORDER BY 1`).all(...params) as { x: never }[]).map((r) => r.x);
      const alsoTiers = (
        prepared(`SELECT DISTINCT CAST(t.value AS INTEGER) AS x ${from} JOIN version_terms t ON t.version_pk = v.pk AND t.facet = 'tier' ${clause}`).all(...params) as { x: number }[]
      ).map((r) => r.x);
      return { tiers: [...new Set([...distinct('v.tier'), ...alsoTiers])].sort((a, b) => a - b), dataTypes: distinct('v.data_type') };
    },
  };
}

export type HarvestRepository = ReturnType<typeof createHarvestRepository>;
