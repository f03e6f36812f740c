import { flag, parseJson, type Database, type SqlDialect } from '../../db/port.js';
import { EVER_PUBLIC, IN_DOMAIN, IN_TIER, LATEST_PUBLISHED, mayReadVersion, WITHDRAWN, type AccessParams } from '../../db/fragments.js';

/** One harvestable dataset: its latest published version, keyed by (datestamp, id) for keyset paging. */
export interface HarvestRow {
  pk: number;
  id: string;
  /** When the record last changed for a harvester (datasets.modified_at: publication, DOI, withdrawal, gates, lineage). */
  datestamp: string;
  /** Withdrawn (a hidden DOI's tombstone), or the latest version is one the caller may not read while an earlier one was public (OAI deleted record). */
  deleted: boolean;
  /** The primary tier and the other tiers the record is in. */
  tiers: number[];
  /** Domain IRIs: the primary domain and the others the record is in. */
  domains: string[];
  dataType: string | null;
  /** What the representation cache needs of the version. */
  seq: number;
  accessLevel: 'open' | 'embargoed' | 'restricted';
  embargoUntil: string | null;
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
  /** The caller (visibility.ts accessParams): what it may read is live. */
  access: AccessParams;
  /** OAI keeps withdrawn records (tombstones, records whose latest version is private) as deleted headers; the other channels drop them. */
  includeDeleted: boolean;
}

/**
 * Every query of this repository filters the same way, in one static condition: an unset filter
 * binds NULL and drops out, so each statement is prepared once. The datestamp window (from, until,
 * the keyset of the previous page) is written as bounds on (modified_at, id), never `@x IS NULL OR`,
 * so a page seeks in datasets_modified_idx: with an OR, SQLite scans the index from its start and
 * a full harvest costs the square of the catalog. `from` as a lower bound (from, '') keeps every
 * record dated `from` since ids are never empty; a keyset position is always at or after `from`.
 */
const filters = (sql: SqlDialect) => `
      (${mayReadVersion('v', 'd', sql)} OR (@includeDeleted = 1 AND ${EVER_PUBLIC}))
  AND (@includeDeleted = 1 OR NOT ${WITHDRAWN})
  AND (d.modified_at, d.id) > (coalesce(@afterStamp, @from, ''), coalesce(@afterId, ''))
  AND d.modified_at < coalesce(@before, '9999')
  AND (@anyTier = 0 OR v.tier IS NOT NULL) AND ${IN_TIER}
  AND (@anyDomain = 0 OR v.domain IS NOT NULL) AND ${IN_DOMAIN}
  AND (@anyDataType = 0 OR v.data_type IS NOT NULL) AND (@dataType IS NULL OR v.data_type = @dataType)`;

/** A record is deleted for a harvester when withdrawn, or when it may not read the latest version. */
const deleted = (sql: SqlDialect) => `(${WITHDRAWN} OR NOT ${mayReadVersion('v', 'd', sql)})`;

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
    anyDomain: f.domain === 'any' ? 1 : 0,
    domain: f.domain !== undefined && f.domain !== 'any' ? f.domain : null,
    anyDataType: f.dataType === 'any' ? 1 : 0,
    dataType: f.dataType !== undefined && f.dataType !== 'any' ? f.dataType : null,
  };
}

/** A harvest row's columns; its set memberships include the also-in tiers and domains (in their order: the primary key's). */
const row = (
  sql: SqlDialect,
) => `v.pk AS pk, d.id AS id, d.modified_at AS datestamp, ${deleted(sql)} AS deleted, v.tier AS tier, v.domain AS domain, v.data_type AS dataType,
  (SELECT ${sql.jsonArray('t.value', 't.position', true)} FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'tier') AS alsoTiers,
  (SELECT ${sql.jsonArray('t.value', 't.position', true)} FROM version_terms t WHERE t.version_pk = v.pk AND t.facet = 'domain') AS alsoDomains,
  coalesce(c.seq, 0) AS seq, v.access_level AS accessLevel, v.embargo_until AS embargoUntil`;

