import type { Config } from './config.js';
import type { Database_ } from './db/client.js';
import { RepresentationRegistry } from './lib/negotiation.js';
import type { Actor } from './modules/auth/auth.schema.js';
import { createAuthRepository } from './modules/auth/auth.repository.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createDatasetsRepository } from './modules/datasets/datasets.repository.js';
import type { DatasetRecord } from './modules/datasets/datasets.schema.js';
import { createDatasetsService } from './modules/datasets/datasets.service.js';
import { createAgentsRepository } from './modules/provenance/agents.repository.js';
import { createProvenanceRepository } from './modules/provenance/provenance.repository.js';
import { createProvenanceService } from './modules/provenance/provenance.service.js';
import { createSearchRepository } from './modules/search/search.repository.js';
import { createSearchService } from './modules/search/search.service.js';
import { createLineageRepository } from './modules/lineage/lineage.repository.js';
import { createLineageService } from './modules/lineage/lineage.service.js';

export interface DatasetRenderContext {
  record: DatasetRecord;
  /** dataset_versions.pk of the rendered version. */
  pk: number;
  actor: Actor;
}

/**
 * Adds fields owned by other modules (DOI, gate status, ...) to dataset records before they leave
 * through REST; one batched call per response.
 */
export type RecordExtension = (actor: Actor, items: { pk: number; record: DatasetRecord }[]) => void;

/** Wires repositories into services once per database; routes, resolvers and the CLI share it. */
export function buildContainer(config: Config, database: Database_) {
  const repos = {
    auth: createAuthRepository(database.db),
    datasets: createDatasetsRepository(database),
    agents: createAgentsRepository(database.db),
    provenance: createProvenanceRepository(database),
    search: createSearchRepository(database),
    lineage: createLineageRepository(database),
  };
  const auth = createAuthService(repos.auth, config.adminToken);
  const datasets = createDatasetsService(repos.datasets, auth);
  const provenance = createProvenanceService({ repo: repos.provenance, agents: repos.agents, datasets: repos.datasets, auth });
  const search = createSearchService(repos.search, datasets);
  const lineage = createLineageService({
    repo: repos.lineage,
    datasetsRepo: repos.datasets,
    datasets,
    limits: { ...config.lineage, timeoutMs: config.requestTimeoutMs },
  });
  const datasetRepresentations = new RepresentationRegistry<DatasetRenderContext>();
  // First registered = the default when the client states no preference.
  datasetRepresentations.register({ mediaType: 'application/json', format: 'json', render: ({ record }) => JSON.stringify(record) });
  return {
    config,
    database,
    repos,
    auth,
    datasets,
    provenance,
    search,
    lineage,
    datasetRepresentations,
    recordExtensions: [] as RecordExtension[],
  };
}

export type Container = ReturnType<typeof buildContainer>;
