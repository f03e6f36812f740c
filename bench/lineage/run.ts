/**
 * Lineage benchmark: femto's breadth-first walk against (a) a Marquez-style depth-bounded
 * recursive CTE, (c) the strongest SQL baseline (a recursive CTE whose UNION is a visited set) and
 * (b) Oxigraph with SPARQL property paths, on one synthetic graph of 100,000 datasets and 100,000
 * steps; then GraphQL over HTTP against `{ __typename }`.
 * Run: npx tsx bench/lineage/run.ts   (figures and PASS/FAIL on stdout)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import oxigraph from 'oxigraph';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import { buildContainer } from '../../src/container.js';
import { buildApp } from '../../src/app.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { generate, insert, nTriples, SHAPE } from './graph.js';

const REPS = Number(process.env.BENCH_REPS ?? 5);
/** (a) enumerates paths; on this graph it would run for hours at depth 20, so it stops after this many path rows. */
const CTE_ROW_CAP = Number(process.env.BENCH_CTE_ROW_CAP ?? 1_000_000);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

type Dir = 'up' | 'down';
const STARTS: Record<Dir, number[]> = { up: [99_999, 70_000, 40_000], down: [0, 1_500, 50_000] };
const DEPTHS = [5, 20, null] as const;

interface NodeSet {
  datasets: Set<number>;
  activities: Set<string>;
}

const dir = mkdtempSync(join(tmpdir(), 'femto-bench-lineage-'));
const dbPath = join(dir, 'bench.sqlite');
const log = (...a: unknown[]) => console.log(...a);

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/** time for a call that answers a Promise (femto's service is async: the time is until it settles). */
async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}
const fmt = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(1)} ms [${x.min.toFixed(1)}–${x.max.toFixed(1)}]`;

function sameSets(a: NodeSet, b: NodeSet) {
  if (a.datasets.size !== b.datasets.size || a.activities.size !== b.activities.size) return false;
  for (const x of a.datasets) if (!b.datasets.has(x)) return false;
  for (const x of a.activities) if (!b.activities.has(x)) return false;
  return true;
}

// ---------------------------------------------------------------- build
log(`# lineage benchmark — ${SHAPE.datasets.toLocaleString()} datasets, ${(SHAPE.datasets - SHAPE.raw + SHAPE.evaluations).toLocaleString()} steps`);
const graph = generate();
const database = openDatabase(dbPath);
applyMigrations(database);
log(`insert into SQLite (real migrations): ${time(() => insert(database, graph)).ms.toFixed(0)} ms`);
database.sqlite.pragma('optimize');
const store = new oxigraph.Store();
log(`load Oxigraph (PROV-O triples): ${time(() => store.load(nTriples(graph), { format: 'application/n-triples' })).ms.toFixed(0)} ms, ${store.size} triples`);

// Unbounded means unbounded here: lift the depth bound and node budget (production keeps them).
const config = loadConfig({
  FEMTO_DB: dbPath,
  FEMTO_LINEAGE_MAX_DEPTH: '1000000',
  FEMTO_LINEAGE_NODE_BUDGET: '100000000',
  FEMTO_REQUEST_TIMEOUT_MS: '600000',
  LOG_LEVEL: 'silent',
});
const container = buildContainer(config, database, await loadOntology(config.ontologyDir));
const actor = { id: 'bench', role: 'admin' as const };

// The snapshot femto walks: built once from full scans (the first query after a write pays it); its heap cost measured around the build.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers);
const heapBefore = heap();
const build = await timeAsync(() => container.lineage.lineage(actor, { id: 'd0', depth: 0 }));
const snapshotLine = `snapshot: built by the first query in ${build.ms.toFixed(0)} ms; heap growth (typed arrays, id strings, index) ${((heap() - heapBefore) / 2 ** 20).toFixed(1)} MiB`;
log(snapshotLine);

// ---------------------------------------------------------------- the three implementations
/** The node set of femto's answer; `edges` also materializes the edge list (built on first read, as GraphQL does when asked). */
async function femto(side: Dir, k: number, depth: number | null, edges = false): Promise<NodeSet> {
  const l = await container.lineage.lineage(actor, { id: `d${k}`, direction: side === 'up' ? 'UPSTREAM' : 'DOWNSTREAM', depth });
  const out: NodeSet = { datasets: new Set(), activities: new Set() };
  for (const n of l.nodes) n.kind === 'DATASET' ? out.datasets.add(n.pk!) : out.activities.add(n.activity!);
  if (edges && l.edges.length === 0 && out.activities.size > 0) throw new Error('edges missing');
  return out;
}

