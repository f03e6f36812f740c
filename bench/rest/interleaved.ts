/**
 * The REST reads of issue 11 under load, in interleaved rounds (/health, case A, /health, case B,
 * ...), each figure set against the /health sample taken right before it on the same server, and
 * against a bare Fastify hello-world measured in the same rounds.
 */
import { drive, harvesting, oaiRecords, oaiToken, revalidating, type Load, type Sample } from './measure.js';
import type { Server } from './servers.js';
import { median, num, pct, spread, table } from './stats.js';

export interface InterleavedOptions {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

interface Case {
  name: string;
  server: 'femto' | 'hello';
  load: () => Load;
  /** What the target counts: requests, or records delivered. */
  unit: 'req/s' | 'records/s';
  target?: { share: number; moonshot?: number };
}

const RECORD = '/datasets/fm4npp';
const OAI_FIRST_PAGE = '/oai?verb=ListRecords&metadataPrefix=oai_datacite';
const health: Load = { path: '/health' };

function cases(catalogPageRecords: number): Case[] {
  const json = { accept: 'application/json' };
  return [
    { name: 'hello-world (bare Fastify)', server: 'hello', unit: 'req/s', load: () => ({ path: '/' }) },
    { name: `GET ${RECORD} JSON`, server: 'femto', unit: 'req/s', target: { share: 0.5, moonshot: 0.8 }, load: () => ({ path: RECORD, headers: json }) },
    {
      name: `GET ${RECORD} JSON-LD`,
      server: 'femto',
      unit: 'req/s',
      target: { share: 0.35 },
      load: () => ({ path: RECORD, headers: { accept: 'application/ld+json' } }),
    },
    { name: `GET ${RECORD} HTML`, server: 'femto', unit: 'req/s', target: { share: 0.35 }, load: () => ({ path: RECORD, headers: { accept: 'text/html' } }) },
    {
      name: 'GET /datasets?q=lattice&limit=20',
      server: 'femto',
      unit: 'req/s',
      target: { share: 0.2 },
      load: () => ({ path: '/datasets?q=lattice&limit=20', headers: json }),
    },
    {
      name: `GET /catalog page of ${catalogPageRecords}`,
      server: 'femto',
      unit: 'records/s',
      target: { share: 0.5 },
      load: () => ({ path: '/catalog?page=1&limit=100', headers: { accept: 'application/ld+json' }, recordsPerAnswer: catalogPageRecords }),
    },
    {
      name: 'OAI ListRecords oai_datacite, tokens followed',
      server: 'femto',
      unit: 'records/s',
      target: { share: 0.5 },
      load: () => harvesting(OAI_FIRST_PAGE),
    },
    { name: `GET ${RECORD} JSON, If-None-Match: previous ETag`, server: 'femto', unit: 'req/s', load: () => revalidating(RECORD, json) },
  ];
}

/** One request per case, to show what is measured (status, type, size) and to learn the catalog page's record count. */
async function probe(femto: Server, log: (line: string) => void): Promise<number> {
  const show = async (what: string, path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(femto.base + path, { headers });
    const body = await res.text();
    log(
      `  ${what.padEnd(44)} ${res.status} ${(res.headers.get('content-type') ?? '').padEnd(36)} ${body.length.toLocaleString('en').padStart(9)} chars  ETag ${res.headers.get('etag') ?? '—'}`,
    );
    return { res, body };
  };
  log('what one request of each case answers:');
  const record = await show('record JSON', RECORD, { accept: 'application/json' });
  await show('record JSON-LD', RECORD, { accept: 'application/ld+json' });
  await show('record HTML', RECORD, { accept: 'text/html' });
  const etag = record.res.headers.get('etag');
  await show('record JSON, If-None-Match: its ETag', RECORD, { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) });
  const search = await show('search q=lattice limit=20', '/datasets?q=lattice&limit=20', { accept: 'application/json' });
  const found = JSON.parse(search.body) as { items: unknown[]; total: number };
  log(`    ${found.items.length} items of ${found.total} matches`);
  const catalog = await show('catalog page 1, limit 100', '/catalog?page=1&limit=100', { accept: 'application/ld+json' });
  const catalogRecords = (JSON.parse(catalog.body) as { dataset?: unknown[] }).dataset?.length ?? 0;
  log(`    ${catalogRecords} records on the page`);
  const oai = await show('OAI ListRecords oai_datacite, first page', OAI_FIRST_PAGE);
  const size = /completeListSize="(\d+)"/.exec(oai.body)?.[1];
  log(`    ${oaiRecords(oai.body)} records on the page, ${size ?? 'no'} in the list, ${oaiToken(oai.body) ? 'a resumption token' : 'no resumption token'}`);
  return catalogRecords;
}

