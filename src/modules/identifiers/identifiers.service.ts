import type { Config } from '../../config.js';
import type { DoiRow } from '../../db/schema/index.js';
import { FemtoError, type FieldError } from '../../errors.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { anonymous, hasRole, system, type Actor } from '../auth/auth.schema.js';
import { accessParams, mayRead } from '../datasets/visibility.js';
import { credentialRedactor } from './redact.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import type { DatasetReader } from '../datasets/read.js';
import { ownDoiOf } from '../datasets/record-facts.js';
import { isPrefix, normalizeDoi, prefixOf, randomSuffix, suffixOf } from './doi.js';
import { parseDoiQuery } from './doi-query.js';
import { describeRecord, type DescribedRecord } from './description.js';
import { parseDoiAttributes, type DoiEvent } from './identifiers.schema.js';
import type { FollowReach, IdentifiersRepository } from './identifiers.repository.js';
import { assertAllowedUrls } from './urls.js';
import type { DoiState } from './registrars.js';
import { dataciteAttributes, SCHEMA_VERSION, type DataciteAttributes, type DataciteRelatedIdentifier } from './serializers/datacite.js';

/** What a /dois write carries: DataCite attributes plus the DataCite event. */
export type DoiInput = DataciteAttributes & Record<string, unknown>;

/** Attributes femto owns: never stored from a client payload. */
const OWN = [
  'doi',
  'prefix',
  'suffix',
  'event',
  'url',
  'state',
  'created',
  'updated',
  'registered',
  'isActive',
  'registration',
  'tombstone',
  'withdrawalReason',
  'schemaVersion',
  'identifiers',
  'xml',
];

/** DataCite's mandatory properties for a registered or findable DOI, as JSON:API sources, and what to do when one is missing. */
const MANDATORY: [keyof DataciteAttributes, (a: DataciteAttributes) => boolean, string][] = [
  ['creators', (a) => !!a.creators?.length && a.creators.every((c) => !!c.name), "can't be blank"],
  ['titles', (a) => !!a.titles?.length && a.titles.every((t) => !!t.title), "can't be blank"],
  // femto hosts records; it does not stand in as the publisher of data whose record names none.
  ['publisher', (a) => !!a.publisher?.name, "can't be blank: the record names no publisher, so state the one the data has"],
  ['publicationYear', (a) => /^\d{4}$/.test(String(a.publicationYear ?? '')), "can't be blank"],
  ['types', (a) => !!a.types?.resourceTypeGeneral, "can't be blank"],
  ['url', (a) => !!a.url, "can't be blank"],
];

/**
 * Relations by which a curator states that a new DOI names another object than the record's own
 * DOI does (a femto-curated derivative, a new version, a part): then minting it is no duplicate.
 */
const DISTINCT_OBJECT_RELATIONS = new Set(['IsDerivedFrom', 'IsNewVersionOf', 'IsVariantFormOf', 'IsPartOf', 'IsSupplementTo']);

export interface DoiListOptions {
  query?: string;
  states?: DoiState[];
  size: number;
  /** 1-based page number; ignored when paging by cursor. */
  number: number;
  /** Present when paging by cursor: "1" or empty starts, then the `next` link's value. */
  cursor?: string;
}

export interface DoiPage {
  rows: DoiRow[];
  total: number;
  totalPages: number;
  /** The page number, when paging by number. */
  number?: number;
  /** The cursor of the next page, when paging by cursor and there is one. */
  nextCursor?: string;
  more: boolean;
}

/** A DataCite cursor is opaque base64; femto's holds the last DOI of the page before. */
const encodeCursor = (doi: string) => Buffer.from(doi).toString('base64url');

function cursorDoi(cursor: string): string | undefined {
  if (cursor === '' || cursor === '1') return undefined;
  const doi = normalizeDoi(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!doi || encodeCursor(doi) !== cursor) {
    throw new FemtoError('VALIDATION_FAILED', 'page[cursor] is not a cursor this server issued', [
      { pointer: 'querystring/page[cursor]', message: 'is not a valid cursor' },
    ]);
  }
  return doi;
}

export interface Binding {
  datasetId: string | null;
  versionPk: number | null;
  isConcept: boolean;
}

export interface Tombstone {
  doi: string;
  datasetId: string;
  withdrawnAt: string;
  reason: string | null;
  title: string | null;
  creators: string[];
  publisher: string | null;
  publicationYear: string | null;
  version: string | null;
  resourceType: string | null;
}

/** The tombstone that governs a version: its own DOI's, else the dataset's concept DOI's (any, when no version is named). */
function tombstoneRow(withdrawn: DoiRow[], datasetId: string, versionPk?: number): DoiRow | undefined {
  const rows = withdrawn.filter((r) => r.datasetId === datasetId && r.withdrawnAt && (r.isConcept || versionPk === undefined || r.versionPk === versionPk));
  return rows.find((r) => r.versionPk === versionPk) ?? rows.find((r) => r.isConcept) ?? rows[0];
}

