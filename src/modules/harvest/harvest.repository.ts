import type { Database_ } from '../../db/client.js';
import { EVER_PUBLIC, LATEST_PUBLISHED, mayReadVersion, WITHDRAWN, type AccessParams } from '../../db/fragments.js';

/** One harvestable dataset: its latest published version, keyed by (datestamp, id) for keyset paging. */
export interface HarvestRow {
  pk: number;
  id: string;
  /** When the record last changed for a harvester (datasets.modified_at: publication, DOI, withdrawal, gates, lineage). */
  datestamp: string;
  /** Withdrawn (a hidden DOI's tombstone), or the latest version is one the caller may not read while an earlier one was public (OAI deleted record). */
  deleted: boolean;
  tier: number | null;
  domain: string | null;
  dataType: string | null;
  /** What the representation cache needs of the version. */
  seq: number;
  accessLevel: 'open' | 'embargoed' | 'restricted';
  embargoUntil: string | null;
}

/** Set membership as stored values (tier number, raw domain strings, data type). */
export interface FacetFilter {
  tier?: number | 'any';
  domains?: string[] | 'any';
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
  /** The caller (visibility.ts accessParams): what it may read is live. */
  access: AccessParams;
  /** OAI keeps withdrawn records (tombstones, records whose latest version is private) as deleted headers; the other channels drop them. */
  includeDeleted: boolean;
}

/**
 * Every query of this repository filters the same way, in one static condition: an unset filter
 * binds NULL and drops out, so each statement is prepared once.
 */
const FILTERS = `
      (${mayReadVersion()} OR (@includeDeleted = 1 AND ${EVER_PUBLIC}))
  AND (@includeDeleted = 1 OR NOT ${WITHDRAWN})
  AND (@from IS NULL OR d.modified_at >= @from)
  AND (@before IS NULL OR d.modified_at < @before)
  AND (@afterStamp IS NULL OR (d.modified_at, d.id) > (@afterStamp, @afterId))
  AND (@anyTier = 0 OR v.tier IS NOT NULL) AND (@tier IS NULL OR v.tier = @tier)
  AND (@anyDomain = 0 OR v.domain IS NOT NULL) AND (@domains IS NULL OR v.domain IN (SELECT value FROM json_each(@domains)))
  AND (@anyDataType = 0 OR v.data_type IS NOT NULL) AND (@dataType IS NULL OR v.data_type = @dataType)`;

/** A record is deleted for a harvester when withdrawn, or when it may not read the latest version. */
const DELETED = `(${WITHDRAWN} OR NOT ${mayReadVersion()})`;

function bind(q: HarvestQuery) {
  const f = q.facets ?? {};
  return {
    ...q.access,
    includeDeleted: q.includeDeleted ? 1 : 0,
    from: q.from ?? null,
    before: q.before ?? null,
    afterStamp: q.after?.[0] ?? null,
    afterId: q.after?.[1] ?? null,
    anyTier: f.tier === 'any' ? 1 : 0,
    tier: typeof f.tier === 'number' ? f.tier : null,
    anyDomain: f.domains === 'any' ? 1 : 0,
    domains: Array.isArray(f.domains) ? JSON.stringify(f.domains) : null,
    anyDataType: f.dataType === 'any' ? 1 : 0,
    dataType: f.dataType !== undefined && f.dataType !== 'any' ? f.dataType : null,
  };
}

export function createHarvestRepository({ sqlite }: Database_) {
  const pageStmt = sqlite.prepare(`
    SELECT v.pk AS pk, d.id AS id, d.modified_at AS datestamp, ${DELETED} AS deleted, v.tier AS tier, v.domain AS domain, v.data_type AS dataType,
           coalesce(c.seq, 0) AS seq, v.access_level AS accessLevel, v.embargo_until AS embargoUntil
      FROM ${LATEST_PUBLISHED} LEFT JOIN version_changes c ON c.version_pk = v.pk
     WHERE ${FILTERS}
     ORDER BY d.modified_at, d.id LIMIT @limit OFFSET @offset`);
  const oneStmt = sqlite.prepare(`
    SELECT v.pk AS pk, d.id AS id, d.modified_at AS datestamp, ${DELETED} AS deleted, v.tier AS tier, v.domain AS domain, v.data_type AS dataType,
           coalesce(c.seq, 0) AS seq, v.access_level AS accessLevel, v.embargo_until AS embargoUntil
      FROM ${LATEST_PUBLISHED} LEFT JOIN version_changes c ON c.version_pk = v.pk
     WHERE d.id = @id AND ${FILTERS}`);
  const countStmt = sqlite.prepare(`SELECT count(*) FROM ${LATEST_PUBLISHED} WHERE ${FILTERS}`).pluck(true);
  const earliestStmt = sqlite.prepare(`SELECT min(d.modified_at) FROM ${LATEST_PUBLISHED}`).pluck(true);
  const facetValuesStmt = sqlite.prepare(`
    SELECT DISTINCT 'tier' AS facet, v.tier AS value FROM ${LATEST_PUBLISHED} WHERE ${FILTERS} AND v.tier IS NOT NULL
    UNION SELECT DISTINCT 'domain', v.domain FROM ${LATEST_PUBLISHED} WHERE ${FILTERS} AND v.domain IS NOT NULL
    UNION SELECT DISTINCT 'dataType', v.data_type FROM ${LATEST_PUBLISHED} WHERE ${FILTERS} AND v.data_type IS NOT NULL
    ORDER BY 1, 2`);

  type Raw = Omit<HarvestRow, 'deleted'> & { deleted: number };
  const toRow = (r: Raw): HarvestRow => ({ ...r, deleted: r.deleted === 1 });

  return {
    /** One page in (datestamp, id) order; `offset` serves numbered pages, `after` keyset pages. */
    page(q: HarvestQuery, limit: number, offset = 0): HarvestRow[] {
      return (pageStmt.all({ ...bind(q), limit, offset }) as Raw[]).map(toRow);
    },

    count(q: HarvestQuery): number {
      return countStmt.get(bind(q)) as number;
    },

    one(id: string, q: HarvestQuery): HarvestRow | undefined {
      const r = oneStmt.get({ ...bind(q), id }) as Raw | undefined;
      return r && toRow(r);
    },

    earliestDatestamp(): string | null {
      return (earliestStmt.get() as string | null) ?? null;
    },

    /** Distinct facet values of the records a harvester may see (the OAI set hierarchy). */
    facetValues(access: AccessParams): { tiers: number[]; domains: string[]; dataTypes: string[] } {
      const out = { tiers: [] as number[], domains: [] as string[], dataTypes: [] as string[] };
      for (const r of facetValuesStmt.all(bind({ access, includeDeleted: false })) as { facet: 'tier' | 'domain' | 'dataType'; value: never }[]) {
        out[r.facet === 'tier' ? 'tiers' : r.facet === 'domain' ? 'domains' : 'dataTypes'].push(r.value);
      }
      return out;
    },
  };
}

export type HarvestRepository = ReturnType<typeof createHarvestRepository>;