/*
 * (a) The Marquez LineageDao shape: one recursive CTE, UNION ALL, a depth counter as the only
 * brake. Each row is a path, so a diamond is walked once per path through it.
 */
const cteSql = (side: Dir) => `
  WITH RECURSIVE lineage(pk, activity, depth) AS (
    SELECT ?, NULL, 0                                   -- the start version
    UNION ALL
    SELECT x.version_pk, s.activity_id, l.depth + 1     -- one derivation step further
      FROM lineage l
      JOIN ${side === 'up' ? 'activity_outputs' : 'activity_inputs'} s ON s.version_pk = l.pk          -- the step on the near side
      LEFT JOIN ${side === 'up' ? 'activity_inputs' : 'activity_outputs'} x ON x.activity_id = s.activity_id  -- its far side
     WHERE l.depth < ?                                  -- depth bound
     LIMIT ?                                            -- bench cap on path rows
  )`;
const cte = {
  up: database.sqlite.prepare(`${cteSql('up')} SELECT DISTINCT pk, activity FROM lineage`).raw(true),
  down: database.sqlite.prepare(`${cteSql('down')} SELECT DISTINCT pk, activity FROM lineage`).raw(true),
};
const cteRows = {
  up: database.sqlite.prepare(`${cteSql('up')} SELECT count(*) FROM lineage`).pluck(true),
  down: database.sqlite.prepare(`${cteSql('down')} SELECT count(*) FROM lineage`).pluck(true),
};
function recursiveCte(side: Dir, k: number, depth: number | null): NodeSet {
  const out: NodeSet = { datasets: new Set(), activities: new Set() };
  for (const [pk, activity] of cte[side].all(k + 1, depth ?? 1e9, CTE_ROW_CAP) as [number | null, string | null][]) {
    if (pk !== null) out.datasets.add(pk);
    if (activity !== null) out.activities.add(activity);
  }
  return out;
}

/*
 * (c) The strongest plain-SQL baseline: the same recursion, but UNION instead of UNION ALL, so
 * SQLite keeps every row it produced and drops repeats: a visited set. Rows are (version,
 * step, depth) under a depth bound, so a node is expanded at most once per depth instead of once
 * per path; unbounded, the depth column is constant and each (version, step) is expanded once.
 */
const visitedSql = (side: Dir, bounded: boolean) => `
  WITH RECURSIVE lineage(pk, activity, depth) AS (
    SELECT ?, NULL, 0
    UNION
    SELECT x.version_pk, s.activity_id, ${bounded ? 'l.depth + 1' : '0'}
      FROM lineage l
      JOIN ${side === 'up' ? 'activity_outputs' : 'activity_inputs'} s ON s.version_pk = l.pk
      LEFT JOIN ${side === 'up' ? 'activity_inputs' : 'activity_outputs'} x ON x.activity_id = s.activity_id
     ${bounded ? 'WHERE l.depth < ?' : ''}
  ) SELECT DISTINCT pk, activity FROM lineage`;
const visited = {
  up: { bounded: database.sqlite.prepare(visitedSql('up', true)).raw(true), unbounded: database.sqlite.prepare(visitedSql('up', false)).raw(true) },
  down: { bounded: database.sqlite.prepare(visitedSql('down', true)).raw(true), unbounded: database.sqlite.prepare(visitedSql('down', false)).raw(true) },
};
function visitedCte(side: Dir, k: number, depth: number | null): NodeSet {
  const out: NodeSet = { datasets: new Set(), activities: new Set() };
  const rows = depth === null ? visited[side].unbounded.all(k + 1) : visited[side].bounded.all(k + 1, depth);
  for (const [pk, activity] of rows as [number | null, string | null][]) {
    if (pk !== null) out.datasets.add(pk);
    if (activity !== null) out.activities.add(activity);
  }
  return out;
}

/** (b) PROV-O in Oxigraph: every node reachable along the PROV edges (property paths have no depth bound). */
function sparql(side: Dir, k: number): NodeSet {
  const path = side === 'up' ? '(prov:wasGeneratedBy|prov:used)*' : '(^prov:wasGeneratedBy|^prov:used)*';
  const rows = store.query(`PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?n WHERE { <urn:d:${k + 1}> ${path} ?n }`) as Map<string, { value: string }>[];
  const out: NodeSet = { datasets: new Set(), activities: new Set() };
  for (const r of rows) {
    const v = r.get('n')!.value;
    if (v.startsWith('urn:d:')) out.datasets.add(Number(v.slice(6)));
    else out.activities.add(v.slice(6));
  }
  return out;
}

