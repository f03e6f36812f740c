// PostgreSQL twin of ../schema/provenance.ts (what each table and column means is written there); test/unit/schema-pg.test.ts keeps them in step.

/**
 * SQLite's implicit rowid, which the lineage snapshot reads these append-only tables by (past a cursor, in order):
 * an identity column of the same name, so one SQL text serves both, and `femto db copy` carries SQLite's values
 * over. Its values are taken in commit order: every writer holds an advisory lock to commit
 * (provenance.repository.ts inWriteOrder). docs/database.md "Two schemas of one shape".
 */
const rowid = () => bigint('rowid', { mode: 'number' }).notNull().generatedByDefaultAsIdentity();
import { pgTable, text, index, uniqueIndex, primaryKey, bigint, boolean, json } from 'drizzle-orm/pg-core';
import { createdAt, timestamp } from './common.js';
import { agents } from './agents.js';
import { datasetVersions } from './datasets.js';

export const activities = pgTable(
  'activities',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    name: text('name'),
    description: text('description'),
    softwareName: text('software_name'),
    softwareVersion: text('software_version'),
    softwareRepository: text('software_repository'),
    softwareCommit: text('software_commit'),
    parameters: json('parameters').$type<Record<string, unknown>>(),
    startedAt: timestamp('started_at'),
    endedAt: timestamp('ended_at'),
    basis: text('basis'),
    implied: boolean('implied').notNull().default(false),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
    rowid: rowid(),
  },
  (t) => [index('activities_kind_idx').on(t.kind), uniqueIndex('activities_rowid_uq').on(t.rowid)],
);

export const activityAgents = pgTable(
  'activity_agents',
  {
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    role: text('role').notNull().default('performer'),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.agentId, t.role] }), index('activity_agents_agent_idx').on(t.agentId)],
);

export const activityInputs = pgTable(
  'activity_inputs',
  {
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk),
    role: text('role'),
    rowid: rowid(),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.versionPk] }),
    index('activity_inputs_version_idx').on(t.versionPk, t.activityId),
    uniqueIndex('activity_inputs_rowid_uq').on(t.rowid),
  ],
);

export const activityOutputs = pgTable(
  'activity_outputs',
  {
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    versionPk: bigint('version_pk', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.pk),
    rowid: rowid(),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.versionPk] }),
    index('activity_outputs_version_idx').on(t.versionPk, t.activityId),
    uniqueIndex('activity_outputs_rowid_uq').on(t.rowid),
  ],
);
