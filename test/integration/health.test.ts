import t from 'tap';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { WRITE_LOCK } from '../../src/db/postgres.js';
import { makeApp } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

t.test('health answers ok with the version', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject('/health');
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status: 'ok', version: /^\d+\.\d+\.\d+/ });
  t.ok(res.headers['x-request-id'], 'every response carries its request id');
});

// A write probe would queue behind the write lock every process on the database shares: anyone calling the anonymous
// readiness route could then hold connections and stand in line with every curator's write.
t.test('on PostgreSQL, readiness reads: it answers while another process holds the write lock', requires(t, postgres()), async (t) => {
  const url = await pgDatabase(t, { migrated: true });
  const a = await makeApp(t, { FEMTO_DB: url });
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  t.teardown(() => writer.end());
  await writer.query('SELECT pg_advisory_lock($1)', [WRITE_LOCK]);
  const answer = await Promise.race([a.app.inject('/health/ready'), sleep(20_000).then(() => 'still waiting')]);
  t.not(answer, 'still waiting', 'not queued behind the writer');
  if (typeof answer !== 'string') t.equal(answer.statusCode, 200, 'ready');
  await writer.query('SELECT pg_advisory_unlock($1)', [WRITE_LOCK]);
});
