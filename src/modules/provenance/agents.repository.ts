import type { Database, SqlDialect } from '../../db/port.js';
import { tableRows } from '../../db/rows.js';
import { agents } from '../../db/schema/index.js';
import { mayReadVersion, type AccessParams } from '../../db/fragments.js';
import { randomId } from '../../lib/ids.js';

export type AgentRow = typeof agents.$inferSelect;
export type AgentKind = AgentRow['kind'];

export interface AgentIdentity {
  kind: AgentKind;
  name: string;
  orcid?: string | null;
  ror?: string | null;
  url?: string | null;
  affiliation?: string | null;
}

/** A version `v` (of record `d`) the caller may read names the agent: as a creator or contributor, or through a step it may see. */
const readableEnd = (table: string, sql: SqlDialect) =>
  `EXISTS (SELECT 1 FROM ${table} e JOIN dataset_versions v ON v.pk = e.version_pk JOIN datasets d ON d.id = v.dataset_id WHERE e.activity_id = aa.activity_id AND ${mayReadVersion('v', 'd', sql)})`;
const namedForCaller = (sql: SqlDialect) => `(
     EXISTS (SELECT 1 FROM version_agents va JOIN dataset_versions v ON v.pk = va.version_pk JOIN datasets d ON d.id = v.dataset_id WHERE va.agent_id = a.id AND ${mayReadVersion('v', 'd', sql)})
  OR EXISTS (SELECT 1 FROM activity_agents aa WHERE aa.agent_id = a.id AND (${readableEnd('activity_inputs', sql)} OR ${readableEnd('activity_outputs', sql)}))
  -- an agent nothing names yet is for curators, who register agents to name them
  OR (@editor = 1 AND NOT EXISTS (SELECT 1 FROM version_agents x WHERE x.agent_id = a.id) AND NOT EXISTS (SELECT 1 FROM activity_agents y WHERE y.agent_id = a.id)))`;

export function createAgentsRepository(db: Database) {
  const listStmt = db.prepare(`
    SELECT a.id, a.kind, a.name, a.orcid, a.ror, a.url, a.affiliation, a.created_at AS createdAt FROM agents a
     WHERE (@id IS NULL OR a.id = @id) AND (@kind IS NULL OR a.kind = @kind) AND (@after IS NULL OR a.id > @after) AND ${namedForCaller(db.sql)}
     ORDER BY a.id LIMIT @limit`);
  // Every creator of every version written is looked up here: prepared once, raw (drizzle's row mapping costs more than the lookup).
  const agentColumns = 'id, kind, name, orcid, ror, url, affiliation, created_at AS createdAt';
  const byOrcid = db.prepare(`SELECT ${agentColumns} FROM agents WHERE orcid = ?`);
  const byRor = db.prepare(`SELECT ${agentColumns} FROM agents WHERE ror = ?`);
  // Without a persistent identifier the best we can do is the exact name of the same kind of agent. The unary + keeps the
  // planner off the ORCID and ROR indexes: `ror IS NULL` on them walks every agent without one (nearly all), by name it is one probe.
  const noIdentifier = `${db.sql.unindexed('orcid')} IS NULL AND ${db.sql.unindexed('ror')} IS NULL`;
  const byName = db.prepare(`SELECT ${agentColumns} FROM agents WHERE kind = ? AND name = ? AND ${noIdentifier}`);
  const agentRows = tableRows(db, agents);
  const byIdsStmt = db.prepare(`${agentRows.select} WHERE id IN (SELECT k.value FROM ${db.sql.each('?', 'k', 'text')})`);
  // Many identities at once (a bulk batch's creators): each the agent findByIdentity would answer, by the same three probes.
  const byIdentities = db.prepare(`
    SELECT k.key AS i, CASE
        WHEN k.value->>'orcid' IS NOT NULL THEN (SELECT id FROM agents WHERE orcid = k.value->>'orcid')
        WHEN k.value->>'ror' IS NOT NULL THEN (SELECT id FROM agents WHERE ror = k.value->>'ror')
        ELSE (SELECT id FROM agents WHERE kind = k.value->>'kind' AND name = k.value->>'name' AND ${noIdentifier}) END AS id
      FROM ${db.sql.eachIndexed('?', 'k')}`);
  const insertAgents = db.prepare(`
    INSERT INTO agents (id, kind, name, orcid, ror, url, affiliation)
    SELECT k.value->>'id', k.value->>'kind', k.value->>'name', k.value->>'orcid', k.value->>'ror', k.value->>'url', k.value->>'affiliation'
      FROM ${db.sql.each('?', 'k', 'json')}`);

  async function findByIdentity(a: AgentIdentity): Promise<AgentRow | undefined> {
    const row = a.orcid ? await byOrcid.get(a.orcid) : a.ror ? await byRor.get(a.ror) : await byName.get([a.kind, a.name]);
    return row as AgentRow | undefined;
  }

  return {
    findByIdentity,

    /** Returns the id of the agent with this identity, creating it when new. */
    async upsert(a: AgentIdentity): Promise<string> {
      const existing = await findByIdentity(a);
      if (existing) return existing.id;
      const id = randomId('ag-');
      await agentRows.insert({
        id,
        kind: a.kind,
        name: a.name,
        orcid: a.orcid ?? null,
        ror: a.ror ?? null,
        url: a.url ?? null,
        affiliation: a.affiliation ?? null,
      });
      return id;
    },

    /**
     * The ids of many identities, in order, creating the new ones in order of first appearance: the agents and ids
     * that upsert called once per identity, in this order, would leave. Two statements.
     */
    async upsertMany(identities: readonly AgentIdentity[]): Promise<string[]> {
      if (!identities.length) return [];
      // Identities that upsert would find as the same agent: by ORCID, else by ROR, else by kind and name.
      const keyOf = (a: AgentIdentity) => (a.orcid ? `o ${a.orcid}` : a.ror ? `r ${a.ror}` : `n ${a.kind} ${a.name}`);
      const distinct = new Map<string, AgentIdentity>();
      for (const a of identities) if (!distinct.has(keyOf(a))) distinct.set(keyOf(a), a);
      const unique = [...distinct.values()];
      const found = new Map(((await byIdentities.all(JSON.stringify(unique))) as { i: number; id: string | null }[]).map((r) => [r.i, r.id]));
      const created: (AgentIdentity & { id: string })[] = [];
      const idOf = new Map(
        unique.map((a, i) => {
          const id = found.get(i) ?? randomId('ag-');
          if (!found.get(i)) created.push({ ...a, id });
          return [keyOf(a), id];
        }),
      );
      if (created.length) await insertAgents.run(JSON.stringify(created));
      return identities.map((a) => idOf.get(keyOf(a))!);
    },

    async insert(row: typeof agents.$inferInsert): Promise<void> {
      await agentRows.insert(row);
    },

    async byIds(ids: readonly string[]): Promise<AgentRow[]> {
      if (ids.length === 0) return [];
      return (await byIdsStmt.all(JSON.stringify(ids))).map(agentRows.decode);
    },

    async byId(id: string): Promise<AgentRow | undefined> {
      return (await this.byIds([id]))[0];
    },

    /** Agents the caller may see (named by something it may read), in id order, in one statement. */
    async list(opts: { id?: string; kind?: AgentKind; after?: string; limit: number }, access: AccessParams): Promise<AgentRow[]> {
      return (await listStmt.all({ id: opts.id ?? null, kind: opts.kind ?? null, after: opts.after ?? null, limit: opts.limit, ...access })) as AgentRow[];
    },
  };
}

export type AgentsRepository = ReturnType<typeof createAgentsRepository>;
