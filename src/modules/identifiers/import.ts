import { sha256 } from '../../lib/digest.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { FemtoError } from '../../errors.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import { RELATED_ID_TYPES, RELATION_TYPES, RESOURCE_TYPES, type VersionContent } from '../datasets/datasets.schema.js';
import { normalizeDoi } from './doi.js';
import type { IdentifiersRepository } from './identifiers.repository.js';
import { assertAllowedUrls } from './urls.js';
import { abstractOf, agentOfDatacite, looksLikeDatacite, parseDataciteJson, parseDataciteXml, primaryTitle, spdxOfRights } from './serializers/datacite-parse.js';
import type { DataciteAttributes } from './serializers/datacite.js';

export interface ImportResult {
  source: string;
  status: 'created' | 'exists';
  dataset: string;
  doi: string | null;
}

/** Parses one file's text as DataCite XML or JSON; throws when it is neither. */
export function parseDataciteRecord(text: string): DataciteAttributes {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('<')) return parseDataciteXml(trimmed);
  const json = JSON.parse(trimmed) as unknown;
  if (!looksLikeDatacite(json)) throw new FemtoError('UNPROCESSABLE', 'not a DataCite record');
  return parseDataciteJson(json);
}

/**
 * DataCite metadata as femto content. Fields femto requires of REST writes but DataCite does not
 * know (tier, dataType) stay empty: imports go through createPublished, which accepts that. The
 * full DataCite record is kept in the version's annotations, so nothing is lost.
 */
export function contentFromDatacite(a: DataciteAttributes): VersionContent {
  const license = a.rightsList ? spdxOfRights(a.rightsList) : undefined;
  const resourceType = RESOURCE_TYPES.find((t) => t === a.types?.resourceTypeGeneral) ?? 'Other';
  const relatedTypes = new Set<string>(RELATED_ID_TYPES);
  const relations = new Set<string>(RELATION_TYPES);
  const title = primaryTitle(a) ?? a.doi ?? 'Untitled';
  return {
    title,
    description: abstractOf(a) ?? title,
    creators: (a.creators ?? []).map(agentOfDatacite),
    contributors: (a.contributors ?? []).map(agentOfDatacite),
    resourceType,
    license: license ?? null,
    keywords: [...new Set((a.subjects ?? []).map((s) => s.subject).filter(Boolean))],
    formats: [...new Set(a.formats ?? [])],
    relatedIdentifiers: (a.relatedIdentifiers ?? [])
      .filter((r) => relatedTypes.has(r.relatedIdentifierType) && relations.has(r.relationType) && r.relatedIdentifier)
      .map((r) => ({ type: r.relatedIdentifierType as never, value: r.relatedIdentifier, relation: r.relationType as never })),
    version: a.version ?? null,
    publisher: a.publisher?.name ?? null,
    annotations: { datacite: a },
  };
}

/** A dataset id (slug) derived from the DOI, or from the content when there is none. */
function datasetIdFor(doi: string | null, text: string): string {
  const base = `doi-${(doi ?? '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  const hash = sha256(doi ?? text).slice(0, 8);
  if (!doi) return `import-${hash}`;
  return base.length <= 64 ? base : `${base.slice(0, 55).replace(/-$/, '')}-${hash}`;
}

export function createImporter(deps: { datasets: DatasetsService; repo: IdentifiersRepository; urls: SiteUrls }) {
  const { datasets, repo, urls } = deps;

  /**
   * Creates a published dataset from a DataCite record and binds its DOI. The DOI already exists
   * at its registration agency, so it is recorded as findable and synced, with no outbox row;
   * importing the same DOI again changes nothing.
   */
  return function importRecord(actor: Actor, source: string, text: string): ImportResult {
    const attrs = parseDataciteRecord(text);
    assertAllowedUrls(attrs, '');
    const doi = attrs.doi ? normalizeDoi(attrs.doi) : null;
    if (attrs.doi && !doi) throw new FemtoError('DOI_INVALID', `${source}: '${attrs.doi}' is not a valid DOI`);
    const id = datasetIdFor(doi, text);
    const existing = doi ? repo.get(doi) : undefined;
    if (existing) return { source, status: 'exists', dataset: existing.datasetId ?? id, doi };
    return repo.transaction(() => {
      const v = datasets.createPublished(actor, id, contentFromDatacite(attrs));
      if (doi) {
        const t = new Date().toISOString();
        const { doi: _d, prefix: _p, suffix: _s, url, event: _e, schemaVersion: _v, ...kept } = attrs as DataciteAttributes & Record<string, unknown>;
        delete kept.state;
        repo.insert({
          doi,
          state: 'findable',
          datasetId: id,
          versionPk: v.pk,
          isConcept: false,
          url: url ?? urls.dataset(id),
          attributes: kept,
          registrationStatus: 'synced',
          syncedAt: t,
          createdAt: t,
          updatedAt: t,
        });
      }
      return { source, status: 'created' as const, dataset: id, doi };
    });
  };
}

export type Importer = ReturnType<typeof createImporter>;
