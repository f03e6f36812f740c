import type { Database } from '../../db/port.js';
import type { RunState } from './openlineage.schema.js';

export interface RunRow {
  runId: string;
  jobNamespace: string;
  jobName: string;
  state: RunState;
  startedAt: string | null;
  endedAt: string | null;
  activityId: string | null;
  updatedAt: string;
}

export function createOpenLineageRepository(db: Database) {
  // Every event goes through these: prepared once.
  const insertEvent = db.prepare(
    `INSERT INTO ol_events (digest, run_id, event_type, event_time, event, received_at) VALUES (@digest, @runId, @eventType, @eventTime, @event, @at) ON CONFLICT (digest) DO NOTHING`,
  );
  const runStmt = db.prepare(`
    SELECT run_id AS runId, job_namespace AS jobNamespace, job_name AS jobName, state, started_at AS startedAt, ended_at AS endedAt, activity_id AS activityId, updated_at AS updatedAt
      FROM ol_runs WHERE run_id = ?`);
  const upsertRun = db.prepare(`
    INSERT INTO ol_runs (run_id, job_namespace, job_name, state, started_at, ended_at, activity_id, updated_at)
    VALUES (@runId, @jobNamespace, @jobName, @state, @startedAt, @endedAt, @activityId, @updatedAt)
    ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, ended_at = excluded.ended_at,
      activity_id = excluded.activity_id, updated_at = excluded.updated_at`);
  const eventsOfRun = db.prepare(`SELECT event FROM ol_events WHERE run_id = ? ORDER BY event_time, pk`);
  const datasetStmt = db.prepare(`SELECT dataset_id FROM ol_datasets WHERE namespace = ? AND name = ?`);
  const insertDataset = db.prepare(`INSERT INTO ol_datasets (namespace, name, dataset_id) VALUES (?, ?, ?)`);
  const versionStmt = db.prepare(`SELECT version_pk FROM ol_versions WHERE dataset_id = ? AND version_key = ?`);
  const insertVersion = db.prepare(`INSERT INTO ol_versions (dataset_id, version_key, version_pk) VALUES (?, ?, ?)`);

  // Bulk batches (the set-based path of a batch of first-seen runs): one statement per table, rows as one JSON array in order.
  const rowsOf = db.sql.each('?', 'k', 'json');
  const receivedStmt = db.prepare(`SELECT e.digest FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN ol_events e WHERE e.digest = k.value`);
  const knownRunsStmt = db.prepare(`SELECT r.run_id FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN ol_runs r WHERE r.run_id = k.value`);
  const datasetsStmt = db.prepare(`
    SELECT d.namespace, d.name, d.dataset_id AS datasetId FROM ${rowsOf} CROSS JOIN ol_datasets d WHERE d.namespace = k.value->>0 AND d.name = k.value->>1`);
  const insertEvents = db.prepare(`
    INSERT INTO ol_events (digest, run_id, event_type, event_time, event, received_at)
    SELECT k.value->>'digest', k.value->>'runId', k.value->>'eventType', k.value->>'eventTime', k.value->>'event', k.value->>'at' FROM ${rowsOf}`);
  const insertDatasets = db.prepare(`INSERT INTO ol_datasets (namespace, name, dataset_id) SELECT k.value->>0, k.value->>1, k.value->>2 FROM ${rowsOf}`);
  const insertVersions = db.prepare(
    `INSERT INTO ol_versions (dataset_id, version_key, version_pk) SELECT k.value->>0, k.value->>1, CAST(k.value->>2 AS BIGINT) FROM ${rowsOf}`,
  );
  const insertRuns = db.prepare(`
    INSERT INTO ol_runs (run_id, job_namespace, job_name, state, started_at, ended_at, activity_id, updated_at)
    SELECT k.value->>'runId', k.value->>'jobNamespace', k.value->>'jobName', k.value->>'state', k.value->>'startedAt', k.value->>'endedAt', k.value->>'activityId', k.value->>'updatedAt'
      FROM ${rowsOf}`);

  return {
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    /** Records an event once; false when an event with this digest was already received. */
    async addEvent(row: { digest: string; runId: string | null; eventType: string | null; eventTime: string; event: string; at: string }): Promise<boolean> {
      return (await insertEvent.run(row)).changes === 1;
    },

    /** The events of a run as received, oldest first (what a step combines: each may carry part of its facets). */
    eventsOf: async (runId: string): Promise<string[]> => (await eventsOfRun.column(runId)) as string[],

    run: async (runId: string): Promise<RunRow | undefined> => (await runStmt.get(runId)) as RunRow | undefined,

    async saveRun(row: RunRow): Promise<void> {
      await upsertRun.run(row);
    },

    datasetOf: async (namespace: string, name: string): Promise<string | undefined> => (await datasetStmt.scalar([namespace, name])) as string | undefined,

    async mapDataset(namespace: string, name: string, datasetId: string): Promise<void> {
      await insertDataset.run([namespace, name, datasetId]);
    },

    versionOf: async (datasetId: string, key: string): Promise<number | undefined> => (await versionStmt.scalar([datasetId, key])) as number | undefined,

    async mapVersion(datasetId: string, key: string, versionPk: number): Promise<void> {
      await insertVersion.run([datasetId, key, versionPk]);
    },

    /** Of these event digests, those already received; of these run ids, those already known: one statement each. */
    received: async (digests: readonly string[]): Promise<Set<string>> => new Set(await receivedStmt.column<string>(JSON.stringify(digests))),
    knownRuns: async (runIds: readonly string[]): Promise<Set<string>> => new Set(await knownRunsStmt.column<string>(JSON.stringify(runIds))),

    /** The femto datasets of OpenLineage datasets already mapped, keyed "namespace\nname", in one statement. */
    async datasetsOf(names: readonly { namespace: string; name: string }[]): Promise<Map<string, string>> {
      const rows = (await datasetsStmt.all(JSON.stringify(names.map((d) => [d.namespace, d.name])))) as {
        namespace: string;
        name: string;
        datasetId: string;
      }[];
      return new Map(rows.map((r) => [`${r.namespace}\n${r.name}`, r.datasetId]));
    },

    /** addEvent for each of a batch of events new to femto, in one statement. */
    async addEvents(
      rows: readonly { digest: string; runId: string | null; eventType: string | null; eventTime: string; event: string; at: string }[],
    ): Promise<void> {
      if (rows.length) await insertEvents.run(JSON.stringify(rows));
    },

    /** What mapDataset, mapVersion and saveRun write for each of a batch of new runs and datasets in turn: one statement per table, rows in order. */
    async addMany(rows: {
      datasets: [namespace: string, name: string, datasetId: string][];
      versions: [datasetId: string, key: string, versionPk: number][];
      runs: RunRow[];
    }): Promise<void> {
      if (rows.datasets.length) await insertDatasets.run(JSON.stringify(rows.datasets));
      if (rows.versions.length) await insertVersions.run(JSON.stringify(rows.versions));
      if (rows.runs.length) await insertRuns.run(JSON.stringify(rows.runs));
    },
  };
}

export type OpenLineageRepository = ReturnType<typeof createOpenLineageRepository>;