/** The alternative to frontier batching: the same BFS with a prepared statement per node. */
const perNode = {
  up: {
    near: database.sqlite.prepare('SELECT activity_id FROM activity_outputs WHERE version_pk = ?').pluck(true),
    far: database.sqlite.prepare('SELECT version_pk FROM activity_inputs WHERE activity_id = ?').pluck(true),
  },
  down: {
    near: database.sqlite.prepare('SELECT activity_id FROM activity_inputs WHERE version_pk = ?').pluck(true),
    far: database.sqlite.prepare('SELECT version_pk FROM activity_outputs WHERE activity_id = ?').pluck(true),
  },
};
function perNodeBfs(side: Dir, k: number, depth: number | null): NodeSet {
  const out: NodeSet = { datasets: new Set([k + 1]), activities: new Set() };
  let frontier = [k + 1];
  for (let d = 1; frontier.length && d <= (depth ?? Infinity); d++) {
    const next: number[] = [];
    for (const pk of frontier) {
      for (const a of perNode[side].near.all(pk) as string[]) {
        if (out.activities.has(a)) continue;
        out.activities.add(a);
        for (const v of perNode[side].far.all(a) as number[]) {
          if (out.datasets.has(v)) continue;
          out.datasets.add(v);
          next.push(v);
        }
      }
    }
    frontier = next;
  }
  return out;
}

// ---------------------------------------------------------------- walks
interface Row {
  side: Dir;
  depth: number | null;
  femto: number;
  femtoEdges: number;
  perNode: number;
  cte: number;
  cteCapped: boolean;
  visitedCte: number;
  oxigraph: number | null;
  nodes: number;
}
const rows: Row[] = [];
let mismatches = 0;
const label = (d: number | null) => (d === null ? 'unbounded' : `depth ${d}`);

for (const side of ['up', 'down'] as Dir[]) {
  for (const depth of DEPTHS) {
    const f: number[] = [],
      fe: number[] = [],
      p: number[] = [],
      c: number[] = [],
      v: number[] = [],
      o: number[] = [];
    let capped = false,
      nodes = 0;
    for (const k of STARTS[side]) {
      const ref = await femto(side, k, depth); // warm-up and the result to check against
      nodes += ref.datasets.size + ref.activities.size;
      for (let i = 0; i < REPS; i++) f.push((await timeAsync(() => femto(side, k, depth))).ms);
      for (let i = 0; i < REPS; i++) fe.push((await timeAsync(() => femto(side, k, depth, true))).ms);
      for (let i = 0; i < Math.min(REPS, 3); i++) p.push(time(() => perNodeBfs(side, k, depth)).ms);
      if (!sameSets(ref, perNodeBfs(side, k, depth))) {
        mismatches++;
        log(`MISMATCH per-node ${side} ${label(depth)} d${k}`);
      }
      const rowCount = cteRows[side].get(k + 1, depth ?? 1e9, CTE_ROW_CAP) as number;
      const thisCapped = rowCount >= CTE_ROW_CAP;
      capped ||= thisCapped;
      for (let i = 0; i < Math.min(REPS, 3); i++) {
        const run = time(() => recursiveCte(side, k, depth));
        c.push(run.ms);
        if (i === 0 && !thisCapped && !sameSets(ref, run.value)) {
          mismatches++;
          log(`MISMATCH cte ${side} ${label(depth)} d${k}`);
        }
      }
      for (let i = 0; i < Math.min(REPS, 3); i++) {
        const run = time(() => visitedCte(side, k, depth));
        v.push(run.ms);
        if (i === 0 && !sameSets(ref, run.value)) {
          mismatches++;
          log(`MISMATCH visited-set cte ${side} ${label(depth)} d${k}: ${run.value.datasets.size}/${ref.datasets.size} datasets`);
        }
      }
      if (depth === null) {
        for (let i = 0; i < Math.min(REPS, 3); i++) {
          const run = time(() => sparql(side, k));
          o.push(run.ms);
          if (i === 0 && !sameSets(ref, run.value)) {
            mismatches++;
            log(`MISMATCH oxigraph ${side} d${k}: ${run.value.datasets.size}/${ref.datasets.size} datasets`);
          }
        }
      }
    }
    const row: Row = {
      side,
      depth,
      femto: stats(f).median,
      femtoEdges: stats(fe).median,
      perNode: stats(p).median,
      cte: stats(c).median,
      cteCapped: capped,
      visitedCte: stats(v).median,
      oxigraph: o.length ? stats(o).median : null,
      nodes: Math.round(nodes / STARTS[side].length),
    };
    rows.push(row);
    log(
      `${side === 'up' ? 'upstream  ' : 'downstream'} ${label(depth).padEnd(9)} avg ${String(row.nodes).padStart(6)} nodes | femto ${fmt(stats(f))} | femto+edges ${fmt(stats(fe))} | per-node ${fmt(stats(p))} | ` +
        `recursive CTE ${capped ? '> cap ' : ''}${fmt(stats(c))} | visited-set CTE ${fmt(stats(v))}${depth === null ? ` | Oxigraph ${fmt(stats(o))}` : ''}`,
    );
  }
}

