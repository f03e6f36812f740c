import type { Config } from './config.js';
import type { ServedDatabase } from './db/client.js';
import { createByteCache } from './lib/byte-cache.js';
import { siteUrls } from './lib/site-urls.js';
import { createAuthRepository } from './modules/auth/auth.repository.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createDatasetsRepository } from './modules/datasets/datasets.repository.js';
import { createDatasetsService } from './modules/datasets/datasets.service.js';
import { createDatasetReader } from './modules/datasets/read.js';
import { createAgentsRepository } from './modules/provenance/agents.repository.js';
import { createProvenanceRepository } from './modules/provenance/provenance.repository.js';
import { createProvenanceService } from './modules/provenance/provenance.service.js';
import { provenanceReadExtension } from './modules/provenance/provenance.read.js';
import { createSearchRepository } from './modules/search/search.repository.js';
import { createSearchService } from './modules/search/search.service.js';
import { createHarvestRepository } from './modules/harvest/harvest.repository.js';
import { createHarvestService } from './modules/harvest/harvest.service.js';
import { registerHarvestRepresentations } from './modules/harvest/representations.js';
import { harvestReadExtension } from './modules/harvest/harvest.read.js';
import { createOaiService } from './modules/harvest/oai.service.js';
import { dataciteFormats } from './modules/harvest/serializers/oai-datacite.js';
import { describeDomainWith, describeObservableWith } from './modules/harvest/observables.js';
import { createIdentifiersRepository } from './modules/identifiers/identifiers.repository.js';
import { createIdentifiersService, lineageRelations } from './modules/identifiers/identifiers.service.js';
import { identifiersReadExtension, lineageOfItems } from './modules/identifiers/identifiers.read.js';
import { registerDatasetFormats } from './modules/identifiers/identifiers.representations.js';
import { withHepdataRelatedItems } from './modules/hepdata/serializers/parts.js';
import { createOutboxWorker, reconcile } from './modules/identifiers/outbox.js';
import { dataciteImporter } from './modules/identifiers/import.js';
import { csvImporter, jsonlImporter } from './modules/imports/formats/catalog.js';
import { createEventValidator } from './modules/openlineage/openlineage.schema.js';
import { createOpenLineageRepository } from './modules/openlineage/openlineage.repository.js';
import { createOpenLineageService } from './modules/openlineage/openlineage.service.js';
import { openLineageImporter } from './modules/openlineage/openlineage.import.js';
import { createImportRegistry } from './modules/imports/registry.js';
import { createImportsRepository } from './modules/imports/imports.repository.js';
import { createImportsService } from './modules/imports/imports.service.js';
import { registrarFor } from './modules/identifiers/registrars.js';
import { createOntologyService, type Ontology } from './modules/ontology/ontology.service.js';
import { createGatesRepository } from './modules/gates/gates.repository.js';
import { createGatesService } from './modules/gates/gates.service.js';
import { gatesReadExtension } from './modules/gates/gates.read.js';
import { createLineageRepository } from './modules/lineage/lineage.repository.js';
import { createLineageService } from './modules/lineage/lineage.service.js';
import { createModelsRepository } from './modules/models/models.repository.js';
import { createModelsService } from './modules/models/models.service.js';
import { modelsReadExtension } from './modules/models/models.read.js';
import { anonymous, type Actor } from './modules/auth/auth.schema.js';
import { loadPolicies, type LoadedPolicy } from './modules/policies/policies.loader.js';
import { createPoliciesService } from './modules/policies/policies.service.js';
import { createProvGraphs } from './modules/prov/prov.graph.js';
import { provFormats as createProvFormats } from './modules/prov/prov.formats.js';
import { registerRoCrateRepresentations } from './modules/rocrate/rocrate.representations.js';
import { roCrateImporter } from './modules/rocrate/rocrate.import.js';
import { provJsonImporter } from './modules/prov/prov.import.js';
import { createLatticeRepository } from './modules/lattice/lattice.repository.js';
import { createLatticeService } from './modules/lattice/lattice.service.js';
import { qcdmlImporter } from './modules/lattice/qcdml.import.js';
import { createLocationsRepository } from './modules/locations/locations.repository.js';
import { createLocationsService } from './modules/locations/locations.service.js';
import { createHepdataRepository } from './modules/hepdata/hepdata.repository.js';
import { createHepdataService } from './modules/hepdata/hepdata.service.js';
import { hepdataReadExtension } from './modules/hepdata/hepdata.read.js';
import { hepdataImporter } from './modules/hepdata/hepdata.import.js';

/**
 * Wiring only: repositories into their own module's service, services into the services and
 * read-pipeline hooks of the modules that use them. Routes, resolvers and the CLI share it.
 */
