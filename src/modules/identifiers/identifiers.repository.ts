import { and, asc, eq, gt, inArray, isNull, like, ne, or, sql } from 'drizzle-orm';
import type { Database_ } from '../../db/client.js';
import { datasets, datasetVersions, doiOutbox, dois, type DoiRow, type OutboxRow } from '../../db/schema/index.js';

export type NewDoiRow = typeof dois.$inferInsert;

/** A DOI claimed for delivery: every undelivered outbox row of it up to `maxId`, and what the newest asks. */
export interface Claim {
  doi: string;
  maxId: number;
  action: 'upsert' | 'delete';
  attempts: number;
}

/** A dois row as SQLite returns it. */
interface RawDoi extends Omit<DoiRow, 'isConcept' | 'attributes'> {
  isConcept: number;
  attributes: string;
}

const DOI_COLUMNS = `d.doi, d.state, d.dataset_id AS datasetId, d.version_pk AS versionPk, d.is_concept AS isConcept, d.url, d.attributes,
  d.withdrawn_at AS withdrawnAt, d.withdrawal_reason AS withdrawalReason, d.registration_status AS registrationStatus, d.attempts,
  d.last_error AS lastError, d.synced_at AS syncedAt, d.created_at AS createdAt, d.updated_at AS updatedAt`;

const doiRow = (r: RawDoi): DoiRow => ({ ...r, isConcept: r.isConcept === 1, attributes: JSON.parse(r.attributes) as Record<string, unknown> });

