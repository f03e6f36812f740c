import { flag, type Database } from '../../db/port.js';
import type { ReplicaLocation, Site, SiteInput, VerifyResult } from './locations.schema.js';

/** One distribution of a version with its replicas, in order. */
export interface DistributionReplicas {
  pk: number;
  index: number;
  title: string | null;
  kind: 'download' | 'access';
  sizeBytes: number | null;
  checksum: { algorithm: string; value: string } | null;
  /** The ILDG logical file name of the file, when it is a gauge configuration. */
  lfn: string | null;
  replicas: ReplicaLocation[];
}

/** A replica as `femto locations verify` checks it: where it is and what its bytes must be. */
export interface ReplicaToVerify {
  distributionPk: number;
  position: number;
  dataset: string;
  version: number | null;
  url: string;
  site: string | null;
  protocol: string;
  sizeBytes: number | null;
  /** Every checksum stated for its bytes (the distribution's and the site's), one per algorithm. */
  checksums: { algorithm: string; value: string }[];
}

interface ReplicaRow {
  pk: number;
  distribution: number;
  title: string | null;
  kind: 'download' | 'access';
  sizeBytes: number | null;
  algorithm: string | null;
  value: string | null;
  lfn: string | null;
  url: string | null;
  site: string | null;
  protocol: string | null;
  replicaAlgorithm: string | null;
  replicaValue: string | null;
  verifiedAt: string | null;
  verifyResult: VerifyResult | null;
  verifyDetail: string | null;
}

const checksumOf = (algorithm: string | null, value: string | null) => (algorithm && value ? { algorithm, value } : null);

