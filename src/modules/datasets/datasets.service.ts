import { FemtoError, notFound } from '../../errors.js';
import { randomId } from '../../lib/ids.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DatasetsRepository, PublishedVersionRow } from './datasets.repository.js';
import { datasheetCompleteness, type DatasheetCompleteness } from './datasheet.js';
import type { Datasheet } from './datasheet.schema.js';
import { MODEL_CARD_NEEDS_MODEL, modelCardMisplaced, type CreateDatasetInput, type DatasetRecord, type PatchDatasetInput, type VersionContent } from './datasets.schema.js';
import { draftEtag, readMiss, type DatasetReader, type ResolvedVersion } from './read.js';
import { mayRead, maySeeDrafts, viewFor } from './visibility.js';

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
      contents: d.contents.length ? d.contents : undefined,
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
    modelCard: r.modelCard,
  };
}

/** What a write answers: the version it left, with its record as stored. */
export interface WrittenVersion extends ResolvedVersion {
  record: DatasetRecord;
}

/** The ontology terms a record may use; wired by the ontology module. */
export interface Vocabulary {
  /** Throws a coded error when an observable IRI is not in the ontology. */
  checkObservables(iris: string[], pointer: string): void;
  /** The IRI of the domain a text names (IRI, notation, label or alternative label), or undefined. */
  resolveDomain(text: string): { iri: string } | undefined;
}

