import type { Config } from '../../config.js';
import type { RecordExtension } from '../../container.js';
import { canSeeRestricted, type Actor } from '../auth/auth.schema.js';
import type { DatasetsRepository } from '../datasets/datasets.repository.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import { embargoActive, viewFor, type DatasetsService } from '../datasets/datasets.service.js';
import type { ProvenanceRepository } from '../provenance/provenance.repository.js';
import type { ActivityRecord } from '../provenance/provenance.schema.js';
import type { ProvenanceService } from '../provenance/provenance.service.js';
import type { DescribedRecord } from '../identifiers/description.js';
import type { HarvestQuery, HarvestRepository } from './harvest.repository.js';
import { harvestUrls, type HarvestUrls } from './harvest.urls.js';
import { ownDoiOf } from '../datasets/record-facts.js';
import { describeObservableFromIri, type DomainDescriber, type ObservableDescriber } from './observables.js';

/** A version one derivation step away, described as it describes itself (so DCAT can type it a full dcat:Dataset). */
export interface LineageNeighbour {
  dataset: string;
  version: number | null;
  title: string;
  description: string;
}

/** Everything the harvest formats say about one dataset version, loaded in batches. */
export interface HarvestItem {
  pk: number;
  /** The description every format gives (DOI metadata first, see describeRecord), as the caller may see it (no file URLs under an active embargo). */
  record: DescribedRecord;
  /** femto's findable DOI of this version. */
  doi: string | null;
  /** The DOI the record is cited by: its own (minted elsewhere) before femto's. */
  citeAsDoi: string | null;
  /** When femto first published the record (the catalog record's date, not the source's issue date). */
  firstPublishedAt: string | null;
  /** Published versions of the same dataset the caller may see, oldest first. */
  versions: { n: number; publishedAt: string }[];
  /** prov:wasGeneratedBy: the steps that produced this version (inputs hidden where the caller may not see them). */
  generatedBy: ActivityRecord[];
  /** One step up: the visible inputs of the generating steps. */
  upstream: LineageNeighbour[];
  /** One step down: visible outputs of steps that used this version. */
  downstream: LineageNeighbour[];
  embargoed: boolean;
  /** DQV quality measurements of this version (gate evaluations), as JSON-LD nodes. */
  quality: Record<string, unknown>[];
}

/** Shared by every serializer: where things live and how observables are described. */
export interface SerializerContext {
  urls: HarvestUrls;
  describeObservable: ObservableDescriber;
  describeDomain: DomainDescriber;
  /** femto's own name: the catalog that hosts and distributes records, never the publisher of others' data. */
  repositoryName: string;
}

export interface HarvestDeps {
  config: Config;
  repo: HarvestRepository;
  datasetsRepo: DatasetsRepository;
  provenanceRepo: ProvenanceRepository;
  datasets: DatasetsService;
  provenance: ProvenanceService;
  recordExtensions: RecordExtension[];
  /** Labels and units of observables (from the ontology). */
  describeObservable?: ObservableDescriber;
  describeDomain: DomainDescriber;
  /** DQV nodes per version pk (from the gates module). */
  qualityOf?: (versions: { pk: number; datasetId: string; version: number | null }[]) => Map<number, Record<string, unknown>[]>;
  /** The description of each version (identifiers service): one for every format. */
  describe: (items: { record: DatasetRecord; pk: number }[]) => Map<number, DescribedRecord>;
  /** The versions among these that were withdrawn (a hidden DOI's tombstone), in one query: they leave every channel, OAI keeps them as deleted. */
  withdrawn: (versions: { datasetId: string; pk: number }[]) => Set<number>;
}

