import { FemtoError, notFound } from '../../errors.js';
import { digestOf } from '../../lib/digest.js';
import { randomId } from '../../lib/ids.js';
import { ADMIN_USER, anonymous, hasRole, type Actor } from '../auth/auth.schema.js';
import type { AuditEntry, AuthService } from '../auth/auth.service.js';
import type { DatasetsRepository, NewPublished, PublishedVersionRow } from './datasets.repository.js';
import type { Datasheet } from './datasheet.schema.js';
import {
  MODEL_CARD_NEEDS_MODEL,
  modelCardMisplaced,
  type CreateDatasetInput,
  type DatasetRecord,
  type PatchDatasetInput,
  type SharingInput,
  type VersionContent,
} from './datasets.schema.js';
import { collisionContentOf, ensembleContentOf, namesMarkovChain } from './physics.schema.js';
import { draftEtag, type DatasetReader, type ResolvedVersion } from './read.js';
import { accessParams, mayEdit, mayRead, viewFor } from './visibility.js';
import { checkReplicas } from './replicas.js';

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
      replicas: d.replicas.map((r) => ({
        url: r.url,
        site: r.site ?? undefined,
        checksum: (r.checksum as { algorithm: 'sha256'; value: string } | null) ?? undefined,
      })),
      kind: d.kind,
      mediaType: d.mediaType ?? undefined,
      format: d.format ?? undefined,
      sizeBytes: d.sizeBytes ?? undefined,
      checksum: d.checksum ? (d.checksum as { algorithm: 'sha256'; value: string }) : undefined,
      contents: d.contents.length ? d.contents : undefined,
      lfn: d.lfn ?? undefined,
    })),
    relatedIdentifiers: r.relatedIdentifiers as VersionContent['relatedIdentifiers'],
    visibility: r.visibility,
    accessLevel: r.accessLevel,
    embargoUntil: r.embargoUntil,
    accessConditions: r.accessConditions,
    accessContact: r.accessContact,
    version: r.versionLabel,
    publisher: r.publisher,
    sizeBytes: r.sizeBytes,
    recordCount: r.recordCount,
    datasheet: r.datasheet,
    annotations: r.annotations,
    modelCard: r.modelCard,
    ensemble: r.ensemble ? ensembleContentOf(r.ensemble) : null,
    collision: r.collision ? collisionContentOf(r.collision) : null,
  };
}

/**
 * Content as two records compare: what a create leaves unstated and what the store fills in
 * (empty lists, nulls, defaults) count as the same.
 */
function comparable(c: VersionContent): Record<string, unknown> {
  const defaults: Partial<Record<keyof VersionContent, unknown>> = { resourceType: 'Dataset', accessLevel: 'open', status: 'available' };
  const kept = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length ? v.map(kept) : undefined;
    if (v && typeof v === 'object') {
      const o = Object.fromEntries(
        Object.entries(v)
          .map(([k, x]) => [k, kept(x)])
          .filter(([, x]) => x !== undefined),
      );
      return Object.keys(o).length ? o : undefined;
    }
    return v === null ? undefined : v;
  };
  // Replicas that say no more than their URL say what urls says.
  const bare = (d: NonNullable<VersionContent['distributions']>[number]) => !d.replicas || d.replicas.every((r) => !r.site && !r.checksum);
  const distributions = c.distributions?.map((d) => (bare(d) ? { ...d, replicas: undefined } : d));
  return Object.fromEntries(
    Object.entries({ ...c, distributions })
      .map(([k, v]) => [k, defaults[k as keyof VersionContent] === v ? undefined : kept(v)])
      .filter(([, v]) => v !== undefined),
  );
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

/** A version as the provenance module names it (record and number), whether the caller may change it, and whether anyone may read it. */
export interface EditableVersion {
  datasetId: string;
  version: number | null;
  editable: boolean;
  public: boolean;
}

/** Throws a coded error (422, every unmet rule) when a version may not become public by `event` (the publication policies). */
export type PolicyCheck = (versionPk: number, event: 'publish' | 'doi') => Promise<void>;

/** Before visibility was its own field, restricted meant invisible: content that says only that is a private record. */
const withVisibility = <T extends { visibility?: 'public' | 'private'; accessLevel?: string }>(c: T): T => ({
  ...c,
  visibility: c.visibility ?? (c.accessLevel === 'restricted' ? 'private' : 'public'),
});

