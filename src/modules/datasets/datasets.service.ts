import { FemtoError, notFound } from '../../errors.js';
import { randomId } from '../../lib/ids.js';
import type { DatasetVersionRow } from '../../db/schema/index.js';
import { canSeeDrafts, canSeeRestricted, type Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DatasetsRepository } from './datasets.repository.js';
import type { CreateDatasetInput, DatasetRecord, PatchDatasetInput, VersionContent } from './datasets.schema.js';

export interface VersionedRecord {
  record: DatasetRecord;
  pk: number;
  etag: string;
}

/** Strong validator: a published version never changes; a draft changes with every revision. */
export const etagOf = (row: Pick<DatasetVersionRow, 'pk' | 'state' | 'revision'>) =>
  row.state === 'published' ? `"v${row.pk}"` : `"d${row.pk}.${row.revision}"`;

export const embargoActive = (r: Pick<DatasetRecord, 'accessLevel' | 'embargoUntil'>, now = new Date()) =>
  r.accessLevel === 'embargoed' && !!r.embargoUntil && new Date(r.embargoUntil) > now;

/** What a caller may see of a record: files under an active embargo stay hidden from anonymous callers. */
export function viewFor<R extends DatasetRecord>(actor: Actor, record: R, now = new Date()): R {
  if (canSeeRestricted(actor) || !embargoActive(record, now)) return record;
  return { ...record, distributions: record.distributions.map((d) => ({ ...d, urls: [] })) };
}

/** Turns a stored record back into the content it was written from (for PATCH merges and new drafts). */
export function contentOf(r: DatasetRecord): VersionContent {
  const person = (a: DatasetRecord['creators'][number]) => ({
    name: a.name,
    type: a.type === 'Organization' ? ('Organization' as const) : ('Person' as const),
    orcid: a.orcid ?? undefined,
    ror: a.ror ?? undefined,
    affiliation: a.affiliation ?? undefined,
  });
  return {
    title: r.title,
    description: r.description,
    tier: r.tier,
    alsoInTiers: r.alsoInTiers,
    dataType: r.dataType as VersionContent['dataType'],
    license: r.license,
    creators: r.creators.map(person),
    contributors: r.contributors.map(person),
    resourceType: r.resourceType as VersionContent['resourceType'],
    keywords: r.keywords,
    domain: r.domain,
    alsoInDomains: r.alsoInDomains,
    status: r.status,
    issued: r.issued,
    formats: r.formats,
    observables: r.observables,
    distributions: r.distributions.map((d) => ({
      title: d.title ?? undefined,
      urls: d.urls,
      kind: d.kind,
      mediaType: d.mediaType ?? undefined,
      format: d.format ?? undefined,
      sizeBytes: d.sizeBytes ?? undefined,
      checksum: d.checksum ? (d.checksum as { algorithm: 'sha256'; value: string }) : undefined,
    })),
    relatedIdentifiers: r.relatedIdentifiers as VersionContent['relatedIdentifiers'],
    accessLevel: r.accessLevel,
    embargoUntil: r.embargoUntil,
    version: r.versionLabel,
    publisher: r.publisher,
    sizeBytes: r.sizeBytes,
    recordCount: r.recordCount,
    datasheet: r.datasheet,
    annotations: r.annotations,
  };
}

/** The ontology terms a record may use; wired by the ontology module. */
export interface Vocabulary {
  /** Throws a coded error when an observable IRI is not in the ontology. */
  checkObservables(iris: string[], pointer: string): void;
  /** The IRI of the domain a text names (IRI, notation, label or alternative label), or undefined. */
  resolveDomain(text: string): { iri: string } | undefined;
}