export function createHarvestService(deps: HarvestDeps) {
  const { repo, datasetsRepo, provenanceRepo, datasets, provenance } = deps;
  const serializerContext: SerializerContext = {
    urls: harvestUrls(deps.config.baseUrl),
    describeObservable: deps.describeObservable ?? describeObservableFromIri,
    describeDomain: deps.describeDomain,
    repositoryName: deps.config.repositoryName,
  };

  const visibleEndpoint = (actor: Actor, e: { versionNumber: number | null; accessLevel: string }) => (e.accessLevel !== 'restricted' || canSeeRestricted(actor)) && e.versionNumber != null;

  /** The descriptions of the neighbours a page names, in two batched queries. */
  function neighboursOf(actor: Actor, endpoints: { versionPk: number; datasetId: string; versionNumber: number | null; accessLevel: string }[]) {
    const pks = [...new Set(endpoints.filter((e) => visibleEndpoint(actor, e)).map((e) => e.versionPk))];
    const records = datasetsRepo.records(pks);
    const described = deps.describe([...records].map(([pk, record]) => ({ pk, record })));
    return (e: (typeof endpoints)[number]): LineageNeighbour[] => {
      const d = visibleEndpoint(actor, e) ? described.get(e.versionPk) : undefined;
      return d ? [{ dataset: e.datasetId, version: e.versionNumber, title: d.title, description: d.description }] : [];
    };
  }

  /** Full harvest items for version pks, in the order given; pks the caller may not see are skipped. */
  function items(actor: Actor, pks: readonly number[]): HarvestItem[] {
    const records = datasetsRepo.records(pks);
    const candidates = pks
      .map((pk) => ({ pk, record: records.get(pk) }))
      .filter((x): x is { pk: number; record: DatasetRecord } => !!x.record && datasets.visible(actor, x.record));
    // The paging queries already leave withdrawn records out; single items (linkset, FAIR) rely on this check.
    const withdrawn = deps.withdrawn(candidates.map((c) => ({ datasetId: c.record.id, pk: c.pk })));
    const visible = candidates.filter((c) => !withdrawn.has(c.pk));
    if (!visible.length) return [];
    // Extensions (DOI, gates) decorate the stored record; the harvest formats cite the DOI once it is findable.
    for (const ext of deps.recordExtensions) ext(actor, visible);
    const ids = [...new Set(visible.map((v) => v.record.id))];
    const described = deps.describe(visible);
    const versionsById = new Map<string, { n: number; publishedAt: string }[]>();
    for (const row of datasetsRepo.publishedVersionsOf(ids)) {
      if (!datasets.visible(actor, row)) continue;
      const list = versionsById.get(row.datasetId) ?? [];
      list.push({ n: row.versionNumber!, publishedAt: row.publishedAt! });
      versionsById.set(row.datasetId, list);
    }
    const touching = provenanceRepo.activityIdsTouching(visible.map((v) => v.pk));
    const activityIds = [...new Set([...touching.generatedBy, ...touching.usedBy].map((t) => t.activityId))];
    const activities = provenance.records(actor, activityIds);
    const inputs = provenanceRepo.inputsOf(touching.generatedBy.map((g) => g.activityId));
    const quality = deps.qualityOf?.(visible.map(({ pk, record }) => ({ pk, datasetId: record.id, version: record.version })));
    const outputs = provenanceRepo.outputsOf(touching.usedBy.map((u) => u.activityId));
    const neighbour = neighboursOf(actor, [...inputs, ...outputs]);

    return visible.map(({ pk, record }) => {
      const generating = touching.generatedBy.filter((g) => g.versionPk === pk).map((g) => g.activityId);
      const using = new Set(touching.usedBy.filter((u) => u.versionPk === pk).map((u) => u.activityId));
      const doiRow = (record as DatasetRecord & { doi?: { doi?: unknown; state?: unknown } | null }).doi;
      const doi = doiRow?.state === 'findable' && typeof doiRow.doi === 'string' ? doiRow.doi : null;
      return {
        pk,
        record: viewFor(actor, described.get(pk)!),
        doi,
        citeAsDoi: ownDoiOf(record) ?? doi,
        firstPublishedAt: versionsById.get(record.id)?.[0]?.publishedAt ?? record.publishedAt,
        versions: versionsById.get(record.id) ?? [],
        generatedBy: generating.map((id) => activities.get(id)).filter((a): a is ActivityRecord => !!a),
        upstream: inputs.filter((i) => generating.includes(i.activityId)).flatMap(neighbour),
        downstream: outputs.filter((o) => using.has(o.activityId) && o.versionPk !== pk).flatMap(neighbour),
        embargoed: embargoActive(record),
        quality: quality?.get(pk) ?? [],
      };
    });
  }

  const publicQuery = (actor: Actor, extra: Partial<HarvestQuery> = {}): HarvestQuery => ({
    includeRestricted: canSeeRestricted(actor),
    includeDeleted: false,
    ...extra,
  });

  return {
    serializerContext,
    items,
    item: (actor: Actor, pk: number) => items(actor, [pk])[0],

    /** A numbered page of the catalog in (datestamp, id) order; new records land on the last page, so earlier pages stay put. */
    catalogPage(actor: Actor, opts: { page: number; limit: number; modifiedSince?: string }) {
      const q = publicQuery(actor, { from: opts.modifiedSince });
      const total = repo.count(q);
      const rows = repo.page(q, opts.limit, (opts.page - 1) * opts.limit);
      return { total, items: items(actor, rows.map((r) => r.pk)) };
    },

    /** Ids and datestamps of what an anonymous crawler may see (sitemaps), one chunk at a time. */
    publicIndex(chunk: number, size: number) {
      const q: HarvestQuery = { includeRestricted: false, includeDeleted: false };
      return { total: repo.count(q), rows: repo.page(q, size, chunk * size) };
    },
  };
}

export type HarvestService = ReturnType<typeof createHarvestService>;