/** A lineage neighbour of a version, as DataCite relations name it. */
export interface LineageRelation {
  relation: 'IsDerivedFrom' | 'IsSourceOf';
  pk: number;
  datasetId: string;
  version: number | null;
}

/** One-hop lineage of versions (the provenance module's), whatever their visibility. */
export type LineageOf = (versionPks: readonly number[]) => Promise<Map<number, LineageRelation[]>>;

/** Every neighbour once per relation, in a stable order (relation, dataset, version). */
export function lineageRelations(
  upstream: readonly { versionPk: number; datasetId: string; versionNumber: number | null }[],
  downstream: typeof upstream,
): LineageRelation[] {
  const out = new Map<string, LineageRelation>();
  for (const [relation, list] of [
    ['IsDerivedFrom', upstream],
    ['IsSourceOf', downstream],
  ] as const) {
    for (const e of list) out.set(`${relation}:${e.versionPk}`, { relation, pk: e.versionPk, datasetId: e.datasetId, version: e.versionNumber });
  }
  return [...out.values()].sort(
    (a, b) => a.relation.localeCompare(b.relation) || a.datasetId.localeCompare(b.datasetId) || (a.version ?? 0) - (b.version ?? 0),
  );
}

export interface RegistrationView {
  status: DoiRow['registrationStatus'];
  attempts: number;
  lastError: string | null;
  syncedAt: string | null;
}