export function createDatasetsService(repo: DatasetsRepository, reader: DatasetReader, auth: AuthService, vocabulary?: Vocabulary) {
  const now = () => new Date().toISOString();

  /** The version a write left behind, as the read pipeline names it (writers see every version), with its stored record. */
  function written(id: string, which: { version: number } | 'draft'): WrittenVersion {
    const row = repo.resolve(id, which === 'draft' ? undefined : which.version, which === 'draft' ? 'only' : 'never');
    if (!row || row.pk === null) throw new FemtoError('INTERNAL', `dataset ${id} lost its ${which === 'draft' ? 'draft' : 'version'}`);
    return { ...(row as ResolvedVersion), record: recordOf(row.pk) };
  }

  function recordOf(pk: number): DatasetRecord {
    const record = repo.records([pk]).get(pk);
    if (!record) throw new FemtoError('INTERNAL', `version row ${pk} vanished`);
    return record;
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
    isEmpty: () => repo.isEmpty(),

    /** Runs fn in one transaction: everything it writes, or nothing (the bundled catalog loads so). */
    transaction: <T>(fn: () => T): T => repo.transaction(fn),

    /** Creates the concept record and its first draft. */
    create(actor: Actor, input: CreateDatasetInput): WrittenVersion {
      auth.require(actor, 'curator');
      const { id: requestedId, ...content } = withTerms(input);
      const id = requestedId ?? randomId('ds-');
      repo.transaction(() => {
        if (repo.concept(id)) throw new FemtoError('ID_TAKEN', `Dataset '${id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        const t = now();
        repo.insertConcept(id, actor.id, t);
        const draftPk = repo.insertVersion(id, content, 'draft', null, t);
        repo.setPointers(id, { draftVersionPk: draftPk }, t);
        auth.audit(actor, { action: 'dataset.create', entityType: 'dataset', entityId: id, after: content });
      });
      return written(id, 'draft');
    },

    /**
     * Catalog and importers create records that are published at once; the content may leave
     * fields empty that REST requires (a seed that does not state a licence has none).
     */
    createPublished(actor: Actor, id: string, given: VersionContent): WrittenVersion {
      auth.require(actor, 'curator');
      const content = withTerms(given);
      repo.transaction(() => {
        if (repo.concept(id)) throw new FemtoError('ID_TAKEN', `Dataset '${id}' already exists`);
        const t = now();
        repo.insertConcept(id, actor.id, t);
        const versionPk = repo.insertVersion(id, content, 'published', 1, t);
        repo.setPointers(id, { latestVersionPk: versionPk }, t);
        auth.audit(actor, { action: 'dataset.create-published', entityType: 'dataset', entityId: id, after: content });
      });
      return written(id, { version: 1 });
    },

    /** The record of a dataset as the caller may see it: its latest published version, or the draft for those who may see drafts (read pipeline: 404, 410). */
    get(actor: Actor, id: string): { pk: number; record: DatasetRecord } {
      const v = reader.open(actor, { dataset: id, draft: 'fallback' });
      return { pk: v.pk, record: this.recordsFor(actor, [v.pk]).get(v.pk)! };
    },

    /** Published versions of a dataset the caller may see (404 when none and no draft is visible either). */
    visiblePublished(actor: Actor, id: string): PublishedVersionRow[] {
      const rows = repo.publishedOf([id]).filter((r) => mayRead(actor, r));
      if (rows.length === 0) reader.open(actor, { dataset: id, draft: 'fallback' }); // 404 unless the caller may see a draft-only dataset
      return rows;
    },

    /** Published versions of many datasets, each as the caller may see it (GraphQL lists). */
    publishedOf(actor: Actor, ids: readonly string[]): PublishedVersionRow[] {
      return repo.publishedOf(ids).filter((r) => mayRead(actor, r));
    },

    /**
     * Records as stored, whoever may see them: for what femto says on its own behalf (DOI
     * metadata delivered to the registrar). Reads for a caller go through recordsFor or the read pipeline.
     */
    storedRecords(pks: readonly number[]): Map<number, DatasetRecord> {
      return repo.records(pks);
    },

    /** Version pks for (dataset, number) pairs, keyed "id@n"; one statement (GraphQL edges name versions so). */
    versionPksOf(refs: readonly { datasetId: string; version: number }[]): Map<string, number> {
      return repo.versionPksOf(refs);
    },

    /** Dataset id and version number of version pks, in one statement. */
    versionLabels(pks: readonly number[]): Map<number, { dataset: string; version: number | null; tier: number | null }> {
      return repo.labels(pks);
    },

    /** How complete the datasheet of a version is (a publication policy's "datasheet complete" rule reads it). */
    datasheetCompletenessOf(pk: number): DatasheetCompleteness {
      return datasheetCompleteness(repo.datasheet(pk));
    },

    listVersions(actor: Actor, id: string) {
      const rows = this.visiblePublished(actor, id);
      return rows.map((r) => ({ version: r.versionNumber, versionLabel: r.versionLabel, title: r.title, publishedAt: r.publishedAt, accessLevel: r.accessLevel }));
    },

    /** The draft of a dataset, for those who may see drafts (404 otherwise; 409 when it has none). */
    draftRef(actor: Actor, id: string) {
      if (!maySeeDrafts(actor)) throw notFound('Draft of dataset', id);
      return {
        dataset: id,
        draft: 'only' as const,
        miss: (miss: string) =>
          miss === 'no-draft'
            ? new FemtoError('VERSION_IMMUTABLE', `Dataset '${id}' has no draft; published versions are immutable. POST /datasets/${id}/versions opens a new draft.`)
            : readMiss('no-dataset', { dataset: id }),
      };
    },

    patch(actor: Actor, id: string, given: PatchDatasetInput, ifMatch?: string): WrittenVersion {
      auth.require(actor, 'curator');
      const patch = withTerms(given);
      repo.transaction(() => {
        const { pk } = draftOrThrow(id);
        const draft = written(id, 'draft');
        const etag = draftEtag(draft);
        // Without If-Match, two curators editing the same draft would silently overwrite each other.
        if (!ifMatch) {
          throw new FemtoError('PRECONDITION_REQUIRED', `PATCH needs If-Match with the draft's ETag (${etag}), or * to overwrite whatever is there`, [{ pointer: 'headers/if-match', message: 'is required' }], { etag });
        }
        if (ifMatch !== '*' && !ifMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag)) {
          throw new FemtoError('PRECONDITION_FAILED', `If-Match ${ifMatch} does not match the draft's ETag ${etag}`, [], { etag });
        }
        const current = draft.record;
        const merged: VersionContent = { ...contentOf(current), ...patch };
        if (merged.accessLevel === 'embargoed' && !merged.embargoUntil) {
          throw new FemtoError('VALIDATION_FAILED', 'embargoUntil is required when accessLevel is embargoed', [
            { pointer: '/embargoUntil', message: 'is required when accessLevel is embargoed' },
          ]);
        }
        if (modelCardMisplaced(merged)) {
          throw new FemtoError('VALIDATION_FAILED', `The draft's resourceType is ${merged.resourceType}: ${MODEL_CARD_NEEDS_MODEL}`, [
            { pointer: patch.modelCard !== undefined ? '/modelCard' : '/resourceType', message: MODEL_CARD_NEEDS_MODEL },
          ]);
        }
        repo.replaceDraft(pk, merged, now());
        auth.audit(actor, { action: 'dataset.patch', entityType: 'dataset', entityId: id, before: current, after: merged });
      });
      return written(id, 'draft');
    },

    /**
     * The datasheet a caller reads at /datasets/{id}/datasheet: the open draft's for those who may see drafts (the one
     * a PUT replaces), else the version /datasets/{id} shows; or one numbered version. Two statements.
     */
    datasheetOf(actor: Actor, id: string, version?: number): { version: ResolvedVersion; datasheet: Datasheet } {
      let v: ResolvedVersion | undefined;
      if (version === undefined && maySeeDrafts(actor)) {
        const draft = reader.resolve(actor, { dataset: id, draft: 'only' });
        if (draft.status === 'found') v = draft.version;
      }
      v ??= reader.open(actor, version === undefined ? { dataset: id, draft: 'fallback' } : { dataset: id, version });
      return { version: v, datasheet: repo.datasheet(v.pk) ?? {} };
    },

    /** Replaces the draft's datasheet (If-Match as for PATCH). */
    putDatasheet(actor: Actor, id: string, datasheet: Datasheet, ifMatch?: string): { version: ResolvedVersion; datasheet: Datasheet } {
      const written = this.patch(actor, id, { datasheet }, ifMatch);
      return { version: written, datasheet: written.record.datasheet ?? {} };
    },

    /** Freezes the draft as the next immutable version. */
    publish(actor: Actor, id: string): WrittenVersion {
      auth.require(actor, 'curator');
      const n = repo.transaction(() => {
        const { pk } = draftOrThrow(id);
        const n = repo.maxVersionNumber(id) + 1;
        const t = now();
        repo.publishDraft(pk, n, t);
        repo.setPointers(id, { latestVersionPk: pk, draftVersionPk: null }, t);
        auth.audit(actor, { action: 'dataset.publish', entityType: 'dataset', entityId: id, after: { version: n } });
        return n;
      });
      return written(id, { version: n });
    },

    /** Opens a new draft from the latest published version ("changes make a new version"). */
    openDraft(actor: Actor, id: string): WrittenVersion {
      auth.require(actor, 'curator');
      repo.transaction(() => {
        const concept = conceptOrThrow(id);
        if (concept.draftVersionPk != null) throw new FemtoError('CONFLICT', `Dataset '${id}' already has an open draft`);
        if (concept.latestVersionPk == null) throw new FemtoError('INTERNAL', `Dataset '${id}' has neither draft nor version`);
        const latest = recordOf(concept.latestVersionPk);
        const t = now();
        const draftPk = repo.insertVersion(id, contentOf(latest), 'draft', null, t);
        repo.setPointers(id, { draftVersionPk: draftPk }, t);
        auth.audit(actor, { action: 'dataset.open-draft', entityType: 'dataset', entityId: id });
      });
      return written(id, 'draft');
    },

    /** Records for many version pks, filtered to what the actor may see (for lists and GraphQL loaders). */
    recordsFor(actor: Actor, pks: readonly number[]): Map<number, DatasetRecord> {
      const out = new Map<number, DatasetRecord>();
      for (const [pk, r] of repo.records(pks)) if (mayRead(actor, r)) out.set(pk, viewFor(actor, r));
      return out;
    },
  };
}

export type DatasetsService = ReturnType<typeof createDatasetsService>;