interface Measured {
  c: Case;
  samples: Sample[];
  /** The /health sample taken right before each of the case's samples. */
  health: Sample[];
}

const rate = (c: Case, s: Sample) => (c.unit === 'records/s' ? (s.recordsPerSec ?? NaN) : s.reqPerSec);

export async function interleaved(
  femto: Server,
  hello: Server,
  opts: InterleavedOptions,
  log: (line: string) => void,
): Promise<{ report: string; misses: string[] }> {
  const catalogRecords = await probe(femto, log);
  const list = cases(catalogRecords);
  const serverOf = (c: Case) => (c.server === 'femto' ? femto : hello);
  // A sample ends when autocannon stops sending; requests the server had queued run on into the
  // next sample unless waited for: one /health answer comes after them.
  const run = async (server: Server, load: Load, seconds: number) => {
    const sample = await drive(server.base, load, { connections: opts.connections, seconds });
    await fetch(`${server.base}${server === femto ? '/health' : '/'}`);
    return sample;
  };

  log(`warm-up: ${opts.warmupSeconds} s per case`);
  await run(femto, health, opts.warmupSeconds);
  for (const c of list) await run(serverOf(c), c.load(), opts.warmupSeconds);

  const measured: Measured[] = list.map((c) => ({ c, samples: [], health: [] }));
  for (let round = 1; round <= opts.rounds; round++) {
    const t0 = performance.now();
    for (const m of measured) {
      m.health.push(await run(femto, health, opts.seconds));
      m.samples.push(await run(serverOf(m.c), m.c.load(), opts.seconds));
    }
    const last = measured.map((m) => `${num(rate(m.c, m.samples.at(-1)!))}`).join(' / ');
    log(`round ${round}/${opts.rounds} (${((performance.now() - t0) / 1000).toFixed(0)} s): ${last}`);
  }

  const allHealth = measured.flatMap((m) => m.health.map((s) => s.reqPerSec));
  const helloRate = median(measured.find((m) => m.c.server === 'hello')!.samples.map((s) => s.reqPerSec));
  const misses: string[] = [];
  const rows = measured.map(({ c, samples, health: paired }) => {
    const rates = samples.map((s) => rate(c, s));
    const shares = samples.map((s, i) => rate(c, s) / paired[i].reqPerSec);
    const share = median(shares);
    let verdict = '';
    if (c.target) {
      const { share: goal, moonshot } = c.target;
      verdict = `${share >= goal ? 'PASS' : 'MISS'} (>= ${pct(goal)}${moonshot ? `; moonshot ${pct(moonshot)}: ${share >= moonshot ? 'PASS' : 'MISS'}` : ''})`;
      if (share < goal) misses.push(c.name);
    }
    const statuses = Object.entries(
      samples.reduce<Record<string, number>>((acc, s) => {
        for (const [code, n] of Object.entries(s.statuses)) acc[code] = (acc[code] ?? 0) + n;
        return acc;
      }, {}),
    )
      .map(([code, n]) => `${code}×${n.toLocaleString('en')}`)
      .join(' ');
    return [
      c.name,
      `${spread(rates)} ${c.unit}`,
      `${num(median(samples.map((s) => s.p50)))} / ${num(median(samples.map((s) => s.p99)))}`,
      spread(shares, pct),
      pct(median(rates) / helloRate),
      verdict,
      statuses + (samples.some((s) => s.errors) ? ` errors×${samples.reduce((a, s) => a + s.errors, 0)}` : ''),
    ];
  });
  const head = ['case', 'median [min–max]', 'p50 / p99 ms', 'of /health (paired)', 'of hello-world', 'target', 'answers'];
  const report = [
    `/health: ${spread(allHealth)} req/s over ${allHealth.length} samples; ${pct(median(allHealth) / helloRate)} of hello-world (${num(helloRate)} req/s)`,
    '',
    table(head, rows),
  ].join('\n');
  return { report, misses };
}
