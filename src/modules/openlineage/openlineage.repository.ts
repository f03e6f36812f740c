import { transactionRunner, type Database_ } from '../../db/client.js';
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

export function createOpenLineageRepository({ sqlite }: Database_) {
  const inTransaction = transactionRunner(sqlite);
  // Every event goes through these: prepared once.
  const insertEvent = sqlite.prepare(
    `INSERT INTO ol_events (digest, run_id, event_type, event_time, event, received_at) VALUES (@digest, @runId, @eventType, @eventTime, @event, @at) ON CONFLICT (digest) DO NOTHING`,
  );
  const runStmt = sqlite.prepare(`
    SELECT run_id AS runId, job_namespace AS jobNamespace, job_name AS jobName, state, started_at AS startedAt, ended_at AS endedAt, activity_id AS activityId, updated_at AS updatedAt
      FROM ol_runs WHERE run_id = ?`);
  const upsertRun = sqlite.prepare(`
    INSERT INTO ol_runs (run_id, job_namespace, job_name, state, started_at, ended_at, activity_id, updated_at)
    VALUES (@runId, @jobNamespace, @jobName, @state, @startedAt, @endedAt, @activityId, @updatedAt)
    ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, ended_at = excluded.ended_at,
      activity_id = excluded.activity_id, updated_at = excluded.updated_at`);
  const eventsOfRun = sqlite.prepare(`SELECT event FROM ol_events WHERE run_id = ? ORDER BY event_time, pk`).pluck(true);
  const datasetStmt = sqlite.prepare(`SELECT dataset_id FROM ol_datasets WHERE namespace = ? AND name = ?`).pluck(true);
  const insertDataset = sqlite.prepare(`INSERT INTO ol_datasets (namespace, name, dataset_id) VALUES (?, ?, ?)`);
  const versionStmt = sqlite.prepare(`SELECT version_pk FROM ol_versions WHERE dataset_id = ? AND version_key = ?`).pluck(true);
  const insertVersion = sqlite.prepare(`INSERT INTO ol_versions (dataset_id, version_key, version_pk) VALUES (?, ?, ?)`);

  return {
    transaction<T>(fn: () => T): T {
      return inTransaction(fn);
    },

    /** Records an event once; false when an event with this digest was already received. */
    addEvent(row: { digest: string; runId: string | null; eventType: string | null; eventTime: string; event: string; at: string }): boolean {
      return insertEvent.run(row).changes === 1;
    },

    /** The events of a run as received, oldest first (what a step combines: each may carry part of its facets). */
    eventsOf: (runId: string): string[] => eventsOfRun.all(runId) as string[],

    run: (runId: string): RunRow | undefined => runStmt.get(runId) as RunRow | undefined,

    saveRun(row: RunRow): void {
      upsertRun.run(row);
    },

    datasetOf: (namespace: string, name: string): string | undefined => datasetStmt.get(namespace, name) as string | undefined,

    mapDataset(namespace: string, name: string, datasetId: string): void {
      insertDataset.run(namespace, name, datasetId);
    },

    versionOf: (datasetId: string, key: string): number | undefined => versionStmt.get(datasetId, key) as number | undefined,

    mapVersion(datasetId: string, key: string, versionPk: number): void {
      insertVersion.run(datasetId, key, versionPk);
    },
  };
}

export type OpenLineageRepository = ReturnType<typeof createOpenLineageRepository>;
