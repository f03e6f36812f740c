import type { Database_ } from '../../db/client.js';

/** A dataset version as the walk needs it: enough to filter, hide and name it, nothing more. */
export interface VersionMeta {
  pk: number;
  datasetId: string;
  version: number | null;
  accessLevel: 'open' | 'embargoed' | 'restricted';
  tier: number | null;
  dataType: string | null;
}

/**
 * One derivation step seen from the frontier, as a raw row (no object per row on the hot path):
 * [via (a frontier version pk, or null when the frontier is an activity), activity id, kind,
 * then the far-side version (pk, dataset id, number, access level, tier, data type), all null for
 * a step with no version on that side].
 */
export type StepRow = [number | null, string, string, number | null, string, number | null, VersionMeta['accessLevel'], number | null, string | null];

export const metaOf = (r: StepRow): VersionMeta => ({ pk: r[3]!, datasetId: r[4], version: r[5], accessLevel: r[6], tier: r[7], dataType: r[8] });

export type Side = 'up' | 'down';

const versionColumns = 'v.pk, v.dataset_id, v.version_number, v.access_level, v.tier, v.data_type';

/*
 * Frontier-batched: one statement per BFS level, the whole frontier passed as a JSON array and
 * unpacked by json_each, so a level costs one SQLite round trip whatever its width. `.raw()` rows
 * (arrays) skip building an object per row on the hot path.
 *
 * Upstream, a version's generating activity (activity_outputs) leads to that activity's inputs
 * (activity_inputs); downstream, the activities that used a version lead to their outputs. The
 * LEFT JOINs keep a step with nothing on its far side, so the activity itself is still reported.
 * CROSS JOIN pins the frontier as the outer loop (SQLite never reorders it): the planner cannot
 * estimate json_each's size and may otherwise scan the edge table once per level.
 */
const sides = {
  up: { near: 'activity_outputs', far: 'activity_inputs' },
  down: { near: 'activity_inputs', far: 'activity_outputs' },
} as const;

const farSide = (side: Side) => `LEFT JOIN ${sides[side].far} x ON x.activity_id = a.id LEFT JOIN dataset_versions v ON v.pk = x.version_pk`;

const fromVersions = (side: Side) => `SELECT f.value, a.id, a.kind, ${versionColumns}
  FROM json_each(?) f
  CROSS JOIN ${sides[side].near} n ON n.version_pk = f.value
  JOIN activities a ON a.id = n.activity_id
  ${farSide(side)}`;

const fromActivities = (side: Side) => `SELECT NULL, a.id, a.kind, ${versionColumns}
  FROM json_each(?) f
  JOIN activities a ON a.id = f.value
  ${farSide(side)}`;

export function createLineageRepository({ sqlite }: Database_) {
  const prepare = (sql: string) => sqlite.prepare(sql).raw(true);
  const stepFromVersions = { up: prepare(fromVersions('up')), down: prepare(fromVersions('down')) };
  const stepFromActivities = { up: prepare(fromActivities('up')), down: prepare(fromActivities('down')) };
  const versionsByPk = prepare(`SELECT ${versionColumns} FROM json_each(?) f JOIN dataset_versions v ON v.pk = f.value`);
  const publishedOf = prepare(
    `SELECT ${versionColumns} FROM dataset_versions v WHERE v.dataset_id = ? AND v.state = 'published' ORDER BY v.version_number`,
  );
  const activityKind = sqlite.prepare('SELECT kind FROM activities WHERE id = ?').pluck(true);

  const meta = (r: unknown[]): VersionMeta => ({
    pk: r[0] as number,
    datasetId: r[1] as string,
    version: r[2] as number | null,
    accessLevel: r[3] as VersionMeta['accessLevel'],
    tier: r[4] as number | null,
    dataType: r[5] as string | null,
  });

  return {
    /** Every step one derivation away from the given versions, on one side. */
    stepsFromVersions(side: Side, pks: readonly number[]): StepRow[] {
      return pks.length ? (stepFromVersions[side].all(JSON.stringify(pks)) as StepRow[]) : [];
    },

    /** The given activities with their inputs (up) or outputs (down). */
    stepsFromActivities(side: Side, ids: readonly string[]): StepRow[] {
      return ids.length ? (stepFromActivities[side].all(JSON.stringify(ids)) as StepRow[]) : [];
    },

    versions(pks: readonly number[]): VersionMeta[] {
      return pks.length ? (versionsByPk.all(JSON.stringify(pks)) as unknown[][]).map(meta) : [];
    },

    publishedVersions(datasetId: string): VersionMeta[] {
      return (publishedOf.all(datasetId) as unknown[][]).map(meta);
    },

    activityKind(id: string): string | undefined {
      return activityKind.get(id) as string | undefined;
    },
  };
}

export type LineageRepository = ReturnType<typeof createLineageRepository>;
