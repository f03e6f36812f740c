import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export interface RecordedRequest {
  method: string;
  doi: string;
  body?: { data: { attributes: Record<string, unknown> } };
  authorization?: string;
  /** The client's port: which process sent it, where several share this server. */
  remotePort?: number;
  /** Held unanswered by a `hang` fault. */
  hung?: boolean;
}

/** `echo`: answers `status` with the request it refused, credentials included, as careless registrars do. `slow`: answers as usual after `ms`. */
type Fault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'hang' } | { kind: 'echo'; status: number } | { kind: 'slow'; ms: number };

/**
 * A DataCite-shaped REST server on loopback: PUT /dois/{doi} creates or updates (applying the
 * event as DataCite's state machine does), GET and DELETE as DataCite. Faults queued with
 * `fail()` answer the next requests before any state changes.
 */
export async function fakeDatacite(t: Test) {
  const dois = new Map<string, Record<string, unknown> & { state: string }>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const creations = new Map<string, number>();
  /** PUTs applied to a DOI that existed. */
  const updates = new Map<string, number>();
  /** The bodies of the PUTs applied to each DOI, in order. */
  const applied = new Map<string, string[]>();
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const doi = decodeURIComponent((req.url ?? '').replace(/^\/dois\//, '')).toLowerCase();
    const recorded: RecordedRequest = {
      method: req.method!,
      doi,
      body: raw ? JSON.parse(raw) : undefined,
      authorization: req.headers.authorization,
      remotePort: req.socket.remotePort,
    };
    requests.push(recorded);
    let fault = faults.shift();
    // A slow DataCite: the request is answered as usual, only later.
    if (fault?.kind === 'slow') {
      const { ms } = fault;
      await new Promise((r) => setTimeout(r, ms));
      fault = undefined;
    }
    if (fault?.kind === 'hang') {
      recorded.hung = true;
      hanging.add(res);
      return;
    }
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (fault?.kind === 'echo') {
      const basic = req.headers.authorization ?? '';
      const decoded = Buffer.from(basic.replace(/^Basic /, ''), 'base64').toString();
      return json(fault.status, {
        errors: [{ title: `refused ${req.method} with ${basic} (${decoded}); retry with ?password=${decoded.split(':')[1]}`, request: raw.slice(0, 200) }],
      });
    }
    if (fault) return json(fault.status, { errors: [{ title: 'injected' }] }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    if (req.method === 'GET') {
      const d = dois.get(doi);
      return d ? json(200, { data: { id: doi, type: 'dois', attributes: d } }) : json(404, { errors: [{ status: '404', title: 'not found' }] });
    }
    if (req.method === 'DELETE') {
      const d = dois.get(doi);
      if (d && d.state !== 'draft') return json(405, { errors: [{ title: 'Method not allowed' }] });
      dois.delete(doi);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PUT') {
      const attrs = (JSON.parse(raw) as RecordedRequest['body'])!.data.attributes;
      const before = dois.get(doi);
      if (!before) creations.set(doi, (creations.get(doi) ?? 0) + 1);
      else updates.set(doi, (updates.get(doi) ?? 0) + 1);
      applied.set(doi, [...(applied.get(doi) ?? []), raw]);
      let state = before?.state ?? 'draft';
      const event = attrs.event as string | undefined;
      if (event === 'publish') state = 'findable';
      else if (event === 'register' && state === 'draft') state = 'registered';
      else if (event === 'hide' && state === 'findable') state = 'registered';
      const { event: _e, ...rest } = attrs;
      dois.set(doi, { ...rest, state });
      return json(before ? 200 : 201, { data: { id: doi, type: 'dois', attributes: dois.get(doi) } });
    }
    json(405, { errors: [{ title: 'Method not allowed' }] });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dois,
    requests,
    creations,
    updates,
    applied,
    fail: (...f: Fault[]) => faults.push(...f),
  };
}
