/**
 * Load generation for bench/rest: autocannon, in the bench's own process (the servers run in
 * theirs). A Load says what one connection asks next; loads that depend on earlier answers
 * (OAI resumption tokens, ETags) keep that state across the connections of one run.
 */
import autocannon from 'autocannon';

export interface Load {
  path: string;
  headers?: Record<string, string>;
  /** Dynamic requests (next path or headers from earlier answers). */
  requests?: autocannon.Request[];
  /** Records delivered so far, for loads that count records per answer. */
  records?: () => number;
  /** Records in every answer, for loads whose answers all hold the same number. */
  recordsPerAnswer?: number;
}

export interface Sample {
  reqPerSec: number;
  /** Records per second for record-counting loads, else null. */
  recordsPerSec: number | null;
  /** Latency in ms. */
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

export interface DriveOptions {
  connections: number;
  /** Run for this long, or ... */
  seconds?: number;
  /** ... send exactly this many requests. */
  amount?: number;
}

export async function drive(base: string, load: Load, opts: DriveOptions): Promise<Sample> {
  const result = await autocannon({
    url: base + load.path,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 5 }),
    headers: load.headers,
    requests: load.requests,
    timeout: 300,
  });
  const reqPerSec = result.requests.total / result.duration;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  const recordsPerSec = load.records ? load.records() / result.duration : load.recordsPerAnswer !== undefined ? reqPerSec * load.recordsPerAnswer : null;
  return { reqPerSec, recordsPerSec, p50: result.latency.p50, p99: result.latency.p99, statuses, errors: result.errors };
}

const header = (headers: Record<string, unknown>, name: string) => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
};

const RESUMPTION_TOKEN = /<resumptionToken[^>]*>([^<]+)<\/resumptionToken>/;

/** OAI-PMH records in a ListRecords answer (deleted records too: a harvester receives them). */
export function oaiRecords(body: string): number {
  let n = 0;
  for (let i = body.indexOf('<record>'); i !== -1; i = body.indexOf('<record>', i + 8)) n++;
  return n;
}

export const oaiToken = (body: string) => RESUMPTION_TOKEN.exec(body)?.[1];

/**
 * Concurrent harvests: every answer's resumption token becomes some connection's next request;
 * a connection with no token waiting starts a new harvest at the first page.
 */
export function harvesting(firstPage: string): Load {
  const continuations: string[] = [];
  let records = 0;
  return {
    path: firstPage,
    records: () => records,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: continuations.shift() ?? firstPage }),
        onResponse: (_status, body) => {
          records += oaiRecords(body);
          const token = oaiToken(body);
          if (token) continuations.push(`/oai?verb=ListRecords&resumptionToken=${encodeURIComponent(token)}`);
        },
      },
    ],
  };
}

/** Conditional GETs: each request carries, in If-None-Match, the ETag of the latest answer. */
export function revalidating(path: string, headers: Record<string, string>): Load {
  let etag: string | undefined;
  return {
    path,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...(etag ? { 'if-none-match': etag } : {}) } }),
        onResponse: (_status, _body, _context, responseHeaders) => {
          etag = header(responseHeaders ?? {}, 'etag') ?? etag;
        },
      },
    ],
  };
}
