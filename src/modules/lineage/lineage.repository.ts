import type { Database_ } from '../../db/client.js';

/** A dataset version as an answer needs it: enough to filter, hide and name it, nothing more. */
export interface VersionMeta {
  pk: number;
  datasetId: string;
  version: number | null;
  accessLevel: 'open' | 'embargoed' | 'restricted';
  tier: number | null;
  dataType: string | null;
}

export type Side = 'up' | 'down';

/** Everything a lineage snapshot is built from, read in one transaction so it matches `generation`. */
export interface GraphScan {
  generation: number;
  /** [id, kind] */
  activities: [string, string][];
  /** [activity id, version pk] of prov:used and prov:wasGeneratedBy */
  inputs: [string, number][];
  outputs: [string, number][];
  /** Every published version: [pk, dataset id, number, access level, tier, data type] */
  versions: [number, string, number, VersionMeta['accessLevel'], number | null, string | null][];
}

const versionColumns = 'v.pk, v.dataset_id, v.version_number, v.access_level, v.tier, v.data_type';

export function createLineageRepository({ sqlite }: Database_) {
  const prepare = (sql: string) => sqlite.prepare(sql).raw(true);
  const generation = sqlite.prepare('SELECT generation FROM provenance_generation WHERE id = 1').pluck(true);
  const allActivities = prepare('SELECT id, kind FROM activities');
  const allInputs = prepare('SELECT activity_id, version_pk FROM activity_inputs');
  const allOutputs = prepare('SELECT activity_id, version_pk FROM activity_outputs');
  const allPublished = prepare(`SELECT ${versionColumns} FROM dataset_versions v WHERE v.state = 'published'`);
  // One statement per answer: the pks travel as one JSON array.
  const versionsByPk = prepare(`SELECT ${versionColumns} FROM json_each(?) f JOIN dataset_versions v ON v.pk = f.value`);
  const latestOf = sqlite.prepare('SELECT latest_version_pk FROM datasets WHERE id = ?').pluck(true);
  const publishedOf = prepare(
    `SELECT ${versionColumns} FROM dataset_versions v WHERE v.dataset_id = ? AND v.state = 'published' ORDER BY v.version_number`,
  );

  const meta = (r: unknown[]): VersionMeta => ({
    pk: r[0] as number,
    datasetId: r[1] as string,
    version: r[2] as number | null,
    accessLevel: r[3] as VersionMeta['accessLevel'],
    tier: r[4] as number | null,
    dataType: r[5] as string | null,
  });

  return {
    /** The provenance generation: bumped with every activity insert, by any process. */
    generation(): number {
      return (generation.get() as number | undefined) ?? 0;
    },

    /** The whole graph; a read transaction keeps the scans and the generation consistent. */
    scan(): GraphScan {
      return sqlite.transaction(() => ({
        generation: (generation.get() as number | undefined) ?? 0,
        activities: allActivities.all() as [string, string][],
        inputs: allInputs.all() as [string, number][],
        outputs: allOutputs.all() as [string, number][],
        versions: allPublished.all() as GraphScan['versions'],
      }))();
    },

    versions(pks: readonly number[]): VersionMeta[] {
      return pks.length ? (versionsByPk.all(JSON.stringify(pks)) as unknown[][]).map(meta) : [];
    },

    /** A dataset's latest published version pk: null when it has none, undefined when there is no such dataset. */
    latestVersionPk(datasetId: string): number | null | undefined {
      return latestOf.get(datasetId) as number | null | undefined;
    },

    publishedVersions(datasetId: string): VersionMeta[] {
      return (publishedOf.all(datasetId) as unknown[][]).map(meta);
    },
  };
}

export type LineageRepository = ReturnType<typeof createLineageRepository>;
