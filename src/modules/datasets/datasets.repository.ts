import { and, asc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Database_ } from '../../db/client.js';
import {
  agents,
  datasets,
  datasetVersions,
  distributionLocations,
  distributions,
  relatedIdentifiers,
  versionAgents,
  versionTerms,
  type DatasetVersionRow,
} from '../../db/schema/index.js';
import { createAgentsRepository } from '../provenance/agents.repository.js';
import { LICENSE_UNKNOWN, type CreatorInput, type DatasetRecord, type VersionContent } from './datasets.schema.js';

export type ConceptRow = typeof datasets.$inferSelect;

const agentType = { person: 'Person', organization: 'Organization', software: 'Software' } as const;

export function createDatasetsRepository({ db, sqlite }: Database_) {
  const agentsRepo = createAgentsRepository(db);

  const ftsDelete = sqlite.prepare('DELETE FROM dataset_fts WHERE rowid = ?');
  const ftsInsert = sqlite.prepare('INSERT INTO dataset_fts (rowid, title, description, keywords) VALUES (?, ?, ?, ?)');

  function agentIdFor(c: CreatorInput): string {
    return agentsRepo.upsert({
      kind: c.type === 'Organization' ? 'organization' : 'person',
      name: c.name,
      orcid: c.orcid,
      ror: c.ror,
    });
  }

  function writeChildren(pk: number, c: VersionContent): void {
    const people = [
      ...c.creators.map((p, i) => ({ role: 'creator' as const, position: i, p })),
      ...(c.contributors ?? []).map((p, i) => ({ role: 'contributor' as const, position: i, p })),
    ];
    for (const { role, position, p } of people) {
      db.insert(versionAgents)
        .values({ versionPk: pk, role, position, agentId: agentIdFor(p), affiliation: p.affiliation ?? null })
        .run();
    }
    const terms = [
      ...(c.keywords ?? []).map((value, position) => ({ facet: 'keyword' as const, position, value })),
      ...(c.formats ?? []).map((value, position) => ({ facet: 'format' as const, position, value })),
      ...(c.observables ?? []).map((value, position) => ({ facet: 'observable' as const, position, value })),
      ...(c.alsoInTiers ?? []).map((tier, position) => ({ facet: 'tier' as const, position, value: String(tier) })),
      ...(c.alsoInDomains ?? []).map((value, position) => ({ facet: 'domain' as const, position, value })),
    ];
    if (terms.length) db.insert(versionTerms).values(terms.map((t) => ({ versionPk: pk, ...t }))).run();
    (c.distributions ?? []).forEach((d, position) => {
      const row = db
        .insert(distributions)
        .values({
          versionPk: pk,
          position,
          title: d.title ?? null,
          mediaType: d.mediaType ?? null,
          format: d.format ?? null,
          sizeBytes: d.sizeBytes ?? null,
          checksumAlgorithm: d.checksum?.algorithm ?? null,
          checksumValue: d.checksum?.value ?? null,
          kind: d.kind ?? 'download',
        })
        .returning({ pk: distributions.pk })
        .get();
      db.insert(distributionLocations)
        .values(d.urls.map((url, i) => ({ distributionPk: row.pk, position: i, url })))
        .run();
    });
    const related = c.relatedIdentifiers ?? [];
    if (related.length) {
      db.insert(relatedIdentifiers)
        .values(related.map((r, position) => ({ versionPk: pk, position, identifierType: r.type, value: r.value, relationType: r.relation })))
        .run();
    }
    ftsDelete.run(pk);
    ftsInsert.run(pk, c.title, c.description, (c.keywords ?? []).join(' '));
  }

  function clearChildren(pk: number): void {
    db.delete(versionAgents).where(eq(versionAgents.versionPk, pk)).run();
    db.delete(versionTerms).where(eq(versionTerms.versionPk, pk)).run();
    db.delete(distributions).where(eq(distributions.versionPk, pk)).run();
    db.delete(relatedIdentifiers).where(eq(relatedIdentifiers.versionPk, pk)).run();
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
    accessLevel: c.accessLevel ?? 'open',
    embargoUntil: c.accessLevel === 'embargoed' ? (c.embargoUntil ?? null) : null,
    publisher: c.publisher ?? null,
    sizeBytes: c.sizeBytes ?? null,
    recordCount: c.recordCount ?? null,
    datasheet: c.datasheet ?? null,
    annotations: c.annotations ?? null,
  });

  return {
    /** Runs fn in one SQLite transaction (a savepoint when nested): a crash mid-write leaves nothing half-done. */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    isEmpty(): boolean {
      return db.select({ id: datasets.id }).from(datasets).limit(1).get() === undefined;
    },

    concept(id: string): ConceptRow | undefined {
      return db.select().from(datasets).where(eq(datasets.id, id)).get();
    },

    concepts(ids: readonly string[]): ConceptRow[] {
      return ids.length ? db.select().from(datasets).where(inArray(datasets.id, [...ids])).all() : [];
    },

    insertConcept(id: string, createdBy: string, now: string): void {
      db.insert(datasets).values({ id, createdBy, updatedAt: now, createdAt: now }).run();
    },

    setPointers(id: string, pointers: { latestVersionPk?: number | null; draftVersionPk?: number | null }, now: string): void {
      db.update(datasets).set({ ...pointers, updatedAt: now }).where(eq(datasets.id, id)).run();
    },

    insertVersion(datasetId: string, content: VersionContent, state: 'draft' | 'published', versionNumber: number | null, now: string): number {
      const row = db
        .insert(datasetVersions)
        .values({
          datasetId,
          versionNumber,
          state,
          ...scalarColumns(content),
          createdAt: now,
          updatedAt: now,
          publishedAt: state === 'published' ? now : null,
        })
        .returning({ pk: datasetVersions.pk })
        .get();
      writeChildren(row.pk, content);
      return row.pk;
    },

    replaceDraft(pk: number, content: VersionContent, now: string): void {
      db.update(datasetVersions)
        .set({ ...scalarColumns(content), revision: sql`${datasetVersions.revision} + 1`, updatedAt: now })
        .where(and(eq(datasetVersions.pk, pk), eq(datasetVersions.state, 'draft')))
        .run();
      clearChildren(pk);
      writeChildren(pk, content);
    },

    publishDraft(pk: number, versionNumber: number, now: string): void {
      db.update(datasetVersions)
        .set({ state: 'published', versionNumber, publishedAt: now, updatedAt: now })
        .where(and(eq(datasetVersions.pk, pk), eq(datasetVersions.state, 'draft')))
        .run();
    },

    maxVersionNumber(datasetId: string): number {
      const r = db.select({ n: max(datasetVersions.versionNumber) }).from(datasetVersions).where(eq(datasetVersions.datasetId, datasetId)).get();
      return r?.n ?? 0;
    },

    versionRow(pk: number): DatasetVersionRow | undefined {
      return db.select().from(datasetVersions).where(eq(datasetVersions.pk, pk)).get();
    },

    versionRows(pks: readonly number[]): DatasetVersionRow[] {
      return pks.length ? db.select().from(datasetVersions).where(inArray(datasetVersions.pk, [...pks])).all() : [];
    },

    versionByNumber(datasetId: string, n: number): DatasetVersionRow | undefined {
      return db
        .select()
        .from(datasetVersions)
        .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.versionNumber, n)))
        .get();
    },

    publishedVersions(datasetId: string): DatasetVersionRow[] {
      return db
        .select()
        .from(datasetVersions)
        .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.state, 'published')))
        .orderBy(asc(datasetVersions.versionNumber))
        .all();
    },

    /** Version pks for (dataset, number) pairs, keyed "id@n"; one query. */
    versionPksOf(refs: readonly { datasetId: string; version: number }[]): Map<string, number> {
      if (!refs.length) return new Map();
      const rows = db
        .select({ pk: datasetVersions.pk, datasetId: datasetVersions.datasetId, n: datasetVersions.versionNumber })
        .from(datasetVersions)
        .where(inArray(datasetVersions.datasetId, [...new Set(refs.map((r) => r.datasetId))]))
        .all();
      return new Map(rows.filter((r) => r.n != null).map((r) => [`${r.datasetId}@${r.n}`, r.pk]));
    },

    /** Published versions of many datasets, oldest first (one query for a whole GraphQL list). */
    publishedVersionsOf(datasetIds: readonly string[]): DatasetVersionRow[] {
      if (!datasetIds.length) return [];
      return db
        .select()
        .from(datasetVersions)
        .where(and(inArray(datasetVersions.datasetId, [...datasetIds]), eq(datasetVersions.state, 'published')))
        .orderBy(asc(datasetVersions.versionNumber))
        .all();
    },

    /** Full records for many versions in a fixed number of queries (one per child table). */
    records(pks: readonly number[]): Map<number, DatasetRecord> {
      const out = new Map<number, DatasetRecord>();
      if (pks.length === 0) return out;
      const ids = [...new Set(pks)];
      const rows = db.select().from(datasetVersions).where(inArray(datasetVersions.pk, ids)).all();
      const people = db
        .select({ va: versionAgents, a: agents })
        .from(versionAgents)
        .innerJoin(agents, eq(agents.id, versionAgents.agentId))
        .where(inArray(versionAgents.versionPk, ids))
        .orderBy(asc(versionAgents.position))
        .all();
      const terms = db.select().from(versionTerms).where(inArray(versionTerms.versionPk, ids)).orderBy(asc(versionTerms.position)).all();
      const dists = db.select().from(distributions).where(inArray(distributions.versionPk, ids)).orderBy(asc(distributions.position)).all();
      const locs = dists.length
        ? db
            .select()
            .from(distributionLocations)
            .where(inArray(distributionLocations.distributionPk, dists.map((d) => d.pk)))
            .orderBy(asc(distributionLocations.position))
            .all()
        : [];
      const related = db
        .select()
        .from(relatedIdentifiers)
        .where(inArray(relatedIdentifiers.versionPk, ids))
        .orderBy(asc(relatedIdentifiers.position))
        .all();

      for (const r of rows) {
        out.set(r.pk, {
          id: r.datasetId,
          version: r.versionNumber,
          state: r.state,
          versionLabel: r.versionLabel,
          title: r.title,
          description: r.description,
          tier: r.tier,
          alsoInTiers: [],
          domain: r.domain,
          alsoInDomains: [],
          dataType: r.dataType,
          resourceType: r.resourceType,
          status: r.status,
          issued: r.issued,
          license: r.license ?? LICENSE_UNKNOWN,
          accessLevel: r.accessLevel,
          embargoUntil: r.embargoUntil,
          publisher: r.publisher,
          sizeBytes: r.sizeBytes,
          recordCount: r.recordCount,
          creators: [],
          contributors: [],
          keywords: [],
          formats: [],
          observables: [],
          distributions: [],
          relatedIdentifiers: [],
          datasheet: r.datasheet ?? null,
          annotations: r.annotations ?? null,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          publishedAt: r.publishedAt,
        });
      }
      for (const { va, a } of people) {
        const rec = out.get(va.versionPk)!;
        const agent = { agentId: a.id, name: a.name, type: agentType[a.kind], orcid: a.orcid, ror: a.ror, affiliation: va.affiliation };
        (va.role === 'creator' ? rec.creators : rec.contributors).push(agent);
      }
      const facetKey = { keyword: 'keywords', format: 'formats', observable: 'observables', domain: 'alsoInDomains' } as const;
      for (const t of terms) {
        const rec = out.get(t.versionPk)!;
        if (t.facet === 'tier') rec.alsoInTiers.push(Number(t.value));
        else rec[facetKey[t.facet]].push(t.value);
      }
      const urlsByDist = new Map<number, string[]>();
      for (const l of locs) {
        const list = urlsByDist.get(l.distributionPk) ?? [];
        list.push(l.url);
        urlsByDist.set(l.distributionPk, list);
      }
      for (const d of dists) {
        out.get(d.versionPk)!.distributions.push({
          title: d.title,
          urls: urlsByDist.get(d.pk) ?? [],
          kind: d.kind,
          mediaType: d.mediaType,
          format: d.format,
          sizeBytes: d.sizeBytes,
          checksum: d.checksumAlgorithm && d.checksumValue ? { algorithm: d.checksumAlgorithm, value: d.checksumValue } : null,
        });
      }
      for (const r of related) out.get(r.versionPk)!.relatedIdentifiers.push({ type: r.identifierType, value: r.value, relation: r.relationType });
      return out;
    },
  };
}

export type DatasetsRepository = ReturnType<typeof createDatasetsRepository>;
