import { eq, inArray } from 'drizzle-orm';
import type { Database_ } from '../../db/client.js';
import { activities, activityAgents, activityInputs, activityOutputs, agents, datasetVersions } from '../../db/schema/index.js';

export type ActivityRow = typeof activities.$inferSelect;

export interface VersionEndpoint {
  activityId: string;
  versionPk: number;
  role: string | null;
  datasetId: string;
  versionNumber: number | null;
  title: string;
  accessLevel: 'open' | 'embargoed' | 'restricted';
}

export function createProvenanceRepository({ db, sqlite }: Database_) {
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

  /* Lineage snapshots (in this process or any other on the same file) compare this counter to know they are stale. */
  const bumpGeneration = sqlite.prepare(
    'INSERT INTO provenance_generation (id, generation) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET generation = generation + 1',
  );

  const endpointColumns = {
    activityId: activityInputs.activityId,
    versionPk: activityInputs.versionPk,
    datasetId: datasetVersions.datasetId,
    versionNumber: datasetVersions.versionNumber,
    title: datasetVersions.title,
    accessLevel: datasetVersions.accessLevel,
  };

  return {
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    activityExists: (id: string) => !!db.select({ id: activities.id }).from(activities).where(eq(activities.id, id)).get(),

    insertActivity(
      row: typeof activities.$inferInsert,
      links: { agents: { agentId: string; role: string }[]; inputs: { versionPk: number; role: string | null }[]; outputs: number[] },
    ): void {
      // Nested in the caller's transaction (a savepoint): the edges and the generation bump commit or roll back together.
      sqlite.transaction(() => {
        db.insert(activities).values(row).run();
        if (links.agents.length) db.insert(activityAgents).values(links.agents.map((a) => ({ activityId: row.id, ...a }))).onConflictDoNothing().run();
        if (links.inputs.length) db.insert(activityInputs).values(links.inputs.map((i) => ({ activityId: row.id, ...i }))).onConflictDoNothing().run();
        if (links.outputs.length) db.insert(activityOutputs).values(links.outputs.map((versionPk) => ({ activityId: row.id, versionPk }))).onConflictDoNothing().run();
        bumpGeneration.run();
      })();
    },

    wouldCycle(inputPks: number[], outputPks: number[]): boolean {
      if (!inputPks.length || !outputPks.length) return false;
      return reachesDownstream.get(JSON.stringify(outputPks), JSON.stringify(inputPks)) !== undefined;
    },

    /** Output versions that some activity already generated (PROV: an entity is generated once). */
    alreadyGenerated(outputPks: number[]): { versionPk: number; activityId: string }[] {
      if (!outputPks.length) return [];
      return db
        .select({ versionPk: activityOutputs.versionPk, activityId: activityOutputs.activityId })
        .from(activityOutputs)
        .where(inArray(activityOutputs.versionPk, outputPks))
        .all();
    },

    activities(ids: readonly string[]): ActivityRow[] {
      return ids.length ? db.select().from(activities).where(inArray(activities.id, [...ids])).all() : [];
    },

    agentsOf(ids: readonly string[]) {
      if (!ids.length) return [];
      return db
        .select({ activityId: activityAgents.activityId, role: activityAgents.role, agent: agents })
        .from(activityAgents)
        .innerJoin(agents, eq(agents.id, activityAgents.agentId))
        .where(inArray(activityAgents.activityId, [...ids]))
        .all();
    },

    inputsOf(ids: readonly string[]): VersionEndpoint[] {
      if (!ids.length) return [];
      return db
        .select({ ...endpointColumns, role: activityInputs.role })
        .from(activityInputs)
        .innerJoin(datasetVersions, eq(datasetVersions.pk, activityInputs.versionPk))
        .where(inArray(activityInputs.activityId, [...ids]))
        .all();
    },

    outputsOf(ids: readonly string[]): VersionEndpoint[] {
      if (!ids.length) return [];
      return db
        .select({
          activityId: activityOutputs.activityId,
          versionPk: activityOutputs.versionPk,
          datasetId: datasetVersions.datasetId,
          versionNumber: datasetVersions.versionNumber,
          title: datasetVersions.title,
          accessLevel: datasetVersions.accessLevel,
        })
        .from(activityOutputs)
        .innerJoin(datasetVersions, eq(datasetVersions.pk, activityOutputs.versionPk))
        .where(inArray(activityOutputs.activityId, [...ids]))
        .all()
        .map((o) => ({ ...o, role: null }));
    },

    /** Activities that generated or used the given versions (the edges one step away). */
    activityIdsTouching(versionPks: readonly number[]): { generatedBy: { versionPk: number; activityId: string }[]; usedBy: { versionPk: number; activityId: string }[] } {
      if (!versionPks.length) return { generatedBy: [], usedBy: [] };
      const pks = [...versionPks];
      return {
        generatedBy: db.select({ versionPk: activityOutputs.versionPk, activityId: activityOutputs.activityId }).from(activityOutputs).where(inArray(activityOutputs.versionPk, pks)).all(),
        usedBy: db.select({ versionPk: activityInputs.versionPk, activityId: activityInputs.activityId }).from(activityInputs).where(inArray(activityInputs.versionPk, pks)).all(),
      };
    },
  };
}

export type ProvenanceRepository = ReturnType<typeof createProvenanceRepository>;
