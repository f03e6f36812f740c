import { flag, parseJson, type Database, type SqlDialect } from '../../db/port.js';
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

/** Which DOIs a change reaches: those of these versions, the concept DOIs of these records, every DOI of those records. */
export interface FollowReach {
  versions?: readonly number[];
  concepts?: readonly string[];
  records?: readonly string[];
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

/** Between the values of a list field (U+001F, the unit separator), so that a pattern never spans two values. */
const SEP = "'\u001f'";

/**
 * Per DOI, the searchable fields of its metadata: a property the client set (dois.attributes) wins over the
 * described version's, lists joined by SEP.
 */
const describedDois = (sql: SqlDialect) => `
  SELECT d.doi, d.state, d.dataset_id,
    -- the caller may read the version the DOI describes (a DOI describing none: yes), and holds its record
    (v.pk IS NULL OR ${mayReadVersion('v', 'ds', sql)}) AS readable, (ds.id IS NOT NULL AND ${holdsRecord('ds', sql)}) AS held,
    CASE WHEN ${sql.memberType('d.attributes', 'titles')} = 'array'
      THEN (SELECT string_agg(${sql.jsonValue('t.value', 'title')}, ${SEP}) FROM ${sql.eachMember('d.attributes', 'titles', 't')}) ELSE v.title END AS titles,
    CASE WHEN ${sql.memberType('d.attributes', 'creators')} = 'array'
      THEN (SELECT string_agg(${sql.jsonValue('c.value', 'name')}, ${SEP}) FROM ${sql.eachMember('d.attributes', 'creators', 'c')})
      ELSE (SELECT string_agg(ag.name, ${SEP}) FROM version_agents va JOIN agents ag ON ag.id = va.agent_id WHERE va.version_pk = v.pk AND va.role = 'creator') END AS creators,
    CASE WHEN ${sql.memberType('d.attributes', 'descriptions')} = 'array'
      THEN (SELECT string_agg(${sql.jsonValue('x.value', 'description')}, ${SEP}) FROM ${sql.eachMember('d.attributes', 'descriptions', 'x')}) ELSE v.description END AS descriptions,
    coalesce(${sql.jsonValue('d.attributes', 'publisher', 'name')}, v.publisher) AS publisher,
    coalesce(${sql.jsonValue('d.attributes', 'publicationYear')}, substr(v.issued, 1, 4), substr(coalesce(v.published_at, v.created_at), 1, 4)) AS year,
    coalesce(${sql.jsonValue('d.attributes', 'types', 'resourceTypeGeneral')}, v.resource_type) AS resource_type_general
  FROM dois d
  LEFT JOIN datasets ds ON ds.id = d.dataset_id
  LEFT JOIN dataset_versions v ON v.pk = coalesce(d.version_pk, CASE WHEN d.is_concept THEN ds.latest_version_pk END)`;

/**
 * A DOI exists for the caller when it may read the version it describes, and it is findable or the
 * caller may edit its record (a DOI bound to no record: any curator). Every term must match, as
 * SQLite's LIKE does (ASCII letters in either case: lower() on both sides, as PostgreSQL's LIKE
 * tells case apart); one statement for any number of terms.
 */
const doiFilter = (sql: SqlDialect) => `
  (@states IS NULL OR x.state IN (SELECT s.value FROM ${sql.each('@states', 's', 'text')}))
  AND x.readable AND (x.state = 'findable' OR (@editor = 1 AND (x.dataset_id IS NULL OR x.held)))
  AND NOT EXISTS (
    SELECT 1 FROM ${sql.each('@terms', 'term', 'json')} WHERE NOT (
      lower(CASE term.value ->> 'field'
        WHEN 'doi' THEN x.doi
        WHEN 'title' THEN x.titles
        WHEN 'creator' THEN x.creators
        WHEN 'publisher' THEN x.publisher
        WHEN 'year' THEN x.year
        WHEN 'resourceTypeGeneral' THEN x.resource_type_general
        WHEN 'description' THEN x.descriptions
        ELSE concat_ws(${SEP}, x.doi, x.titles, x.creators, x.publisher, x.descriptions)
      END) LIKE lower(term.value ->> 'pattern') ESCAPE '\\'))`;

/** A dois row as the driver returns it. */
interface RawDoi extends Omit<DoiRow, 'isConcept' | 'attributes'> {
  isConcept: unknown;
  attributes: unknown;
}

const DOI_COLUMNS = `d.doi, d.state, d.dataset_id AS datasetId, d.version_pk AS versionPk, d.is_concept AS isConcept, d.url, d.attributes,
  d.withdrawn_at AS withdrawnAt, d.withdrawal_reason AS withdrawalReason, d.registration_status AS registrationStatus, d.attempts,
  d.last_error AS lastError, d.synced_at AS syncedAt, d.created_at AS createdAt, d.updated_at AS updatedAt`;

const doiRow = (r: RawDoi): DoiRow => ({ ...r, isConcept: flag(r.isConcept), attributes: parseJson<Record<string, unknown>>(r.attributes) });

export function createIdentifiersRepository(db: Database) {
  const doiRows = tableRows(db, dois);
  const outboxRows = tableRows(db, doiOutbox);
  const byDoisStmt = db.prepare(`${doiRows.select} WHERE doi IN (SELECT k.value FROM ${db.sql.each('?', 'k', 'text')})`);
  const undeliveredStmt = db.prepare(`${outboxRows.select} WHERE delivered_at IS NULL ORDER BY id`);
  const outboxForStmt = db.prepare(`${outboxRows.select} WHERE doi = ? ORDER BY id`);
  const hasUndeliveredStmt = db.prepare('SELECT EXISTS (SELECT 1 FROM doi_outbox WHERE doi = ? AND delivered_at IS NULL)');
  const deleteStmt = db.prepare('DELETE FROM dois WHERE doi = ?');
  const listStmt = db.prepare(`
    SELECT x.doi FROM (${describedDois(db.sql)}) x
    WHERE ${doiFilter(db.sql)} AND (@after IS NULL OR x.doi > @after)
    ORDER BY x.doi LIMIT @limit OFFSET @offset`);
  const countStmt = db.prepare(`SELECT count(*) AS n FROM (${describedDois(db.sql)}) x WHERE ${doiFilter(db.sql)}`);

  // Reads on the dataset read path: prepared once, many keys as one JSON array.
  const byDoiStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM dois d WHERE d.doi = ?`);
  const byVersionsStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM ${db.sql.each('?', 'k', 'integer')} CROSS JOIN dois d WHERE d.version_pk = k.value`);
  const byDatasetStmt = db.prepare(`SELECT ${DOI_COLUMNS} FROM dois d WHERE d.dataset_id = ?`);
  const withdrawnStmt = db.prepare(
    `SELECT ${DOI_COLUMNS} FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN dois d WHERE d.dataset_id = k.value AND d.withdrawn_at IS NOT NULL`,
  );
  const conceptsStmt = db.prepare(
    `SELECT ${DOI_COLUMNS} FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN dois d WHERE d.dataset_id = k.value AND d.is_concept`,
  );
  /*
   * The DOIs a change reaches (see follow), each by an index. Every one gets a row of its own even when one already
   * waits: a worker may claim the waiting one while this change is not committed yet (claims run beside write
   * transactions) and deliver the DOI as it was before it.
   */
  const followStmt = db.prepare(`
    SELECT d.doi FROM ${db.sql.each('@versions', 'k', 'integer')} CROSS JOIN dois d WHERE d.version_pk = k.value
    UNION SELECT d.doi FROM ${db.sql.each('@concepts', 'k', 'text')} CROSS JOIN dois d WHERE d.dataset_id = k.value AND d.is_concept
    UNION SELECT d.doi FROM ${db.sql.each('@records', 'k', 'text')} CROSS JOIN dois d WHERE d.dataset_id = k.value`);
  // Only when some DOI is reached: an INSERT, even of no row, notes the outbox in SQLite's sqlite_sequence.
  const queueStmt = db.prepare(
    `INSERT INTO doi_outbox (doi, action, next_attempt_at, created_at) SELECT k.value, 'upsert', @now, @now FROM ${db.sql.each('@dois', 'k', 'text')}`,
  );
  const markPendingStmt = db.prepare(`UPDATE dois SET registration_status = 'pending' WHERE doi IN (SELECT k.value FROM ${db.sql.each('?', 'k', 'text')})`);

