import { flag, parseJson, type Database } from '../../db/port.js';
import type { datasets } from '../../db/schema/index.js';
import { holdsRecord, sharedGroups, WITHDRAWN, type AccessParams } from '../../db/fragments.js';
import { LICENSE_UNKNOWN, type CreatorInput, type DatasetRecord, type ReplicaInput, type VersionContent } from './datasets.schema.js';
import { protocolOf } from '../../lib/urls.js';
import type { Datasheet } from './datasheet.schema.js';
import type { ModelCardInput } from '../models/model-card.schema.js';
import type { Holders, VersionFacts } from './visibility.js';
import { createPhysicsBlocks, physicsColumns, physicsBlocksOf } from './physics.repository.js';

export type ConceptRow = typeof datasets.$inferSelect;

/** A dataset reference resolved to one version row, with what the read policy and the representation cache need. */
export interface ResolvedRow extends VersionFacts {
  datasetId: string;
  /** null: the dataset has no version of that description (no such number, nothing published). */
  pk: number | null;
  hasDraft: boolean;
  /** Some published version is public: the record exists for everyone. */
  hasPublic: boolean;
  hasPublished: boolean;
  versionNumber: number | null;
  revision: number;
  /** When the draft was last changed (what its ETag is derived from). */
  updatedAt: string;
  /** The version's change counter (version_changes): 0 before any change was recorded. */
  seq: number;
  withdrawn: boolean;
}

/** What the access policy needs of one version, and where it belongs. */
export interface VersionAccess extends VersionFacts {
  pk: number;
  datasetId: string;
  versionNumber: number | null;
}

/** A dataset_versions row as the driver returns it, with its change counter. */
interface RawVersionRow {
  pk: number;
  dataset_id: string;
  version_number: number | null;
  state: 'draft' | 'published';
  revision: number;
  version_label: string | null;
  title: string;
  description: string;
  tier: number | null;
  domain: string | null;
  data_type: string | null;
  resource_type: string;
  status: DatasetRecord['status'];
  issued: string | null;
  license: string | null;
  visibility: 'public' | 'private';
  access_level: 'open' | 'embargoed' | 'restricted';
  embargo_until: string | null;
  access_conditions: string | null;
  access_contact: string | null;
  publisher: string | null;
  size_bytes: number | null;
  record_count: number | null;
  /** JSON documents: text on SQLite, parsed on PostgreSQL (parseJson). */
  datasheet: unknown;
  annotations: unknown;
  model_card: unknown;
  ensemble: unknown;
  collision: unknown;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  seq: number;
  owner: string | null;
  groups: string;
}

/** A published version as the version list and lineage need it, with its record's holders. */
export interface PublishedVersionRow extends Holders {
  pk: number;
  datasetId: string;
  versionNumber: number;
  versionLabel: string | null;
  title: string;
  visibility: 'public' | 'private';
  accessLevel: 'open' | 'embargoed' | 'restricted';
  state: 'published';
  publishedAt: string;
}

/** A record as stored, with what the access policy needs of it. */
export interface LoadedVersion {
  record: DatasetRecord;
  holders: Holders;
  seq: number;
  revision: number;
}

const agentType = { person: 'Person', organization: 'Organization', software: 'Software' } as const;

type AgentIdentity = { kind: 'person' | 'organization'; name: string; orcid?: string; ror?: string };

/** Creators are agents (the provenance module's table): the wiring passes the functions that find or make them, one or many at once. */
export interface AgentIds {
  of(identity: AgentIdentity): Promise<string>;
  /** The ids of many identities in order, new agents made in order of first appearance (as `of` called in turn would). */
  ofMany(identities: readonly AgentIdentity[]): Promise<string[]>;
}

/** A new record published at once (a bulk import's): its concept row and its first version. */
export interface NewPublished {
  id: string;
  createdBy: string;
  ownerId: string;
  now: string;
  content: VersionContent;
}

type RawResolved = Omit<ResolvedRow, 'hasDraft' | 'hasPublic' | 'hasPublished' | 'withdrawn' | 'groups'> &
  Record<'hasDraft' | 'hasPublic' | 'hasPublished' | 'withdrawn', unknown> & { groups: string };

const resolvedRow = (r: RawResolved): ResolvedRow => ({
  ...r,
  groups: parseJson<string[]>(r.groups),
  hasDraft: flag(r.hasDraft),
  hasPublic: flag(r.hasPublic),
  hasPublished: flag(r.hasPublished),
  withdrawn: flag(r.withdrawn),
});

