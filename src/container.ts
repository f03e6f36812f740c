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
import { createOntologyService, type Ontology } from './modules/ontology/ontology.service.js';
import { createGatesRepository } from './modules/gates/gates.repository.js';
import { createGatesService } from './modules/gates/gates.service.js';
import { qualityJsonLdRepresentation } from './modules/gates/serializers/jsonld.js';

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
export function buildContainer(config: Config, database: Database_, loadedOntology: Ontology) {
  const repos = {
    auth: createAuthRepository(database.db),
    datasets: createDatasetsRepository(database),
    agents: createAgentsRepository(database.db),
    provenance: createProvenanceRepository(database),
    search: createSearchRepository(database),
    gates: createGatesRepository(database),
  };
  const ontology = createOntologyService(loadedOntology);
  const auth = createAuthService(repos.auth, config.adminToken);
  const datasets = createDatasetsService(repos.datasets, auth, ontology.checkObservables);
  const provenance = createProvenanceService({ repo: repos.provenance, agents: repos.agents, datasets: repos.datasets, auth });
  const search = createSearchService(repos.search, datasets);
  const datasetRepresentations = new RepresentationRegistry<DatasetRenderContext>();
  // First registered = the default when the client states no preference.
  datasetRepresentations.register({ mediaType: 'application/json', format: 'json', render: ({ record }) => JSON.stringify(record) });
  const gates = createGatesService({
    repo: repos.gates,
    provenance: repos.provenance,
    datasetsRepo: repos.datasets,
    datasets,
    ontology,
    auth,
    policy: config.gatePolicy,
  });
  if (!datasetRepresentations.offered().includes('application/ld+json')) {
    datasetRepresentations.register(qualityJsonLdRepresentation({ gates, ontology, baseUrl: config.baseUrl }));
  }
  const recordExtensions: RecordExtension[] = [
    (_actor, items) => {
      const status = gates.gateStatusFor(items.map((i) => i.pk));
      for (const i of items) Object.assign(i.record, { gateStatus: status.get(i.pk) });
    },
  ];
  return {
    config,
    database,
    repos,
    auth,
    datasets,
    provenance,
    search,
    ontology,
    gates,
    datasetRepresentations,
    recordExtensions,
  };
}

export type Container = ReturnType<typeof buildContainer>;
