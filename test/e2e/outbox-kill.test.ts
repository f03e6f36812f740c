import t from 'tap';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fakeDatacite } from '../helpers/fake-datacite.js';
import { femtoServe } from '../helpers/serve.js';

const ADMIN = 'kill-test-admin-token-0123';

const serve = (env: Record<string, string>) => femtoServe(ADMIN, env);

const killed = (child: ChildProcess) => new Promise<void>((resolve) => (child.kill('SIGKILL'), child.once('exit', () => resolve())));

async function mint(base: string, doi: string) {
  const res = await fetch(`${base}/dois`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/vnd.api+json' },
    body: JSON.stringify({ data: { type: 'dois', attributes: { doi } } }),
  });
  if (res.status !== 201) throw new Error(`mint ${doi}: ${res.status} ${await res.text()}`);
}

async function until(check: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end && !check()) await new Promise((r) => setTimeout(r, 100));
  return check();
}

t.test('kill -9 of the server never loses a DOI: the outbox row survives and is delivered after restart', async (t) => {
  const dc = await fakeDatacite(t);
  const env = {
    FEMTO_DB: join(t.testdir({}), 'femto.sqlite'),
    FEMTO_REGISTRAR: 'datacite',
    FEMTO_DATACITE_URL: dc.url,
    FEMTO_DATACITE_TIMEOUT_MS: '500',
    FEMTO_OUTBOX_POLL_MS: '50',
    FEMTO_OUTBOX_MAX_BACKOFF_MS: '200',
  };

  // 1. Killed after the DOI was accepted but before any delivery was attempted.
  const first = await serve({ ...env, FEMTO_OUTBOX_WORKER: 'false' });
  await mint(first.base, '10.5072/kill-before');
  await killed(first.child);
  t.equal(dc.requests.length, 0, 'nothing was delivered before the kill');

  // 2. Killed in the middle of a delivery: DataCite never answers the request in flight.
  dc.fail({ kind: 'hang' });
  const second = await serve({ ...env, FEMTO_OUTBOX_WORKER: 'true' });
  t.teardown(() => second.child.kill('SIGKILL'));
  t.ok(await until(() => dc.requests.some((r) => r.doi === '10.5072/kill-before'), 30_000), 'the restarted server picked up the pending row');
  await mint(second.base, '10.5072/kill-during');
  await killed(second.child);

  // 3. A third process delivers both; the row leased by the killed worker comes back when its lease ends.
  const third = await serve({ ...env, FEMTO_OUTBOX_WORKER: 'true' });
  t.teardown(() => third.child.kill('SIGKILL'));
  t.ok(await until(() => dc.dois.has('10.5072/kill-before') && dc.dois.has('10.5072/kill-during'), 90_000), 'both DOIs reached DataCite');
  t.equal(dc.creations.get('10.5072/kill-before'), 1, 'created once');
  t.equal(dc.creations.get('10.5072/kill-during'), 1, 'created once');
  const registration = async () =>
    (await fetch(`${third.base}/dois/10.5072/kill-during`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.json())).data.attributes
      .registration;
  let seen = await registration();
  for (let i = 0; i < 300 && seen.status !== 'synced'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await registration();
  }
  t.match(seen, { status: 'synced' }, 'femto shows the DOI as synced');
});
