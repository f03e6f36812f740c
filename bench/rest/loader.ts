/**
 * Builds (once) and caches the databases of bench/rest: the real migrations, the bundled catalog
 * loaded by femto itself, then a synthetic catalog (bench/rest/synthetic.ts) bulk-loaded with raw
 * prepared inserts, one transaction per chunk, into the same tables and the full-text index the
 * datasets repository writes. This is the ONE file that knows the schema's columns: when the schema
 * changes, adapt the statements below (and bump GENERATOR_VERSION if the content changes).
 *
 * Cache: bench/.cache/rest-<size>-<key>.sqlite, key = digest of the migrations, the bundled
 * catalog, the ontology and GENERATOR_VERSION. A stale file of the same size is deleted.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { buildContainer } from '../../src/container.js';
import { loadCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { projectPath } from '../../src/paths.js';
import { agentPool, GENERATOR_VERSION, syntheticDatasets, vocabulary, type SyntheticDataset, type SyntheticVersion, type Vocabulary } from './synthetic.js';

/** The servers of the bench run with this base URL: DOI landing URLs in the database use it. */
export const BENCH_BASE_URL = 'https://femto.example.org';
const CACHE = projectPath('bench', '.cache');
const CHUNK = 10_000;
const CREATED_BY = 'system:bench';

export interface CatalogDb {
  path: string;
  label: string;
  /** Synthetic datasets on top of the bundled catalog. */
  synthetic: number;
  /** Seconds the build took, or null when the file came from the cache. */
  buildSeconds: number | null;
  bytes: number;
}

