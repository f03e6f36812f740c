import t from 'tap';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { femtoServe } from '../helpers/serve.js';

const ADMIN = 'lineage-kill-admin-token-0123';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const serve = (db: string) => femtoServe(ADMIN, { FEMTO_DB: db, FEMTO_OUTBOX_WORKER: 'false' });

/** A COMPLETE run reading the previous run's output (a chain, so runs of one group commit read what others of it wrote). */
const complete = (i: number, runId: string) => ({
  eventType: 'COMPLETE',
  eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  run: { runId },
  job: { namespace: 'airflow://kill', name: `step-${i}` },
  inputs: [{ namespace: 's3://kill', name: `data-${i}` }],
  outputs: [{ namespace: 's3://kill', name: `data-${i + 1}` }],
  producer: 'https://example.org/kill-test',
  schemaURL: SCHEMA_URL,
});

t.test('kill -9 of the server while events stream in: every acknowledged event survives, nothing is half written', async (t) => {
  const db = join(t.testdir({}), 'femto.sqlite');
  const first = await serve(db);
  t.teardown(() => first.child.kill('SIGKILL'));
  const dispatcher = new Agent({ connections: 10, pipelining: 1 });
  t.teardown(() => dispatcher.destroy());
  const acknowledged: string[] = [];
  let killed = false;
  let next = 0;
  // Ten connections sending one event after another; the server is killed once 150 were acknowledged, with requests in flight.
  const sender = async () => {
    while (!killed && next < 2000) {
      const i = next++;
      const runId = randomUUID();
      try {
        const res = await request(`${first.base}/api/v1/lineage`, {
          method: 'POST',
          dispatcher,
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify(complete(i, runId)),
        });
        await res.body.text();
        if (res.statusCode === 201) acknowledged.push(runId);
        else if (!killed) throw new Error(`event ${i}: ${res.statusCode}`);
      } catch (err) {
        if (!killed) throw err;
      }
      if (acknowledged.length >= 150 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, sender));
  await new Promise((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve(null) : first.child.once('exit', resolve)));
  t.ok(acknowledged.length >= 150, `${acknowledged.length} events acknowledged before the kill`);

  // A restarted server knows every acknowledged run and its step.
  const second = await serve(db);
  t.teardown(() => second.child.kill('SIGKILL'));
  const missing: string[] = [];
  for (const runId of acknowledged) {
    const run = await fetch(`${second.base}/api/v1/lineage/runs/${runId}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const body = (await run.json()) as { state?: string; activityId?: string };
    if (run.status !== 200 || body.state !== 'COMPLETE' || body.activityId !== `ol-run-${runId}`) missing.push(runId);
  }
  t.same(missing, [], 'no acknowledged run is lost');
  second.child.kill('SIGKILL');

  // Whatever was in flight is there whole or not at all: every stored event has its run and step, every step its edges.
  const sqlite = new Database(db, { readonly: true });
  t.teardown(() => sqlite.close());
  const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
  const events = count(`SELECT count(*) AS n FROM ol_events`);
  t.ok(events >= acknowledged.length, `${events} events stored`);
  t.equal(count(`SELECT count(*) AS n FROM ol_events e LEFT JOIN ol_runs r ON r.run_id = e.run_id WHERE r.run_id IS NULL`), 0, 'every event has its run');
  t.equal(
    count(`SELECT count(*) AS n FROM ol_runs r LEFT JOIN activities a ON a.id = r.activity_id WHERE r.state = 'COMPLETE' AND a.id IS NULL`),
    0,
    'every completed run has its step',
  );
  t.equal(count(`SELECT count(*) AS n FROM ol_runs WHERE state = 'COMPLETE'`), events, 'one completed run per event');
  t.equal(
    count(`SELECT count(*) AS n FROM activities a WHERE NOT EXISTS (SELECT 1 FROM activity_inputs i WHERE i.activity_id = a.id)
             OR NOT EXISTS (SELECT 1 FROM activity_outputs o WHERE o.activity_id = a.id)`),
    0,
    'every step has its input and its output',
  );
  t.equal(count(`SELECT count(*) AS n FROM import_ledger WHERE format = 'openlineage'`), events, 'every event is in the ledger');
  t.equal((sqlite.pragma('integrity_check', { simple: true }) as string) ?? '', 'ok', 'the file is sound');
});
