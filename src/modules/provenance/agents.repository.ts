import { and, eq, inArray, isNull, asc, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { agents } from '../../db/schema/index.js';
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

export function createAgentsRepository(db: Db) {
  // Every creator of every version written is looked up here: prepared once.
  const byOrcid = db.select().from(agents).where(eq(agents.orcid, sql.placeholder('orcid'))).prepare();
  const byRor = db.select().from(agents).where(eq(agents.ror, sql.placeholder('ror'))).prepare();
  // Without a persistent identifier the best we can do is the exact name of the same kind of agent.
  const byName = db
    .select()
    .from(agents)
    .where(and(eq(agents.kind, sql.placeholder('kind')), eq(agents.name, sql.placeholder('name')), isNull(agents.orcid), isNull(agents.ror)))
    .prepare();
  const insertAgent = db
    .insert(agents)
    .values({ id: sql.placeholder('id'), kind: sql.placeholder('kind'), name: sql.placeholder('name'), orcid: sql.placeholder('orcid'), ror: sql.placeholder('ror'), url: sql.placeholder('url'), affiliation: sql.placeholder('affiliation') })
    .prepare();

  function findByIdentity(a: AgentIdentity): AgentRow | undefined {
    if (a.orcid) return byOrcid.get({ orcid: a.orcid });
    if (a.ror) return byRor.get({ ror: a.ror });
    return byName.get({ kind: a.kind, name: a.name });
  }

  return {
    findByIdentity,

    /** Returns the id of the agent with this identity, creating it when new. */
    upsert(a: AgentIdentity): string {
      const existing = findByIdentity(a);
      if (existing) return existing.id;
      const id = randomId('ag-');
      insertAgent.run({ id, kind: a.kind, name: a.name, orcid: a.orcid ?? null, ror: a.ror ?? null, url: a.url ?? null, affiliation: a.affiliation ?? null });
      return id;
    },

    insert(row: typeof agents.$inferInsert): void {
      db.insert(agents).values(row).run();
    },

    byIds(ids: readonly string[]): AgentRow[] {
      if (ids.length === 0) return [];
      return db.select().from(agents).where(inArray(agents.id, [...ids])).all();
    },

    byId(id: string): AgentRow | undefined {
      return db.select().from(agents).where(eq(agents.id, id)).get();
    },

    list(opts: { kind?: AgentKind; after?: string; limit: number }): AgentRow[] {
      const conds = [opts.kind ? eq(agents.kind, opts.kind) : undefined, opts.after ? gt(agents.id, opts.after) : undefined].filter(
        (c): c is NonNullable<typeof c> => c !== undefined,
      );
      return db
        .select()
        .from(agents)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(agents.id))
        .limit(opts.limit)
        .all();
    },
  };
}

export type AgentsRepository = ReturnType<typeof createAgentsRepository>;
