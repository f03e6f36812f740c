import type { SiteUrls } from '../../lib/site-urls.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetReader, ListedVersion, ReadItem } from '../datasets/read.js';
import { accessParams, visibleEndpoint } from '../datasets/visibility.js';
import { anonymous } from '../auth/auth.schema.js';
import type { DescribedRecord } from '../identifiers/description.js';
import type { GateStatus } from '../gates/gates.schema.js';
import type { ModelPart } from '../models/models.read.js';
import type { HepdataTable } from '../hepdata/hepdata.schema.js';
import '../hepdata/hepdata.read.js';
import type { ActivityRecord, VersionEndpoint } from '../provenance/provenance.schema.js';
import type { HarvestQuery, HarvestRepository } from './harvest.repository.js';
import { ownDoiOf } from '../datasets/record-facts.js';
import { describeObservableFromIri, type DomainDescriber, type ObservableDescriber } from './observables.js';

/** A version one derivation step away, described as it describes itself (so DCAT can type it a full dcat:Dataset). */
export interface LineageNeighbour {
  dataset: string;
  version: number | null;
  title: string;
  description: string;
}

/** Everything the harvest formats say about one dataset version (the read pipeline's item, in harvest terms). */
export interface HarvestItem {
  pk: number;
  /** The description every format gives (DOI metadata first, see describeRecord), as the caller may see it (no file URLs it may not get). */
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
  /** The caller may not get the files (restricted, or an active embargo): formats say how to request access instead. */
  filesWithheld: boolean;
  /** DQV quality measurements of this version (gate evaluations), as JSON-LD nodes. */
  quality: Record<string, unknown>[];
  /** A Model record's evaluations and JSON-LD (model card, ML Schema evaluations); null for datasets. */
  model: ModelPart | null;
  /** The tables of a record imported from a HEPData submission; empty otherwise. */
  hepdataTables: HepdataTable[];
  /** Derivation steps that used this version and generated others (validation and evaluation steps generate none). */
  derivedBy: ActivityRecord[];
  /** Validation status of this version and of its visible neighbours ("<dataset>@<version>"), for lineage pictures. */
  gateStatus: GateStatus['status'];
  neighbourStatus: Map<string, GateStatus['status']>;
}

/** Shared by every serializer: where things live and how observables are described. */
export interface SerializerContext {
  urls: SiteUrls;
  describeObservable: ObservableDescriber;
  describeDomain: DomainDescriber;
  /** femto's own name: the catalog that hosts and distributes records, never the publisher of others' data. */
  repositoryName: string;
}

/** What the harvest formats read of a loaded version: the same item, in their terms. */
export function harvestItem(actor: Actor, item: ReadItem): HarvestItem {
  const { doi: doiRow, provenance, quality, description, neighbours, model, hepdataTables, gateStatus, neighbourStatus } = item.parts;
  // The harvest formats cite the DOI once it is findable.
  const doi = doiRow?.state === 'findable' ? doiRow.doi : null;
  const neighbour = (e: VersionEndpoint): LineageNeighbour[] => {
    const d = visibleEndpoint(actor, e) ? neighbours.get(e.versionPk) : undefined;
    return d ? [{ dataset: e.datasetId, version: e.versionNumber, title: d.title, description: d.description }] : [];
  };
  return {
    pk: item.pk,
    record: description,
    doi,
    citeAsDoi: ownDoiOf(description) ?? doi,
    firstPublishedAt: item.versions[0]?.publishedAt ?? description.publishedAt,
    versions: item.versions,
    generatedBy: provenance.generatedBy,
    upstream: provenance.upstream.flatMap(neighbour),
    downstream: provenance.downstream.flatMap(neighbour),
    embargoed: item.embargoed,
    filesWithheld: item.filesWithheld,
    quality,
    model,
    hepdataTables,
    derivedBy: provenance.usedBy.filter((a) => a.outputs.length > 0),
    gateStatus: gateStatus.status,
    neighbourStatus,
  };
}

export interface HarvestDeps {
  urls: SiteUrls;
  repo: HarvestRepository;
  reader: DatasetReader;
  /** Labels and units of observables (from the ontology). */
  describeObservable?: ObservableDescriber;
  /** Labels and OAI set slugs of domain IRIs (from the ontology). */
  describeDomain: DomainDescriber;
  /** FEMTO_REPOSITORY_NAME. */
  repositoryName: string;
}

export function createHarvestService(deps: HarvestDeps) {
  const { repo, reader } = deps;
  const serializerContext: SerializerContext = {
    urls: deps.urls,
    describeObservable: deps.describeObservable ?? describeObservableFromIri,
    describeDomain: deps.describeDomain,
    repositoryName: deps.repositoryName,
  };

  const publicQuery = (actor: Actor, extra: Partial<HarvestQuery> = {}): HarvestQuery => ({
    access: accessParams(actor),
    includeDeleted: false,
    ...extra,
  });

  return {
    serializerContext,

    /** Full harvest items for version pks, in the order given; pks the caller may not see are skipped. */
    items: async (actor: Actor, pks: readonly number[]) => (await reader.load(actor, pks)).map((i) => harvestItem(actor, i)),

    /**
     * Rendered fragments of listed versions in one format, cached by the read pipeline (a catalog
     * node, an OAI payload); undefined where the caller may not see the version.
     */
    async fragments(
      actor: Actor,
      listed: readonly ListedVersion[],
      format: string,
      render: (items: ReadItem[]) => Promise<string[]>,
    ): Promise<(string | undefined)[]> {
      return reader.cachedMany(actor, listed, format, render);
    },

    /** A numbered page of the catalog in (datestamp, id) order: a changed record moves to the end, where modified_since finds it. */
    async catalogPage(actor: Actor, opts: { page: number; limit: number; modifiedSince?: string }) {
      const q = publicQuery(actor, { from: opts.modifiedSince });
      const rows = await repo.page(q, opts.limit, (opts.page - 1) * opts.limit);
      let items: HarvestItem[] | undefined;
      return {
        total: await repo.count(q),
        rows,
        /** The page's full items, loaded on first use (the catalog route renders cached fragments of `rows` instead). */
        async items(): Promise<HarvestItem[]> {
          return (items ??= (
            await reader.load(
              actor,
              rows.map((r) => r.pk),
            )
          ).map((i) => harvestItem(actor, i)));
        },
      };
    },

    /** Ids and datestamps of what an anonymous crawler may see (sitemaps), one chunk at a time. */
    async publicIndex(chunk: number, size: number) {
      const q: HarvestQuery = { access: accessParams(anonymous), includeDeleted: false };
      return { total: await repo.count(q), rows: await repo.page(q, size, chunk * size) };
    },
  };
}

export type HarvestService = ReturnType<typeof createHarvestService>;
