import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { createdAt, timestamp } from './common.js';
import { agents } from './agents.js';
import { datasetVersions } from './datasets.js';

/** prov:Activity — a derivation step between exact dataset versions. */
export const activities = sqliteTable(
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
    parameters: text('parameters', { mode: 'json' }).$type<Record<string, unknown>>(),
    startedAt: timestamp('started_at'),
    endedAt: timestamp('ended_at'),
    /** Why the step exists: the sentence of a source document, a log reference, ... */
    basis: text('basis'),
    /** True when the source implies the step rather than states it. */
    implied: integer('implied', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('activities_kind_idx').on(t.kind)],
);

export const activityAgents = sqliteTable(
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

/** prov:used — indexed both ways: upstream walks go activity -> inputs, downstream walks version -> activities. */
export const activityInputs = sqliteTable(
  'activity_inputs',
  {
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk),
    role: text('role'),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.versionPk] }), index('activity_inputs_version_idx').on(t.versionPk, t.activityId)],
);

/** prov:wasGeneratedBy — indexed both ways like the inputs. */
export const activityOutputs = sqliteTable(
  'activity_outputs',
  {
    activityId: text('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    versionPk: integer('version_pk')
      .notNull()
      .references(() => datasetVersions.pk),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.versionPk] }), index('activity_outputs_version_idx').on(t.versionPk, t.activityId)],
);

export type ActivityRow = typeof activities.$inferSelect;
