import type { Database } from '../../db/port.js';

/** A dataset version as an answer needs it: enough to filter, hide and name it, nothing more. */
export interface VersionMeta {
  pk: number;
  datasetId: string;
  version: number | null;
  visibility: 'public' | 'private';
  accessLevel: 'open' | 'embargoed' | 'restricted';
  tier: number | null;
  dataType: string | null;
}

export type Side = 'up' | 'down';

/** The largest rowid a snapshot has read of each append-only table. */
export interface ScanCursor {
  activities: number;
  inputs: number;
  outputs: number;
}

/**
 * What a lineage snapshot is built or extended from, read in one transaction so it matches
 * `generation`: the rows of activities, inputs and outputs after a cursor, in rowid order.
 */
export interface GraphScan {
  generation: number;
  /** [rowid, id, kind] */
  activities: [number, string, string][];
  /** [rowid, activity id, version pk] of prov:used and prov:wasGeneratedBy */
  inputs: [number, string, number][];
  outputs: [number, string, number][];
  /**
   * Published versions: [pk, dataset id, number, access level, tier, data type, visibility]. All of
   * them in a full scan; in changes, those the new edges touch.
   */
  versions: [number, string, number, VersionMeta['accessLevel'], number | null, string | null, VersionMeta['visibility']][];
}

/** Told the new generation at every commit that moved it (migrations-pg 0005): PostgreSQL only. */
const GENERATION_CHANNEL = 'femto_provenance';

const START: ScanCursor = { activities: 0, inputs: 0, outputs: 0 };

const versionColumns = 'v.pk, v.dataset_id, v.version_number, v.access_level, v.tier, v.data_type, v.visibility';

export function createLineageRepository(db: Database) {
  const generation = db.prepare('SELECT generation FROM provenance_generation WHERE id = 1');
  /*
   * The tables are append-only (rows are only ever inserted, by the provenance repository), so rowids past a cursor
   * are exactly what was added, provided a row never becomes visible with a rowid below one already read: on SQLite
   * writes are serial; on PostgreSQL rowid is an identity column whose values writers take under a lock held to
   * commit (provenance.repository.ts inWriteOrder).
   */
  const activitiesAfter = db.prepare('SELECT rowid, id, kind FROM activities WHERE rowid > ? ORDER BY rowid');
  const inputsAfter = db.prepare('SELECT rowid, activity_id, version_pk FROM activity_inputs WHERE rowid > ? ORDER BY rowid');
  const outputsAfter = db.prepare('SELECT rowid, activity_id, version_pk FROM activity_outputs WHERE rowid > ? ORDER BY rowid');
  const allPublished = db.prepare(`SELECT ${versionColumns} FROM dataset_versions v WHERE v.state = 'published'`);
  const pks = db.sql.each('?', 'f', 'integer');
  const publishedByPk = db.prepare(`SELECT ${versionColumns} FROM ${pks} CROSS JOIN dataset_versions v WHERE v.pk = f.value AND v.state = 'published'`);
  // One statement per answer: the pks travel as one JSON array.
  const versionsByPk = db.prepare(`SELECT ${versionColumns} FROM ${pks} CROSS JOIN dataset_versions v WHERE v.pk = f.value`);
  const latestOf = db.prepare('SELECT latest_version_pk FROM datasets WHERE id = ?');
  const publishedOf = db.prepare(`SELECT ${versionColumns} FROM dataset_versions v WHERE v.dataset_id = ? AND v.state = 'published' ORDER BY v.version_number`);

  const meta = (r: unknown[]): VersionMeta => ({
    pk: r[0] as number,
    datasetId: r[1] as string,
    version: r[2] as number | null,
    accessLevel: r[3] as VersionMeta['accessLevel'],
    tier: r[4] as number | null,
    dataType: r[5] as string | null,
    visibility: r[6] as VersionMeta['visibility'],
  });

  /** The rows after `cursor` and the published versions `versionsOf` picks; one read transaction keeps them and the generation consistent. */
  const read = (cursor: ScanCursor, versionsOf: (touched: () => number[]) => Promise<unknown[]>): Promise<GraphScan> =>
    db.transaction(
      async () => {
        const inputs = (await inputsAfter.values(cursor.inputs)) as GraphScan['inputs'];
        const outputs = (await outputsAfter.values(cursor.outputs)) as GraphScan['outputs'];
        return {
          generation: ((await generation.scalar()) as number | undefined) ?? 0,
          activities: (await activitiesAfter.values(cursor.activities)) as GraphScan['activities'],
          inputs,
          outputs,
          versions: (await versionsOf(() => [...new Set([...inputs, ...outputs].map((r) => r[2]))])) as GraphScan['versions'],
        };
      },
      { readOnly: true },
    );

  return {
    /**
     * The provenance generation: bumped with every activity insert, by any process. Every use of the snapshot asks
     * it first; the snapshot is shared by every request and fed from the primary, so from here on the request reads
     * from the primary: an anonymous request on the read replica never takes the snapshot back to an older
     * generation, nor meets rows the snapshot has and the replica not yet.
     */
    async generation(): Promise<number> {
      db.stayOnPrimary();
      return ((await generation.scalar()) as number | undefined) ?? 0;
    },

    /**
     * Calls `moved` when another process may have moved the generation, where the database can tell (PostgreSQL);
     * resolves to a function that stops, or undefined where it cannot (SQLite).
     */
    watchGeneration: (moved: () => void): Promise<(() => Promise<void>) | undefined> =>
      db.listen ? db.listen(GENERATION_CHANNEL, () => moved()) : Promise.resolve(undefined),

    /** The whole graph. */
    scan: (): Promise<GraphScan> => read(START, () => allPublished.values()),

    /** What was added after `cursor`, with the published versions the new edges touch. */
    changes: (cursor: ScanCursor): Promise<GraphScan> => read(cursor, (touched) => publishedByPk.values(JSON.stringify(touched()))),

    async versions(pks: readonly number[]): Promise<VersionMeta[]> {
      return pks.length ? ((await versionsByPk.values(JSON.stringify(pks))) as unknown[][]).map(meta) : [];
    },

    /** A dataset's latest published version pk: null when it has none, undefined when there is no such dataset. */
    async latestVersionPk(datasetId: string): Promise<number | null | undefined> {
      return (await latestOf.scalar(datasetId)) as number | null | undefined;
    },

    async publishedVersions(datasetId: string): Promise<VersionMeta[]> {
      return ((await publishedOf.values(datasetId)) as unknown[][]).map(meta);
    },
  };
}

export type LineageRepository = ReturnType<typeof createLineageRepository>;
