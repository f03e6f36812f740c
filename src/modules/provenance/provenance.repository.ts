import type { AgentRow } from './agents.repository.js';
import type { VersionEndpoint } from './provenance.schema.js';
import { transactionRunner, type Database_ } from '../../db/client.js';
import type { activities } from '../../db/schema/index.js';
import { sharedGroups } from '../../db/fragments.js';

export type ActivityRow = typeof activities.$inferSelect;

export function createProvenanceRepository({ sqlite }: Database_) {
  const inTransaction = transactionRunner(sqlite);
  /*
   * Is any of `targets` downstream of (or equal to) any of `starts`? UNION (not UNION ALL) keeps
   * each version once, so the walk terminates even on corrupt data that already holds a cycle.
   */
  const reachesDownstream = sqlite.prepare(`
    WITH RECURSIVE down(pk) AS (
      SELECT value FROM json_each(?)
      UNION
      SELECT o.version_pk
        FROM down
        JOIN activity_inputs i ON i.version_pk = down.pk
        JOIN activity_outputs o ON o.activity_id = i.activity_id
    )
    SELECT pk FROM down WHERE pk IN (SELECT value FROM json_each(?)) LIMIT 1`);

  // Most steps write versions nothing reads yet (a bulk import makes them in order): one index probe settles those without the walk.
  const usedStmt = sqlite.prepare('SELECT 1 FROM json_each(?) k CROSS JOIN activity_inputs i ON i.version_pk = k.value LIMIT 1').pluck(true);

  // Writes of steps, prepared once: bulk imports write one per record.
  const existsStmt = sqlite.prepare('SELECT 1 FROM activities WHERE id = ?').pluck(true);
  const insertActivityStmt = sqlite.prepare(`
    INSERT INTO activities (id, kind, name, description, software_name, software_version, software_repository, software_commit, parameters, started_at, ended_at, basis, implied, created_by, created_at)
    VALUES (@id, @kind, @name, @description, @softwareName, @softwareVersion, @softwareRepository, @softwareCommit, @parameters, @startedAt, @endedAt, @basis, @implied, @createdBy, @createdAt)`);
  const insertAgentLink = sqlite.prepare('INSERT INTO activity_agents (activity_id, agent_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const insertInput = sqlite.prepare('INSERT INTO activity_inputs (activity_id, version_pk, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const insertOutput = sqlite.prepare('INSERT INTO activity_outputs (activity_id, version_pk) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const generatedStmt = sqlite.prepare(
    'SELECT o.version_pk AS versionPk, o.activity_id AS activityId FROM json_each(?) k CROSS JOIN activity_outputs o ON o.version_pk = k.value',
  );

  // Bulk writes (insertActivities): one statement per table for a whole batch, rows as one JSON array in order.
  const existingStmt = sqlite.prepare('SELECT a.id FROM json_each(?) k CROSS JOIN activities a ON a.id = k.value').pluck(true);
  const usedAmongStmt = sqlite.prepare('SELECT DISTINCT i.version_pk FROM json_each(?) k CROSS JOIN activity_inputs i ON i.version_pk = k.value').pluck(true);
  const insertActivitiesStmt = sqlite.prepare(`
    INSERT INTO activities (id, kind, name, description, software_name, software_version, software_repository, software_commit, parameters, started_at, ended_at, basis, implied, created_by, created_at)
    SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10, value->>11, value->>12, value->>13, value->>14
      FROM json_each(?)`);
  const insertInputs = sqlite.prepare(
    'INSERT INTO activity_inputs (activity_id, version_pk, role) SELECT value->>0, value->>1, value->>2 FROM json_each(?) WHERE true ON CONFLICT DO NOTHING',
  );
  const insertOutputs = sqlite.prepare(
    'INSERT INTO activity_outputs (activity_id, version_pk) SELECT value->>0, value->>1 FROM json_each(?) WHERE true ON CONFLICT DO NOTHING',
  );
  const bumpGenerationBy = sqlite.prepare(
    'INSERT INTO provenance_generation (id, generation) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET generation = generation + excluded.generation',
  );

  /* Lineage snapshots (in this process or any other on the same file) compare this counter to know they are stale. */
  const bumpGeneration = sqlite.prepare(
    'INSERT INTO provenance_generation (id, generation) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET generation = generation + 1',
  );

  // Reads of records and neighbourhoods: prepared once, many keys as one JSON array.
  const activitiesStmt = sqlite.prepare(`SELECT a.* FROM json_each(@ids) k CROSS JOIN activities a ON a.id = k.value`);
  const agentsStmt = sqlite.prepare(`
    SELECT l.activity_id AS activityId, l.role, g.id, g.kind, g.name, g.orcid, g.ror, g.url, g.affiliation, g.created_at AS createdAt
      FROM json_each(@ids) k CROSS JOIN activity_agents l ON l.activity_id = k.value JOIN agents g ON g.id = l.agent_id ORDER BY l.activity_id, l.agent_id, l.role`);
  const endpoint = (table: 'activity_inputs' | 'activity_outputs', role: string) => `
    SELECT e.activity_id AS activityId, e.version_pk AS versionPk, ${role} AS role, v.dataset_id AS datasetId, v.version_number AS versionNumber,
           v.title, v.state, v.visibility, v.access_level AS accessLevel, d.owner_id AS owner, ${sharedGroups()} AS groups
      FROM json_each(@ids) k CROSS JOIN ${table} e ON e.activity_id = k.value JOIN dataset_versions v ON v.pk = e.version_pk JOIN datasets d ON d.id = v.dataset_id
     ORDER BY e.activity_id, e.version_pk`;
  const endpoints = (rows: unknown[]) =>
    (rows as (Omit<VersionEndpoint, 'groups'> & { groups: string })[]).map((r) => ({ ...r, groups: JSON.parse(r.groups) as string[] }));
  const inputsStmt = sqlite.prepare(endpoint('activity_inputs', 'e.role'));
  const outputsStmt = sqlite.prepare(endpoint('activity_outputs', 'NULL'));
  const touchingStmt = sqlite.prepare(`
    SELECT 'generatedBy' AS side, o.version_pk AS versionPk, o.activity_id AS activityId FROM json_each(@pks) k CROSS JOIN activity_outputs o ON o.version_pk = k.value
    UNION ALL
    SELECT 'usedBy', i.version_pk, i.activity_id FROM json_each(@pks) k CROSS JOIN activity_inputs i ON i.version_pk = k.value
    ORDER BY 1, 3`);
  interface RawActivity {
    id: string;
    kind: string;
    name: string | null;
    description: string | null;
    software_name: string | null;
    software_version: string | null;
    software_repository: string | null;
    software_commit: string | null;
    parameters: string | null;
    started_at: string | null;
    ended_at: string | null;
    basis: string | null;
    implied: number;
    created_by: string;
    created_at: string;
  }
  const activityRow = (a: RawActivity): ActivityRow => ({
    id: a.id,
    kind: a.kind as ActivityRow['kind'],
    name: a.name,
    description: a.description,
    softwareName: a.software_name,
    softwareVersion: a.software_version,
    softwareRepository: a.software_repository,
    softwareCommit: a.software_commit,
    parameters: a.parameters == null ? null : (JSON.parse(a.parameters) as ActivityRow['parameters']),
    startedAt: a.started_at,
    endedAt: a.ended_at,
    basis: a.basis,
    implied: a.implied === 1,
    createdBy: a.created_by,
    createdAt: a.created_at,
  });

  return {
    transaction<T>(fn: () => T): T {
      return inTransaction(fn);
    },

    activityExists: (id: string) => existsStmt.get(id) !== undefined,

    insertActivity(
      row: typeof activities.$inferInsert,
      links: { agents: { agentId: string; role: string }[]; inputs: { versionPk: number; role: string | null }[]; outputs: number[] },
    ): void {
      // Nested in the caller's transaction (a savepoint): the edges and the generation bump commit or roll back together.
      inTransaction(() => {
        insertActivityStmt.run({
          name: null,
          description: null,
          softwareName: null,
          softwareVersion: null,
          softwareRepository: null,
          softwareCommit: null,
          startedAt: null,
          endedAt: null,
          basis: null,
          ...row,
          parameters: row.parameters == null ? null : JSON.stringify(row.parameters),
          implied: row.implied ? 1 : 0,
          createdAt: row.createdAt ?? new Date().toISOString(),
        });
        for (const a of links.agents) insertAgentLink.run(row.id, a.agentId, a.role);
        for (const i of links.inputs) insertInput.run(row.id, i.versionPk, i.role);
        for (const versionPk of links.outputs) insertOutput.run(row.id, versionPk);
        bumpGeneration.run();
      });
    },

    /**
     * Steps without agents, in a fixed number of statements: the rows insertActivity leaves for each in turn (the
     * generation counter moved once per step), inputs before outputs as there.
     */
    insertActivities(steps: readonly { row: typeof activities.$inferInsert; inputs: { versionPk: number; role: string | null }[]; outputs: number[] }[]): void {
      if (!steps.length) return;
      insertActivitiesStmt.run(
        JSON.stringify(
          steps.map(({ row: a }) => [
            a.id,
            a.kind,
            a.name ?? null,
            a.description ?? null,
            a.softwareName ?? null,
            a.softwareVersion ?? null,
            a.softwareRepository ?? null,
            a.softwareCommit ?? null,
            a.parameters == null ? null : JSON.stringify(a.parameters),
            a.startedAt ?? null,
            a.endedAt ?? null,
            a.basis ?? null,
            a.implied ? 1 : 0,
            a.createdBy,
            a.createdAt,
          ]),
        ),
      );
      const inputs = steps.flatMap(({ row, inputs }) => inputs.map((i) => [row.id, i.versionPk, i.role]));
      if (inputs.length) insertInputs.run(JSON.stringify(inputs));
      const outputs = steps.flatMap(({ row, outputs }) => outputs.map((pk) => [row.id, pk]));
      if (outputs.length) insertOutputs.run(JSON.stringify(outputs));
      bumpGenerationBy.run(steps.length);
    },

    /** Of these ids, those that name a step, in one statement. */
    existing: (ids: readonly string[]): Set<string> => new Set(ids.length ? (existingStmt.all(JSON.stringify(ids)) as string[]) : []),

    /** Of these versions, those some step reads, in one statement. */
    usedAmong: (pks: readonly number[]): Set<number> => new Set(pks.length ? (usedAmongStmt.all(JSON.stringify(pks)) as number[]) : []),

    wouldCycle(inputPks: number[], outputPks: number[]): boolean {
      if (!inputPks.length || !outputPks.length) return false;
      const outputs = JSON.stringify(outputPks);
      if (usedStmt.get(outputs) === undefined) return outputPks.some((o) => inputPks.includes(o));
      return reachesDownstream.get(outputs, JSON.stringify(inputPks)) !== undefined;
    },

    /** Output versions that some activity already generated (PROV: an entity is generated once). */
    alreadyGenerated(outputPks: number[]): { versionPk: number; activityId: string }[] {
      return outputPks.length ? (generatedStmt.all(JSON.stringify(outputPks)) as { versionPk: number; activityId: string }[]) : [];
    },

    activities(ids: readonly string[]): ActivityRow[] {
      return ids.length ? (activitiesStmt.all({ ids: JSON.stringify(ids) }) as RawActivity[]).map(activityRow) : [];
    },

    agentsOf(ids: readonly string[]): { activityId: string; role: string; agent: AgentRow }[] {
      if (!ids.length) return [];
      return (agentsStmt.all({ ids: JSON.stringify(ids) }) as (AgentRow & { activityId: string; role: string })[]).map(({ activityId, role, ...agent }) => ({
        activityId,
        role,
        agent,
      }));
    },

    inputsOf(ids: readonly string[]): VersionEndpoint[] {
      return ids.length ? endpoints(inputsStmt.all({ ids: JSON.stringify(ids) })) : [];
    },

    outputsOf(ids: readonly string[]): VersionEndpoint[] {
      return ids.length ? endpoints(outputsStmt.all({ ids: JSON.stringify(ids) })) : [];
    },

    /** Activities that generated or used the given versions (the edges one step away), in one statement. */
    activityIdsTouching(versionPks: readonly number[]): {
      generatedBy: { versionPk: number; activityId: string }[];
      usedBy: { versionPk: number; activityId: string }[];
    } {
      const out = { generatedBy: [] as { versionPk: number; activityId: string }[], usedBy: [] as { versionPk: number; activityId: string }[] };
      if (!versionPks.length) return out;
      for (const r of touchingStmt.all({ pks: JSON.stringify(versionPks) }) as { side: 'generatedBy' | 'usedBy'; versionPk: number; activityId: string }[]) {
        out[r.side].push({ versionPk: r.versionPk, activityId: r.activityId });
      }
      return out;
    },
  };
}

export type ProvenanceRepository = ReturnType<typeof createProvenanceRepository>;
