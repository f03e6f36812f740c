import { flag, type Database } from '../../db/port.js';
import { tableRows } from '../../db/rows.js';
import { doiOutbox, dois, type DoiRow, type OutboxRow } from '../../db/schema/index.js';
import { holdsRecord, mayReadVersion, type AccessParams } from '../../db/fragments.js';

export type NewDoiRow = typeof dois.$inferInsert;

/** A DOI claimed for delivery: every undelivered outbox row of it up to `maxId`, and what the newest asks. */
export interface Claim {
  doi: string;
  maxId: number;
  action: 'upsert' | 'delete';
  attempts: number;
}

/** A search term: `pattern` is a LIKE pattern (escape character `\\`) matched against one field of what the DOI says. */
export interface DoiTerm {
  field: 'doi' | 'title' | 'creator' | 'publisher' | 'year' | 'resourceTypeGeneral' | 'description' | 'any';
  pattern: string;
}

export interface DoiListQuery {
  states?: DoiRow['state'][];
  /** The caller (visibility.ts accessParams): which DOIs exist for it (see DOI_FILTER). */
  access: AccessParams;
  terms?: DoiTerm[];
  after?: string;
  offset?: number;
  limit: number;
}

/**
 * Per DOI, the searchable fields of its metadata: a property the client set (dois.attributes) wins over the
 * described version's, lists joined by U+001F so that a pattern never spans two values.
 */
const DESCRIBED_DOIS = `
  SELECT d.doi, d.state, d.dataset_id,
    -- the caller may read the version the DOI describes (a DOI describing none: yes), and holds its record
    (v.pk IS NULL OR ${mayReadVersion('v', 'ds')}) AS readable, (ds.id IS NOT NULL AND ${holdsRecord('ds')}) AS held,
    CASE WHEN json_type(d.attributes, '$.titles') = 'array'
      THEN (SELECT group_concat(json_extract(t.value, '$.title'), char(31)) FROM json_each(d.attributes, '$.titles') t) ELSE v.title END AS titles,
    CASE WHEN json_type(d.attributes, '$.creators') = 'array'
      THEN (SELECT group_concat(json_extract(c.value, '$.name'), char(31)) FROM json_each(d.attributes, '$.creators') c)
      ELSE (SELECT group_concat(ag.name, char(31)) FROM version_agents va JOIN agents ag ON ag.id = va.agent_id WHERE va.version_pk = v.pk AND va.role = 'creator') END AS creators,
    CASE WHEN json_type(d.attributes, '$.descriptions') = 'array'
      THEN (SELECT group_concat(json_extract(x.value, '$.description'), char(31)) FROM json_each(d.attributes, '$.descriptions') x) ELSE v.description END AS descriptions,
    coalesce(json_extract(d.attributes, '$.publisher.name'), v.publisher) AS publisher,
    coalesce(json_extract(d.attributes, '$.publicationYear'), substr(v.issued, 1, 4), substr(coalesce(v.published_at, v.created_at), 1, 4)) AS year,
    coalesce(json_extract(d.attributes, '$.types.resourceTypeGeneral'), v.resource_type) AS resource_type_general
  FROM dois d
  LEFT JOIN datasets ds ON ds.id = d.dataset_id
  LEFT JOIN dataset_versions v ON v.pk = coalesce(d.version_pk, CASE WHEN d.is_concept = 1 THEN ds.latest_version_pk END)`;

/**
 * A DOI exists for the caller when it may read the version it describes, and it is findable or the
 * caller may edit its record (a DOI bound to no record: any curator). Every term must match
 * (json_each over the terms: one statement for any number of them).
 */
const DOI_FILTER = `
  (@states IS NULL OR x.state IN (SELECT value FROM json_each(@states)))
  AND x.readable AND (x.state = 'findable' OR (@editor = 1 AND (x.dataset_id IS NULL OR x.held)))
  AND NOT EXISTS (
    SELECT 1 FROM json_each(@terms) term WHERE NOT (
      CASE json_extract(term.value, '$.field')
        WHEN 'doi' THEN x.doi LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        WHEN 'title' THEN x.titles LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        WHEN 'creator' THEN x.creators LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        WHEN 'publisher' THEN x.publisher LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        WHEN 'year' THEN x.year LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        WHEN 'resourceTypeGeneral' THEN x.resource_type_general LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        WHEN 'description' THEN x.descriptions LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
        ELSE concat_ws(char(31), x.doi, x.titles, x.creators, x.publisher, x.descriptions) LIKE json_extract(term.value, '$.pattern') ESCAPE '\\'
      END))`;