export function createLocationsRepository(db: Database) {
  const inTransaction = <T>(fn: () => Promise<T>) => db.transaction(fn);
  const siteColumns = 'id, name, description, homepage, updated_at AS updatedAt';
  const sitesStmt = db.prepare(`SELECT ${siteColumns} FROM sites ORDER BY id`);
  const siteStmt = db.prepare(`SELECT ${siteColumns} FROM sites WHERE id = ?`);
  const upsertSiteStmt = db.prepare(`
    INSERT INTO sites (id, name, description, homepage, updated_at) VALUES (@id, @name, @description, @homepage, @now)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, homepage = excluded.homepage, updated_at = excluded.updated_at`);
  const deleteSiteStmt = db.prepare('DELETE FROM sites WHERE id = ?');
  const siteUsedStmt = db.prepare('SELECT EXISTS (SELECT 1 FROM distribution_locations WHERE site = ?)');
  const knownStmt = db.prepare(`SELECT s.id FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN sites s WHERE s.id = k.value`);
  // One statement for every distribution of a version and every replica of each (a distribution without replicas: one row of nulls).
  const replicasStmt = db.prepare(`
    SELECT x.pk, x.position + 1 AS distribution, x.title, x.kind, x.size_bytes AS sizeBytes, x.checksum_algorithm AS algorithm, x.checksum_value AS value, x.lfn,
           l.url, l.site, l.protocol, l.checksum_algorithm AS replicaAlgorithm, l.checksum_value AS replicaValue,
           l.verified_at AS verifiedAt, l.verify_result AS verifyResult, l.verify_detail AS verifyDetail
      FROM distributions x LEFT JOIN distribution_locations l ON l.distribution_pk = x.pk
     WHERE x.version_pk = ? ORDER BY x.position, l.position`);
  const toVerifyStmt = db.prepare(`
    SELECT l.distribution_pk AS distributionPk, l.position, v.dataset_id AS dataset, v.version_number AS version, l.url, l.site, l.protocol,
           x.size_bytes AS sizeBytes, x.checksum_algorithm AS algorithm, x.checksum_value AS value, l.checksum_algorithm AS replicaAlgorithm, l.checksum_value AS replicaValue
      FROM distribution_locations l JOIN distributions x ON x.pk = l.distribution_pk JOIN dataset_versions v ON v.pk = x.version_pk
     WHERE (@site IS NULL OR l.site = @site) AND (@dataset IS NULL OR v.dataset_id = @dataset)
     ORDER BY v.dataset_id, v.pk, x.position, l.position`);
  const addReplicaStmt = db.prepare(`
    INSERT INTO distribution_locations (distribution_pk, position, url, site, protocol, checksum_algorithm, checksum_value, added_at)
    SELECT @distributionPk, coalesce(max(position), -1) + 1, @url, @site, @protocol, @algorithm, @value, @now FROM distribution_locations WHERE distribution_pk = @distributionPk`);
  const removeReplicaStmt = db.prepare('DELETE FROM distribution_locations WHERE distribution_pk = ? AND url = ?');
  const recordStmt = db.prepare(
    'UPDATE distribution_locations SET verified_at = @at, verify_result = @result, verify_detail = @detail WHERE distribution_pk = @distributionPk AND position = @position',
  );

  return {
    sites: async () => (await sitesStmt.all()) as Site[],
    site: async (id: string) => (await siteStmt.get(id)) as Site | undefined,

    /** Creates or replaces a site; true when it was new. */
    async putSite(id: string, input: SiteInput, now: string): Promise<boolean> {
      return inTransaction(async () => {
        const existed = (await siteStmt.get(id)) !== undefined;
        await upsertSiteStmt.run({ id, name: input.name, description: input.description ?? null, homepage: input.homepage ?? null, now });
        return !existed;
      });
    },

    /** Removes a site no replica names: 'deleted', 'absent', or 'in-use'. */
    async deleteSite(id: string): Promise<'deleted' | 'absent' | 'in-use'> {
      return inTransaction(async () => {
        if (flag(await siteUsedStmt.scalar(id))) return 'in-use';
        return (await deleteSiteStmt.run(id)).changes ? 'deleted' : 'absent';
      });
    },

    knownSites: async (ids: string[]) => new Set(ids.length ? ((await knownStmt.column(JSON.stringify(ids))) as string[]) : []),

    /** The distributions of one version with their replicas and last checks, in one statement. */
    async replicasOf(versionPk: number): Promise<DistributionReplicas[]> {
      const out: DistributionReplicas[] = [];
      for (const r of (await replicasStmt.all(versionPk)) as ReplicaRow[]) {
        let d = out[out.length - 1];
        if (d?.index !== r.distribution) {
          d = {
            pk: r.pk,
            index: r.distribution,
            title: r.title,
            kind: r.kind,
            sizeBytes: r.sizeBytes,
            checksum: checksumOf(r.algorithm, r.value),
            lfn: r.lfn,
            replicas: [],
          };
          out.push(d);
        }
        if (r.url === null) continue;
        d.replicas.push({
          url: r.url,
          site: r.site,
          protocol: r.protocol!,
          checksum: checksumOf(r.replicaAlgorithm, r.replicaValue),
          verified: r.verifiedAt && r.verifyResult ? { at: r.verifiedAt, result: r.verifyResult, detail: r.verifyDetail } : null,
        });
      }
      return out;
    },

    /** Every replica to check (at one site, of one dataset, when given), with what its bytes must be. */
    async toVerify(filter: { site?: string; dataset?: string }): Promise<ReplicaToVerify[]> {
      type Row = Omit<ReplicaToVerify, 'checksums'> & Record<'algorithm' | 'value' | 'replicaAlgorithm' | 'replicaValue', string | null>;
      return ((await toVerifyStmt.all({ site: filter.site ?? null, dataset: filter.dataset ?? null })) as Row[]).map(
        ({ algorithm, value, replicaAlgorithm, replicaValue, ...r }) => {
          const stated = [checksumOf(algorithm, value), checksumOf(replicaAlgorithm, replicaValue)].filter((c) => c !== null);
          // Writes refuse disagreeing checksums: one per algorithm is all there is.
          const checksums = stated.filter((c, i) => stated.findIndex((o) => o.algorithm === c.algorithm) === i);
          return { ...r, checksums };
        },
      );
    },

    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    /** Adds a replica after the distribution's others (its version's change counter moves: a trigger). */
    async addReplica(
      distributionPk: number,
      r: { url: string; site: string | null; protocol: string; checksum: { algorithm: string; value: string } | null },
      now: string,
    ): Promise<void> {
      await addReplicaStmt.run({
        distributionPk,
        url: r.url,
        site: r.site,
        protocol: r.protocol,
        algorithm: r.checksum?.algorithm ?? null,
        value: r.checksum?.value ?? null,
        now,
      });
    },

    async removeReplica(distributionPk: number, url: string): Promise<boolean> {
      return (await removeReplicaStmt.run([distributionPk, url])).changes > 0;
    },

    async recordVerification(
      replica: Pick<ReplicaToVerify, 'distributionPk' | 'position'>,
      found: { at: string; result: VerifyResult; detail: string | null },
    ): Promise<void> {
      await recordStmt.run({ distributionPk: replica.distributionPk, position: replica.position, ...found });
    },
  };
}

export type LocationsRepository = ReturnType<typeof createLocationsRepository>;