export function createHarvestRepository(db: Database) {
  const FILTERS = filters(db.sql);
  const ROW = row(db.sql);
  const pageStmt = db.prepare(`
    SELECT ${ROW}
      FROM ${LATEST_PUBLISHED} LEFT JOIN version_changes c ON c.version_pk = v.pk
     WHERE ${FILTERS}
     ORDER BY d.modified_at, d.id LIMIT @limit OFFSET @offset`);
  const oneStmt = db.prepare(`
    SELECT ${ROW}
      FROM ${LATEST_PUBLISHED} LEFT JOIN version_changes c ON c.version_pk = v.pk
     WHERE d.id = @id AND ${FILTERS}`);
  const countStmt = db.prepare(`SELECT count(*) FROM ${LATEST_PUBLISHED} WHERE ${FILTERS}`);
  const earliestStmt = db.prepare(`SELECT min(d.modified_at) FROM ${LATEST_PUBLISHED}`);
  // A column per facet: PostgreSQL's UNION does not mix integers and text in one.
  const facetValuesStmt = db.prepare(`
    SELECT 'tier' AS facet, v.tier AS tier, NULL AS dataType FROM ${LATEST_PUBLISHED} WHERE ${FILTERS} AND v.tier IS NOT NULL
    UNION SELECT 'tier', CAST(t.value AS INTEGER), NULL FROM ${LATEST_PUBLISHED} JOIN version_terms t ON t.version_pk = v.pk AND t.facet = 'tier' WHERE ${FILTERS}
    UNION SELECT 'dataType', NULL, v.data_type FROM ${LATEST_PUBLISHED} WHERE ${FILTERS} AND v.data_type IS NOT NULL
    ORDER BY 1, 2, 3`);

  type Raw = Omit<HarvestRow, 'deleted' | 'tiers' | 'domains'> & {
    deleted: unknown;
    tier: number | null;
    domain: string | null;
    alsoTiers: string;
    alsoDomains: string;
  };
  const toRow = ({ tier, domain, alsoTiers, alsoDomains, ...r }: Raw): HarvestRow => ({
    ...r,
    deleted: flag(r.deleted),
    tiers: [...(tier != null ? [tier] : []), ...parseJson<string[]>(alsoTiers).map(Number)],
    domains: [...(domain ? [domain] : []), ...parseJson<string[]>(alsoDomains)],
  });

  return {
    /** One page in (datestamp, id) order; `offset` serves numbered pages, `after` keyset pages. */
    async page(q: HarvestQuery, limit: number, offset = 0): Promise<HarvestRow[]> {
      return ((await pageStmt.all({ ...bind(q), limit, offset })) as Raw[]).map(toRow);
    },

    async count(q: HarvestQuery): Promise<number> {
      return (await countStmt.scalar(bind(q))) as number;
    },

    async one(id: string, q: HarvestQuery): Promise<HarvestRow | undefined> {
      const r = (await oneStmt.get({ ...bind(q), id })) as Raw | undefined;
      return r && toRow(r);
    },

    async earliestDatestamp(): Promise<string | null> {
      return ((await earliestStmt.scalar()) as string | null) ?? null;
    },

    /** Distinct tier and data type values of the records a harvester may see (the OAI set hierarchy; domains come from the ontology). */
    async facetValues(access: AccessParams): Promise<{ tiers: number[]; dataTypes: string[] }> {
      const out = { tiers: [] as number[], dataTypes: [] as string[] };
      for (const r of (await facetValuesStmt.all(bind({ access, includeDeleted: false }))) as {
        facet: 'tier' | 'dataType';
        tier: number;
        dataType: string;
      }[]) {
        if (r.facet === 'tier') out.tiers.push(r.tier);
        else out.dataTypes.push(r.dataType);
      }
      return out;
    },
  };
}

export type HarvestRepository = ReturnType<typeof createHarvestRepository>;