export function createDatasetsService(repo: DatasetsRepository, auth: AuthService, vocabulary?: Vocabulary) {
  const now = () => new Date().toISOString();

  function recordOf(pk: number): VersionedRecord {
    const record = repo.records([pk]).get(pk);
    const row = repo.versionRow(pk);
    if (!record || !row) throw new FemtoError('INTERNAL', `version row ${pk} vanished`);
    return { record, pk, etag: etagOf(row) };
  }

  function readView(actor: Actor, pk: number): VersionedRecord {
    const v = recordOf(pk);
    return { ...v, record: viewFor(actor, v.record) };
  }

  /** The rule for every read: restricted records do not exist for anonymous callers; drafts only for writers. */
  function visible(actor: Actor, row: Pick<DatasetVersionRow, 'state' | 'accessLevel'>): boolean {
    if (row.state === 'draft' && !canSeeDrafts(actor)) return false;
    if (row.accessLevel === 'restricted' && !canSeeRestricted(actor)) return false;
    return true;
  }

  function conceptOrThrow(id: string) {
    const concept = repo.concept(id);
    if (!concept) throw notFound('Dataset', id);
    return concept;
  }

  function draftOrThrow(id: string) {
    const concept = conceptOrThrow(id);
    if (concept.draftVersionPk == null) {
      throw new FemtoError(
        'VERSION_IMMUTABLE',
        `Dataset '${id}' has no draft; published versions are immutable. POST /datasets/${id}/versions opens a new draft.`,
      );
    }
    return { concept, pk: concept.draftVersionPk };
  }

  /** Checks the ontology terms and turns domain names into IRIs, so one domain is one facet value. */
  function withTerms<T extends Partial<VersionContent>>(content: T): T {
    if (!vocabulary) return content;
    if (content.observables?.length) vocabulary.checkObservables(content.observables, '/observables');
    const errors: { pointer: string; message: string }[] = [];
    const iriOf = (text: string, pointer: string) => {
      const iri = vocabulary.resolveDomain(text)?.iri;
      if (!iri) errors.push({ pointer, message: `'${text}' is not a domain of the femto ontology (GET /ontology lists them)` });
      return iri ?? text;
    };
    const out = { ...content };
    if (content.domain) out.domain = iriOf(content.domain, '/domain');
    if (content.alsoInDomains) out.alsoInDomains = [...new Set(content.alsoInDomains.map((d, i) => iriOf(d, `/alsoInDomains/${i}`)))];
    if (errors.length) throw new FemtoError('UNKNOWN_REFERENCE', errors.map((e) => e.message).join('; '), errors);
    return out;
  }

  return {
    visible,

    /** Creates the concept record and its first draft. */
    create(actor: Actor, input: CreateDatasetInput): VersionedRecord {
      auth.require(actor, 'curator');
      const { id: requestedId, ...content } = withTerms(input);
      const id = requestedId ?? randomId('ds-');
      const pk = repo.transaction(() => {
        if (repo.concept(id)) throw new FemtoError('ID_TAKEN', `Dataset '${id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        const t = now();
        repo.insertConcept(id, actor.id, t);
        const draftPk = repo.insertVersion(id, content, 'draft', null, t);
        repo.setPointers(id, { draftVersionPk: draftPk }, t);
        auth.audit(actor, { action: 'dataset.create', entityType: 'dataset', entityId: id, after: content });
        return draftPk;
      });
      return recordOf(pk);
    },

    /**
     * Catalog and importers create records that are published at once; the content may leave
     * fields empty that REST requires (a seed that does not state a licence has none).
     */
    createPublished(actor: Actor, id: string, given: VersionContent): VersionedRecord {
      auth.require(actor, 'curator');
      const content = withTerms(given);
      const pk = repo.transaction(() => {
        if (repo.concept(id)) throw new FemtoError('ID_TAKEN', `Dataset '${id}' already exists`);
        const t = now();
        repo.insertConcept(id, actor.id, t);
        const versionPk = repo.insertVersion(id, content, 'published', 1, t);
        repo.setPointers(id, { latestVersionPk: versionPk }, t);
        auth.audit(actor, { action: 'dataset.create-published', entityType: 'dataset', entityId: id, after: content });
        return versionPk;
      });
      return recordOf(pk);
    },

    /** The latest published version; a writer sees the draft when nothing is published yet. */
    get(actor: Actor, id: string): VersionedRecord {
      const concept = repo.concept(id);
      const pk = concept?.latestVersionPk ?? (canSeeDrafts(actor) ? concept?.draftVersionPk : null);
      const row = pk != null ? repo.versionRow(pk) : undefined;
      if (!row || !visible(actor, row)) throw notFound('Dataset', id);
      return readView(actor, row.pk);
    },

    getDraft(actor: Actor, id: string): VersionedRecord {
      if (!canSeeDrafts(actor)) throw notFound('Draft of dataset', id);
      return recordOf(draftOrThrow(id).pk);
    },

    getVersion(actor: Actor, id: string, n: number): VersionedRecord {
      const row = repo.versionByNumber(id, n);
      if (!row || !visible(actor, row)) throw notFound('Version', `${id} v${n}`);
      return readView(actor, row.pk);
    },

    listVersions(actor: Actor, id: string) {
      const rows = repo.publishedVersions(id).filter((r) => visible(actor, r));
      if (rows.length === 0) this.get(actor, id); // 404 unless the caller may see a draft-only dataset
      return rows.map((r) => ({ version: r.versionNumber!, versionLabel: r.versionLabel, title: r.title, publishedAt: r.publishedAt!, accessLevel: r.accessLevel }));
    },

    patch(actor: Actor, id: string, given: PatchDatasetInput, ifMatch?: string): VersionedRecord {
      auth.require(actor, 'curator');
      const patch = withTerms(given);
      repo.transaction(() => {
        const { pk } = draftOrThrow(id);
        const current = recordOf(pk);
        // Without If-Match, two curators editing the same draft would silently overwrite each other.
        if (!ifMatch) {
          throw new FemtoError('PRECONDITION_REQUIRED', `PATCH needs If-Match with the draft's ETag (${current.etag}), or * to overwrite whatever is there`, [{ pointer: 'headers/if-match', message: 'is required' }], { etag: current.etag });
        }
        if (ifMatch !== '*' && !ifMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(current.etag)) {
          throw new FemtoError('PRECONDITION_FAILED', `If-Match ${ifMatch} does not match the draft's ETag ${current.etag}`, [], { etag: current.etag });
        }
        const merged: VersionContent = { ...contentOf(current.record), ...patch };
        if (merged.accessLevel === 'embargoed' && !merged.embargoUntil) {
          throw new FemtoError('VALIDATION_FAILED', 'embargoUntil is required when accessLevel is embargoed', [
            { pointer: '/embargoUntil', message: 'is required when accessLevel is embargoed' },
          ]);
        }
        repo.replaceDraft(pk, merged, now());
        auth.audit(actor, { action: 'dataset.patch', entityType: 'dataset', entityId: id, before: current.record, after: merged });
      });
      return recordOf(repo.concept(id)!.draftVersionPk!);
    },

    /** Freezes the draft as the next immutable version. */
    publish(actor: Actor, id: string): VersionedRecord {
      auth.require(actor, 'curator');
      const pk = repo.transaction(() => {
        const { pk } = draftOrThrow(id);
        const n = repo.maxVersionNumber(id) + 1;
        const t = now();
        repo.publishDraft(pk, n, t);
        repo.setPointers(id, { latestVersionPk: pk, draftVersionPk: null }, t);
        auth.audit(actor, { action: 'dataset.publish', entityType: 'dataset', entityId: id, after: { version: n } });
        return pk;
      });
      return recordOf(pk);
    },

    /** Opens a new draft from the latest published version ("changes make a new version"). */
    openDraft(actor: Actor, id: string): VersionedRecord {
      auth.require(actor, 'curator');
      const pk = repo.transaction(() => {
        const concept = conceptOrThrow(id);
        if (concept.draftVersionPk != null) throw new FemtoError('CONFLICT', `Dataset '${id}' already has an open draft`);
        if (concept.latestVersionPk == null) throw new FemtoError('INTERNAL', `Dataset '${id}' has neither draft nor version`);
        const latest = recordOf(concept.latestVersionPk);
        const t = now();
        const draftPk = repo.insertVersion(id, contentOf(latest.record), 'draft', null, t);
        repo.setPointers(id, { draftVersionPk: draftPk }, t);
        auth.audit(actor, { action: 'dataset.open-draft', entityType: 'dataset', entityId: id });
        return draftPk;
      });
      return recordOf(pk);
    },

    /** Records for many version pks, filtered to what the actor may see (for lists and GraphQL loaders). */
    recordsFor(actor: Actor, pks: readonly number[]): Map<number, DatasetRecord> {
      const out = new Map<number, DatasetRecord>();
      for (const [pk, r] of repo.records(pks)) if (visible(actor, r)) out.set(pk, viewFor(actor, r));
      return out;
    },
  };
}

export type DatasetsService = ReturnType<typeof createDatasetsService>;
