import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as pgSchema from '../schema-pg/index.js';

/** How a column's values are encoded: as stored, the same on both dialects (docs/database.md). */
export type ColumnKind = 'text' | 'json' | 'integer' | 'real' | 'boolean';

const KIND_OF: Record<string, ColumnKind> = {
  PgText: 'text',
  PgJson: 'json',
  PgBigInt53: 'integer',
  PgDoublePrecision: 'real',
  PgBoolean: 'boolean',
};

export interface CopyColumn {
  name: string;
  kind: ColumnKind;
}

export interface CopyTable {
  name: string;
  /** Every stored column (not the generated ones: PostgreSQL computes them). */
  columns: CopyColumn[];
  /** The primary key's columns: rows are digested in this order. */
  key: CopyColumn[];
  /** The identity column whose sequence continues after the copied rows. */
  identity?: string;
}

function describe(table: PgTable): { table: CopyTable; dependsOn: string[] } {
  const config = getTableConfig(table);
  const stored = config.columns.filter((c) => !c.generated);
  const columns = stored.map((c) => {
    const kind = KIND_OF[c.columnType];
    if (!kind) throw new Error(`${config.name}.${c.name}: no copy encoding for ${c.columnType}`);
    return { name: c.name, kind };
  });
  const keyNames = [...stored.filter((c) => c.primary).map((c) => c.name), ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name))];
  if (!keyNames.length) throw new Error(`${config.name} has no primary key to order its rows by`);
  const identity = stored.find((c) => (c as { generatedIdentity?: unknown }).generatedIdentity !== undefined)?.name;
  return {
    table: { name: config.name, columns, key: keyNames.map((n) => columns.find((c) => c.name === n)!), ...(identity ? { identity } : {}) },
    dependsOn: config.foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name).filter((n) => n !== config.name),
  };
}

/** Every table of the schema, each after the tables its foreign keys reference. */
export function copyPlan(): CopyTable[] {
  const described = new Map(
    Object.values(pgSchema as Record<string, unknown>)
      .filter((v): v is PgTable => is(v, PgTable))
      .map((table) => {
        const d = describe(table);
        return [d.table.name, d] as const;
      }),
  );
  const ordered: CopyTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`foreign keys form a cycle through ${name}`);
    state.set(name, 'visiting');
    const d = described.get(name)!;
    for (const dep of d.dependsOn) visit(dep);
    state.set(name, 'done');
    ordered.push(d.table);
  };
  for (const name of [...described.keys()].sort()) visit(name);
  return ordered;
}
