import t from 'tap';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fakeDatacite, type RecordedRequest } from '../helpers/fake-datacite.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';
import { femtoServe } from '../helpers/serve.js';

const ADMIN = 'replica-test-admin-token-0123';
const BASE_URL = 'http://femto.replicas.test';
const CLIENTS = 6;
const ROUNDS = 4;

interface Replica {
  name: string;
  child: ChildProcess;
  base: string;
  alive: boolean;
}

interface Answer {
  status: number;
  body: any;
  text: string;
  etag?: string;
}

/** A request; a network error (the replica was killed under it) is thrown. */
async function call(r: Replica, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${r.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, etag: res.headers.get('etag') ?? undefined };
}

const doiCall = (r: Replica, method: 'POST' | 'PUT', path: string, attributes: Record<string, unknown>) =>
  call(r, method, path, { data: { type: 'dois', attributes } }, { 'content-type': 'application/vnd.api+json' });

const LINEAGE = `query($id: ID!) {
  lineage(id: $id, direction: BOTH, depth: null) { root { id } nodes { id kind depth version restricted hidden } edges { from to relation } truncated }
  impact(id: $id) { datasets { id depth } truncated }
}`;

/** The whole GraphQL answer: a withdrawn record's lineage is an error (GONE) beside the impact. */
const lineageOf = async (r: Replica, id: string) => {
  const res = await call(r, 'POST', '/graphql', { query: LINEAGE, variables: { id } });
  if (res.status !== 200) throw new Error(`lineage of ${id} on ${r.name}: ${res.status} ${res.text}`);
  return res.body as { data: { lineage: { nodes: { id: string }[] } | null }; errors?: unknown[] };
};

/** The process holding the client end of a loopback TCP connection from `clientPort` to `serverPort` (Linux /proc). */
function socketOwner(clientPort: number, serverPort: number, pids: number[]): number | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cells = line.trim().split(/\s+/);
      if (cells[1].endsWith(`:${hex(clientPort)}`) && cells[2].endsWith(`:${hex(serverPort)}`)) inodes.add(cells[9]);
    }
  }
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          return m !== null && inodes.has(m[1]);
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

