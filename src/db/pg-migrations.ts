import type pg from 'pg';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { projectPath } from '../paths.js';

/**
 * Applies migrations-pg inside the caller's open transaction, bookkept as drizzle's own PostgreSQL migrator keeps
 * them (schema `drizzle`, table `__drizzle_migrations`: hash and folder time), so drizzle's `migrate` later
 * applies only newer ones. drizzle's migrator opens a transaction of its own, which would end the caller's.
 */
export async function applyPgMigrations(client: pg.ClientBase): Promise<number> {
  await client.query('CREATE SCHEMA IF NOT EXISTS drizzle');
  await client.query('CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)');
  const last = await client.query<{ created_at: string }>('SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1');
  const appliedUpTo = last.rows.length ? Number(last.rows[0].created_at) : -Infinity;
  const pending = readMigrationFiles({ migrationsFolder: projectPath('migrations-pg') }).filter((m) => m.folderMillis > appliedUpTo);
  for (const migration of pending) {
    for (const statement of migration.sql) if (statement.trim()) await client.query(statement);
    await client.query('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', [migration.hash, migration.folderMillis]);
  }
  return pending.length;
}
