import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Role } from '../../src/modules/auth/auth.schema.js';
import { pgDatabase } from './postgres.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const BASE_URL = 'http://femto.test';

export interface TestApp {
  app: App;
  config: Config;
  /** Authorization headers for each role (a fresh token per role, made through the real service). */
  as: Record<Role | 'anonymous', Record<string, string>>;
}

/** The backend of this test run: FEMTO_TEST_DB=postgres runs every app on PostgreSQL (the lane `.ci/run` runs second). */
export const testBackend = (): 'sqlite' | 'postgres' => (process.env.FEMTO_TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

/** For a test about SQLite itself (its file, pragmas, faults): a fresh SQLite file, which keeps the app on SQLite in both lanes. */
export function sqliteFile(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'femto-sqlite-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'femto.sqlite');
}

/**
 * A real app on a fresh database, closed when the test ends: an SQLite file in the test's own directory, or in the
 * PostgreSQL lane a new database of the test cluster. A test that passes FEMTO_DB itself (it is about SQLite's file)
 * keeps it in both lanes.
 */
export async function makeApp(t: Test, env: Record<string, string> = {}): Promise<TestApp> {
  const dir = t.testdir({});
  const config = loadConfig({
    FEMTO_DB: testBackend() === 'postgres' ? await pgDatabase(t, { migrated: true }) : join(dir, 'femto.sqlite'),
    FEMTO_SEED_ON_EMPTY: 'false',
    FEMTO_ADMIN_TOKEN: ADMIN_TOKEN,
    FEMTO_BASE_URL: BASE_URL,
    // FEMTO_TEST_LOG=error shows what a 500 hid (on stderr, so tap's output stays readable).
    LOG_LEVEL: process.env.FEMTO_TEST_LOG ?? 'silent',
    // Tests that exercise DOI delivery turn the worker on, or drive it themselves.
    FEMTO_OUTBOX_WORKER: 'false',
    ...env,
  });
  const app = await buildApp(config, { logger: { level: config.logLevel, stream: process.stderr } });
  t.teardown(() => app.close());
  const bearer = async (role: Role) => ({ authorization: `Bearer ${(await app.femto.auth.createToken(role)).token}` });
  return {
    app,
    config,
    as: { anonymous: {}, reader: await bearer('reader'), curator: await bearer('curator'), admin: { authorization: `Bearer ${ADMIN_TOKEN}` } },
  };
}

export const minimalDataset = (over: Record<string, unknown> = {}) => ({
  title: 'Ising model Monte Carlo samples',
  description: '2D Ising configurations near the critical temperature.',
  tier: 3,
  dataType: 'Raw-Simulation',
  license: 'CC-BY-4.0',
  creators: [{ name: 'Ada Lovelace', orcid: '0000-0002-1825-0097' }],
  ...over,
});

/** Creates and publishes a dataset through REST; returns its id. */
export async function publishedDataset(t: TestApp, over: Record<string, unknown> = {}): Promise<string> {
  const created = await t.app.inject({ method: 'POST', url: '/datasets', headers: t.as.curator, payload: minimalDataset(over) });
  if (created.statusCode !== 201) throw new Error(`create failed: ${created.body}`);
  const id = created.json().id as string;
  const published = await t.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: t.as.curator });
  if (published.statusCode !== 200) throw new Error(`publish failed: ${published.body}`);
  return id;
}

/** PATCHes a dataset's draft as a careful client does: If-Match with the ETag just read. */
export async function patchDraft(t: TestApp, id: string, payload: Record<string, unknown>, headers: Record<string, string> = t.as.curator) {
  const draft = await t.app.inject({ url: `/datasets/${id}/draft`, headers: t.as.curator });
  const etag = draft.headers.etag;
  if (draft.statusCode !== 200 || typeof etag !== 'string') throw new Error(`no draft of ${id}: ${draft.body}`);
  return t.app.inject({ method: 'PATCH', url: `/datasets/${id}`, headers: { ...headers, 'if-match': etag }, payload });
}

/** Records a derivation step through REST; returns its id. */
export async function step(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/activities', headers: t.as.curator, payload: { kind: 'analysis', ...body } });
  if (res.statusCode !== 201) throw new Error(`activity failed: ${res.body}`);
  return res.json().id as string;
}

/** A DOI written through the DataCite-style REST API as a curator (create, or an event such as publish or hide). */
export async function doiRequest(t: TestApp, method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) {
  const res = await t.app.inject({
    method,
    url,
    headers: { ...t.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes } }),
  });
  if (res.statusCode >= 300) throw new Error(res.body);
}