/** The PUTs applied to a DOI, each as its event and the attributes it changed from the one before. */
function changes(bodies: string[]): string {
  const attributes = bodies.map((b) => (JSON.parse(b) as { data: { attributes: Record<string, unknown> } }).data.attributes);
  return attributes
    .map((a, i) => {
      const before = attributes[i - 1] ?? {};
      const changed = [...new Set([...Object.keys(a), ...Object.keys(before)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(before[k]));
      return `${String(a.event)}: ${changed.map((k) => `${k}=${JSON.stringify(a[k])?.slice(0, 300)}`).join(' ')}`;
    })
    .join(' | ');
}

/** The states a DOI went through at DataCite, replaying the events of the PUTs it applied as DataCite's state machine does. */
function statePath(bodies: string[]): string[] {
  let state = 'draft';
  return bodies.map((b) => {
    const event = (JSON.parse(b) as { data: { attributes: { event?: string } } }).data.attributes.event;
    if (event === 'publish') state = 'findable';
    else if (event === 'register' && state === 'draft') state = 'registered';
    else if (event === 'hide' && state === 'findable') state = 'registered';
    return state;
  });
}

/** Whether `path` can be had from `of` by leaving out elements (order kept). */
const isSubsequence = (path: string[], of: string[]) => {
  let at = 0;
  for (const state of path) {
    at = of.indexOf(state, at);
    if (at < 0) return false;
    at++;
  }
  return true;
};

/** Set when the test gave up: every wait ends. */
let stopped = false;

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end || stopped) throw new Error(`never happened within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Every OAI ListRecords page, each asked of the next replica in turn: identifiers and datestamps in order. */
async function harvest(replicas: Replica[]): Promise<string[]> {
  const seen: string[] = [];
  let query = 'verb=ListRecords&metadataPrefix=oai_dc';
  for (let page = 0; ; page++) {
    const res = await call(replicas[page % replicas.length], 'GET', `/oai?${query}`);
    if (res.status !== 200 || res.text.includes('<error'))
      throw new Error(`OAI page ${page} on ${replicas[page % replicas.length].name}: ${res.text.slice(0, 500)}`);
    for (const m of res.text.matchAll(/<header[^>]*>\s*<identifier>([^<]+)<\/identifier>\s*<datestamp>([^<]+)<\/datestamp>/g)) seen.push(`${m[1]} ${m[2]}`);
    const token = /<resumptionToken[^>]*>([^<]+)<\/resumptionToken>/.exec(res.text)?.[1];
    if (!token) return seen;
    query = `verb=ListRecords&resumptionToken=${encodeURIComponent(unescapeXml(token))}`;
  }
}

/** Every page of a cursor-paged REST list, each asked of the next replica in turn. */
async function pages(replicas: Replica[], first: string, next: (body: any) => string | null, items: (body: any) => string[]): Promise<string[]> {
  const seen: string[] = [];
  let path: string | null = first;
  for (let page = 0; path; page++) {
    const res = await call(replicas[page % replicas.length], 'GET', path);
    if (res.status !== 200) throw new Error(`${path} on ${replicas[page % replicas.length].name}: ${res.status} ${res.text}`);
    seen.push(...items(res.body));
    path = next(res.body);
  }
  return seen;
}

/** What the clients were told, per record: only 2xx answers count; a write whose answer never came (a killed replica) may or may not have happened. */
interface Dataset {
  id: string;
  titles: string[];
  /** The title a 2xx answer acknowledged last; `maybe`: a later write of unknown outcome. */
  title: string;
  maybeTitle?: string;
  published: boolean;
  maybePublished?: boolean;
  /** By a hidden DOI. */
  withdrawn: 'no' | 'yes' | 'maybe';
}

interface Doi {
  doi: string;
  /** State after the last acknowledged event, and the states of events whose outcome is unknown. */
  state: string;
  maybe: string[];
  /** Events sent that may have reached the outbox: acknowledged or unknown. */
  events: number;
}

t.test(
  'three replicas on one PostgreSQL database, one killed while delivering a DOI: no acknowledged write lost, no DOI created twice, lineage as a fresh process sees it, tokens and cursors valid on every replica',
  requires(t, postgres()),
  async (t) => {
    const dc = await fakeDatacite(t);
    const env = {
      FEMTO_DB: await pgDatabase(t),
      FEMTO_DB_POOL_SIZE: '4',
      FEMTO_BASE_URL: BASE_URL,
      FEMTO_OAI_TOKEN_SECRET: 'replica-test-oai-secret',
      FEMTO_OAI_PAGE_SIZE: '4',
      FEMTO_REGISTRAR: 'datacite',
      FEMTO_DATACITE_URL: dc.url,
      FEMTO_DATACITE_USER: 'FEMTO.TEST',
      FEMTO_DATACITE_PASSWORD: 'replica-test-password',
      // Long enough that a hung delivery is still in flight when its replica is found and killed.
      FEMTO_DATACITE_TIMEOUT_MS: '3000',
      FEMTO_OUTBOX_POLL_MS: '50',
      FEMTO_OUTBOX_MAX_BACKOFF_MS: '300',
      FEMTO_OUTBOX_WORKER: 'true',
    };
    const started: ChildProcess[] = [];
    t.teardown(() => started.forEach((c) => c.kill('SIGKILL')));
    const start = async (name: string, over: Record<string, string> = {}): Promise<Replica> => {
      const { child, base } = await femtoServe(ADMIN, { ...env, ...over });
      started.push(child);
      return { name, child, base, alive: true };
    };
    const replicas = await Promise.all(['r0', 'r1', 'r2'].map((name) => start(name)));
    let turn = 0;
    const pick = () => {
      const alive = replicas.filter((r) => r.alive);
      return alive[turn++ % alive.length];
    };

    const datasets: Dataset[] = [];
    const dois: Doi[] = [];
    const steps: string[] = [];
    let unknownOutcomes = 0;
    let lineageReads = 0;

    /** A write through the next replica; undefined when its answer never came (the replica died under it). */
    const write = async (send: (r: Replica) => Promise<Answer>, expected: number, what: string): Promise<Answer | undefined> => {
      const r = pick();
      try {
        const res = await send(r);
        if (res.status !== expected) throw new Error(`${what} on ${r.name}: ${res.status} ${res.text}`);
        return res;
      } catch (err) {
        if (r.alive) throw err;
        unknownOutcomes++;
        return undefined;
      }
    };

    const client = async (c: number) => {
      let previous: Dataset | undefined;
      for (let i = 0; i < ROUNDS; i++) {
        const title = `Replica test c${c} d${i}`;
        const created = await write(
          (r) =>
            call(r, 'POST', '/datasets', {
              title,
              description: `Written by client ${c} in round ${i}.`,
              tier: 3,
              dataType: 'Raw-Simulation',
              license: 'CC-BY-4.0',
              creators: [{ name: 'Ada Lovelace' }],
              publisher: 'Replica Lab',
            }),
          201,
          'create',
        );
        if (!created) continue;
        const d: Dataset = { id: created.body.id, titles: [title], title, published: false, withdrawn: 'no' };
        datasets.push(d);

        const patched = `${title} (patched)`;
        const draft = await write((r) => call(r, 'GET', `/datasets/${d.id}/draft`), 200, 'draft');
        if (!draft) continue;
        const patch = await write((r) => call(r, 'PATCH', `/datasets/${d.id}`, { title: patched }, { 'if-match': draft.etag! }), 200, 'patch');
        if (!patch) {
          d.maybeTitle = patched;
          continue;
        }
        d.title = patched;

        const published = await write((r) => call(r, 'POST', `/datasets/${d.id}/publish`), 200, 'publish');
        if (!published) {
          d.maybePublished = true;
          continue;
        }
        d.published = true;

        if (previous?.published) {
          const step = await write(
            (r) => call(r, 'POST', '/activities', { kind: 'analysis', inputs: [{ dataset: previous!.id }], outputs: [{ dataset: d.id }] }),
            201,
            'step',
          );
          if (step) {
            steps.push(step.body.id);
            // Read your write on another replica: every read checks the provenance generation.
            const r = pick();
            try {
              const seen = (await lineageOf(r, d.id)).data.lineage?.nodes.map((n) => n.id) ?? [];
              lineageReads++;
              t.ok(seen.includes(step.body.id) && seen.includes(`${previous.id}@1`), `the step ${step.body.id} is in ${d.id}'s lineage on ${r.name}`);
            } catch (err) {
              if (r.alive) throw err;
            }
          }
        }
        previous = d;

        // A DOI: registered, then made findable, and every third hidden again.
        const doi: Doi = { doi: `10.5072/replicas-c${c}-${i}`, state: '', maybe: [], events: 0 };
        for (const [method, attributes, state] of [
          ['POST', { doi: doi.doi, url: `${BASE_URL}/datasets/${d.id}`, event: 'register' }, 'registered'],
          ['PUT', { event: 'publish' }, 'findable'],
          ...(i % 3 === 2 ? [['PUT', { event: 'hide' }, 'registered']] : []),
        ] as ['POST' | 'PUT', Record<string, unknown>, string][]) {
          doi.events++;
          if (method === 'POST') dois.push(doi);
          const res = await write(
            (r) => doiCall(r, method, method === 'POST' ? '/dois' : `/dois/${doi.doi}`, attributes),
            method === 'POST' ? 201 : 200,
            method,
          );
          const hide = attributes.event === 'hide';
          if (!res) {
            doi.maybe.push(state);
            if (hide) d.withdrawn = 'maybe';
            break;
          }
          doi.state = state;
          if (hide) d.withdrawn = 'yes';
        }
      }
    };

    // DataCite fails now and then: server errors, timeouts (a request never answered), slow answers.
    let injecting = true;
    const faults = (async () => {
      const kinds = [{ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'hang' }, { kind: 'slow', ms: 200 }] as Parameters<
        typeof dc.fail
      >;
      for (let n = 0; injecting; n++) {
        dc.fail(kinds[n % kinds.length]);
        await new Promise((r) => setTimeout(r, 700));
      }
    })();

    // Midway, a replica is killed while a DOI delivery of its own hangs at DataCite.
    const victim = (async () => {
      await until(() => dois.length >= 8, 300_000, 'eight DOIs written');
      injecting = false;
      await faults;
      const mark = dc.requests.length;
      dc.fail({ kind: 'hang' });
      let hung: RecordedRequest | undefined;
      await until(() => (hung = dc.requests.slice(mark).find((q) => q.hung)) !== undefined, 120_000, 'a delivery hangs');
      const pids = replicas.map((r) => r.child.pid!);
      const owner = socketOwner(hung!.remotePort!, Number(new URL(dc.url).port), pids);
      t.ok(owner, `the hung delivery of ${hung!.doi} belongs to a replica`);
      const r = replicas.find((x) => x.child.pid === owner) ?? replicas[2];
      r.alive = false;
      r.child.kill('SIGKILL');
      await new Promise((resolve) => (r.child.exitCode !== null || r.child.signalCode !== null ? resolve(null) : r.child.once('exit', resolve)));
      t.pass(`${r.name} killed with ${hung!.doi}'s delivery in flight`);
      // It comes back (a new process on a new port) while the others keep writing.
      const again = await start(r.name);
      Object.assign(r, { child: again.child, base: again.base, alive: true });
      return hung!.doi;
    })();

    try {
      await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), victim]);
    } catch (err) {
      // A failed client stops the rest too (the victim waits for DOIs no one writes any more).
      stopped = true;
      throw err;
    } finally {
      injecting = false;
      await faults;
    }
    t.ok(datasets.length >= CLIENTS * ROUNDS - unknownOutcomes, `${datasets.length} datasets, ${steps.length} steps, ${dois.length} DOIs written`);
    t.ok(lineageReads > 0, `${lineageReads} lineage reads of a step written through another replica`);

    // The outbox drains: every DOI synced, DataCite holding femto's state. The killed replica's lease ends first.
    const r0 = replicas[0];
    const undrained = async () => {
      const left: string[] = [];
      for (const d of dois) {
        const a = (await call(r0, 'GET', `/dois/${d.doi}`)).body?.data?.attributes;
        const remote = dc.dois.get(d.doi);
        const relations = (x?: { relatedIdentifiers?: unknown }) => JSON.stringify(x?.relatedIdentifiers ?? []);
        if (a && (a.registration?.status !== 'synced' || remote?.state !== a.state || relations(remote) !== relations(a)))
          left.push(
            `${d.doi}: femto ${a.state} ${relations(a)} (${a.registration?.status} ${a.registration?.lastError ?? ''}), DataCite ${remote?.state ?? 'nothing'} ${relations(remote)}`,
          );
      }
      return left;
    };
    await until(async () => (await undrained()).length === 0, 300_000, 'the outbox drained').catch(() => undefined);
    // Not drained, the checks below still say what went wrong (a DOI delivered twice, say).
    t.same(await undrained(), [], "the outbox drained: every DOI synced, DataCite holding femto's state and relations");

    // No acknowledged write is lost: every replica reads it.
    const lost: string[] = [];
    for (const r of replicas) {
      for (const d of datasets) {
        // A publish whose answer never came may have happened: then the record is published and has no draft.
        const published = d.published || (d.maybePublished && (await call(r, 'GET', `/datasets/${d.id}`)).status === 200);
        const path = published ? `/datasets/${d.id}` : `/datasets/${d.id}/draft`;
        const res = await call(r, 'GET', path);
        // A record withdrawn by its hidden DOI answers 410.
        const title = res.body?.title;
        const status = { no: [200], yes: [410], maybe: [200, 410] }[d.withdrawn];
        if (!status.includes(res.status) || (res.status === 200 && !(title === d.title || (d.maybeTitle !== undefined && title === d.maybeTitle))))
          lost.push(`${r.name} ${path}: ${res.status} ${title}`);
      }
      for (const id of steps) {
        const res = await call(r, 'GET', `/activities/${id}`);
        if (res.status !== 200) lost.push(`${r.name} step ${id}: ${res.status}`);
      }
      for (const d of dois) {
        const res = await call(r, 'GET', `/dois/${d.doi}`);
        const state = res.body?.data?.attributes?.state;
        if (d.state === '' ? res.status !== 404 && !d.maybe.includes(state) : res.status !== 200 || !(state === d.state || d.maybe.includes(state)))
          lost.push(`${r.name} DOI ${d.doi}: ${res.status} ${state}, acknowledged ${d.state || 'nothing'}`);
      }
    }
    t.same(lost, [], 'every acknowledged write is read on every replica');

    // DataCite: each DOI created once, and never set back to an older state. Each delivery sends the DOI as femto holds
    // it then, so DataCite may see one body more than once or bodies that differ beyond the events sent: a delivery
    // repeated after its answer came too late (the client timed out, on a loaded machine even without an injected
    // fault), and redeliveries of what other changes show (a step recorded since, a neighbour's DOI findable and then
    // hidden again). What must not happen is a stale state landing after a newer one: DataCite's states, replayed from
    // the events it applied, follow femto's path (registered, findable, registered again when hidden; a draft before it
    // when DataCite first saw the DOI hidden); and the drain above found DataCite holding femto's last word.
    const twice: string[] = [];
    for (const d of dois) {
      const created = dc.creations.get(d.doi) ?? 0;
      const bodies = dc.applied.get(d.doi) ?? [];
      if (d.state !== '' && created !== 1) twice.push(`${d.doi} created ${created} times`);
      const path = statePath(bodies).filter((state, i, all) => state !== all[i - 1] && !(i === 0 && state === 'draft'));
      const femtoPath = ['registered', 'findable', 'registered'].slice(0, Math.max(2, d.events));
      if (!isSubsequence(path, femtoPath)) twice.push(`${d.doi}: DataCite went ${path.join(' → ')}: ${changes(bodies)}`);
    }
    t.same(twice, [], 'no DOI created twice at DataCite or set back to an older state');
    const ours = new Set(dois.map((d) => d.doi));
    t.same(
      [...dc.dois.keys()].filter((doi) => !ours.has(doi)),
      [],
      'DataCite holds no DOI femto did not write',
    );
    t.ok(
      dc.requests.some((q) => q.hung),
      'deliveries timed out',
    );

    // Lineage: every replica answers as a fresh process, whose snapshot is built from one scan now.
    const fresh = await start('fresh', { FEMTO_OUTBOX_WORKER: 'false' });
    const all = [...replicas, fresh];
    const ids = datasets.filter((d) => d.published).map((d) => d.id);
    const differ: string[] = [];
    for (const id of ids) {
      const expected = JSON.stringify(await lineageOf(fresh, id));
      for (const r of replicas) if (JSON.stringify(await lineageOf(r, id)) !== expected) differ.push(`${id} on ${r.name}`);
    }
    t.same(differ, [], `${ids.length} lineage and impact answers alike on every replica and a fresh process`);

    // OAI resumption tokens and REST cursors minted by one replica are honoured by the next.
    const oneReplica = await harvest([fresh]);
    t.ok(oneReplica.length >= ids.length, `${oneReplica.length} OAI records`);
    t.same(await harvest(all), oneReplica, 'an OAI list continued on each replica in turn');
    const datasetPages = (rs: Replica[]) =>
      pages(
        rs,
        '/datasets?limit=5',
        (b) => (b.nextCursor ? `/datasets?limit=5&cursor=${encodeURIComponent(b.nextCursor)}` : null),
        (b) => b.items.map((d: { id: string }) => d.id),
      );
    const listed = await datasetPages([fresh]);
    // Withdrawn records are not listed.
    t.ok(listed.length >= datasets.filter((d) => d.published && d.withdrawn === 'no').length, `${listed.length} datasets listed`);
    t.same(await datasetPages(all), listed, 'a REST page cursor continued on each replica in turn');
    const doiPages = (rs: Replica[]) =>
      pages(
        rs,
        '/dois?page[cursor]=1&page[size]=5',
        (b) => (b.links?.next ? new URL(b.links.next).pathname + new URL(b.links.next).search : null),
        (b) => b.data.map((d: { id: string }) => d.id),
      );
    const listedDois = await doiPages([fresh]);
    t.ok(listedDois.length >= dois.filter((d) => d.state !== '').length, `${listedDois.length} DOIs listed`);
    t.same(await doiPages(all), listedDois, 'a DOI page cursor continued on each replica in turn');
  },
);
