/**
 * How the cost of a read grows with the catalog: for each database size, a fresh femto process
 * answers 1,000 record reads and a 1,000-query search mix (one connection, so the latencies are
 * service times, not queueing), then one harvester takes the whole OAI-PMH list page by page.
 * The server's memory is read from /proc after each phase.
 */
import { readCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { rng } from '../lineage/graph.js';
import { catalogDb, type CatalogDb } from './loader.js';
import { drive, oaiRecords, oaiToken, sequence, type Sample } from './measure.js';
import { startFemto } from './servers.js';
import { num, quantile, table } from './stats.js';
import { searchMix, syntheticId, type Vocabulary } from './synthetic.js';

export const QUERIES = 1_000;
export const RSS_TARGET_MIB = 400;

export interface ScaleRow {
  db: CatalogDb;
  datasets: number;
  records: Sample;
  search: Sample;
  harvest: { pages: number; records: number; seconds: number; pageP50: number; pageP99: number };
  memory: { start: number; afterReads: number; afterHarvest: number; peak: number };
}

/** Record ids to read: bundled and synthetic ones in proportion to their numbers (restricted and withdrawn ones answer 404/410, as they do for anyone). */
function recordPaths(synthetic: number, n: number): string[] {
  const bundled = readCatalog().flatMap((f) => f.content.datasets.map((d) => d.id));
  const r = rng(17);
  return Array.from({ length: n }, () => {
    const k = Math.floor(r() * (bundled.length + synthetic));
    return `/datasets/${k < bundled.length ? bundled[k] : syntheticId(k - bundled.length)}`;
  });
}

async function harvestAll(base: string) {
  let path: string | undefined = '/oai?verb=ListRecords&metadataPrefix=oai_datacite';
  let pages = 0;
  let records = 0;
  const times: number[] = [];
  const t0 = performance.now();
  while (path) {
    const t = performance.now();
    const res = await fetch(base + path);
    const body = await res.text();
    times.push(performance.now() - t);
    if (!res.ok) throw new Error(`OAI harvest: ${res.status} on page ${pages + 1}`);
    pages++;
    records += oaiRecords(body);
    const token = oaiToken(body);
    path = token ? `/oai?verb=ListRecords&resumptionToken=${encodeURIComponent(token)}` : undefined;
  }
  return { pages, records, seconds: (performance.now() - t0) / 1000, pageP50: quantile(times, 0.5), pageP99: quantile(times, 0.99) };
}

export async function scaleRow(label: string, vocab: Vocabulary, log: (line: string) => void): Promise<ScaleRow> {
  const db = await catalogDb(label, log);
  const datasets = readCatalog().reduce((n, f) => n + f.content.datasets.length, 0) + db.synthetic;
  log(`${label}: ${datasets.toLocaleString('en')} datasets, ${num(db.bytes / 2 ** 20)} MiB${db.buildSeconds != null ? `, built in ${num(db.buildSeconds)} s` : ' (cached)'}`);
  const femto = await startFemto(db.path);
  try {
    const start = femto.memory().rss;
    const one = { connections: 1, amount: QUERIES };
    const records = await drive(femto.base, sequence(recordPaths(db.synthetic, QUERIES), { accept: 'application/json' }), one);
    log(`  ${QUERIES} record reads: p50 ${num(records.p50)} ms, p99 ${num(records.p99)} ms`);
    const search = await drive(femto.base, sequence(searchMix(QUERIES, vocab).map((q) => `/datasets?${q}`), { accept: 'application/json' }), one);
    log(`  ${QUERIES} searches: p50 ${num(search.p50)} ms, p99 ${num(search.p99)} ms`);
    const afterReads = femto.memory().rss;
    const harvest = await harvestAll(femto.base);
    log(`  OAI harvest: ${harvest.pages.toLocaleString('en')} pages, ${harvest.records.toLocaleString('en')} records in ${num(harvest.seconds)} s`);
    const { rss: afterHarvest, peak } = femto.memory();
    return { db, datasets, records, search, harvest, memory: { start, afterReads, afterHarvest, peak } };
  } finally {
    await femto.stop();
  }
}

const statusList = (s: Sample) => Object.entries(s.statuses).map(([code, n]) => `${code}×${n}`).join(' ');

export function scaleReport(rows: ScaleRow[]): { report: string; misses: string[] } {
  const base = rows[0];
  const growth = (x: number, b: number) => `${num(x)} (${num(x / b)}x)`;
  const head = ['catalog', 'datasets', 'DB MiB', 'record p50 / p99 ms', 'search p50 / p99 ms', 'OAI harvest', 'RSS start / after reads+search / after harvest / peak MiB'];
  const body = rows.map((r) => [
    r.db.label,
    r.datasets.toLocaleString('en'),
    num(r.db.bytes / 2 ** 20),
    `${growth(r.records.p50, base.records.p50)} / ${growth(r.records.p99, base.records.p99)}`,
    `${growth(r.search.p50, base.search.p50)} / ${growth(r.search.p99, base.search.p99)}`,
    `${r.harvest.records.toLocaleString('en')} rec, ${num(r.harvest.seconds)} s = ${num(r.harvest.records / r.harvest.seconds)} rec/s; page p50 ${num(r.harvest.pageP50)} ms, p99 ${num(r.harvest.pageP99)} ms`,
    [r.memory.start, r.memory.afterReads, r.memory.afterHarvest, r.memory.peak].map(num).join(' / '),
  ]);
  const biggest = rows.at(-1)!;
  const misses = biggest.memory.peak >= RSS_TARGET_MIB ? [`peak RSS at ${biggest.db.label}`] : [];
  const lines = [
    table(head, body),
    '',
    `(x: growth against the ${base.db.label} catalog.) Answers: records ${rows.map((r) => `${r.db.label}: ${statusList(r.records)}`).join('; ')}. Searches: ${rows.map((r) => `${r.db.label}: ${statusList(r.search)}`).join('; ')}.`,
    `${biggest.memory.peak < RSS_TARGET_MIB ? 'PASS' : 'MISS'} peak RSS at ${biggest.db.label} (${num(biggest.memory.peak)} MiB, after the record reads, the search mix and the full harvest) < ${RSS_TARGET_MIB} MiB` +
      (biggest.db.synthetic < 1_000_000 ? ' (the target is set for 1m; this run stopped earlier)' : ''),
  ];
  return { report: lines.join('\n'), misses };
}