/** "bundled" | "10k" | "100k" | "1m" (any number with k/m) -> synthetic datasets on top of the bundled catalog. */
export function parseSize(label: string): number {
  if (label === 'bundled') return 0;
  const m = /^(\d+)([km]?)$/i.exec(label);
  if (!m) throw new Error(`size '${label}' is not 'bundled' or a number with an optional k/m suffix`);
  return Number(m[1]) * ({ '': 1, k: 1_000, m: 1_000_000 } as Record<string, number>)[m[2].toLowerCase()];
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function cacheKey(): string {
  const h = createHash('sha256').update(`generator ${GENERATOR_VERSION}\n`);
  for (const f of ['migrations', 'catalog', 'ontologies'].flatMap((d) => files(projectPath(d)))) h.update(relative(projectPath(), f)).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/** The cached database of this size, built first if the cache has none for the current key. */
export async function catalogDb(label: string, log: (line: string) => void): Promise<CatalogDb> {
  const synthetic = parseSize(label);
  const path = join(CACHE, `rest-${label}-${cacheKey()}.sqlite`);
  mkdirSync(CACHE, { recursive: true });
  let buildSeconds: number | null = null;
  if (!existsSync(path)) {
    for (const f of readdirSync(CACHE).filter((f) => f.startsWith(`rest-${label}-`))) rmSync(join(CACHE, f), { force: true });
    log(`building the ${label} database (${synthetic.toLocaleString('en')} synthetic datasets) into ${relative(projectPath(), path)}`);
    const t0 = performance.now();
    const tmp = `${path}.building`;
    await buildCatalogDb(tmp, synthetic, log);
    renameSync(tmp, path);
    buildSeconds = (performance.now() - t0) / 1000;
  }
  return { path, label, synthetic, buildSeconds, bytes: statSync(path).size };
}

/** A database at `path`: migrations, the bundled catalog through femto's own loader, then n synthetic datasets. */
export async function buildCatalogDb(path: string, n: number, log: (line: string) => void): Promise<void> {
  const config = loadConfig({ FEMTO_DB: path, FEMTO_BASE_URL: BENCH_BASE_URL, LOG_LEVEL: 'silent', FEMTO_OUTBOX_WORKER: 'false' });
  const ontology = await loadOntology(config.ontologyDir);
  const database = openDatabase(path);
  try {
    applyMigrations(database);
    await loadCatalog(buildContainer(config, database, ontology));
    if (n > 0) bulkLoad(database.sqlite, n, vocabulary(ontology.model), log);
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await database.close();
  }
}

type Sqlite = ReturnType<typeof openDatabase>['sqlite'];

function bulkLoad(sqlite: Sqlite, n: number, vocab: Vocabulary, log: (line: string) => void): void {
  sqlite.pragma('cache_size = -262144');
  const insert = {
    agent: sqlite.prepare('INSERT INTO agents (id, kind, name, orcid, affiliation) VALUES (?, ?, ?, ?, ?)'),
    dataset: sqlite.prepare('INSERT INTO datasets (id, latest_version_pk, draft_version_pk, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?)'),
    version: sqlite.prepare(
      `INSERT INTO dataset_versions (pk, dataset_id, version_number, state, title, description, tier, domain, data_type, resource_type, license,
         visibility, access_level, embargo_until, publisher, size_bytes, record_count, annotations, created_at, updated_at, published_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    versionAgent: sqlite.prepare('INSERT INTO version_agents (version_pk, role, position, agent_id, contributor_type, affiliation) VALUES (?, ?, ?, ?, ?, ?)'),
    term: sqlite.prepare('INSERT INTO version_terms (version_pk, facet, position, value) VALUES (?, ?, ?, ?)'),
    distribution: sqlite.prepare(
      `INSERT INTO distributions (pk, version_pk, position, title, media_type, format, size_bytes, checksum_algorithm, checksum_value, kind)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'sha256', ?, ?)`,
    ),
    location: sqlite.prepare('INSERT INTO distribution_locations (distribution_pk, position, url) VALUES (?, ?, ?)'),
    related: sqlite.prepare('INSERT INTO related_identifiers (version_pk, position, identifier_type, value, relation_type) VALUES (?, ?, ?, ?, ?)'),
    // The datasets repository keeps one full-text row per version (drafts too): rowid = version pk, keywords space-joined.
    fts: sqlite.prepare('INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (?, ?, ?, ?)'),
    activity: sqlite.prepare(
      'INSERT INTO activities (id, kind, name, software_name, software_version, basis, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    activityAgent: sqlite.prepare("INSERT INTO activity_agents (activity_id, agent_id, role) VALUES (?, ?, 'performer')"),
    input: sqlite.prepare("INSERT INTO activity_inputs (activity_id, version_pk, role) VALUES (?, ?, 'input-data')"),
    output: sqlite.prepare('INSERT INTO activity_outputs (activity_id, version_pk) VALUES (?, ?)'),
    doi: sqlite.prepare(
      `INSERT INTO dois (doi, state, dataset_id, version_pk, is_concept, url, attributes, withdrawn_at, withdrawal_reason, registration_status, synced_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, '{}', ?, ?, 'synced', ?, ?, ?)`,
    ),
    // Lineage snapshots compare this counter: the bulk-loaded steps count as one write.
    generation: sqlite.prepare('INSERT INTO provenance_generation (id, generation) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET generation = generation + 1'),
  };
  const maxPk = (table: string) => (sqlite.prepare(`SELECT coalesce(max(pk), 0) AS n FROM ${table}`).get() as { n: number }).n;
  let versionPk = maxPk('dataset_versions');
  let distributionPk = maxPk('distributions');

  const agents = agentPool(n);
  sqlite.transaction(() => agents.forEach((a) => insert.agent.run(a.id, a.kind, a.name, a.orcid, a.affiliation)))();

  /** Latest version pk of synthetic dataset k, for the lineage inputs of later steps. */
  const latestPk = new Int32Array(n);
  const annotations = JSON.stringify({ source: 'bench/rest synthetic catalog' });

  function writeVersion(d: SyntheticDataset, v: SyntheticVersion, number: number | null): number {
    const pk = ++versionPk;
    const state = v.publishedAt ? 'published' : 'draft';
    // The synthetic catalog's restricted records are invisible ones (private), as the bench reads them (404 for anyone).
    const visibility = v.accessLevel === 'restricted' ? 'private' : 'public';
    insert.version.run(
      pk,
      d.id,
      number,
      state,
      v.title,
      v.description,
      v.tier,
      v.domain,
      v.dataType,
      v.resourceType,
      v.license,
      visibility,
      v.accessLevel,
      v.embargoUntil,
      v.publisher,
      v.sizeBytes,
      v.recordCount,
      annotations,
      v.createdAt,
      v.publishedAt ?? v.createdAt,
      v.publishedAt,
    );
    v.creators.forEach((a, i) => insert.versionAgent.run(pk, 'creator', i, agents[a].id, null, agents[a].affiliation));
    v.contributors.forEach((c, i) => insert.versionAgent.run(pk, 'contributor', i, agents[c.agent].id, c.type, agents[c.agent].affiliation));
    for (const [facet, values] of [
      ['keyword', v.keywords],
      ['format', v.formats],
      ['observable', v.observables],
    ] as const)
      values.forEach((value, i) => insert.term.run(pk, facet, i, value));
    v.distributions.forEach((x, i) => {
      const dpk = ++distributionPk;
      insert.distribution.run(dpk, pk, i, x.title, x.mediaType, x.format, x.sizeBytes, x.sha256, x.kind);
      x.urls.forEach((url, j) => insert.location.run(dpk, j, url));
    });
    v.related.forEach((x, i) => insert.related.run(pk, i, x.type, x.value, x.relation));
    insert.fts.run(pk, v.title, v.description, v.keywords.join(' '));
    return pk;
  }

  function writeDataset(k: number, d: SyntheticDataset): void {
    const latest = d.versions.at(-1)!;
    // Version pks are handed out in order, so the concept row can point at them before they exist (no foreign key there).
    const pk = versionPk + d.versions.length;
    insert.dataset.run(d.id, pk, d.draft ? pk + 1 : null, d.versions[0].createdAt, latest.publishedAt, CREATED_BY);
    d.versions.forEach((v, i) => writeVersion(d, v, i + 1));
    if (d.draft) writeVersion(d, d.draft, null);
    latestPk[k] = pk;
    if (d.step) {
      const s = d.step;
      insert.activity.run(s.id, s.kind, s.name, s.softwareName, s.softwareVersion, 'bench/rest synthetic lineage', s.createdAt, CREATED_BY);
      insert.activityAgent.run(s.id, agents[s.performer].id);
      for (const input of s.inputs) insert.input.run(s.id, latestPk[input]);
      insert.output.run(s.id, pk);
    }
    if (d.doi) {
      const at = latest.publishedAt!;
      const url = `${BENCH_BASE_URL}/datasets/${d.id}/versions/${d.versions.length}`;
      if (d.doi.withdrawn) insert.doi.run(d.doi.doi, 'registered', d.id, pk, url, at, 'superseded (synthetic)', at, at, at);
      else insert.doi.run(d.doi.doi, 'findable', d.id, pk, url, null, null, at, at, at);
    }
  }

  const t0 = performance.now();
  let k = 0;
  let chunk: SyntheticDataset[] = [];
  const flush = sqlite.transaction((batch: SyntheticDataset[]) => {
    for (const d of batch) writeDataset(k++, d);
  });
  for (const d of syntheticDatasets(n, vocab, agents.length)) {
    chunk.push(d);
    if (chunk.length < CHUNK) continue;
    flush(chunk);
    chunk = [];
    if (k % 100_000 === 0) log(`  ${k.toLocaleString('en')} / ${n.toLocaleString('en')} datasets loaded (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  flush(chunk);
  insert.generation.run();
}
