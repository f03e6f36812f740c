import type { Config } from './config.js';
import type { Database_ } from './db/client.js';
import { RepresentationRegistry, type Representation } from './lib/negotiation.js';
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
import { createHarvestRepository } from './modules/harvest/harvest.repository.js';
import { createHarvestService } from './modules/harvest/harvest.service.js';
import { registerHarvestRepresentations } from './modules/harvest/representations.js';
import { tombstonePage } from './modules/harvest/serializers/html.js';
import { createOaiService } from './modules/harvest/oai.service.js';
import { dataciteFormats } from './modules/harvest/serializers/oai-datacite.js';
import { createIdentifiersRepository } from './modules/identifiers/identifiers.repository.js';
import { createIdentifiersService } from './modules/identifiers/identifiers.service.js';
import { registerDatasetFormats } from './modules/identifiers/identifiers.representations.js';
import { createOutboxWorker } from './modules/identifiers/outbox.js';
import { createImporter } from './modules/identifiers/import.js';
import { registrarFor } from './modules/identifiers/registrars.js';
import type { VersionedRecord } from './modules/datasets/datasets.service.js';
import { FemtoError } from './errors.js';
import { createOntologyService, type Ontology } from './modules/ontology/ontology.service.js';
import { createGatesRepository } from './modules/gates/gates.repository.js';
import { createGatesService } from './modules/gates/gates.service.js';
import { dqvForVersions } from './modules/gates/serializers/dqv.js';
import { describeObservableFromIri } from './modules/harvest/observables.js';
import { slugOf } from './modules/harvest/harvest.urls.js';
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

/** Response headers every representation of a dataset carries (e.g. Signposting `Link`); `url` is the one that serves them. */
export type DatasetHeaders = (context: DatasetRenderContext, url: string) => Record<string, string>;
/** A whole answer a read guard gives instead of the representation asked for. */
export interface GuardAnswer {
  status: number;
  mediaType: string;
  body: string;
}
/**
 * Runs before a dataset version is served, with the representation negotiated (undefined: none
 * acceptable); throws to refuse (e.g. 410 problem+json for a withdrawn DOI), or returns the answer
 * to send instead (e.g. the human-readable 410 tombstone page a browser asked for).
 */
export type DatasetReadGuard = (v: VersionedRecord, representation: Representation<DatasetRenderContext> | undefined) => GuardAnswer | void;

/** Wires repositories into services once per database; routes, resolvers and the CLI share it. */
export function buildContainer(config: Config, database: Database_, loadedOntology: Ontology) {
  const repos = {
    auth: createAuthRepository(database.db),
    datasets: createDatasetsRepository(database),
    agents: createAgentsRepository(database.db),
    provenance: createProvenanceRepository(database),
    search: createSearchRepository(database),
    harvest: createHarvestRepository(database),
    identifiers: createIdentifiersRepository(database),
    gates: createGatesRepository(database),
    lineage: createLineageRepository(database),
  };
  const ontology = createOntologyService(loadedOntology);
  const auth = createAuthService(repos.auth, config.adminToken);
  const datasets = createDatasetsService(repos.datasets, auth, ontology);
  const provenance = createProvenanceService({ repo: repos.provenance, agents: repos.agents, datasets: repos.datasets, auth });
  const search = createSearchService(repos.search, datasets, ontology);
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
  const identifiers = createIdentifiersService({
    repo: repos.identifiers,
    datasets: repos.datasets,
    auth,
    config,
    domainLabel: (iri) => ontology.domain(iri)?.label ?? iri,
    assertPublishable: (pk) => gates.assertPublishable(pk),
  });
  const registrar = registrarFor(config);
  const outbox = createOutboxWorker({ repo: repos.identifiers, service: identifiers, registrar, config });
  registerDatasetFormats(datasetRepresentations, (record, pk) => identifiers.metadataFor(record, pk));
  const recordExtensions: RecordExtension[] = [
    (_actor, items) => {
      const byPk = identifiers.forVersions(items.map((i) => i.pk));
      for (const i of items) {
        const row = byPk.get(i.pk);
        Object.assign(i.record, {
          doi: row ? { doi: row.doi, state: row.state, url: row.url, withdrawnAt: row.withdrawnAt, registration: identifiers.registration(row) } : null,
        });
      }
    },
  ];
  const lineage = createLineageService({
    repo: repos.lineage,
    datasetsRepo: repos.datasets,
    datasets,
    gateStatus: (pks) => gates.gateStatusFor(pks),
    limits: { ...config.lineage, timeoutMs: config.requestTimeoutMs },
  });
  const harvest = createHarvestService({
    config,
    repo: repos.harvest,
    datasetsRepo: repos.datasets,
    provenanceRepo: repos.provenance,
    datasets,
    provenance,
    recordExtensions,
    withdrawn: (versions) => identifiers.withdrawnAmong(versions),
    describe: (items) => identifiers.describe(items),
    describeObservable: (iri) => {
      const o = ontology.observable(iri);
      if (!o) return describeObservableFromIri(iri);
      const unit = o.unit ? ontology.units.get(o.unit) : undefined;
      return { iri, name: o.label, ...(o.unit ? { unitCode: o.unit } : {}), ...(unit?.symbol ? { unitText: unit.symbol } : {}) };
    },
    describeDomain: (iri) => {
      const d = ontology.domain(iri);
      return d ? { iri, label: d.label, slug: d.slug } : { iri, label: iri, slug: slugOf(iri) };
    },
    qualityOf: (versions) => dqvForVersions({ gates, baseUrl: config.baseUrl }, versions),
  });
  const harvestFormats = registerHarvestRepresentations(datasetRepresentations, harvest);
  const datasetReadGuards: DatasetReadGuard[] = [
    ({ record, pk }, representation) => {
      const tombstone = identifiers.tombstoneFor(record.id, pk);
      if (!tombstone) return;
      if (representation?.format === 'html') return { status: 410, mediaType: 'text/html; charset=utf-8', body: tombstonePage(tombstone, harvest.serializerContext) };
      throw new FemtoError('GONE', `${tombstone.doi} was withdrawn on ${tombstone.withdrawnAt}`, [], { tombstone });
    },
  ];
  const oai = createOaiService({
    config,
    repo: repos.harvest,
    harvest,
    domains: ontology.domains().map((d) => ({ iri: d.iri, label: d.label, slug: d.slug })),
    formats: dataciteFormats((items) => identifiers.metadataForMany(items), config.datacite?.user ?? 'FEMTO'),
  });
  recordExtensions.push((_actor, items) => {
    const status = gates.gateStatusFor(items.map((i) => i.pk));
    for (const i of items) Object.assign(i.record, { gateStatus: status.get(i.pk) });
  });
  return {
    config,
    database,
    repos,
    auth,
    datasets,
    provenance,
    search,
    harvest,
    harvestFormats,
    oai,
    lineage,
    datasetRepresentations,
    datasetHeaders: [harvestFormats.headers] as DatasetHeaders[],
    recordExtensions,
    /** Every read of one dataset version passes here: throws (410 for a withdrawn DOI) or returns the answer to send instead. */
    guardRead(v: VersionedRecord, representation?: Representation<DatasetRenderContext>): GuardAnswer | undefined {
      for (const guard of datasetReadGuards) {
        const answer = guard(v, representation);
        if (answer) return answer;
      }
      return undefined;
    },
    identifiers,
    registrar,
    outbox,
    importDatacite: createImporter({ datasets, repo: repos.identifiers, config }),
    ontology,
    gates,
  };
}

export type Container = ReturnType<typeof buildContainer>;