/** Who owns what a caller creates: its user (an admin-role caller without one: the admin user). */
const ownerOf = (actor: Actor) => actor.user ?? ADMIN_USER;

/** The site ids of these that femto knows (the locations module's registry). */
export type KnownSites = (ids: string[]) => Promise<Set<string>>;

export function createDatasetsService(deps: {
  repo: DatasetsRepository;
  reader: DatasetReader;
  auth: AuthService;
  vocabulary?: Vocabulary;
  checkPolicy?: PolicyCheck;
  knownSites?: KnownSites;
  /** A record's latest version is a new one: its concept DOI describes it (the identifiers service). */
  latestChanged: (datasetId: string) => Promise<void>;
}) {
  const { repo, reader, auth, vocabulary } = deps;
  const now = () => new Date().toISOString();

  /** The version a write left behind, as the read pipeline names it (writers see every version), with its stored record. */
  async function written(id: string, which: { version: number } | 'draft'): Promise<WrittenVersion> {
    const row = await repo.resolve(id, which === 'draft' ? undefined : which.version, which === 'draft' ? 'only' : 'never');
    if (!row || row.pk === null) throw new FemtoError('INTERNAL', `dataset ${id} lost its ${which === 'draft' ? 'draft' : 'version'}`);
    return { ...(row as ResolvedVersion), record: await recordOf(row.pk) };
  }

  async function recordOf(pk: number): Promise<DatasetRecord> {
    const record = (await repo.records([pk])).get(pk);
    if (!record) throw new FemtoError('INTERNAL', `version row ${pk} vanished`);
    return record;
  }

  async function conceptOrThrow(id: string) {
    const concept = await repo.concept(id);
    if (!concept) throw notFound('Dataset', id);
    return concept;
  }

  /**
   * The holders of a record the caller may change. A record the caller may not even see is
   * unknown (404, as an absent one); one it sees but does not hold is 403.
   */
  async function requireEditable(actor: Actor, id: string): Promise<void> {
    auth.require(actor, 'curator');
    const holders = (await repo.holdersOf([id])).get(id);
    if (holders && mayEdit(actor, holders)) return;
    if (!holders || (await reader.resolve(actor, { dataset: id })).status === 'no-dataset') throw notFound('Dataset', id);
    throw new FemtoError('FORBIDDEN', `Dataset '${id}' is neither yours nor shared with one of your groups (an admin may share it)`);
  }

  async function draftOrThrow(actor: Actor, id: string) {
    await requireEditable(actor, id);
    const concept = await conceptOrThrow(id);
    if (concept.draftVersionPk == null) {
      throw new FemtoError(
        'VERSION_IMMUTABLE',
        `Dataset '${id}' has no draft; published versions are immutable. POST /datasets/${id}/versions opens a new draft.`,
      );
    }
    return { concept, pk: concept.draftVersionPk };
  }

  /** Checks the replicas and the ontology terms, and turns domain names into IRIs, so one domain is one facet value. */
  async function withTerms<T extends Partial<VersionContent>>(content: T): Promise<T> {
    await checkReplicas(content.distributions, deps.knownSites ?? (async () => new Set()));
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

  /**
   * An ILDG Markov chain URI names one ensemble, so one record: like an id, a curator who chooses
   * one learns whether it is taken, and nothing more.
   */
  async function claimMarkovChain(id: string, content: Partial<VersionContent>): Promise<void> {
    const uri = content.ensemble?.markovChainUri;
    // Saying IsIdenticalTo a chain is saying "this record is that ensemble": only the ensemble block
    // claims a chain (and is checked below), so the rule reads the request alone and tells nothing of
    // whether another record, visible or hidden, holds the chain.
    const foreign = (content.relatedIdentifiers ?? []).flatMap((r, i) =>
      r.relation === 'IsIdenticalTo' && namesMarkovChain(r) && r.value.trim() !== uri
        ? [{ pointer: `/relatedIdentifiers/${i}`, message: `${r.value} is not this record's ensemble` }]
        : [],
    );
    if (foreign.length) {
      throw new FemtoError(
        'MARKOV_CHAIN_NOT_OWN',
        `A record is identical to a Markov chain only when its ensemble block is that chain (ensemble.markovChainUri); cite another ensemble with IsDerivedFrom, References or IsPartOf instead`,
        foreign,
      );
    }
    if (uri && (await repo.recordsOfMarkovChain(uri)).some((other) => other !== id)) {
      throw new FemtoError('ID_TAKEN', `The Markov chain URI ${uri} is another record's ensemble`, [
        { pointer: '/ensemble/markovChainUri', message: 'is taken' },
      ]);
    }
  }

  return {
    isEmpty: () => repo.isEmpty(),

    /** Runs fn in one transaction: everything it writes, or nothing (the bundled catalog loads so). */
    transaction: <T>(fn: () => Promise<T>): Promise<T> => repo.transaction(fn),

    /** Creates the concept record and its first draft. */
    async create(actor: Actor, input: CreateDatasetInput): Promise<WrittenVersion> {
      auth.require(actor, 'curator');
      const { id: requestedId, ...given } = await withTerms(input);
      const content = withVisibility(given);
      const id = requestedId ?? randomId('ds-');
      await repo.transaction(async () => {
        if (await repo.concept(id)) throw new FemtoError('ID_TAKEN', `Dataset '${id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        await claimMarkovChain(id, content);
        const t = now();
        await repo.insertConcept(id, actor.id, ownerOf(actor), t);
        const draftPk = await repo.insertVersion(id, content, 'draft', null, t);
        await repo.setPointers(id, { draftVersionPk: draftPk }, t);
        await auth.audit(actor, { action: 'dataset.create', entityType: 'dataset', entityId: id, after: content });
      });
      return written(id, 'draft');
    },

    /**
     * Catalog and importers create records that are published at once; the content may leave
     * fields empty that REST requires (a seed that does not state a licence has none).
     */
    async createPublished(actor: Actor, id: string, given: VersionContent): Promise<WrittenVersion> {
      auth.require(actor, 'curator');
      const content = await withTerms(given);
      await repo.transaction(async () => {
        if (await repo.concept(id)) throw new FemtoError('ID_TAKEN', `Dataset '${id}' already exists`);
        await claimMarkovChain(id, content);
        const t = now();
        await repo.insertConcept(id, actor.id, ownerOf(actor), t);
        const versionPk = await repo.insertVersion(id, content, 'published', 1, t);
        await repo.setPointers(id, { latestVersionPk: versionPk }, t);
        await auth.audit(actor, { action: 'dataset.create-published', entityType: 'dataset', entityId: id, after: content });
      });
      return written(id, { version: 1 });
    },

    /**
     * A published version holding `content` (imports of records kept elsewhere): the dataset's
     * first version, a new version when the latest one says something else, or nothing when it
     * says the same. `content` is the full record, as a create would take it.
     */
    async publishContent(
      actor: Actor,
      id: string,
      given: VersionContent,
    ): Promise<{ status: 'created' | 'updated' | 'unchanged'; pk: number; version: number }> {
      auth.require(actor, 'curator');
      const content = withVisibility(await withTerms(given));
      return repo.transaction(async () => {
        const concept = await repo.concept(id);
        const t = now();
        await claimMarkovChain(id, content);
        if (!concept) {
          await repo.insertConcept(id, actor.id, ownerOf(actor), t);
          const pk = await repo.insertVersion(id, content, 'published', 1, t);
          await repo.setPointers(id, { latestVersionPk: pk }, t);
          await auth.audit(actor, { action: 'dataset.create-published', entityType: 'dataset', entityId: id, after: content });
          return { status: 'created' as const, pk, version: 1 };
        }
        await requireEditable(actor, id);
        if (concept.draftVersionPk != null)
          throw new FemtoError('CONFLICT', `Dataset '${id}' has an open draft; publish it (or let a curator decide) before importing a new version`, [
            { pointer: '/id', message: 'has an open draft' },
          ]);
        const latest = concept.latestVersionPk == null ? undefined : await recordOf(concept.latestVersionPk);
        if (latest && digestOf(comparable(contentOf(latest))) === digestOf(comparable(content))) {
          return { status: 'unchanged' as const, pk: concept.latestVersionPk!, version: latest.version! };
        }
        const n = (await repo.maxVersionNumber(id)) + 1;
        const pk = await repo.insertVersion(id, content, 'published', n, t);
        await repo.setPointers(id, { latestVersionPk: pk }, t);
        await deps.latestChanged(id);
        await auth.audit(actor, { action: 'dataset.publish-import', entityType: 'dataset', entityId: id, before: latest, after: content });
        return { status: 'updated' as const, pk, version: n };
      });
    },

    /**
     * publishContent for a whole batch of records new to femto, in a fixed number of statements: the same rows and
     * audit entries as publishContent called for each in turn. Undefined (nothing written) when the batch is not
     * for this path: a record that exists already (its new version is compared with the last one), or an ensemble
     * (its Markov chain is claimed against the records before it). Runs in the caller's bulk batch, which counts
     * the change counters (deferred-changes.ts runBulk). `deferAudit`: the audit entries are not written but answered,
     * for a caller that interleaves them with its own in the order one unit at a time would write them.
     */
    async publishNew(
      actor: Actor,
      items: readonly { id: string; content: VersionContent }[],
      options: { deferAudit?: boolean } = {},
    ): Promise<{ pk: number; version: number; audit: AuditEntry }[] | undefined> {
      auth.require(actor, 'curator');
      if (items.some((r) => r.content.ensemble) || (await repo.holdersOf(items.map((r) => r.id))).size) return undefined;
      const rows: NewPublished[] = [];
      for (const { id, content: given } of items) {
        const content = withVisibility(await withTerms(given));
        await claimMarkovChain(id, content);
        rows.push({ id, createdBy: actor.id, ownerId: ownerOf(actor), now: now(), content });
      }
      const pks = await repo.insertPublishedMany(rows);
      const audits = rows.map((r): AuditEntry => ({ action: 'dataset.create-published', entityType: 'dataset', entityId: r.id, after: r.content }));
      if (!options.deferAudit) await auth.auditMany(actor, audits);
      return pks.map((pk, i) => ({ pk, version: 1, audit: audits[i] }));
    },

    /** The record of a dataset as the caller may see it: its latest published version, or the draft for those who may see drafts (read pipeline: 404, 410). */
    async get(actor: Actor, id: string): Promise<{ pk: number; record: DatasetRecord }> {
      const v = await reader.open(actor, { dataset: id, draft: 'fallback' });
      return { pk: v.pk, record: (await this.recordsFor(actor, [v.pk])).get(v.pk)! };
    },

    /** Published versions of a dataset the caller may see (404 when the record does not exist for the caller). */
    async visiblePublished(actor: Actor, id: string): Promise<PublishedVersionRow[]> {
      if ((await reader.resolve(actor, { dataset: id, draft: 'fallback' })).status === 'no-dataset') throw notFound('Dataset', id);
      return (await repo.publishedOf([id])).filter((r) => mayRead(actor, r));
    },

    /** Published versions of many datasets, each as the caller may see it (GraphQL lists). */
    async publishedOf(actor: Actor, ids: readonly string[]): Promise<PublishedVersionRow[]> {
      return (await repo.publishedOf(ids)).filter((r) => mayRead(actor, r));
    },

    /**
     * Records as stored, whoever may see them: for what femto says on its own behalf (DOI
     * metadata delivered to the registrar). Reads for a caller go through recordsFor or the read pipeline.
     */
    async storedRecords(pks: readonly number[]): Promise<Map<number, DatasetRecord>> {
      return repo.records(pks);
    },

    /** Version pks for (dataset, number) pairs, keyed "id@n"; one statement (GraphQL edges name versions so). */
    async versionPksOf(refs: readonly { datasetId: string; version: number }[]): Promise<Map<string, number>> {
      return repo.versionPksOf(refs);
    },

    /** Dataset id and version number of version pks, in one statement. */
    async versionLabels(pks: readonly number[]): Promise<Map<number, { dataset: string; version: number | null; tier: number | null }>> {
      return repo.labels(pks);
    },

    async listVersions(actor: Actor, id: string) {
      const rows = await this.visiblePublished(actor, id);
      return rows.map((r) => ({
        version: r.versionNumber,
        versionLabel: r.versionLabel,
        title: r.title,
        publishedAt: r.publishedAt,
        accessLevel: r.accessLevel,
      }));
    },

    /** The draft of a dataset, for those who may edit it (404 otherwise, whether or not there is one; 409 when it has none). */
    draftRef(id: string) {
      return {
        dataset: id,
        draft: 'only' as const,
        miss: (miss: string) =>
          miss === 'no-draft'
            ? new FemtoError(
                'VERSION_IMMUTABLE',
                `Dataset '${id}' has no draft; published versions are immutable. POST /datasets/${id}/versions opens a new draft.`,
              )
            : notFound('Draft of dataset', id),
      };
    },

    async patch(actor: Actor, id: string, given: PatchDatasetInput, ifMatch?: string): Promise<WrittenVersion> {
      auth.require(actor, 'curator');
      const patch = await withTerms(given);
      await repo.transaction(async () => {
        const { pk } = await draftOrThrow(actor, id);
        const draft = await written(id, 'draft');
        const etag = draftEtag(draft);
        // Without If-Match, two curators editing the same draft would silently overwrite each other.
        if (!ifMatch) {
          throw new FemtoError(
            'PRECONDITION_REQUIRED',
            `PATCH needs If-Match with the draft's ETag (${etag}), or * to overwrite whatever is there`,
            [{ pointer: 'headers/if-match', message: 'is required' }],
            { etag },
          );
        }
        // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches, the draft changing under it is the point.
        if (
          ifMatch.trim() !== '*' &&
          !ifMatch
            .split(',')
            .map((s) => s.trim())
            .includes(etag)
        ) {
          throw new FemtoError('PRECONDITION_FAILED', `If-Match ${ifMatch} does not match the draft's ETag ${etag}`, [], { etag });
        }
        const current = draft.record;
        const merged: VersionContent = { ...contentOf(current), ...patch };
        await claimMarkovChain(id, merged);
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
        await repo.replaceDraft(pk, merged, now());
        await auth.audit(actor, { action: 'dataset.patch', entityType: 'dataset', entityId: id, before: current, after: merged });
      });
      return written(id, 'draft');
    },

    /**
     * The datasheet a caller reads at /datasets/{id}/datasheet: the open draft's for those who may see drafts (the one
     * a PUT replaces), else the version /datasets/{id} shows; or one numbered version. Two statements.
     */
    async datasheetOf(actor: Actor, id: string, version?: number): Promise<{ version: ResolvedVersion; datasheet: Datasheet }> {
      let v: ResolvedVersion | undefined;
      if (version === undefined && hasRole(actor, 'curator')) {
        const draft = await reader.resolve(actor, { dataset: id, draft: 'only' });
        if (draft.status === 'found') v = draft.version;
      }
      v ??= await reader.open(actor, version === undefined ? { dataset: id, draft: 'fallback' } : { dataset: id, version });
      return { version: v, datasheet: (await repo.datasheet(v.pk)) ?? {} };
    },

    /** Replaces the draft's datasheet (If-Match as for PATCH). */
    async putDatasheet(actor: Actor, id: string, datasheet: Datasheet, ifMatch?: string): Promise<{ version: ResolvedVersion; datasheet: Datasheet }> {
      const written = await this.patch(actor, id, { datasheet }, ifMatch);
      return { version: written, datasheet: written.record.datasheet ?? {} };
    },

    /** Freezes the draft as the next immutable version. */
    async publish(actor: Actor, id: string): Promise<WrittenVersion> {
      const n = await repo.transaction(async () => {
        const { pk } = await draftOrThrow(actor, id);
        await deps.checkPolicy?.(pk, 'publish');
        const n = (await repo.maxVersionNumber(id)) + 1;
        const t = now();
        await repo.publishDraft(pk, n, t);
        await repo.setPointers(id, { latestVersionPk: pk, draftVersionPk: null }, t);
        await deps.latestChanged(id);
        await auth.audit(actor, { action: 'dataset.publish', entityType: 'dataset', entityId: id, after: { version: n } });
        return n;
      });
      return written(id, { version: n });
    },

    /** Opens a new draft from the latest published version ("changes make a new version"). */
    async openDraft(actor: Actor, id: string): Promise<WrittenVersion> {
      await repo.transaction(async () => {
        await requireEditable(actor, id);
        const concept = await conceptOrThrow(id);
        if (concept.draftVersionPk != null) throw new FemtoError('CONFLICT', `Dataset '${id}' already has an open draft`);
        if (concept.latestVersionPk == null) throw new FemtoError('INTERNAL', `Dataset '${id}' has neither draft nor version`);
        const latest = await recordOf(concept.latestVersionPk);
        const t = now();
        const draftPk = await repo.insertVersion(id, contentOf(latest), 'draft', null, t);
        await repo.setPointers(id, { draftVersionPk: draftPk }, t);
        await auth.audit(actor, { action: 'dataset.open-draft', entityType: 'dataset', entityId: id });
      });
      return written(id, 'draft');
    },

    /** Records for many version pks, filtered to what the actor may see (for lists and GraphQL loaders). */
    async recordsFor(actor: Actor, pks: readonly number[]): Promise<Map<number, DatasetRecord>> {
      const out = new Map<number, DatasetRecord>();
      for (const [pk, l] of await repo.reading(() => repo.load(pks)))
        if (mayRead(actor, { ...l.record, ...l.holders })) out.set(pk, viewFor(actor, l.record, l.holders));
      return out;
    },

    /** Which of these versions the caller may read, in one statement (DOIs, lineage ends). */
    async readable(actor: Actor, pks: readonly number[]): Promise<Set<number>> {
      return new Set([...(await repo.access(pks))].filter(([, v]) => mayRead(actor, v)).map(([pk]) => pk));
    },

    /** Of these versions, the record and version number each is and whether the caller may change it, in one statement. */
    async editableVersions(actor: Actor, pks: readonly number[]): Promise<Map<number, EditableVersion>> {
      return new Map(
        [...(await repo.access(pks))].map(([pk, v]) => [
          pk,
          { datasetId: v.datasetId, version: v.versionNumber, editable: mayEdit(actor, v), public: mayRead(anonymous, v) },
        ]),
      );
    },

    /** Which of these records the caller may change, in one statement. */
    async editableRecords(actor: Actor, ids: readonly string[]): Promise<Set<string>> {
      return new Set([...(await repo.holdersOf(ids))].filter(([, h]) => mayEdit(actor, h)).map(([id]) => id));
    },

    /**
     * The record whose ensemble holds this ILDG Markov chain URI, when the caller may read it. The
     * ensemble block, not a related identifier: a chain belongs to one record (claimMarkovChain), while
     * any curator may write an identifier naming someone else's chain.
     */
    async readableOfMarkovChain(actor: Actor, uri: string): Promise<string | undefined> {
      for (const id of await repo.recordsOfMarkovChain(uri)) if ((await reader.resolve(actor, { dataset: id })).status === 'found') return id;
      return undefined;
    },

    /** Throws unless the caller may change the record (404 when it may not even see it, 403 otherwise). */
    assertEditable: requireEditable,

    /** The records holding an ILDG Markov chain URI, whoever may see them: callers decide with editableRecords or readable. */
    recordsOfMarkovChain: async (uri: string): Promise<string[]> => repo.recordsOfMarkovChain(uri),

    /** The records the caller holds: every one for admins (lineage decides placeholders on it). */
    async heldBy(actor: Actor): Promise<Set<string> | 'all'> {
      if (actor.role === 'admin') return 'all';
      if (actor.role === 'anonymous') return new Set();
      return new Set(await repo.heldBy(accessParams(actor)));
    },

    /** Who holds a record: its owner and the groups it is shared with (admin). */
    async sharing(actor: Actor, id: string): Promise<{ owner: string | null; groups: string[] }> {
      auth.require(actor, 'admin');
      const holders = (await repo.holdersOf([id])).get(id);
      if (!holders) throw notFound('Dataset', id);
      return { owner: holders.owner, groups: [...holders.groups] };
    },

    /** Gives a record to an owner and shares it with exactly the groups named (admin). */
    async share(actor: Actor, id: string, input: SharingInput): Promise<{ owner: string | null; groups: string[] }> {
      auth.require(actor, 'admin');
      return repo.transaction(async () => {
        const before = await this.sharing(actor, id);
        const owner = input.owner ?? before.owner ?? ADMIN_USER;
        const groups = [...new Set(input.groups)].sort();
        await auth.assertExist({
          users: [{ id: owner, pointer: '/owner' }],
          groups: groups.map((g) => ({ id: g, pointer: `/groups/${input.groups.indexOf(g)}` })),
        });
        await repo.setHolders(id, { owner, groups }, now());
        await auth.audit(actor, { action: 'dataset.share', entityType: 'dataset', entityId: id, before, after: { owner, groups } });
        return { owner, groups };
      });
    },
  };
}

export type DatasetsService = ReturnType<typeof createDatasetsService>;