// ---------------------------------------------------------------- HTTP
const app = await buildApp({ ...config, seedOnEmpty: false, lineage: { maxDepth: 100, nodeBudget: 10_000 } }, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address() as { port: number };
const url = `http://127.0.0.1:${address.port}/graphql`;
let lineageQuery = '';
let lineageNodes = 0;
search: for (let k = 99_999; k > SHAPE.raw; k -= 997) {
  for (let depth = 1; depth <= 12; depth++) {
    const l = await container.lineage.lineage(actor, { id: `d${k}`, depth });
    if (l.nodes.length > 160) break;
    if (l.nodes.length >= 80) {
      lineageQuery = `{ lineage(id: "d${k}", depth: ${depth}) { nodes { id kind depth } edges { from to relation } truncated } }`;
      lineageNodes = l.nodes.length;
      break search;
    }
  }
}
async function rps(query: string) {
  const opts = { url, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }), connections: 10 };
  await autocannon({ ...opts, duration: 2 });
  const r = await autocannon({ ...opts, duration: HTTP_SECONDS });
  if (r.non2xx || r.errors) throw new Error(`HTTP errors: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}
const typename = await rps('{ __typename }');
const lineageRps = await rps(lineageQuery);
await app.close();
log(
  `HTTP (autocannon, 10 connections, ${HTTP_SECONDS} s): { __typename } ${typename.toFixed(0)} req/s; lineage of ${lineageNodes} nodes ${lineageRps.toFixed(0)} req/s`,
);

// ---------------------------------------------------------------- targets
const at = (side: Dir, depth: number | null) => rows.find((r) => r.side === side && r.depth === depth)!;
const verdicts: [string, boolean][] = [];
for (const side of ['up', 'down'] as Dir[]) {
  const r20 = at(side, 20);
  const ratio = r20.cte / r20.femto;
  log(
    `${side}stream depth 20: recursive CTE / femto = ${r20.cteCapped ? '> ' : ''}${ratio.toFixed(1)}x (target >= 10x); with edges ${r20.cteCapped ? '> ' : ''}${(r20.cte / r20.femtoEdges).toFixed(1)}x`,
  );
  verdicts.push([`femto >= 10x faster than the recursive CTE at depth 20 (${side}stream)`, ratio >= 10]);
  for (const r of rows.filter((row) => row.side === side))
    log(`${side}stream ${label(r.depth)}: visited-set CTE / femto = ${(r.visitedCte / r.femto).toFixed(1)}x (no target: the strongest SQL baseline)`);
  const ru = at(side, null);
  const oxRatio = ru.oxigraph! / ru.femto;
  log(
    `${side}stream unbounded: Oxigraph / femto = ${oxRatio.toFixed(1)}x (target >= 2x); with edges ${(ru.oxigraph! / ru.femtoEdges).toFixed(1)}x; per-node / femto = ${(ru.perNode / ru.femto).toFixed(2)}x`,
  );
  verdicts.push([`femto >= 2x faster than Oxigraph unbounded (${side}stream)`, oxRatio >= 2]);
}
const share = lineageRps / typename;
log(`HTTP: lineage / __typename = ${(share * 100).toFixed(1)}% (target >= 10%)`);
verdicts.push(['GraphQL lineage (~100 nodes) >= 10% of { __typename } req/s', share >= 0.1]);
verdicts.push(['result sets match across implementations', mismatches === 0]);
log(snapshotLine.replace('snapshot:', 'snapshot (paid once per process, and after a write that cannot be appended):'));
for (const [name, ok] of verdicts) log(`${ok ? 'PASS' : 'FAIL'} ${name}`);
await database.close();
rmSync(dir, { recursive: true, force: true });
process.exitCode = verdicts.every(([, ok]) => ok) ? 0 : 1;