export function createIdentifiersService(deps: {
  repo: IdentifiersRepository;
  /** Versions and their stored records (DOI metadata describes the record, whoever asks). */
  versions: Pick<DatasetReader, 'resolve' | 'resolveMany'>;
  storedRecords: (pks: readonly number[]) => Promise<Map<number, DatasetRecord>>;
  /** The access policy on versions (the datasets module's): which the caller may read, and whose records it may edit. */
  access: {
    readable(actor: Actor, pks: readonly number[]): Promise<Set<number>>;
    editableRecords(actor: Actor, datasetIds: readonly string[]): Promise<Set<string>>;
  };
  /** One-hop lineage as the public sees it: what a DOI's metadata says goes to the registrar and to everyone. */
  lineageOf: LineageOf;
  auth: AuthService;
  config: Config;
  urls: SiteUrls;
  /** The ontology's label of a domain IRI (DataCite subjects). */
  domainLabel?: (iri: string) => string;
  /** Throws to refuse making a DOI of this dataset version findable (the publication policies). */
  assertPublishable?: (versionPk: number) => Promise<void>;
}) {
  const { repo, versions, auth, config, urls, access } = deps;
  const redact = credentialRedactor(config.datacite ?? {});
  /** What every DataCite description of a record says alike: femto as host, the ontology's domain labels. */
  const sharedOptions = { hostingInstitution: config.repositoryName, domainLabel: deps.domainLabel };
  const now = () => new Date().toISOString();
  const landing = (id: string, n?: number | null) => (n != null ? urls.version(id, n) : urls.dataset(id));

  function invalidDoi(source: string, value: string): FemtoError {
    return new FemtoError('DOI_INVALID', `'${value}' is not a valid DOI`, [{ pointer: `/data/attributes/${source}`, message: 'is not a valid DOI' }]);
  }

  function parseDoi(value: string, source = 'doi'): string {
    const doi = normalizeDoi(value);
    if (!doi) throw invalidDoi(source, value);
    return doi;
  }

  /**
   * A femto landing page binds the DOI: /datasets/{id} to the current published version,
   * /datasets/{id}/versions/{n} to version n, /datasets/{id}/versions to the dataset as a whole
   * (a concept DOI, like Zenodo's). Any other URL leaves the DOI unbound.
   */
  async function bindingFor(actor: Actor, url: string | undefined): Promise<Binding> {
    const none = { datasetId: null, versionPk: null, isConcept: false };
    if (!url || !url.startsWith(`${config.baseUrl}/datasets/`)) return none;
    const m = /^\/datasets\/([^/?#]+)(?:\/versions(?:\/(\d+))?)?\/?(?:[?#].*)?$/.exec(url.slice(config.baseUrl.length));
    if (!m) return none;
    const id = decodeURIComponent(m[1]);
    // A record the caller may not see is unknown to it, as an absent one is.
    const resolved = await versions.resolve(actor, { dataset: id, version: m[2] ? Number(m[2]) : undefined });
    const source: FieldError[] = [{ pointer: '/data/attributes/url', message: `dataset '${id}' does not exist` }];
    if (resolved.status === 'no-dataset') throw new FemtoError('UNKNOWN_REFERENCE', `The url names dataset '${id}', which does not exist`, source);
    if (!(await access.editableRecords(actor, [id])).has(id)) {
      throw new FemtoError('FORBIDDEN', `Dataset '${id}' is neither yours nor shared with one of your groups: you may not give it a DOI`, [
        { pointer: '/data/attributes/url', message: 'not editable by this token' },
      ]);
    }
    if (
      url
        .slice(config.baseUrl.length)
        .replace(/[?#].*$/, '')
        .replace(/\/$/, '')
        .endsWith('/versions') &&
      !m[2]
    ) {
      return { datasetId: id, versionPk: null, isConcept: true };
    }
    const pk = resolved.status === 'found' ? resolved.version.pk : null;
    if (pk == null) {
      throw new FemtoError('NOT_PUBLISHED', `Dataset '${id}' has no published version${m[2] ? ` ${m[2]}` : ''} to bind a DOI to`, [
        { pointer: '/data/attributes/url', message: 'names no published version' },
      ]);
    }
    return { datasetId: id, versionPk: pk, isConcept: false };
  }

  type Bound = Pick<DoiRow, 'datasetId' | 'versionPk' | 'isConcept'>;

  /**
   * The version a DOI's metadata describes: its own, or for a concept DOI the latest version anyone may read, not a
   * later one its editors made private (a findable DOI's metadata is public at the registrar). A record with no public
   * version at all is described by its latest: its DOIs may be registered, never findable (checkPublishable).
   */
  const describedPk = async (row: Bound): Promise<number | null> => {
    if (row.versionPk != null) return row.versionPk;
    if (!row.isConcept || !row.datasetId) return null;
    const dataset = row.datasetId;
    const latest = await versions.resolve(system, { dataset });
    if (latest.status !== 'found') return null;
    if (mayRead(anonymous, latest.version)) return latest.version.pk;
    const older = Array.from({ length: (latest.version.versionNumber ?? 1) - 1 }, (_, i) => ({ dataset, version: latest.version.versionNumber! - 1 - i }));
    const readable = (await versions.resolveMany(anonymous, older)).find((r) => r.status === 'found');
    return readable?.status === 'found' ? readable.version.pk : latest.version.pk;
  };

  /**
   * Related identifiers of many DOIs (or would-be DOIs) in a fixed number of queries: lineage as
   * IsDerivedFrom / IsSourceOf, and version <-> concept as IsVersionOf / HasVersion.
   */
  async function relationsOf(rows: readonly Bound[], known?: Map<number, LineageRelation[]>): Promise<(row: Bound) => Promise<DataciteRelatedIdentifier[]>> {
    const pks = rows.flatMap((r) => (r.versionPk != null ? [r.versionPk] : []));
    const lineage = known ?? (await deps.lineageOf(pks));
    // Only public identifiers name other records: a draft or registered DOI is nobody's to cite yet.
    const findable = (rows: DoiRow[]) => rows.filter((d) => d.state === 'findable');
    const theirDois = new Map(findable(await repo.byVersionPks([...new Set([...lineage.values()].flat().map((n) => n.pk))])).map((d) => [d.versionPk, d.doi]));
    const concepts = new Map(
      findable(await repo.conceptsOf([...new Set(rows.flatMap((r) => (r.versionPk != null && r.datasetId ? [r.datasetId] : [])))])).map((c) => [
        c.datasetId,
        c.doi,
      ]),
    );
    const doiRef = (doi: string, relationType: string) => ({ relatedIdentifier: doi, relatedIdentifierType: 'DOI', relationType });
    return async (row) => {
      const out: DataciteRelatedIdentifier[] = [];
      if (row.versionPk != null) {
        for (const n of lineage.get(row.versionPk) ?? []) {
          const doi = theirDois.get(n.pk);
          out.push(
            doi ? doiRef(doi, n.relation) : { relatedIdentifier: landing(n.datasetId, n.version), relatedIdentifierType: 'URL', relationType: n.relation },
          );
        }
        const concept = row.datasetId ? concepts.get(row.datasetId) : undefined;
        if (concept) out.push(doiRef(concept, 'IsVersionOf'));
      }
      if (row.isConcept && row.datasetId) {
        const versionDois = findable(await repo.byDataset(row.datasetId)).filter((d) => !d.isConcept);
        const publicVersions = await access.readable(
          anonymous,
          versionDois.map((d) => d.versionPk!),
        );
        for (const d of versionDois) if (publicVersions.has(d.versionPk!)) out.push(doiRef(d.doi, 'HasVersion'));
      }
      return out;
    };
  }

  /** The full metadata of DOIs: the dataset's, overlaid with what the client set itself; batched. */
  async function effectiveMany(
    rows: readonly DoiRow[],
    known: { records?: Map<number, DatasetRecord>; lineage?: Map<number, LineageRelation[]> } = {},
  ): Promise<Map<string, DataciteAttributes>> {
    const described = new Map<string, number | null>();
    for (const r of rows) described.set(r.doi, await describedPk(r));
    const needed = [...new Set([...described.values()].filter((pk): pk is number => pk != null && !known.records?.has(pk)))];
    const records = new Map([...(known.records ?? []), ...(await deps.storedRecords(needed))]);
    const relationsOfRow = await relationsOf(rows, known.lineage);
    const related = new Map<string, DataciteRelatedIdentifier[]>();
    for (const row of rows) related.set(row.doi, await relationsOfRow(row));
    return new Map(
      rows.map((row) => {
        const pk = described.get(row.doi);
        const record = pk != null ? records.get(pk) : undefined;
        const base: DataciteAttributes = record
          ? dataciteAttributes(record, {
              ...sharedOptions,
              doi: row.doi,
              related: related.get(row.doi)!,
              issued: describeRecord(record, row.attributes as DataciteAttributes).issued,
              placeholders: false,
            })
          : { schemaVersion: SCHEMA_VERSION };
        const attributes: DataciteAttributes = {
          ...base,
          ...(row.attributes as DataciteAttributes),
          doi: row.doi,
          prefix: prefixOf(row.doi),
          suffix: suffixOf(row.doi),
          ...(row.url ? { url: row.url } : {}),
          schemaVersion: SCHEMA_VERSION,
        };
        return [row.doi, attributes];
      }),
    );
  }

  const effective = async (row: DoiRow): Promise<DataciteAttributes> => (await effectiveMany([row])).get(row.doi)!;

  /**
   * `publish` makes the DOI findable, i.e. public: the bound version (for a concept DOI, the
   * version it resolves to) must satisfy the gate policy. `register` is not public and is allowed.
   */
  async function checkPublishable(row: Bound, event: unknown): Promise<void> {
    if (event !== 'publish') return;
    const pk = await describedPk(row);
    if (pk == null) return;
    // A findable DOI is public (DataCite shows its metadata to everyone): it may describe a public version only.
    if (!(await access.readable(anonymous, [pk])).has(pk)) {
      throw new FemtoError(
        'UNPROCESSABLE',
        'A findable DOI is public, and this DOI describes a private version: register it instead (event "register"), or publish a public version',
        [{ pointer: '/data/attributes/event', message: 'publish needs a public version' }],
      );
    }
    await deps.assertPublishable?.(pk);
  }

  function requireMandatory(attrs: DataciteAttributes): void {
    const missing = MANDATORY.filter(([, ok]) => !ok(attrs));
    if (missing.length) {
      throw new FemtoError(
        'DOI_MISSING_PROPERTIES',
        `A registered or findable DOI needs ${missing.map(([name]) => name).join(', ')}`,
        missing.map(([name, , message]) => ({ pointer: `/data/attributes/${name}`, message })),
      );
    }
  }

  /**
   * No DOI for what does not exist yet: a findable DOI says the data can be had. Registering one
   * (not public) stays possible for a release that is being prepared.
   */
  function requireAvailable(record: DatasetRecord, event: unknown): void {
    if (event !== 'publish' || record.status === 'available') return;
    throw new FemtoError(
      'DOI_RECORD_NOT_AVAILABLE',
      `Dataset '${record.id}' is ${record.status}; only an available record may get a findable DOI`,
      [{ pointer: '/data/attributes/event', message: `the record's status is ${record.status}` }],
      { status: record.status },
    );
  }

  /**
   * A record with a DOI of its own (minted elsewhere, e.g. Zenodo's) is cited by it: a second DOI for
   * the same object is refused, unless the curator's related identifiers make the new DOI name a
   * different object (IsDerivedFrom the existing DOI for a femto-curated derivative, ...).
   */
  function refuseSecondDoi(record: DatasetRecord, attrs: DataciteAttributes): void {
    const existing = ownDoiOf(record);
    if (!existing) return;
    const distinct = (attrs.relatedIdentifiers ?? []).some(
      (r) => DISTINCT_OBJECT_RELATIONS.has(r.relationType) && normalizeDoi(r.relatedIdentifier) === existing,
    );
    if (distinct) return;
    throw new FemtoError(
      'DOI_ALREADY_IDENTIFIED',
      `Dataset '${record.id}' already has the DOI ${existing}; cite it, or state how the new DOI differs (relatedIdentifiers: IsDerivedFrom ${existing})`,
      [
        {
          pointer: '/data/attributes/relatedIdentifiers',
          message: `the record is identical to ${existing}; a new DOI needs a relation making it a different object (IsIdenticalTo is not one)`,
        },
      ],
      { doi: existing },
    );
  }

  /** The rules a DOI bound to a record must meet before any state but draft: the record's, then DataCite's. */
  async function checkRecord(row: DoiRow, event: unknown): Promise<void> {
    const pk = await describedPk(row);
    const record = pk != null ? (await deps.storedRecords([pk])).get(pk) : undefined;
    if (record) {
      refuseSecondDoi(record, await effective(row));
      requireAvailable(record, event);
    }
    if (row.state !== 'draft') requireMandatory(await effective(row));
  }

  function nextState(current: DoiState | null, event: DoiEvent | undefined): { state: DoiState; hide: boolean } {
    if (!event) return { state: current ?? 'draft', hide: false };
    const bad = (why: string) => new FemtoError('DOI_INVALID_TRANSITION', why, [{ pointer: '/data/attributes/event', message: why }]);
    if (event === 'publish') return { state: 'findable', hide: false };
    if (event === 'register') {
      if (current === 'findable') throw bad('A findable DOI cannot be registered again; hide it instead');
      return { state: 'registered', hide: false };
    }
    if (current !== 'findable') throw bad('Only a findable DOI can be hidden');
    return { state: 'registered', hide: true };
  }

  function clientAttributes(input: DoiInput, previous: Record<string, unknown> = {}): Record<string, unknown> {
    const out: Record<string, unknown> = { ...previous };
    for (const [k, v] of Object.entries(input)) {
      if (OWN.includes(k)) continue;
      if (v === null) delete out[k];
      else out[k] = v;
    }
    return out;
  }

  async function newDoi(input: DoiInput): Promise<string> {
    if (input.doi) {
      const doi = parseDoi(String(input.doi));
      checkPrefix(prefixOf(doi), 'doi');
      if (await repo.get(doi))
        throw new FemtoError('DOI_TAKEN', `${doi} already exists`, [{ pointer: '/data/attributes/doi', message: 'This DOI has already been taken' }]);
      return doi;
    }
    const prefix = String(input.prefix ?? config.doiPrefix).toLowerCase();
    checkPrefix(prefix, 'prefix');
    // 30^8 suffixes: a collision is rare, and checked rather than assumed away.
    for (let i = 0; i < 10; i++) {
      const doi = `${prefix}/${randomSuffix()}`;
      if (!(await repo.get(doi))) return doi;
    }
    throw new FemtoError('CONFLICT', 'Could not find a free DOI suffix; try again');
  }

  function checkPrefix(prefix: string, source: string): void {
    if (!isPrefix(prefix)) throw invalidDoi(source, prefix);
    if (prefix !== config.doiPrefix) {
      throw new FemtoError('FORBIDDEN', `This repository mints under ${config.doiPrefix}, not ${prefix}`, [
        { pointer: `/data/attributes/${source}`, message: `prefix must be ${config.doiPrefix}` },
      ]);
    }
  }

  async function takenBy(binding: Binding, except?: string): Promise<void> {
    const holder =
      binding.versionPk != null ? (await repo.byVersionPks([binding.versionPk]))[0] : binding.isConcept ? await repo.conceptOf(binding.datasetId!) : undefined;
    if (holder && holder.doi !== except) {
      throw new FemtoError(
        'DOI_TAKEN',
        `That ${binding.isConcept ? 'dataset' : 'dataset version'} already has the DOI ${holder.doi}`,
        [{ pointer: '/data/attributes/url', message: `already bound to ${holder.doi}` }],
        { doi: holder.doi },
      );
    }
  }

  /** The caller may change this DOI: a curator who may edit its record (any curator, for a DOI bound to no record). */
  async function mayEditDoi(actor: Actor, row: DoiRow, editable?: Set<string>): Promise<boolean> {
    if (!hasRole(actor, 'curator')) return false;
    return row.datasetId == null || (editable ?? (await access.editableRecords(actor, [row.datasetId]))).has(row.datasetId);
  }

  /**
   * A DOI exists for a caller that may read the version it describes, when it is findable or the
   * caller may change it: a draft or registered DOI is its record's editors' work in progress
   * (DataCite's public API shows neither). Otherwise it answers as an unknown DOI does.
   */
  /** The caller may see this DOI: it may read the version the DOI describes, and only its editors see a DOI before it is findable. */
  async function mayViewDoi(actor: Actor, row: DoiRow): Promise<boolean> {
    const pk = await describedPk(row);
    return (pk == null || (await access.readable(actor, [pk])).has(pk)) && (row.state === 'findable' || (await mayEditDoi(actor, row)));
  }

  async function visible(actor: Actor, row: DoiRow | undefined, doi: string): Promise<DoiRow> {
    if (!row || !(await mayViewDoi(actor, row))) throw new FemtoError('NOT_FOUND', `DOI ${doi} does not exist`);
    return row;
  }

  /** The public (findable) DOIs of versions, by version pk: only these speak for a version in its description. */
  async function findableDoisOf(items: readonly { pk: number }[]): Promise<Map<number, DoiRow>> {
    return new Map((await repo.byVersionPks(items.map((i) => i.pk))).filter((r) => r.state === 'findable').map((r) => [r.versionPk!, r]));
  }

  /** Delivery status; the registrar's last error (credentials redacted) for those who may change the DOI only. */
  function registration(row: DoiRow, editor: boolean): RegistrationView {
    return {
      status: row.registrationStatus,
      attempts: row.attempts,
      lastError: editor && row.lastError ? redact(row.lastError) : null,
      syncedAt: row.syncedAt,
    };
  }

  /** The JSON:API resource, as DataCite's GET /dois/{id} shapes it, plus femto's registration status. */
  async function resource(actor: Actor, row: DoiRow, editable?: Set<string>) {
    return {
      id: row.doi,
      type: 'dois' as const,
      attributes: {
        ...(await effective(row)),
        doi: row.doi,
        state: row.state,
        isActive: row.state === 'findable',
        created: row.createdAt,
        updated: row.updatedAt,
        registration: { ...registration(row, await mayEditDoi(actor, row, editable)), registrar: config.registrar },
        ...(row.withdrawnAt ? { tombstone: { withdrawnAt: row.withdrawnAt, reason: row.withdrawalReason } } : {}),
      },
      relationships: row.datasetId ? { dataset: { data: { type: 'datasets', id: row.datasetId } } } : {},
      links: { self: urls.doi(row.doi), ...(row.datasetId ? { dataset: landing(row.datasetId) } : {}) },
    };
  }

  /** A DOI the caller may change: unknown when it may not see it, 403 when it sees it (findable) but may not change it. */
  async function editableDoi(actor: Actor, doi: string): Promise<DoiRow> {
    const row = await visible(actor, await repo.get(doi), doi);
    if (!(await mayEditDoi(actor, row)))
      throw new FemtoError('FORBIDDEN', `${doi} belongs to a record that is neither yours nor shared with one of your groups`);
    return row;
  }

  /**
   * A registrar holds each DOI as femto said it at its last delivery. A change shown in DOIs' metadata queues them for
   * delivery again, in the transaction of the change: a public step (the versions' DOIs name their lineage), a new
   * latest version (its record's concept DOI describes it), a DOI turning findable or no longer (see followDoi).
   */
  async function followChanges(reach: FollowReach): Promise<void> {
    await repo.follow(reach, now());
  }

  /**
   * Other DOIs name a DOI only while it is findable (relationsOf): a version's, its record's concept DOI (HasVersion)
   * and its lineage neighbours' DOIs; a concept's, every DOI of its record (IsVersionOf). They change when it turns
   * findable or no longer, or is bound to another version.
   */
  async function followDoi(before: DoiRow | undefined, after: DoiRow | undefined): Promise<void> {
    const findable = (r?: DoiRow) => r?.state === 'findable';
    if (findable(before) === findable(after) && before?.versionPk === after?.versionPk && before?.datasetId === after?.datasetId) return;
    const named = [before, after].filter((r): r is DoiRow => r !== undefined && findable(r) && r.datasetId !== null);
    const versions = [...new Set(named.flatMap((r) => (r.isConcept || r.versionPk == null ? [] : [r.versionPk])))];
    const neighbours = versions.length ? [...(await deps.lineageOf(versions)).values()].flat().map((n) => n.pk) : [];
    await followChanges({
      versions: neighbours,
      concepts: named.filter((r) => !r.isConcept).map((r) => r.datasetId!),
      records: named.filter((r) => r.isConcept).map((r) => r.datasetId!),
    });
  }

  async function write(actor: Actor, doi: string, action: string, change: () => Promise<void>): Promise<DoiRow> {
    await repo.transaction(async () => {
      const before = await repo.get(doi);
      await change();
      await repo.enqueue(doi, action === 'doi.delete' ? 'delete' : 'upsert', now());
      const after = await repo.get(doi);
      await followDoi(before, after);
      await auth.audit(actor, { action, entityType: 'doi', entityId: doi, after });
    });
    return (await repo.get(doi))!;
  }

  return {
    parseDoi,
    effective,
    followChanges,
    resource,
    /** Resources of a page of DOIs, deciding who may change them in one statement. */
    async resources(actor: Actor, rows: readonly DoiRow[]) {
      const editable = await access.editableRecords(
        actor,
        rows.flatMap((r) => (r.datasetId ? [r.datasetId] : [])),
      );
      const out = [];
      for (const r of rows) out.push(await resource(actor, r, editable));
      return out;
    },
    registration,

    async create(actor: Actor, raw: DoiInput): Promise<DoiRow> {
      auth.require(actor, 'curator');
      const input = parseDoiAttributes(raw) as DoiInput;
      assertAllowedUrls(input, '/data/attributes');
      const url = input.url ? String(input.url) : undefined;
      const binding = await bindingFor(actor, url);
      const { state } = nextState(null, input.event as DoiEvent | undefined);
      return repo.transaction(async () => {
        const doi = await newDoi(input);
        await takenBy(binding);
        const t = now();
        const row: DoiRow = {
          doi,
          state,
          ...binding,
          url: url ?? null,
          attributes: clientAttributes(input),
          withdrawnAt: null,
          withdrawalReason: null,
          registrationStatus: 'pending',
          attempts: 0,
          lastError: null,
          syncedAt: null,
          createdAt: t,
          updatedAt: t,
        };
        await checkRecord(row, input.event);
        await checkPublishable(row, input.event);
        return write(actor, doi, 'doi.create', () => repo.insert(row));
      });
    },

    async update(actor: Actor, doiParam: string, raw: DoiInput): Promise<DoiRow> {
      auth.require(actor, 'curator');
      const doi = parseDoi(doiParam);
      const input = parseDoiAttributes(raw) as DoiInput;
      assertAllowedUrls(input, '/data/attributes');
      return repo.transaction(async () => {
        const current = await editableDoi(actor, doi);
        const url = input.url !== undefined ? (input.url ? String(input.url) : null) : current.url;
        const binding =
          url !== current.url
            ? await bindingFor(actor, url ?? undefined)
            : { datasetId: current.datasetId, versionPk: current.versionPk, isConcept: current.isConcept };
        await takenBy(binding, doi);
        const { state, hide } = nextState(current.state, input.event as DoiEvent | undefined);
        // One instant for the withdrawal and the row's update: it dates the OAI deleted header.
        const t = now();
        const next: DoiRow = {
          ...current,
          ...binding,
          state,
          url,
          attributes: clientAttributes(input, current.attributes),
          // Publishing again lifts the tombstone; hiding sets it.
          withdrawnAt: hide ? t : state === 'findable' ? null : current.withdrawnAt,
          withdrawalReason: hide
            ? typeof input.withdrawalReason === 'string' && input.withdrawalReason.trim()
              ? input.withdrawalReason.trim()
              : null
            : state === 'findable'
              ? null
              : current.withdrawalReason,
          registrationStatus: 'pending',
          updatedAt: t,
        };
        await checkRecord(next, input.event);
        await checkPublishable(next, input.event);
        const { doi: _key, createdAt: _created, ...patch } = next;
        return write(actor, doi, input.event ? `doi.${input.event}` : 'doi.update', () => repo.update(doi, patch));
      });
    },

    /** PUT /dois/{doi}, as DataCite answers it: an update, or the creation of a DOI that does not exist yet. */
    async upsert(actor: Actor, doiParam: string, input: DoiInput): Promise<{ row: DoiRow; created: boolean }> {
      auth.require(actor, 'curator');
      const doi = parseDoi(doiParam);
      return repo.transaction(async () =>
        (await repo.get(doi))
          ? { row: await this.update(actor, doi, input), created: false }
          : { row: await this.create(actor, { ...input, doi }), created: true },
      );
    },

    /** Drafts only: registered and findable DOIs are permanent (DataCite answers 405 as well). */
    async delete(actor: Actor, doiParam: string): Promise<void> {
      auth.require(actor, 'curator');
      const doi = parseDoi(doiParam);
      await repo.transaction(async () => {
        const row = await editableDoi(actor, doi);
        if (row.state !== 'draft') throw new FemtoError('DOI_NOT_DELETABLE', `${doi} is ${row.state}; only draft DOIs can be deleted`);
        await write(actor, doi, 'doi.delete', () => repo.delete(doi));
      });
    },

    async get(actor: Actor, doiParam: string): Promise<DoiRow> {
      const doi = parseDoi(doiParam);
      return visible(actor, await repo.get(doi), doi);
    },

    /** The dataset version a DOI is bound to, when the caller may see the DOI; undefined otherwise (importers matching records by DOI). */
    async versionOf(actor: Actor, doiParam: string): Promise<{ datasetId: string; versionPk: number } | undefined> {
      const doi = normalizeDoi(doiParam);
      const row = doi ? await repo.get(doi) : undefined;
      if (!row?.datasetId || row.versionPk == null || !(await mayViewDoi(actor, row))) return undefined;
      return { datasetId: row.datasetId, versionPk: row.versionPk };
    },

    /**
     * What a DOI names, for femto's resolver: its dataset, and its version (null for a concept DOI:
     * the latest one). A DOI resolves once it is findable, and keeps resolving (to its tombstone)
     * when withdrawn; a draft DOI, for its editors only. The read policy then decides the version.
     */
    async target(actor: Actor, doiParam: string): Promise<{ datasetId: string; versionPk: number | null } | undefined> {
      const doi = normalizeDoi(doiParam);
      const row = doi ? await repo.get(doi) : undefined;
      if (!row?.datasetId || !(row.state === 'findable' || row.withdrawnAt || (await mayEditDoi(actor, row)))) return undefined;
      return { datasetId: row.datasetId, versionPk: row.isConcept ? null : row.versionPk };
    },

    /**
     * A page of DOIs as DataCite pages them: by number (`page[number]`) or by cursor (`page[cursor]`, "1" or empty
     * to start). Only findable DOIs exist for callers who may not write, as at DataCite; `states` narrows further.
     */
    async list(actor: Actor, opts: DoiListOptions): Promise<DoiPage> {
      const after = opts.cursor !== undefined ? cursorDoi(opts.cursor) : undefined;
      const { rows, total } = await repo.list({
        states: opts.states?.length ? opts.states : undefined,
        access: accessParams(actor),
        terms: parseDoiQuery(opts.query),
        after,
        offset: opts.cursor === undefined ? (opts.number - 1) * opts.size : 0,
        limit: opts.size + 1,
      });
      const page = rows.slice(0, opts.size);
      const more = rows.length > opts.size;
      return {
        rows: page,
        total,
        totalPages: opts.size ? Math.ceil(total / opts.size) : 0,
        ...(opts.cursor === undefined ? { number: opts.number } : { nextCursor: more && page.length ? encodeCursor(page[page.length - 1].doi) : undefined }),
        more,
      };
    },

    /** How a version describes itself in DataCite terms: as its DOI when it has one, else by its landing page. */
    async metadataFor(record: DatasetRecord, pk: number): Promise<DataciteAttributes> {
      return (await this.metadataForMany([{ record, pk }])).get(pk)!;
    },

    /**
     * metadataFor of a whole page of versions in a fixed number of queries (OAI-PMH); a DOI speaks for its version
     * once findable (see describe). The read pipeline passes the records and lineage it loaded.
     */
    async metadataForMany(
      items: readonly { record: DatasetRecord; pk: number }[],
      lineage?: Map<number, LineageRelation[]>,
    ): Promise<Map<number, DataciteAttributes>> {
      const doiRows = await findableDoisOf(items);
      const withDoi = await effectiveMany([...doiRows.values()], { records: new Map(items.map((i) => [i.pk, i.record])), lineage });
      const bare = items.filter((i) => !doiRows.has(i.pk)).map((i) => ({ ...i, versionPk: i.pk, datasetId: i.record.id, isConcept: false }));
      const related = await relationsOf(bare, lineage);
      const out = new Map<number, DataciteAttributes>();
      for (const [pk, row] of doiRows) out.set(pk, withDoi.get(row.doi)!);
      for (const b of bare) {
        // A record with a DOI of its own is described under it; femto's landing page otherwise.
        out.set(
          b.pk,
          dataciteAttributes(b.record, { ...sharedOptions, doi: ownDoiOf(b.record), url: landing(b.record.id, b.record.version), related: await related(b) }),
        );
      }
      return out;
    },

    /** The description of each version that every format gives (describeRecord), in one query. */
    async describe(items: readonly { record: DatasetRecord; pk: number }[]): Promise<Map<number, DescribedRecord>> {
      const doiRows = await findableDoisOf(items);
      return new Map(items.map((i) => [i.pk, describeRecord(i.record, doiRows.get(i.pk)?.attributes as DataciteAttributes | undefined)]));
    },

    /** Outbox rows not yet delivered (pending, or failed and awaiting a retry). */
    undelivered: () => repo.undelivered(),

    /** DOIs of many versions at once (for dataset records and GraphQL). */
    async forVersions(pks: readonly number[]): Promise<Map<number, DoiRow>> {
      return new Map((await repo.byVersionPks(pks)).map((r) => [r.versionPk!, r]));
    },

    /** The withdrawal of a dataset (or of one version): set when a findable DOI bound to it was hidden. */
    async tombstoneFor(datasetId: string, versionPk?: number): Promise<Tombstone | undefined> {
      const row = tombstoneRow(await repo.withdrawnOf([datasetId]), datasetId, versionPk);
      if (!row) return undefined;
      const a = await effective(row);
      return {
        doi: row.doi,
        datasetId,
        withdrawnAt: row.withdrawnAt!,
        reason: row.withdrawalReason,
        title: a.titles?.[0]?.title ?? null,
        creators: (a.creators ?? []).map((c) => c.name),
        publisher: a.publisher?.name ?? null,
        publicationYear: a.publicationYear ?? null,
        version: a.version ?? null,
        resourceType: a.types?.resourceTypeGeneral ?? null,
      };
    },

    /** When and why each of these versions was withdrawn (its own DOI or its dataset's concept DOI hidden), in one query; absent: not withdrawn. */
    async withdrawalsOf(versions: readonly { datasetId: string; pk: number }[]): Promise<Map<number, { at: string; reason: string | null }>> {
      const rows = await repo.withdrawnOf([...new Set(versions.map((v) => v.datasetId))]);
      const out = new Map<number, { at: string; reason: string | null }>();
      for (const v of versions) {
        const row = tombstoneRow(rows, v.datasetId, v.pk);
        if (row) out.set(v.pk, { at: row.withdrawnAt!, reason: row.withdrawalReason });
      }
      return out;
    },

    /** Which of these versions are withdrawn, in one query (harvest pages). */
    async withdrawnAmong(versions: readonly { datasetId: string; pk: number }[]): Promise<Set<number>> {
      return new Set((await this.withdrawalsOf(versions)).keys());
    },
  };
}

export type IdentifiersService = ReturnType<typeof createIdentifiersService>;