  const many = async (stmt: typeof byVersionsStmt, keys: readonly unknown[]) =>
    keys.length ? ((await stmt.all(JSON.stringify(keys))) as RawDoi[]).map(doiRow) : [];

  /**
   * Leases every undelivered row of up to `limit` DOIs that have a due row and no live lease, in one
   * statement, so that two workers (replicas, processes) never hold one DOI at once. SQLite runs it under
   * its write lock: what it reads is what it updates.
   *
   * PostgreSQL runs concurrent claims side by side, each reading a snapshot, so there a DOI is taken by
   * locking its head (its oldest undelivered row) FOR UPDATE SKIP LOCKED: a claim in flight holds the head,
   * the others skip the DOI; once it commits the head carries the lease, and a claim that read its snapshot
   * before that commit re-reads the locked head (READ COMMITTED's recheck) and finds the lease live. The
   * head stands for the DOI because every claim leases every undelivered row, and a delivery or failure
   * clears the leases of the rows up to the newest claimed: rows enqueued later come after the head, and
   * the head is unleased only when no row of the DOI is leased.
   */
  const claimStmt = db.prepare(
    db.dialect === 'postgres'
      ? `
    WITH due AS (
      SELECT min(id) AS id FROM doi_outbox WHERE delivered_at IS NULL GROUP BY doi HAVING min(next_attempt_at) <= @now
    ), heads AS (
      SELECT h.doi FROM doi_outbox h
      WHERE h.id IN (SELECT id FROM due) AND h.delivered_at IS NULL AND (h.lease_until IS NULL OR h.lease_until <= @now)
      ORDER BY h.id LIMIT @limit
      FOR UPDATE SKIP LOCKED)
    UPDATE doi_outbox o SET lease_owner = @owner, lease_until = @leaseUntil
    FROM heads WHERE o.doi = heads.doi AND o.delivered_at IS NULL
    RETURNING o.id, o.doi, o.action, o.attempts`
      : `
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
    RETURNING id, doi, action, attempts`,
  );

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

    /** Queues a delivery of the DOIs of these versions, the concept DOIs of these records and every DOI of those records, marked pending; which. */
    async follow(reach: FollowReach, now: string): Promise<string[]> {
      const { versions = [], concepts = [], records = [] } = reach;
      if (!versions.length && !concepts.length && !records.length) return [];
      const queued = await followStmt.column<string>({
        versions: JSON.stringify(versions),
        concepts: JSON.stringify(concepts),
        records: JSON.stringify(records),
      });
      if (queued.length) {
        await queueStmt.run({ dois: JSON.stringify(queued), now });
        await markPendingStmt.run(JSON.stringify(queued));
      }
      return queued;
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
