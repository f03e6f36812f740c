/**
 * REST read benchmark (issue 11): femto built from the current src/ and run as a real process
 * (node dist/src/cli.js serve, LOG_LEVEL=warn) over a cached database (bundled catalog + a
 * synthetic one), against /health and a bare Fastify hello-world in the same interleaved rounds;
 * then the growth of read costs and memory with the catalog (bundled, 10k, 100k, 1m).
 *
 * Run: npm run bench:rest [-- --quick]   (see bench/README.md for the options and timings)
 */
import { execSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { interleaved } from './interleaved.js';
import { catalogDb } from './loader.js';
import { QUERIES, scaleReport, scaleRow, type ScaleRow } from './scale.js';
import { buildFemto, startFemto, startHelloWorld } from './servers.js';
import { vocabulary } from './synthetic.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '20' },
    size: { type: 'string', default: 'bundled' },
    scale: { type: 'string' },
    only: { type: 'string' },
    budget: { type: 'string' },
    'harvest-budget': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const opts = {
  rounds: Number(args.rounds ?? (quick ? 2 : 5)),
  seconds: Number(args.seconds ?? (quick ? 2 : 5)),
  warmupSeconds: Number(args.warmup ?? (quick ? 1 : 2)),
  connections: Number(args.connections),
};
const budgets = { querySeconds: Number(args.budget ?? (quick ? 60 : 300)), harvestSeconds: Number(args['harvest-budget'] ?? (quick ? 600 : 1800)) };
const scaleSizes = (args.scale ?? (quick ? 'bundled,10k' : 'bundled,10k,100k,1m')).split(',').filter((s) => s && s !== 'none');
const log = (line: string) => console.log(line);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 60_000).toFixed(1)} min`;

const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
const dirty = execSync('git status --porcelain -- src migrations', { encoding: 'utf8' }).trim() ? ' + uncommitted changes in src/ or migrations/' : '';
log(
  `bench/rest on ${commit}${dirty}; node ${process.version}; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

if (!args['no-build']) {
  log('npm run build (femto runs from dist/, as npm start runs it)');
  buildFemto();
}

const misses: string[] = [];
if (args.only !== 'scale') {
  const db = await catalogDb(args.size, log);
  log(
    `\n## Interleaved: ${opts.rounds} rounds x ${opts.seconds} s per sample, ${opts.connections} connections, catalog ${db.label} (${db.synthetic.toLocaleString('en')} synthetic datasets + the bundled catalog)`,
  );
  const [femto, hello] = await Promise.all([startFemto(db.path), startHelloWorld()]);
  try {
    const result = await interleaved(femto, hello, opts, log);
    log('');
    log(result.report);
    misses.push(...result.misses);
  } finally {
    await Promise.all([femto.stop(), hello.stop()]);
  }
  log(`(${elapsed()} so far)`);
}

if (args.only !== 'interleaved' && scaleSizes.length) {
  log(
    `\n## Scale: ${scaleSizes.join(', ')}; ${QUERIES} record reads and ${QUERIES} searches (budget ${budgets.querySeconds} s each), then a full OAI harvest (budget ${budgets.harvestSeconds} s)`,
  );
  const vocab = vocabulary((await loadOntology(loadConfig({}).ontologyDir)).model);
  const rows: ScaleRow[] = [];
  for (const size of scaleSizes) rows.push(await scaleRow(size, vocab, budgets, log));
  const result = scaleReport(rows);
  log('');
  log(result.report);
  misses.push(...result.misses);
}

log(
  `\nload average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; took ${elapsed()}`,
);
log(misses.length ? `MISSED: ${misses.join('; ')}` : 'every target measured in this run: PASS');