export function buildContainer(
  config: Config,
  database: ServedDatabase,
  loadedOntology: Ontology,
  loadedPolicies: LoadedPolicy[] = loadPolicies(config.policyDir),
) {
  const urls = siteUrls(config.baseUrl);
  // Each repository goes to its own module's service only; tests and diagnostics read them here.
  const agents = createAgentsRepository(database);
  const repos = {
    auth: createAuthRepository(database),
    agents,
    // A version's creators are agents: the datasets repository finds or makes them in its own transaction.
    datasets: createDatasetsRepository(database, { of: (identity) => agents.upsert(identity), ofMany: (identities) => agents.upsertMany(identities) }),
    provenance: createProvenanceRepository(database),
    search: createSearchRepository(database),
    harvest: createHarvestRepository(database),
    identifiers: createIdentifiersRepository(database),
    gates: createGatesRepository(database),
    lineage: createLineageRepository(database),
    models: createModelsRepository(database),
    imports: createImportsRepository(database),
    openlineage: createOpenLineageRepository(database),
    lattice: createLatticeRepository(database),
    locations: createLocationsRepository(database),
    hepdata: createHepdataRepository(database),
  };
  const ontology = createOntologyService(loadedOntology);
  const auth = createAuthService(repos.auth, config.adminToken);

  // One memory budget for every cached answer (FEMTO_READ_CACHE_BYTES).
  const cache = createByteCache(config.readCacheBytes);
  const reader = createDatasetReader({ repo: repos.datasets, urls, cache });
  // Publication policies are checked at publish (rules need the gates and provenance modules, wired below).
  const datasets = createDatasetsService({
    repo: repos.datasets,
    reader,
    auth,
    vocabulary: ontology,
    checkPolicy: (pk, event) => policies.check(pk, event),
    knownSites: (ids) => locations.knownSites(ids),
    latestChanged: (id) => identifiers.followChanges({ concepts: [id] }),
  });
  // First registered = the default when the client states no preference.
  reader.representations.register({ mediaType: 'application/json', format: 'json', render: reader.json });

  const provenance = createProvenanceService({
    repo: repos.provenance,
    agents: repos.agents,
    versions: reader,
    editableVersions: (actor, pks) => datasets.editableVersions(actor, pks),
    lineageChanged: (pks) => identifiers.followChanges({ versions: pks }),
    auth,
  });
  const search = createSearchService(repos.search, datasets, cache, ontology);
  const gates = createGatesService({ repo: repos.gates, provenance, datasets, reader, ontology, auth });
  const policies = createPoliciesService({ policies: loadedPolicies, gatePolicy: config.gatePolicy, gates, reader });
  gates.useBaselineRules((tier) => policies.baselineRuleFor(tier));
  const identifiers = createIdentifiersService({
    repo: repos.identifiers,
    versions: reader,
    storedRecords: datasets.storedRecords,
    access: { readable: datasets.readable, editableRecords: datasets.editableRecords },
    // What a DOI's metadata says of its lineage is public (the registrar shows it to everyone): the neighbours anonymous callers see.
    lineageOf: async (pks) =>
      new Map(
        [...(await provenance.neighbourhood(anonymous, pks))].map(([pk, n]) => {
          const seen = (ends: typeof n.upstream) => ends.filter((e) => provenance.visibleEnd(anonymous, e));
          return [pk, lineageRelations(seen(n.upstream), seen(n.downstream))];
        }),
      ),
    auth,
    config,
    urls,
    domainLabel: (iri) => ontology.domain(iri)?.label ?? iri,
    assertPublishable: (pk) => policies.check(pk, 'doi'),
  });
  const registrar = registrarFor(config);
  const outbox = createOutboxWorker({ repo: repos.identifiers, service: identifiers, registrar, config });
  const lineage = createLineageService({
    repo: repos.lineage,
    reader,
    heldBy: (actor) => datasets.heldBy(actor),
    gateStatus: (pks) => gates.gateStatusFor(pks),
    limits: { ...config.lineage, timeoutMs: config.requestTimeoutMs },
  });

  const models = createModelsService({
    repo: repos.models,
    reader,
    datasets,
    provenance,
    lineage,
    ontology,
    withdrawals: (versions) => identifiers.withdrawalsOf(versions),
    auth,
    urls,
  });
  // A model's evaluations against baselines are its beats-baseline gate.
  gates.useComparisons((pks) => models.comparisons(pks));

  // What every dataset read loads besides the record; provenance first: DataCite relations use its lineage.
  reader.extend(provenanceReadExtension(provenance));
  reader.extend(identifiersReadExtension(identifiers));
  reader.extend(gatesReadExtension(gates, urls));
  reader.extend(modelsReadExtension(models, urls));
  const hepdata = createHepdataService({ repo: repos.hepdata, datasets });
  reader.extend(hepdataReadExtension(hepdata));
  reader.extend(harvestReadExtension({ storedRecords: datasets.storedRecords, describe: (items) => identifiers.describe(items) }));
  // DataCite formats (the record's and OAI's) name the HEPData tables among the record's parts.
  const metadataOf = async (items: Parameters<typeof lineageOfItems>[0]) => {
    const metadata = await identifiers.metadataForMany(items, lineageOfItems(items));
    for (const item of items) metadata.set(item.pk, withHepdataRelatedItems(metadata.get(item.pk)!, item.parts.hepdataTables));
    return metadata;
  };
  registerDatasetFormats(reader.representations, async (item) => (await metadataOf([item])).get(item.pk)!);

  const harvest = createHarvestService({
    urls,
    repo: repos.harvest,
    reader,
    describeObservable: describeObservableWith(ontology),
    describeDomain: describeDomainWith(ontology),
    repositoryName: config.repositoryName,
  });
  const harvestFormats = registerHarvestRepresentations(reader, harvest.serializerContext, (id, pk) => identifiers.tombstoneFor(id, pk));
  const oai = createOaiService({
    config,
    repo: repos.harvest,
    harvest,
    domains: ontology.domains().map((d) => ({ iri: d.iri, label: d.label, slug: d.slug })),
    formats: dataciteFormats(metadataOf, config.datacite?.user ?? 'FEMTO'),
  });

  // Replicas of distributions at named sites: listing, the resolver, verification.
  const lattice = createLatticeService({ repo: repos.lattice, ensembles: datasets, auth });
  const locations = createLocationsService({
    repo: repos.locations,
    reader,
    auth,
    doiTarget: (actor, doi) => identifiers.target(actor, doi),
    markovChainRecord: (actor, uri) => datasets.readableOfMarkovChain(actor, uri),
    chainOfConfiguration: (lfn) => lattice.chainOfConfiguration(lfn),
    versionNumber: async (pk) => (await datasets.versionLabels([pk])).get(pk)?.version ?? null,
    assertEditable: (actor, dataset) => datasets.assertEditable(actor, dataset),
  });

  const openlineageEvents = createEventValidator();
  const openlineage = createOpenLineageService({ repo: repos.openlineage, datasets, versions: reader, provenance, auth, urls });

  // Provenance in exchange formats (PROV, RO-Crate), for lineage answers and single steps.
  const provGraphs = createProvGraphs({ steps: (actor, ids) => provenance.steps(actor, ids), reader, urls });
  const provFormats = createProvFormats(urls);
  registerRoCrateRepresentations(reader, provFormats, urls);

  // Import formats, tried in this order when a file's format is not named.
  const importFormats = createImportRegistry();
  // OpenLineage events, RO-Crates and PROV-JSON are recognised by their content, femto's own catalog by its file name, DataCite last (a JSON line may look like a DataCite record).
  const datasetOfDoi = async (actor: Actor, doi: string) => {
    const bound = await identifiers.versionOf(actor, doi);
    const label = bound && (await datasets.versionLabels([bound.versionPk])).get(bound.versionPk);
    return label?.version != null ? { dataset: label.dataset, version: label.version } : undefined;
  };
  const importWriters = { datasets, provenance, urls, datasetOfDoi };
  importFormats.register(openLineageImporter({ service: openlineage, validator: openlineageEvents, jsonMaxDepth: config.jsonMaxDepth }));
  importFormats.register(roCrateImporter({ ...importWriters, jsonMaxDepth: config.jsonMaxDepth }));
  importFormats.register(provJsonImporter({ ...importWriters, jsonMaxDepth: config.jsonMaxDepth }));
  importFormats.register(hepdataImporter({ hepdata, ontology, urls, jsonMaxDepth: config.jsonMaxDepth }));
  importFormats.register(jsonlImporter({ datasets, provenance, urls }, config.jsonMaxDepth));
  importFormats.register(csvImporter({ datasets, provenance, urls }));
  importFormats.register(qcdmlImporter({ datasets, lattice, urls }));
  importFormats.register(dataciteImporter({ datasets, repo: repos.identifiers, urls, jsonMaxDepth: config.jsonMaxDepth }));
  const imports = createImportsService({ repo: repos.imports, registry: importFormats, auth });

  return {
    config,
    database,
    repos,
    urls,
    auth,
    reader,
    datasets,
    provenance,
    search,
    harvest,
    harvestFormats,
    oai,
    lineage,
    provGraphs,
    provFormats,
    identifiers,
    registrar,
    outbox,
    /** Compares every DOI with the registrar's record and queues a delivery for each difference (`femto doi reconcile`). */
    reconcile: () => reconcile({ repo: repos.identifiers, service: identifiers, registrar }),
    imports,
    lattice,
    openlineage,
    openlineageEvents,
    ontology,
    gates,
    models,
    hepdata,
    policies,
    locations,
  };
}

export type Container = ReturnType<typeof buildContainer>;
