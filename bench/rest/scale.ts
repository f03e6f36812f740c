/**
 * How the cost of a read grows with the catalog: for each database size, a fresh femto process
 * answers 1,000 record reads (then the same 1,000 again, now cached where femto caches) and a
 * 1,000-query search mix, one request at a time (so latencies are service times, not queueing);
 * then one harvester takes the whole OAI-PMH list page by page; last (after the memory target's
 * figures) one lineage query, the first of the process, which builds the in-memory provenance
 * snapshot. The server's memory is read from /proc after each phase. A phase that outlasts its
 * time budget is cut short (the latencies are those of the requests that finished); a request
 * still running then gets a minute to end, after which the server is restarted for the next phase,
 * since SQLite work cannot be interrupted.
 */
import { readCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { rng } from '../lineage/graph.js';
import { catalogDb, type CatalogDb } from './loader.js';
import { oaiRecords, oaiToken } from './measure.js';
import { startFemto, type Server } from './servers.js';
import { num, quantile, table } from './stats.js';
import { searchMix, syntheticId, type Vocabulary } from './synthetic.js';

export const QUERIES = 1_000;
export const RSS_TARGET_MIB = 400;
/** How long a request cut by a phase's budget may run on before the server is restarted. */
const SETTLE_MS = 60_000;

interface Phase {
  asked: number;
  /** Latencies (ms) of the requests that finished. */
  times: number[];
  statuses: Record<string, number>;
  /** The budget ran out (with a request still running if `interrupted`). */
  cut: boolean;
  interrupted: boolean;
  seconds: number;
}

export interface ScaleRow {
  db: CatalogDb;
  datasets: number;
  /** First read of each record in the process (nothing cached yet), then the same reads again. */
  records: Phase;
  recordsAgain: Phase;
  search: Phase;
  harvest: Phase & { pages: number; records: number; listSize: number };
  memory: { start: number; afterReads: number; afterHarvest: number; peak: number };
  /** After the target's phases: the first lineage query (it builds the in-memory provenance snapshot) and the RSS after it. */
  lineage: { ms: number; rss: number };
  /** Phases after which the server had to be restarted (their memory is not in the later figures). */
  restarts: string[];
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

/**
 * Asks `next()` for paths until it returns undefined or the budget runs out, one request at a
 * time; `onBody` sees each answer (a harvester reads its resumption token there).
 */
async function sequential(base: string, next: () => string | undefined, budgetMs: number, onBody: (body: string) => void = () => {}): Promise<Phase> {
  const phase: Phase = { asked: 0, times: [], statuses: {}, cut: false, interrupted: false, seconds: 0 };
  const t0 = performance.now();
  for (let path = next(); path; path = next()) {
    const left = budgetMs - (performance.now() - t0);
    if (left <= 0) {
      phase.cut = true;
      break;
    }
    phase.asked++;
    const t = performance.now();
    try {
      const res = await fetch(base + path, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(Math.ceil(left)) });
      const body = await res.text();
      phase.times.push(performance.now() - t);
      phase.statuses[res.status] = (phase.statuses[res.status] ?? 0) + 1;
      onBody(body);
    } catch (err) {
      if ((err as Error).name !== 'TimeoutError') throw err;
      phase.cut = phase.interrupted = true;
      break;
    }
  }
  phase.seconds = (performance.now() - t0) / 1000;
  return phase;
}

const fromList = (paths: readonly string[]) => {
  let i = 0;
  return () => paths[i++];
};

export interface Budgets {
  /** Per phase of record reads and of searches. */
  querySeconds: number;
  harvestSeconds: number;
}

export async function scaleRow(label: string, vocab: Vocabulary, budgets: Budgets, log: (line: string) => void): Promise<ScaleRow> {
  const db = await catalogDb(label, log);
  const datasets = readCatalog().reduce((n, f) => n + f.content.datasets.length, 0) + db.synthetic;
  log(
    `${label}: ${datasets.toLocaleString('en')} datasets, ${num(db.bytes / 2 ** 20)} MiB${db.buildSeconds != null ? `, built in ${num(db.buildSeconds)} s` : ' (cached)'}`,
  );
  const restarts: string[] = [];
  let femto: Server = await startFemto(db.path);
  /** After a phase cut mid-request: wait a while for that request to end, restart the server if it does not. */
  const restartIfStuck = async (phase: Phase, name: string) => {
    if (!phase.interrupted) return;
    const answered = await fetch(`${femto.base}/health`, { signal: AbortSignal.timeout(SETTLE_MS) }).then(
      () => true,
      () => false,
    );
    if (answered) return;
    restarts.push(name);
    await femto.stop();
    femto = await startFemto(db.path);
  };
  const show = (name: string, p: Phase) =>
    log(
      `  ${name}: ${p.times.length}/${p.asked} answered in ${num(p.seconds)} s${p.cut ? ` (budget ran out${p.interrupted ? ' mid-request' : ''})` : ''}, p50 ${num(quantile(p.times, 0.5))} ms, p99 ${num(quantile(p.times, 0.99))} ms`,
    );
  try {
    const start = femto.memory().rss;
    const paths = recordPaths(db.synthetic, QUERIES);
    const records = await sequential(femto.base, fromList(paths), budgets.querySeconds * 1000);
    show(`${QUERIES} record reads`, records);
    await restartIfStuck(records, 'record reads');
    const recordsAgain = await sequential(femto.base, fromList(paths.slice(0, records.times.length)), budgets.querySeconds * 1000);
    show('the same reads again', recordsAgain);
    await restartIfStuck(recordsAgain, 'record reads');
    const search = await sequential(femto.base, fromList(searchMix(QUERIES, vocab).map((q) => `/datasets?${q}`)), budgets.querySeconds * 1000);
    show(`${QUERIES} searches`, search);
    const afterReads = femto.memory().rss;
    await restartIfStuck(search, 'search mix');

    let next: string | undefined = '/oai?verb=ListRecords&metadataPrefix=oai_datacite';
    let pages = 0;
    let harvested = 0;
    let listSize = 0;
    const harvest = await sequential(
      femto.base,
      () => {
        const path = next;
        next = undefined;
        return path;
      },
      budgets.harvestSeconds * 1000,
      (body) => {
        pages++;
        harvested += oaiRecords(body);
        listSize ||= Number(/completeListSize="(\d+)"/.exec(body)?.[1] ?? 0);
        const token = oaiToken(body);
        if (token) next = `/oai?verb=ListRecords&resumptionToken=${encodeURIComponent(token)}`;
        if (pages % 1_000 === 0) log(`    harvested ${pages.toLocaleString('en')} pages`);
      },
    );
    show(`OAI harvest of ${harvested.toLocaleString('en')} records in ${pages.toLocaleString('en')} pages`, harvest);
    const { rss: afterHarvest, peak } = femto.memory();
    await restartIfStuck(harvest, 'harvest');
    const lineage = await sequential(femto.base, fromList(['/datasets/fm4npp/lineage?direction=UPSTREAM&depth=5']), budgets.querySeconds * 1000);
    show('first lineage query', lineage);
    return {
      db,
      datasets,
      records,
      recordsAgain,
      search,
      harvest: { ...harvest, pages, records: harvested, listSize },
      memory: { start, afterReads, afterHarvest, peak },
      lineage: { ms: lineage.times[0] ?? NaN, rss: femto.memory().rss },
      restarts,
    };
  } finally {
    await femto.stop();
  }
}

const latencies = (p: Phase, base: Phase) => {
  const growth = (q: number) => `${num(quantile(p.times, q))} (${num(quantile(p.times, q) / quantile(base.times, q))}x)`;
  return `${growth(0.5)} / ${growth(0.99)}${p.cut ? ` — ${p.times.length} of ${QUERIES} in the budget` : ''}`;
};

function harvestSummary(h: ScaleRow['harvest']): string {
  const rate = `${num(h.records / h.seconds)} records/s; page p50 ${num(quantile(h.times, 0.5))} ms, p99 ${num(quantile(h.times, 0.99))} ms`;
  if (!h.cut) return `${h.records.toLocaleString('en')} records, ${h.pages.toLocaleString('en')} pages in ${num(h.seconds)} s (${rate})`;
  const estimate = (h.seconds * h.listSize) / Math.max(1, h.records) / 60;
  return `CUT at ${h.records.toLocaleString('en')} of ${h.listSize.toLocaleString('en')} records (${h.pages.toLocaleString('en')} pages) after ${num(h.seconds)} s (${rate}); the whole list at this pace: ~${num(estimate)} min`;
}

const statusList = (p: Phase) =>
  Object.entries(p.statuses)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ') || 'none';

export function scaleReport(rows: ScaleRow[]): { report: string; misses: string[] } {
  const base = rows[0];
  const head = [
    'catalog',
    'datasets',
    'DB MiB',
    'record, 1st read p50 / p99 ms',
    'record, read again',
    'search p50 / p99 ms',
    'full OAI harvest',
    'RSS MiB: start / after reads+search / after harvest / peak',
    'then 1st lineage query: ms, RSS MiB',
  ];
  const body = rows.map((r) => [
    r.db.label,
    r.datasets.toLocaleString('en'),
    num(r.db.bytes / 2 ** 20),
    latencies(r.records, base.records),
    latencies(r.recordsAgain, base.recordsAgain),
    latencies(r.search, base.search),
    harvestSummary(r.harvest),
    [r.memory.start, r.memory.afterReads, r.memory.afterHarvest, r.memory.peak].map(num).join(' / ') +
      (r.restarts.length ? ` (restarted after: ${r.restarts.join(', ')})` : ''),
    `${num(r.lineage.ms)}, ${num(r.lineage.rss)}`,
  ]);
  const biggest = rows.at(-1)!;
  const complete = !biggest.restarts.length && !biggest.records.cut && !biggest.recordsAgain.cut && !biggest.search.cut && !biggest.harvest.cut;
  const judged = biggest.db.synthetic >= 1_000_000;
  const peak = biggest.memory.peak;
  // An incomplete run gives a lower bound: it can prove a miss, never a pass.
  const verdict = peak >= RSS_TARGET_MIB ? 'MISS' : complete ? 'PASS' : 'UNDECIDED';
  const figure = `peak RSS at ${biggest.db.label} after the record reads, the search mix and the full harvest: ${num(peak)} MiB${complete ? '' : ' (not every phase completed in one process: a lower bound)'}`;
  const lines = [
    table(head, body),
    '',
    `(x: against the ${base.db.label} catalog.) Record answers: ${rows.map((r) => `${r.db.label} ${statusList(r.records)}`).join('; ')}. Search answers: ${rows.map((r) => `${r.db.label} ${statusList(r.search)}`).join('; ')}.`,
    judged ? `${verdict} ${figure} < ${RSS_TARGET_MIB} MiB` : `${figure} (the < ${RSS_TARGET_MIB} MiB target is judged at 1m, not in this run)`,
  ];
  return { report: lines.join('\n'), misses: judged && verdict !== 'PASS' ? [`peak RSS at ${biggest.db.label} (${verdict})`] : [] };
}
