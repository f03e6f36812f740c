import type { AgentRow } from './agents.repository.js';
import type { VersionEndpoint } from './provenance.schema.js';
import { bit, flag, parseJson, type Database } from '../../db/port.js';
import type { activities } from '../../db/schema/index.js';
import { sharedGroups } from '../../db/fragments.js';

export type ActivityRow = typeof activities.$inferSelect;

/** A step without agents, as a batch writes it. */
interface Step {
  row: typeof activities.$inferInsert;
  inputs: { versionPk: number; role: string | null }[];
  outputs: number[];
}

/** The advisory lock every writer of activities, activity_inputs and activity_outputs holds on PostgreSQL ('prov'). */
const ROWID_ORDER_LOCK = 0x70726f76;

/** The first of each key, in order: a repeated edge would be refused by ON CONFLICT DO NOTHING, which on PostgreSQL still spends a rowid. */
function firstOf<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(key(r)) && !!seen.add(key(r)));
}

export function createProvenanceRepository(db: Database) {
  /*
   * The lineage snapshot reads activities and their edges incrementally, past the largest rowid it has read
   * (lineage.repository.ts), so a row must never become visible with a rowid below one already visible. SQLite
   * writes one transaction at a time: rowid order is commit order. PostgreSQL's rowid is an identity column
   * (src/db/schema-pg/provenance.ts), its value taken at insert but seen at commit: a writer that took 9 and
   * commits after another's 10 was read would be missed for good. So on PostgreSQL every writer of the three
   * tables takes this transaction-scoped lock before its first insert and holds it until it commits or rolls
   * back: the values are taken in commit order. A rolled-back writer leaves a gap, which the snapshot reads as
   * "not a plain append" and rebuilds once. (The generation is bumped first: a writer that loses a
   * serialization race fails there, before it spends a rowid.)
   */
  const orderLock = db.dialect === 'postgres' ? db.prepare(`SELECT pg_advisory_xact_lock(${ROWID_ORDER_LOCK})`) : undefined;
  /** fn (which writes the three tables) in a transaction, the caller's when one is open, holding the order lock. */
  const inWriteOrder = <T>(fn: () => Promise<T>) =>
    db.transaction(async () => {
      await orderLock?.run();
      return fn();
    });
  /*
   * Is any of `targets` downstream of (or equal to) any of `starts`? UNION (not UNION ALL) keeps
   * each version once, so the walk terminates even on corrupt data that already holds a cycle.
   */
  const reachesDownstream = db.prepare(`
    WITH RECURSIVE down(pk) AS (
      SELECT s.value FROM ${db.sql.each('?', 's', 'integer')}
      UNION
      SELECT o.version_pk
        FROM down
        JOIN activity_inputs i ON i.version_pk = down.pk
        JOIN activity_outputs o ON o.activity_id = i.activity_id
    )
    SELECT pk FROM down WHERE pk IN (SELECT t.value FROM ${db.sql.each('?', 't', 'integer')}) LIMIT 1`);

  // Most steps write versions nothing reads yet (a bulk import makes them in order): one index probe settles those without the walk.
  const usedStmt = db.prepare(`SELECT 1 FROM ${db.sql.each('?', 'k', 'integer')} CROSS JOIN activity_inputs i WHERE i.version_pk = k.value LIMIT 1`);

  // Writes of steps, prepared once: bulk imports write one per record.
  const existsStmt = db.prepare('SELECT 1 FROM activities WHERE id = ?');
  const insertActivityStmt = db.prepare(`
    INSERT INTO activities (id, kind, name, description, software_name, software_version, software_repository, software_commit, parameters, started_at, ended_at, basis, implied, created_by, created_at)
    VALUES (@id, @kind, @name, @description, @softwareName, @softwareVersion, @softwareRepository, @softwareCommit, @parameters, @startedAt, @endedAt, @basis, @implied, @createdBy, @createdAt)`);
  const insertAgentLink = db.prepare('INSERT INTO activity_agents (activity_id, agent_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const insertInput = db.prepare('INSERT INTO activity_inputs (activity_id, version_pk, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const insertOutput = db.prepare('INSERT INTO activity_outputs (activity_id, version_pk) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const generatedStmt = db.prepare(
    `SELECT o.version_pk AS versionPk, o.activity_id AS activityId FROM ${db.sql.each('?', 'k', 'integer')} CROSS JOIN activity_outputs o WHERE o.version_pk = k.value`,
  );

  // Bulk writes (insertActivities): one statement per table for a whole batch, rows as one JSON array in order.
  const rowsOf = db.sql.each('?', 'k', 'json');
  const existingStmt = db.prepare(`SELECT a.id FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN activities a WHERE a.id = k.value`);
  const usedAmongStmt = db.prepare(
    `SELECT DISTINCT i.version_pk FROM ${db.sql.each('?', 'k', 'integer')} CROSS JOIN activity_inputs i WHERE i.version_pk = k.value`,
  );
  const insertActivitiesStmt = db.prepare(`
    INSERT INTO activities (id, kind, name, description, software_name, software_version, software_repository, software_commit, parameters, started_at, ended_at, basis, implied, created_by, created_at)
    SELECT k.value->>0, k.value->>1, k.value->>2, k.value->>3, k.value->>4, k.value->>5, k.value->>6, k.value->>7,
           ${db.sql.jsonColumn('k.value->>8')}, k.value->>9, k.value->>10, k.value->>11, CAST(k.value->>12 AS BOOLEAN), k.value->>13, k.value->>14
      FROM ${rowsOf}`);
  const insertInputs = db.prepare(
    `INSERT INTO activity_inputs (activity_id, version_pk, role) SELECT k.value->>0, CAST(k.value->>1 AS BIGINT), k.value->>2 FROM ${rowsOf} WHERE true ON CONFLICT DO NOTHING`,
  );
  const insertOutputs = db.prepare(
    `INSERT INTO activity_outputs (activity_id, version_pk) SELECT k.value->>0, CAST(k.value->>1 AS BIGINT) FROM ${rowsOf} WHERE true ON CONFLICT DO NOTHING`,
  );
  const bumpGenerationBy = db.prepare(
    'INSERT INTO provenance_generation (id, generation) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET generation = provenance_generation.generation + excluded.generation',
  );

  /* Lineage snapshots (in this process or any other on the same file) compare this counter to know they are stale. */
  const bumpGeneration = db.prepare(
    'INSERT INTO provenance_generation (id, generation) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET generation = provenance_generation.generation + 1',
  );

  // Reads of records and neighbourhoods: prepared once, many keys as one JSON array.
  const ids = db.sql.each('@ids', 'k', 'text');
  const activitiesStmt = db.prepare(`SELECT a.* FROM ${ids} CROSS JOIN activities a WHERE a.id = k.value`);
  const agentsStmt = db.prepare(`
    SELECT l.activity_id AS activityId, l.role, g.id, g.kind, g.name, g.orcid, g.ror, g.url, g.affiliation, g.created_at AS createdAt
      FROM ${ids} CROSS JOIN activity_agents l JOIN agents g ON g.id = l.agent_id WHERE l.activity_id = k.value ORDER BY l.activity_id, l.agent_id, l.role`);
  const endpoint = (table: 'activity_inputs' | 'activity_outputs', role: string) => `
    SELECT e.activity_id AS activityId, e.version_pk AS versionPk, ${role} AS role, v.dataset_id AS datasetId, v.version_number AS versionNumber,
           v.title, v.state, v.visibility, v.access_level AS accessLevel, d.owner_id AS owner, ${sharedGroups('d', db.sql)} AS groups
      FROM ${ids} CROSS JOIN ${table} e JOIN dataset_versions v ON v.pk = e.version_pk JOIN datasets d ON d.id = v.dataset_id
     WHERE e.activity_id = k.value
     ORDER BY e.activity_id, e.version_pk`;
  const endpoints = (rows: unknown[]) =>
    (rows as (Omit<VersionEndpoint, 'groups'> & { groups: string })[]).map((r) => ({ ...r, groups: parseJson<string[]>(r.groups) }));
  const inputsStmt = db.prepare(endpoint('activity_inputs', 'e.role'));
  const outputsStmt = db.prepare(endpoint('activity_outputs', 'NULL'));
  const pks = db.sql.each('@pks', 'k', 'integer');
  const touchingStmt = db.prepare(`
    SELECT 'generatedBy' AS side, o.version_pk AS versionPk, o.activity_id AS activityId FROM ${pks} CROSS JOIN activity_outputs o WHERE o.version_pk = k.value
    UNION ALL
    SELECT 'usedBy', i.version_pk, i.activity_id FROM ${pks} CROSS JOIN activity_inputs i WHERE i.version_pk = k.value
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
    parameters: unknown;
    started_at: string | null;
    ended_at: string | null;
    basis: string | null;
    implied: unknown;
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
    parameters: a.parameters == null ? null : parseJson<ActivityRow['parameters']>(a.parameters),
    startedAt: a.started_at,
    endedAt: a.ended_at,
    basis: a.basis,
    implied: flag(a.implied),
    createdBy: a.created_by,
    createdAt: a.created_at,
  });

  /** insertActivities' rows, the generation first (see inWriteOrder). */
  async function writeSteps(steps: readonly Step[]): Promise<void> {
    await bumpGenerationBy.run(steps.length);
    await insertActivitiesStmt.run(
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
          bit(a.implied),
          a.createdBy,
          a.createdAt,
        ]),
      ),
    );
    const inputs = steps.flatMap(({ row, inputs }) => firstOf(inputs, (i) => String(i.versionPk)).map((i) => [row.id, i.versionPk, i.role]));
    if (inputs.length) await insertInputs.run(JSON.stringify(inputs));
    const outputs = steps.flatMap(({ row, outputs }) => firstOf(outputs, String).map((pk) => [row.id, pk]));
    if (outputs.length) await insertOutputs.run(JSON.stringify(outputs));
  }

  return {
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),

    activityExists: async (id: string) => (await existsStmt.scalar(id)) !== undefined,

    async insertActivity(
      row: typeof activities.$inferInsert,
      links: { agents: { agentId: string; role: string }[]; inputs: { versionPk: number; role: string | null }[]; outputs: number[] },
    ): Promise<void> {
      // In the caller's transaction: the edges and the generation bump commit or roll back together.
      await inWriteOrder(async () => {
        await bumpGeneration.run();
        await insertActivityStmt.run({
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
        for (const a of links.agents) await insertAgentLink.run([row.id, a.agentId, a.role]);
        for (const i of firstOf(links.inputs, (i) => String(i.versionPk))) await insertInput.run([row.id, i.versionPk, i.role]);
        for (const versionPk of firstOf(links.outputs, String)) await insertOutput.run([row.id, versionPk]);
      });
    },

    /**
     * Steps without agents, in a fixed number of statements: the rows insertActivity leaves for each in turn (the
     * generation counter moved once per step), inputs before outputs as there.
     */
    async insertActivities(steps: readonly Step[]): Promise<void> {
      if (!steps.length) return;
      await inWriteOrder(() => writeSteps(steps));
    },

    /** Of these ids, those that name a step, in one statement. */
    existing: async (ids: readonly string[]): Promise<Set<string>> => new Set(ids.length ? await existingStmt.column<string>(JSON.stringify(ids)) : []),

    /** Of these versions, those some step reads, in one statement. */
    usedAmong: async (pks: readonly number[]): Promise<Set<number>> => new Set(pks.length ? await usedAmongStmt.column<number>(JSON.stringify(pks)) : []),

    async wouldCycle(inputPks: number[], outputPks: number[]): Promise<boolean> {
      if (!inputPks.length || !outputPks.length) return false;
      const outputs = JSON.stringify(outputPks);
      if ((await usedStmt.scalar(outputs)) === undefined) return outputPks.some((o) => inputPks.includes(o));
      return (await reachesDownstream.get([outputs, JSON.stringify(inputPks)])) !== undefined;
    },

    /** Output versions that some activity already generated (PROV: an entity is generated once). */
    async alreadyGenerated(outputPks: number[]): Promise<{ versionPk: number; activityId: string }[]> {
      return outputPks.length ? ((await generatedStmt.all(JSON.stringify(outputPks))) as { versionPk: number; activityId: string }[]) : [];
    },

    async activities(ids: readonly string[]): Promise<ActivityRow[]> {
      return ids.length ? ((await activitiesStmt.all({ ids: JSON.stringify(ids) })) as RawActivity[]).map(activityRow) : [];
    },

    async agentsOf(ids: readonly string[]): Promise<{ activityId: string; role: string; agent: AgentRow }[]> {
      if (!ids.length) return [];
      return ((await agentsStmt.all({ ids: JSON.stringify(ids) })) as (AgentRow & { activityId: string; role: string })[]).map(
        ({ activityId, role, ...agent }) => ({
          activityId,
          role,
          agent,
        }),
      );
    },

    async inputsOf(ids: readonly string[]): Promise<VersionEndpoint[]> {
      return ids.length ? endpoints(await inputsStmt.all({ ids: JSON.stringify(ids) })) : [];
    },

    async outputsOf(ids: readonly string[]): Promise<VersionEndpoint[]> {
      return ids.length ? endpoints(await outputsStmt.all({ ids: JSON.stringify(ids) })) : [];
    },

    /** Activities that generated or used the given versions (the edges one step away), in one statement. */
    async activityIdsTouching(versionPks: readonly number[]): Promise<{
      generatedBy: { versionPk: number; activityId: string }[];
      usedBy: { versionPk: number; activityId: string }[];
    }> {
      const out = { generatedBy: [] as { versionPk: number; activityId: string }[], usedBy: [] as { versionPk: number; activityId: string }[] };
      if (!versionPks.length) return out;
      for (const r of (await touchingStmt.all({ pks: JSON.stringify(versionPks) })) as {
        side: 'generatedBy' | 'usedBy';
        versionPk: number;
        activityId: string;
      }[]) {
        out[r.side].push({ versionPk: r.versionPk, activityId: r.activityId });
      }
      return out;
    },
  };
}

export type ProvenanceRepository = ReturnType<typeof createProvenanceRepository>;