/** `n` new keys of dataset_versions, ascending: those inserts one at a time would take, known before the insert. */
function nextVersionPksOf(db: Database): (n: number) => Promise<number[]> {
  if (db.dialect === 'postgres') {
    // Drawn from the identity sequence, which explicit keys would not move; another session may draw between them.
    const draw = db.prepare(`SELECT nextval(pg_get_serial_sequence('dataset_versions', 'pk')) FROM generate_series(1, CAST(? AS integer))`);
    return async (n) => (await draw.column<number>(n)).sort((a, b) => a - b);
  }
  // Past SQLite's AUTOINCREMENT counter, which explicit keys move.
  const next = db.prepare(
    `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'dataset_versions'), 0), coalesce((SELECT max(pk) FROM dataset_versions), 0)) + 1`,
  );
  return async (n) => {
    const first = (await next.scalar<number>())!;
    return Array.from({ length: n }, (_, i) => first + i);
  };
}

export function createDatasetsRepository(db: Database, agentIds: AgentIds) {
  const ftsDelete = db.prepare('DELETE FROM dataset_fts WHERE rowid = ?');
  const ftsInsert = db.prepare('INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (?, ?, ?, ?)');

  // Writes are prepared once too: bulk imports write a version per record.
  // Raw (not drizzle's mapped select): every imported record looks its concept up first.
  const conceptStmt = db.prepare(`
    SELECT id, latest_version_pk AS latestVersionPk, draft_version_pk AS draftVersionPk, created_at AS createdAt, updated_at AS updatedAt,
           created_by AS createdBy, modified_at AS modifiedAt, owner_id AS ownerId
      FROM datasets WHERE id = ?`);
  const insertConceptStmt = db.prepare('INSERT INTO datasets (id, created_by, owner_id, updated_at, created_at) VALUES (?, ?, ?, ?, ?)');
  const setPointersStmt = db.prepare(`
    UPDATE datasets SET latest_version_pk = CASE WHEN @setLatest THEN @latest ELSE latest_version_pk END,
                        draft_version_pk = CASE WHEN @setDraft THEN @draft ELSE draft_version_pk END, updated_at = @now
     WHERE id = @id`);
  const insertVersionStmt = db.prepare<{ pk: number }>(`
    INSERT INTO dataset_versions (dataset_id, version_number, state, version_label, title, description, tier, domain, data_type, resource_type, status, issued, license,
                                  visibility, access_level, embargo_until, access_conditions, access_contact, publisher, size_bytes, record_count, datasheet, annotations, model_card, created_at, updated_at, published_at)
    VALUES (@datasetId, @versionNumber, @state, @versionLabel, @title, @description, @tier, @domain, @dataType, @resourceType, @status, @issued, @license,
            @visibility, @accessLevel, @embargoUntil, @accessConditions, @accessContact, @publisher, @sizeBytes, @recordCount, @datasheet, @annotations, @modelCard, @now, @now, @publishedAt) RETURNING pk`);
  const insertPersonStmt = db.prepare('INSERT INTO version_agents (version_pk, role, position, agent_id, affiliation) VALUES (?, ?, ?, ?, ?)');
  const insertTermStmt = db.prepare('INSERT INTO version_terms (version_pk, facet, position, value) VALUES (?, ?, ?, ?)');
  const insertDistributionStmt = db.prepare<{ pk: number }>(`
    INSERT INTO distributions (version_pk, position, title, media_type, format, size_bytes, checksum_algorithm, checksum_value, kind, contents, lfn)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk`);
  const deleteChildrenStmts = ['version_agents', 'version_terms', 'distributions', 'related_identifiers'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE version_pk = ?`),
  );
  const isEmptyStmt = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM datasets)');
  const setOwnerStmt = db.prepare('UPDATE datasets SET owner_id = ?, updated_at = ? WHERE id = ?');
  const clearGroupsStmt = db.prepare('DELETE FROM dataset_groups WHERE dataset_id = ?');
  const shareStmt = db.prepare(`INSERT INTO dataset_groups (dataset_id, group_id) SELECT ?, g.value FROM ${db.sql.each('?', 'g', 'text')}`);
  const replaceDraftStmt = db.prepare(`
    UPDATE dataset_versions SET version_label = @versionLabel, title = @title, description = @description, tier = @tier, domain = @domain, data_type = @dataType,
           resource_type = @resourceType, status = @status, issued = @issued, license = @license, visibility = @visibility, access_level = @accessLevel,
           embargo_until = @embargoUntil, access_conditions = @accessConditions, access_contact = @accessContact, publisher = @publisher, size_bytes = @sizeBytes,
           record_count = @recordCount, datasheet = @datasheet, annotations = @annotations, model_card = @modelCard, revision = revision + 1, updated_at = @now
     WHERE pk = @pk AND state = 'draft'`);
  const publishDraftStmt = db.prepare(
    `UPDATE dataset_versions SET state = 'published', version_number = ?, published_at = ?, updated_at = ? WHERE pk = ? AND state = 'draft'`,
  );
  const insertLocationStmt = db.prepare(
    'INSERT INTO distribution_locations (distribution_pk, position, url, site, protocol, checksum_algorithm, checksum_value) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertRelatedStmt = db.prepare('INSERT INTO related_identifiers (version_pk, position, identifier_type, value, relation_type) VALUES (?, ?, ?, ?, ?)');
  /*
   * Bulk writes (insertPublishedMany): one statement per table for a whole batch, its rows as one JSON array of
   * tuples, inserted in array order so that every table's rowids are those the writes one record at a time give.
   * A tuple's members arrive as text on PostgreSQL: integer and JSON columns cast them.
   */
  const rowsOf = db.sql.each('?', 'k', 'json');
  const int = (i: number) => `CAST(k.value->>${i} AS bigint)`;
  // modified_at as its first version's publication sets it (the change counters' trigger, migration 0007): written whole once.
  const insertConceptsStmt = db.prepare(`
    INSERT INTO datasets (id, created_by, owner_id, updated_at, created_at, modified_at, latest_version_pk)
    SELECT k.value->>0, k.value->>1, k.value->>2, k.value->>3, k.value->>3, k.value->>3, ${int(4)} FROM ${rowsOf}`);
  // The next keys of dataset_versions: past SQLite's AUTOINCREMENT counter, or drawn from PostgreSQL's identity sequence.
  const nextVersionPks = nextVersionPksOf(db);
  const INTEGER_COLUMNS = new Set(['tier', 'sizeBytes', 'recordCount']);
  const JSON_COLUMNS = new Set(['datasheet', 'annotations', 'modelCard']);
  const versionColumn = (column: string, value: string) =>
    INTEGER_COLUMNS.has(column) ? `CAST(${value} AS bigint)` : JSON_COLUMNS.has(column) ? db.sql.jsonColumn(value) : value;
  const VERSION_COLUMNS = [
    'versionLabel',
    'title',
    'description',
    'tier',
    'domain',
    'dataType',
    'resourceType',
    'status',
    'issued',
    'license',
    'visibility',
    'accessLevel',
    'embargoUntil',
    'accessConditions',
    'accessContact',
    'publisher',
    'sizeBytes',
    'recordCount',
    'datasheet',
    'annotations',
    'modelCard',
  ] as const;
  const insertVersionsStmt = db.prepare(`
    INSERT INTO dataset_versions (pk, dataset_id, version_number, state, created_at, updated_at, published_at, version_label, title, description, tier, domain, data_type, resource_type, status, issued, license,
                                  visibility, access_level, embargo_until, access_conditions, access_contact, publisher, size_bytes, record_count, datasheet, annotations, model_card)
    SELECT ${int(0)}, k.value->>1, 1, 'published', k.value->>2, k.value->>2, k.value->>2, ${VERSION_COLUMNS.map((c, i) => versionColumn(c, `k.value->>${i + 3}`)).join(', ')} FROM ${rowsOf}`);
  const insertPeopleStmt = db.prepare(`
    INSERT INTO version_agents (version_pk, role, position, agent_id, affiliation) SELECT ${int(0)}, k.value->>1, ${int(2)}, k.value->>3, k.value->>4 FROM ${rowsOf}`);
  const insertTermsStmt = db.prepare(
    `INSERT INTO version_terms (version_pk, facet, position, value) SELECT ${int(0)}, k.value->>1, ${int(2)}, k.value->>3 FROM ${rowsOf}`,
  );
  const insertRelatedManyStmt = db.prepare(`
    INSERT INTO related_identifiers (version_pk, position, identifier_type, value, relation_type) SELECT ${int(0)}, ${int(1)}, k.value->>2, k.value->>3, k.value->>4 FROM ${rowsOf}`);
  const ftsInsertMany = db.prepare(
    `INSERT INTO dataset_fts (rowid, title, description, keywords) SELECT ${int(0)}, k.value->>1, k.value->>2, k.value->>3 FROM ${rowsOf}`,
  );
  const maxVersionStmt = db.prepare('SELECT max(version_number) FROM dataset_versions WHERE dataset_id = ?');
  const physics = createPhysicsBlocks(db);

  /*
   * Reads are raw statements prepared once. Many pks travel as one JSON array (db.sql.each), so a
   * page of records costs the same statements as one record. CROSS JOIN keeps the array the outer
   * loop: SQLite has no statistics for it and otherwise may scan a whole index on a constant
   * column (facet = 'observable') and probe the pks inside it — seconds at 100k records. Its join
   * condition is in WHERE: PostgreSQL takes no ON after CROSS JOIN.
   */
  const pkKeys = db.sql.each('@pks', 'k', 'integer');
  const idKeys = db.sql.each('@ids', 'k', 'text');
  const groupsOf = sharedGroups('d', db.sql);
  /** The resolve statement for one reference (@id, @n, @draft) or many (a JSON array of [id, n] resolved with draft 'never'). */
  const resolveSql = (from: string, id: string, n: string, draft: string) => `
    SELECT ${from === '' ? '' : 'r.key AS i, '}d.id AS datasetId, v.pk AS pk, d.draft_version_pk IS NOT NULL AS hasDraft, d.latest_version_pk IS NOT NULL AS hasPublished,
           EXISTS (SELECT 1 FROM dataset_versions p WHERE p.dataset_id = d.id AND p.state = 'published' AND p.visibility = 'public') AS hasPublic,
           v.version_number AS versionNumber, v.state AS state, v.visibility AS visibility, d.owner_id AS owner, ${groupsOf} AS groups,
           v.access_level AS accessLevel, v.embargo_until AS embargoUntil, v.revision AS revision, v.updated_at AS updatedAt, coalesce(c.seq, 0) AS seq,
           v.pk IS NOT NULL AND ${WITHDRAWN} AS withdrawn
      FROM ${from}datasets d
      -- a number names that published version; none names the latest published one, else (when asked) the draft
      LEFT JOIN dataset_versions v ON v.pk = CASE
        WHEN ${draft} = 'only' THEN d.draft_version_pk
        WHEN ${n} IS NULL THEN coalesce(d.latest_version_pk, CASE WHEN ${draft} = 'fallback' THEN d.draft_version_pk END)
        ELSE (SELECT x.pk FROM dataset_versions x WHERE x.dataset_id = d.id AND x.version_number = ${n}) END
      LEFT JOIN version_changes c ON c.version_pk = v.pk
     WHERE d.id = ${id}`;
  const resolveStmt = db.prepare(resolveSql('', '@id', '@n', '@draft'));
  // The array's index pairs each row with its reference.
  const resolveManyStmt = db.prepare(resolveSql(`${db.sql.eachIndexed('@refs', 'r')} CROSS JOIN `, 'r.value->>0', 'CAST(r.value->>1 AS bigint)', "'never'"));
  const versionRowsStmt = db.prepare(`
    SELECT v.*, coalesce(c.seq, 0) AS seq, d.owner_id AS owner, ${groupsOf} AS groups, ${physicsColumns(db.sql)}
      FROM ${pkKeys} CROSS JOIN dataset_versions v JOIN datasets d ON d.id = v.dataset_id LEFT JOIN version_changes c ON c.version_pk = v.pk WHERE v.pk = k.value`);
  const accessStmt = db.prepare(`
    SELECT v.pk, v.dataset_id AS datasetId, v.version_number AS versionNumber, v.state, v.visibility, v.access_level AS accessLevel, v.embargo_until AS embargoUntil, d.owner_id AS owner, ${groupsOf} AS groups
      FROM ${pkKeys} CROSS JOIN dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.pk = k.value`);
  const heldStmt = db.prepare(`SELECT d.id FROM datasets d WHERE ${holdsRecord('d', db.sql)}`);
  const holdersStmt = db.prepare(
    `SELECT d.id, d.owner_id AS owner, ${groupsOf} AS groups FROM ${db.sql.each('?', 'k', 'text')} CROSS JOIN datasets d WHERE d.id = k.value`,
  );
  const peopleStmt = db.prepare(`
    SELECT va.version_pk AS versionPk, va.role, va.affiliation, a.id, a.name, a.kind, a.orcid, a.ror
      FROM ${pkKeys} CROSS JOIN version_agents va JOIN agents a ON a.id = va.agent_id WHERE va.version_pk = k.value ORDER BY va.position`);
  const termsStmt = db.prepare(
    `SELECT t.version_pk AS versionPk, t.facet, t.value FROM ${pkKeys} CROSS JOIN version_terms t WHERE t.version_pk = k.value ORDER BY t.position`,
  );
  const distributionsStmt = db.prepare(`
    SELECT x.pk, x.version_pk AS versionPk, x.title, x.media_type AS mediaType, x.format, x.size_bytes AS sizeBytes, x.kind,
           x.checksum_algorithm AS checksumAlgorithm, x.checksum_value AS checksumValue, x.contents, x.lfn,
           (SELECT ${db.sql.jsonArray(db.sql.jsonTuple('l.url, l.site, l.protocol, l.checksum_algorithm, l.checksum_value'), 'l.position')}
              FROM distribution_locations l WHERE l.distribution_pk = x.pk) AS replicas
      FROM ${pkKeys} CROSS JOIN distributions x WHERE x.version_pk = k.value ORDER BY x.position`);
  const relatedStmt = db.prepare(`
    SELECT r.version_pk AS versionPk, r.identifier_type AS type, r.value, r.relation_type AS relation
      FROM ${pkKeys} CROSS JOIN related_identifiers r WHERE r.version_pk = k.value ORDER BY r.position`);
  const numberedStmt = db.prepare(
    `SELECT v.pk, v.dataset_id AS datasetId, v.version_number AS n FROM ${idKeys} CROSS JOIN dataset_versions v WHERE v.dataset_id = k.value AND v.version_number IS NOT NULL`,
  );
  const datasheetStmt = db.prepare('SELECT datasheet FROM dataset_versions WHERE pk = ?');
  const labelsStmt = db.prepare(
    `SELECT v.pk, v.dataset_id AS dataset, v.version_number AS version, v.tier FROM ${pkKeys} CROSS JOIN dataset_versions v WHERE v.pk = k.value`,
  );
  const publishedOfStmt = db.prepare(`
    SELECT v.pk, v.dataset_id AS datasetId, v.version_number AS versionNumber, v.version_label AS versionLabel, v.title, v.visibility, v.access_level AS accessLevel,
           v.state, v.published_at AS publishedAt, d.owner_id AS owner, ${groupsOf} AS groups
      FROM ${idKeys} CROSS JOIN datasets d JOIN dataset_versions v ON v.dataset_id = d.id AND v.state = 'published' WHERE d.id = k.value ORDER BY v.version_number`);

  const people = (c: VersionContent) => [
    ...c.creators.map((p, i) => ({ p, role: 'creator', i })),
    ...(c.contributors ?? []).map((p, i) => ({ p, role: 'contributor', i })),
  ];
  const identityOf = (p: CreatorInput): AgentIdentity => ({
    kind: p.type === 'Organization' ? 'organization' : 'person',
    name: p.name,
    orcid: p.orcid,
    ror: p.ror,
  });
  /** A version's terms as rows (facet, position, value), in the order they are written. */
  const termsOf = (c: VersionContent): [string, number, string][] => [
    ...(c.keywords ?? []).map((value, i): [string, number, string] => ['keyword', i, value]),
    ...(c.formats ?? []).map((value, i): [string, number, string] => ['format', i, value]),
    ...(c.observables ?? []).map((value, i): [string, number, string] => ['observable', i, value]),
    ...(c.alsoInTiers ?? []).map((tier, i): [string, number, string] => ['tier', i, String(tier)]),
    ...(c.alsoInDomains ?? []).map((value, i): [string, number, string] => ['domain', i, value]),
  ];
  const ftsOf = (pk: number, c: VersionContent) => [pk, c.title, c.description, (c.keywords ?? []).join(' ')];

  /** Distributions with their replicas, and the physics blocks: rare in bulk catalogs, written a row at a time in both paths. */
  async function writeFiles(pk: number, c: VersionContent): Promise<void> {
    for (const [position, d] of (c.distributions ?? []).entries()) {
      const distribution = await insertDistributionStmt.get([
        pk,
        position,
        d.title ?? null,
        d.mediaType ?? null,
        d.format ?? null,
        d.sizeBytes ?? null,
        d.checksum?.algorithm ?? null,
        d.checksum?.value ?? null,
        d.kind ?? 'download',
        d.contents ? JSON.stringify(d.contents) : null,
        d.lfn ?? null,
      ]);
      for (const [i, r] of (d.replicas ?? d.urls.map((url) => ({ url }) as ReplicaInput)).entries()) {
        await insertLocationStmt.run([distribution!.pk, i, r.url, r.site ?? null, protocolOf(r.url), r.checksum?.algorithm ?? null, r.checksum?.value ?? null]);
      }
    }
    await physics.write(pk, c);
  }

  async function writeChildren(pk: number, c: VersionContent): Promise<void> {
    for (const { p, role, i } of people(c)) await insertPersonStmt.run([pk, role, i, await agentIds.of(identityOf(p)), p.affiliation ?? null]);
    for (const [facet, position, value] of termsOf(c)) await insertTermStmt.run([pk, facet, position, value]);
    await writeFiles(pk, c);
    for (const [position, r] of (c.relatedIdentifiers ?? []).entries()) await insertRelatedStmt.run([pk, position, r.type, r.value, r.relation]);
    await ftsInsert.run(ftsOf(pk, c));
  }

  /** A draft rewritten: its children and its search index row go (a new version has none to remove). */
  async function clearChildren(pk: number): Promise<void> {
    await ftsDelete.run(pk);
    for (const s of deleteChildrenStmts) await s.run(pk);
    await physics.clear(pk);
  }

  const scalarColumns = (c: VersionContent) => ({
    versionLabel: c.version ?? null,
    title: c.title,
    description: c.description,
    tier: c.tier ?? null,
    domain: c.domain ?? null,
    dataType: c.dataType ?? null,
    resourceType: c.resourceType ?? 'Dataset',
    status: c.status ?? 'available',
    issued: c.issued ?? null,
    license: c.license === LICENSE_UNKNOWN ? null : (c.license ?? null),
    visibility: c.visibility ?? 'public',
    accessLevel: c.accessLevel ?? 'open',
    embargoUntil: c.accessLevel === 'embargoed' ? (c.embargoUntil ?? null) : null,
    accessConditions: c.accessConditions ?? null,
    accessContact: c.accessContact ?? null,
    publisher: c.publisher ?? null,
    sizeBytes: c.sizeBytes ?? null,
    recordCount: c.recordCount ?? null,
    datasheet: c.datasheet ?? null,
    annotations: c.annotations ?? null,
    modelCard: c.modelCard ?? null,
  });

  /** The JSON documents of a version as the text their columns store. */
  const jsonColumns = (c: ReturnType<typeof scalarColumns>) => {
    const json = (v: object | null) => (v == null ? null : JSON.stringify(v));
    return { ...c, datasheet: json(c.datasheet), annotations: json(c.annotations), modelCard: json(c.modelCard) };
  };

  return {
    /** Runs fn in one transaction (joining the open one): a crash mid-write leaves nothing half-done. */
    transaction: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn),
    /**
     * Runs fn's reads on one snapshot (joining the open transaction): a read of several statements otherwise lets
     * another request's write land between two of them, a version's row from before it and its parts from after.
     */
    reading: <T>(fn: () => Promise<T>): Promise<T> => db.transaction(fn, { readOnly: true }),

    async isEmpty(): Promise<boolean> {
      return flag(await isEmptyStmt.scalar());
    },

    async concept(id: string): Promise<ConceptRow | undefined> {
      return (await conceptStmt.get(id)) as ConceptRow | undefined;
    },

    async insertConcept(id: string, createdBy: string, ownerId: string, now: string): Promise<void> {
      await insertConceptStmt.run([id, createdBy, ownerId, now, now]);
    },

    /** Who holds each of these records (absent: no such dataset), in one statement. */
    async holdersOf(ids: readonly string[]): Promise<Map<string, Holders>> {
      const rows = (ids.length ? await holdersStmt.all(JSON.stringify([...new Set(ids)])) : []) as { id: string; owner: string | null; groups: string }[];
      return new Map(rows.map((r) => [r.id, { owner: r.owner, groups: parseJson<string[]>(r.groups).sort() }]));
    },

    /** Gives a record to `owner` and shares it with exactly `groups`. */
    async setHolders(id: string, holders: { owner: string; groups: readonly string[] }, now: string): Promise<void> {
      await setOwnerStmt.run([holders.owner, now, id]);
      await clearGroupsStmt.run(id);
      if (holders.groups.length) await shareStmt.run([id, JSON.stringify(holders.groups)]);
    },

    /** The records the caller holds, by id, in one statement. */
    async heldBy(access: AccessParams): Promise<string[]> {
      return heldStmt.column<string>(access);
    },

    /** What the access policy needs of many versions, in one statement. */
    async access(pks: readonly number[]): Promise<Map<number, VersionAccess>> {
      if (!pks.length) return new Map();
      const rows = (await accessStmt.all({ pks: JSON.stringify([...new Set(pks)]) })) as (Omit<VersionAccess, 'groups'> & { groups: string })[];
      return new Map(rows.map((r) => [r.pk, { ...r, groups: parseJson<string[]>(r.groups) }]));
    },

    async setPointers(id: string, pointers: { latestVersionPk?: number | null; draftVersionPk?: number | null }, now: string): Promise<void> {
      await setPointersStmt.run({
        id,
        now,
        setLatest: 'latestVersionPk' in pointers ? 1 : 0,
        latest: pointers.latestVersionPk ?? null,
        setDraft: 'draftVersionPk' in pointers ? 1 : 0,
        draft: pointers.draftVersionPk ?? null,
      });
    },

    async insertVersion(datasetId: string, content: VersionContent, state: 'draft' | 'published', versionNumber: number | null, now: string): Promise<number> {
      const { pk } = (await insertVersionStmt.get({
        ...jsonColumns(scalarColumns(content)),
        datasetId,
        versionNumber,
        state,
        now,
        publishedAt: state === 'published' ? now : null,
      }))!;
      await writeChildren(pk, content);
      return pk;
    },

    /**
     * New records, each published at once as its version 1, in a fixed number of statements for the whole batch:
     * the rows insertConcept, insertVersion and setPointers leave for each in turn (the change counters are the
     * caller's: a bulk batch counts them at its end, deferred-changes.ts). Answers the version pks, in order.
     */
    async insertPublishedMany(items: readonly NewPublished[]): Promise<number[]> {
      if (!items.length) return [];
      // The new versions' pks are known before the insert, so the concept row is written whole once.
      const pks = await nextVersionPks(items.length);
      await insertConceptsStmt.run(JSON.stringify(items.map((r, i) => [r.id, r.createdBy, r.ownerId, r.now, pks[i]])));
      const versions = items.map((r, i) => {
        const columns = jsonColumns(scalarColumns(r.content));
        return [pks[i], r.id, r.now, ...VERSION_COLUMNS.map((k) => columns[k])];
      });
      await insertVersionsStmt.run(JSON.stringify(versions));
      const everyone = items.flatMap((r, i) => people(r.content).map((x) => ({ ...x, pk: pks[i] })));
      const ids = await agentIds.ofMany(everyone.map(({ p }) => identityOf(p)));
      if (everyone.length) await insertPeopleStmt.run(JSON.stringify(everyone.map(({ p, role, i, pk }, n) => [pk, role, i, ids[n], p.affiliation ?? null])));
      const terms = items.flatMap((r, i) => termsOf(r.content).map((t) => [pks[i], ...t]));
      if (terms.length) await insertTermsStmt.run(JSON.stringify(terms));
      for (const [i, r] of items.entries()) await writeFiles(pks[i], r.content);
      const related = items.flatMap((r, i) => (r.content.relatedIdentifiers ?? []).map((x, position) => [pks[i], position, x.type, x.value, x.relation]));
      if (related.length) await insertRelatedManyStmt.run(JSON.stringify(related));
      await ftsInsertMany.run(JSON.stringify(items.map((r, i) => ftsOf(pks[i], r.content))));
      return pks;
    },

    async replaceDraft(pk: number, content: VersionContent, now: string): Promise<void> {
      await replaceDraftStmt.run({ ...jsonColumns(scalarColumns(content)), pk, now });
      await clearChildren(pk);
      await writeChildren(pk, content);
    },

    async publishDraft(pk: number, versionNumber: number, now: string): Promise<void> {
      await publishDraftStmt.run([versionNumber, now, now, pk]);
    },

    /** The records any version of which holds this ILDG Markov chain URI. */
    recordsOfMarkovChain: async (uri: string): Promise<string[]> => physics.recordsOf(uri),

    async maxVersionNumber(datasetId: string): Promise<number> {
      return ((await maxVersionStmt.scalar(datasetId)) as number | null) ?? 0;
    },

    /** Version pks for (dataset, number) pairs, keyed "id@n"; one statement. */
    async versionPksOf(refs: readonly { datasetId: string; version: number }[]): Promise<Map<string, number>> {
      if (!refs.length) return new Map();
      const rows = (await numberedStmt.all({ ids: JSON.stringify([...new Set(refs.map((r) => r.datasetId))]) })) as {
        pk: number;
        datasetId: string;
        n: number;
      }[];
      return new Map(rows.map((r) => [`${r.datasetId}@${r.n}`, r.pk]));
    },

    /** A dataset reference as one version row (the policy decides what the caller may see of it); undefined: no such dataset. */
    async resolve(datasetId: string, version: number | undefined, draft: 'only' | 'fallback' | 'never'): Promise<ResolvedRow | undefined> {
      const r = (await resolveStmt.get({ id: datasetId, n: version ?? null, draft })) as RawResolved | undefined;
      return r && resolvedRow(r);
    },

    /** Many references (a published version each: a number, or the latest), in one statement; in order, undefined where no such dataset. */
    async resolveMany(refs: readonly { dataset: string; version?: number }[]): Promise<(ResolvedRow | undefined)[]> {
      if (!refs.length) return [];
      const rows = (await resolveManyStmt.all({ refs: JSON.stringify(refs.map((r) => [r.dataset, r.version ?? null])) })) as (RawResolved & { i: number })[];
      const byRef = new Map(rows.map(({ i, ...r }) => [i, resolvedRow(r)]));
      return refs.map((_, i) => byRef.get(i));
    },

    /** The datasheet of one version, alone (null when none was written). */
    async datasheet(pk: number): Promise<Datasheet | null> {
      const row = (await datasheetStmt.get(pk)) as { datasheet: unknown } | undefined;
      return row?.datasheet ? parseJson<Datasheet>(row.datasheet) : null;
    },

    async labels(pks: readonly number[]): Promise<Map<number, { dataset: string; version: number | null; tier: number | null }>> {
      if (!pks.length) return new Map();
      const rows = (await labelsStmt.all({ pks: JSON.stringify(pks) })) as { pk: number; dataset: string; version: number | null; tier: number | null }[];
      return new Map(rows.map(({ pk, ...label }) => [pk, label]));
    },

    /** Published versions of many datasets, oldest first, in one statement. */
    async publishedOf(datasetIds: readonly string[]): Promise<PublishedVersionRow[]> {
      if (!datasetIds.length) return [];
      return ((await publishedOfStmt.all({ ids: JSON.stringify(datasetIds) })) as (Omit<PublishedVersionRow, 'groups'> & { groups: string })[]).map((r) => ({
        ...r,
        groups: parseJson<string[]>(r.groups),
      }));
    },

    /** Full records for many versions in a fixed number of statements (one per child table), with each version's change counter. */
    async load(pks: readonly number[]): Promise<Map<number, LoadedVersion>> {
      const out = new Map<number, LoadedVersion>();
      if (pks.length === 0) return out;
      const arg = { pks: JSON.stringify([...new Set(pks)]) };
      for (const r of (await versionRowsStmt.all(arg)) as RawVersionRow[]) {
        out.set(r.pk, {
          seq: r.seq,
          revision: r.revision,
          holders: { owner: r.owner, groups: parseJson<string[]>(r.groups).sort() },
          record: {
            id: r.dataset_id,
            version: r.version_number,
            state: r.state,
            versionLabel: r.version_label,
            title: r.title,
            description: r.description,
            tier: r.tier,
            alsoInTiers: [],
            domain: r.domain,
            alsoInDomains: [],
            dataType: r.data_type,
            resourceType: r.resource_type,
            status: r.status,
            issued: r.issued,
            license: r.license ?? LICENSE_UNKNOWN,
            visibility: r.visibility,
            accessLevel: r.access_level,
            embargoUntil: r.embargo_until,
            accessConditions: r.access_conditions,
            accessContact: r.access_contact,
            publisher: r.publisher,
            sizeBytes: r.size_bytes,
            recordCount: r.record_count,
            creators: [],
            contributors: [],
            keywords: [],
            formats: [],
            observables: [],
            distributions: [],
            relatedIdentifiers: [],
            datasheet: r.datasheet == null ? null : parseJson<Datasheet>(r.datasheet),
            annotations: r.annotations == null ? null : parseJson<Record<string, unknown>>(r.annotations),
            modelCard: r.model_card == null ? null : parseJson<ModelCardInput>(r.model_card),
            ...physicsBlocksOf(r),
            createdAt: r.created_at,
            updatedAt: r.updated_at,
            publishedAt: r.published_at,
          },
        });
      }
      const rec = (pk: number) => out.get(pk)!.record;
      type Person = {
        versionPk: number;
        role: 'creator' | 'contributor';
        affiliation: string | null;
        id: string;
        name: string;
        kind: keyof typeof agentType;
        orcid: string | null;
        ror: string | null;
      };
      for (const p of (await peopleStmt.all(arg)) as Person[]) {
        const agent = { agentId: p.id, name: p.name, type: agentType[p.kind], orcid: p.orcid, ror: p.ror, affiliation: p.affiliation };
        (p.role === 'creator' ? rec(p.versionPk).creators : rec(p.versionPk).contributors).push(agent);
      }
      const facetKey = { keyword: 'keywords', format: 'formats', observable: 'observables', domain: 'alsoInDomains' } as const;
      for (const t of (await termsStmt.all(arg)) as { versionPk: number; facet: keyof typeof facetKey | 'tier'; value: string }[]) {
        if (t.facet === 'tier') rec(t.versionPk).alsoInTiers.push(Number(t.value));
        else rec(t.versionPk)[facetKey[t.facet]].push(t.value);
      }
      type Dist = Omit<DatasetRecord['distributions'][number], 'urls' | 'replicas' | 'checksum' | 'contents'> & {
        versionPk: number;
        replicas: string;
        checksumAlgorithm: string | null;
        checksumValue: string | null;
        contents: unknown;
      };
      type Replica = [url: string, site: string | null, protocol: string, algorithm: string | null, value: string | null];
      for (const d of (await distributionsStmt.all(arg)) as Dist[]) {
        const replicas = parseJson<Replica[]>(d.replicas).map(([url, site, protocol, algorithm, value]) => ({
          url,
          site,
          protocol,
          checksum: algorithm && value ? { algorithm, value } : null,
        }));
        rec(d.versionPk).distributions.push({
          title: d.title,
          urls: replicas.map((r) => r.url),
          replicas,
          kind: d.kind,
          mediaType: d.mediaType,
          format: d.format,
          sizeBytes: d.sizeBytes,
          checksum: d.checksumAlgorithm && d.checksumValue ? { algorithm: d.checksumAlgorithm, value: d.checksumValue } : null,
          contents: d.contents ? parseJson<DatasetRecord['distributions'][number]['contents']>(d.contents) : [],
          lfn: d.lfn,
        });
      }
      for (const r of (await relatedStmt.all(arg)) as ({ versionPk: number } & DatasetRecord['relatedIdentifiers'][number])[]) {
        rec(r.versionPk).relatedIdentifiers.push({ type: r.type, value: r.value, relation: r.relation });
      }
      return out;
    },

    /** Full records for many versions (see load). */
    async records(pks: readonly number[]): Promise<Map<number, DatasetRecord>> {
      return new Map([...(await this.load(pks))].map(([pk, l]) => [pk, l.record]));
    },
  };
}

export type DatasetsRepository = ReturnType<typeof createDatasetsRepository>;