export function createIdentifiersRepository({ db, sqlite }: Database_) {
  // Reads on the dataset read path: prepared once, many keys as one JSON array.
  const byDoiStmt = sqlite.prepare(`SELECT ${DOI_COLUMNS} FROM dois d WHERE d.doi = ?`);
  const byVersionsStmt = sqlite.prepare(`SELECT ${DOI_COLUMNS} FROM json_each(?) k JOIN dois d ON d.version_pk = k.value`);
  const byDatasetStmt = sqlite.prepare(`SELECT ${DOI_COLUMNS} FROM dois d WHERE d.dataset_id = ?`);
  const withdrawnStmt = sqlite.prepare(`SELECT ${DOI_COLUMNS} FROM json_each(?) k JOIN dois d ON d.dataset_id = k.value WHERE d.withdrawn_at IS NOT NULL`);
  const conceptsStmt = sqlite.prepare(`SELECT ${DOI_COLUMNS} FROM json_each(?) k JOIN dois d ON d.dataset_id = k.value AND d.is_concept = 1`);
  const many = (stmt: typeof byVersionsStmt, keys: readonly unknown[]) => (keys.length ? (stmt.all(JSON.stringify(keys)) as RawDoi[]).map(doiRow) : []);

  /**
   * Leases every undelivered row of up to `limit` DOIs that have a due row and no live lease, in
   * one statement: SQLite runs it under its write lock, so two workers (or two processes on one
   * file) never hold the same DOI. On PostgreSQL this becomes SELECT ... FOR UPDATE SKIP LOCKED.
   */
  const claimStmt = sqlite.prepare(`
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
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    get(doi: string): DoiRow | undefined {
      const r = byDoiStmt.get(doi) as RawDoi | undefined;
      return r && doiRow(r);
    },

    byVersionPks(pks: readonly number[]): DoiRow[] {
      return many(byVersionsStmt, pks);
    },

    byDataset(datasetId: string): DoiRow[] {
      return (byDatasetStmt.all(datasetId) as RawDoi[]).map(doiRow);
    },

    /** DOIs of these datasets that carry a tombstone (hidden after being findable), in one statement. */
    withdrawnOf(datasetIds: readonly string[]): DoiRow[] {
      return many(withdrawnStmt, datasetIds);
    },

    conceptOf(datasetId: string): DoiRow | undefined {
      return many(conceptsStmt, [datasetId])[0];
    },

    conceptsOf(datasetIds: readonly string[]): DoiRow[] {
      return many(conceptsStmt, datasetIds);
    },

    /**
     * Keyset page ordered by DOI; `query` matches the DOI or the title of the version it describes
     * (a concept DOI: the dataset's latest). Without `includeRestricted`, DOIs describing a
     * restricted version are left out here, so pages stay full.
     */
    list(opts: { query?: string; after?: string; limit: number; states?: DoiRow['state'][]; includeRestricted: boolean }): DoiRow[] {
      const q = opts.query ? `%${opts.query.replace(/[%_]/g, '')}%` : undefined;
      const described = sql`coalesce(${dois.versionPk}, (select ${datasets.latestVersionPk} from ${datasets} where ${datasets.id} = ${dois.datasetId} and ${dois.isConcept} = 1))`;
      return db
        .select({ d: dois })
        .from(dois)
        .leftJoin(datasetVersions, eq(datasetVersions.pk, described))
        .where(
          and(
            opts.after ? gt(dois.doi, opts.after) : undefined,
            opts.states ? inArray(dois.state, opts.states) : undefined,
            opts.includeRestricted ? undefined : or(isNull(datasetVersions.accessLevel), ne(datasetVersions.accessLevel, 'restricted')),
            q ? or(like(dois.doi, q.toLowerCase()), like(datasetVersions.title, q)) : undefined,
          ),
        )
        .orderBy(asc(dois.doi))
        .limit(opts.limit)
        .all()
        .map((r) => r.d);
    },

    insert(row: NewDoiRow): void {
      db.insert(dois).values(row).run();
    },

    update(doi: string, patch: Partial<NewDoiRow>): void {
      db.update(dois).set(patch).where(eq(dois.doi, doi)).run();
    },

    delete(doi: string): void {
      db.delete(dois).where(eq(dois.doi, doi)).run();
    },

    enqueue(doi: string, action: 'upsert' | 'delete', now: string): void {
      db.insert(doiOutbox).values({ doi, action, nextAttemptAt: now, createdAt: now }).run();
    },

    claim(owner: string, now: string, leaseUntil: string, limit: number): Claim[] {
      const rows = claimStmt.all({ owner, now, leaseUntil, limit }) as Pick<OutboxRow, 'id' | 'doi' | 'action' | 'attempts'>[];
      const byDoi = new Map<string, Claim>();
      for (const r of rows) {
        const c = byDoi.get(r.doi);
        if (!c || r.id > c.maxId) byDoi.set(r.doi, { doi: r.doi, maxId: r.id, action: r.action, attempts: Math.max(r.attempts, c?.attempts ?? 0) });
      }
      return [...byDoi.values()];
    },

    /** Marks the claimed rows delivered; rows written after the claim stay pending. */
    delivered(c: Claim, owner: string, now: string): void {
      db.update(doiOutbox)
        .set({ deliveredAt: now, leaseOwner: null, leaseUntil: null })
        .where(and(eq(doiOutbox.doi, c.doi), eq(doiOutbox.leaseOwner, owner), sql`${doiOutbox.id} <= ${c.maxId}`, isNull(doiOutbox.deliveredAt)))
        .run();
    },

    failed(c: Claim, owner: string, error: string, nextAttemptAt: string): void {
      db.update(doiOutbox)
        .set({ attempts: c.attempts + 1, lastError: error, nextAttemptAt, leaseOwner: null, leaseUntil: null })
        .where(and(eq(doiOutbox.doi, c.doi), eq(doiOutbox.leaseOwner, owner), isNull(doiOutbox.deliveredAt)))
        .run();
    },

    /** A stopping worker hands its leases back so that the next one need not wait for them to expire. */
    releaseLeases(owner: string): void {
      db.update(doiOutbox).set({ leaseOwner: null, leaseUntil: null }).where(and(eq(doiOutbox.leaseOwner, owner), isNull(doiOutbox.deliveredAt))).run();
    },

    undelivered(): OutboxRow[] {
      return db.select().from(doiOutbox).where(isNull(doiOutbox.deliveredAt)).orderBy(asc(doiOutbox.id)).all();
    },

    outboxFor(doi: string): OutboxRow[] {
      return db.select().from(doiOutbox).where(eq(doiOutbox.doi, doi)).orderBy(asc(doiOutbox.id)).all();
    },

    hasUndelivered(doi: string): boolean {
      return db.select({ id: doiOutbox.id }).from(doiOutbox).where(and(eq(doiOutbox.doi, doi), isNull(doiOutbox.deliveredAt))).limit(1).get() !== undefined;
    },

  };
}

export type IdentifiersRepository = ReturnType<typeof createIdentifiersRepository>;