/** A dois row as SQLite returns it. */
interface RawDoi extends Omit<DoiRow, 'isConcept' | 'attributes'> {
  isConcept: number;
  attributes: string;
}

const DOI_COLUMNS = `d.doi, d.state, d.dataset_id AS datasetId, d.version_pk AS versionPk, d.is_concept AS isConcept, d.url, d.attributes,
  d.withdrawn_at AS withdrawnAt, d.withdrawal_reason AS withdrawalReason, d.registration_status AS registrationStatus, d.attempts,
  d.last_error AS lastError, d.synced_at AS syncedAt, d.created_at AS createdAt, d.updated_at AS updatedAt`;

const doiRow = (r: RawDoi): DoiRow => ({ ...r, isConcept: flag(r.isConcept), attributes: JSON.parse(r.attributes) as Record<string, unknown> });

export function createIdentifiersRepository(db: Database) {
  const doiRows = tableRows(db, dois);
  const outboxRows = tableRows(db, doiOutbox);
  const byDoisStmt = db.prepare(`${doiRows.select} WHERE doi IN (SELECT value FROM json_each(?))`);
  const undeliveredStmt = db.prepare(`${outboxRows.select} WHERE delivered_at IS NULL ORDER BY id`);
  const outboxForStmt = db.prepare(`${outboxRows.select} WHERE doi = ? ORDER BY id`);
  const hasUndeliveredStmt = db.prepare('SELECT EXISTS (SELECT 1 FROM doi_outbox WHERE doi = ? AND delivered_at IS NULL)');
  const deleteStmt = db.prepare('DELETE FROM dois WHERE doi = ?');
  const listStmt = db.prepare(`
    SELECT x.doi FROM (${DESCRIBED_DOIS}) x
    WHERE ${DOI_FILTER} AND (@after IS NULL OR x.doi > @after)
    ORDER BY x.doi LIMIT @limit OFFSET @offset`);
  const countStmt = db.prepare(`SELECT count(*) AS n FROM (${DESCRIBED_DOIS}) x WHERE ${DOI_FILTER}`);

  // Reads on the dataset read path: prepared once, many keys as one JSON array.
  const byDoiStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM dois d WHERE d.doi = ?`);
  const byVersionsStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM json_each(?) k CROSS JOIN dois d ON d.version_pk = k.value`);
  const byDatasetStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM dois d WHERE d.dataset_id = ?`);
  const withdrawnStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM json_each(?) k CROSS JOIN dois d ON d.dataset_id = k.value WHERE d.withdrawn_at IS NOT NULL`);
  const conceptsStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM json_each(?) k CROSS JOIN dois d ON d.dataset_id = k.value AND d.is_concept = 1`);
  const many = async (stmt: typeof byVersionsStmt, keys: readonly unknown[]) =>
    keys.length ? ((await stmt.all(JSON.stringify(keys))) as RawDoi[]).map(doiRow) : [];

  /**
   * Leases every undelivered row of up to `limit` DOIs that have a due row and no live lease, in
   * one statement: SQLite runs it under its write lock, so two workers (or two processes on one
   * file) never hold the same DOI. On PostgreSQL this becomes SELECT ... FOR UPDATE SKIP LOCKED.
   */
  const claimStmt = db.prepare(`
    UPDATE doi_outbox SET lease_owner = @owner, lease_until = @leaseUntil
    WHERE delivered_at IS NULL AND doi IN (
      SELECT doi FROM doi_outbox
      WHERE delivered_at IS NULL
      GROUP BY doi
      -- due: some row's next attempt has come
      HAVING MIN(next_attempt_at) <= @now
      -- free: no other worker holds a live lease on this DOI
         AND SUM(CASE WHEN lease_until IS NOT NULL AND lease_until > @now THEN 1 ELSE 0 END) = 0
      ORDER BY MIN(id)
      LIMIT @limit)
    RETURNING id, doi, action, attempts`);

  return {
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    async get(doi: string): Promise<DoiRow | undefined> {
      const r = (await byDoiStmt.get(doi)) as RawDoi | undefined;
      return r && doiRow(r);
    },

    async byVersionPks(pks: readonly number[]): Promise<DoiRow[]> {
      return many(byVersionsStmt, pks);
    },

    async byDataset(datasetId: string): Promise<DoiRow[]> {
      return ((await byDatasetStmt.all(datasetId)) as RawDoi[]).map(doiRow);
    },

    /** DOIs of these datasets that carry a tombstone (hidden after being findable), in one statement. */
    async withdrawnOf(datasetIds: readonly string[]): Promise<DoiRow[]> {
      return many(withdrawnStmt, datasetIds);
    },

    async conceptOf(datasetId: string): Promise<DoiRow | undefined> {
      return (await many(conceptsStmt, [datasetId]))[0];
    },

    async conceptsOf(datasetIds: readonly string[]): Promise<DoiRow[]> {
      return many(conceptsStmt, datasetIds);
    },

    /**
     * One page of DOIs ordered by DOI (after a keyset cursor, or at an offset) and how many match in all. Terms
     * match what the DOI says: the client's own attributes where it set them, else the version it describes (a
     * concept DOI: the dataset's latest), as the metadata is resolved for every format. DOIs that do
     * not exist for the caller are left out here, so pages stay full and totals count none of them.
     */
    async list(opts: DoiListQuery): Promise<{ rows: DoiRow[]; total: number }> {
      const params = {
        states: opts.states ? JSON.stringify(opts.states) : null,
        ...opts.access,
        terms: JSON.stringify(opts.terms ?? []),
      };
      const keys = ((await listStmt.all({ ...params, after: opts.after ?? null, limit: opts.limit, offset: opts.offset ?? 0 })) as { doi: string }[]).map(
        (r) => r.doi,
      );
      const total = ((await countStmt.get(params)) as { n: number }).n;
      const rows = keys.length ? (await byDoisStmt.all(JSON.stringify(keys))).map(doiRows.decode) : [];
      const byKey = new Map(rows.map((r) => [r.doi, r]));
      return { rows: keys.map((k) => byKey.get(k)!), total };
    },

    async insert(row: NewDoiRow): Promise<void> {
      await doiRows.insert(row);
    },

    async update(doi: string, patch: Partial<NewDoiRow>): Promise<void> {
      await doiRows.update(patch, 'doi = ?', [doi]);
    },

    async delete(doi: string): Promise<void> {
      await deleteStmt.run(doi);
    },

    async enqueue(doi: string, action: 'upsert' | 'delete', now: string): Promise<void> {
      await outboxRows.insert({ doi, action, nextAttemptAt: now, createdAt: now });
    },

    async claim(owner: string, now: string, leaseUntil: string, limit: number): Promise<Claim[]> {
      const rows = (await claimStmt.all({ owner, now, leaseUntil, limit })) as Pick<OutboxRow, 'id' | 'doi' | 'action' | 'attempts'>[];
      const byDoi = new Map<string, Claim>();
      for (const r of rows) {
        const c = byDoi.get(r.doi);
        if (!c || r.id > c.maxId) byDoi.set(r.doi, { doi: r.doi, maxId: r.id, action: r.action, attempts: Math.max(r.attempts, c?.attempts ?? 0) });
      }
      return [...byDoi.values()];
    },

    /** Marks the claimed rows delivered; rows written after the claim stay pending. */
    async delivered(c: Claim, owner: string, now: string): Promise<void> {
      await outboxRows.update({ deliveredAt: now, leaseOwner: null, leaseUntil: null }, 'doi = ? AND lease_owner = ? AND id <= ? AND delivered_at IS NULL', [
        c.doi,
        owner,
        c.maxId,
      ]);
    },

    async failed(c: Claim, owner: string, error: string, nextAttemptAt: string): Promise<void> {
      await outboxRows.update(
        { attempts: c.attempts + 1, lastError: error, nextAttemptAt, leaseOwner: null, leaseUntil: null },
        'doi = ? AND lease_owner = ? AND delivered_at IS NULL',
        [c.doi, owner],
      );
    },

    /** A stopping worker hands its leases back so that the next one need not wait for them to expire. */
    async releaseLeases(owner: string): Promise<void> {
      await outboxRows.update({ leaseOwner: null, leaseUntil: null }, 'lease_owner = ? AND delivered_at IS NULL', [owner]);
    },

    async undelivered(): Promise<OutboxRow[]> {
      return (await undeliveredStmt.all()).map(outboxRows.decode);
    },

    async outboxFor(doi: string): Promise<OutboxRow[]> {
      return (await outboxForStmt.all(doi)).map(outboxRows.decode);
    },

    async hasUndelivered(doi: string): Promise<boolean> {
      return flag(await hasUndeliveredStmt.scalar(doi));
    },
  };
}

export type IdentifiersRepository = ReturnType<typeof createIdentifiersRepository>;
