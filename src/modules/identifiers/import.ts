import { sha256 } from '../../lib/digest.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { FemtoError } from '../../errors.js';
import { parseBoundedJson } from '../../lib/json.js';
import type { FileInput, Importer } from '../imports/imports.schema.js';
import { unitDigest } from '../imports/imports.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import { partialDate, RELATED_ID_TYPES, RELATION_TYPES, RESOURCE_TYPES, type VersionContent } from '../datasets/datasets.schema.js';
import { relatedInNormalForm } from '../datasets/physics.schema.js';
import { normalizeDoi } from './doi.js';
import type { IdentifiersRepository } from './identifiers.repository.js';
import { assertAllowedUrls } from './urls.js';
import {
  abstractOf,
  agentOfDatacite,
  looksLikeDatacite,
  parseDataciteJson,
  parseDataciteXml,
  primaryTitle,
  spdxOfRights,
} from './serializers/datacite-parse.js';
import { UNAVAILABLE, type DataciteAttributes } from './serializers/datacite.js';

/** Parses one file's text as DataCite XML or JSON; throws when it is neither. */
function parseDataciteRecord(text: string, jsonMaxDepth: number, name: string): DataciteAttributes {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('<')) return parseDataciteXml(trimmed);
  const json = parseBoundedJson(trimmed, jsonMaxDepth, name);
  if (!looksLikeDatacite(json)) throw new FemtoError('UNPROCESSABLE', 'not a DataCite record');
  return parseDataciteJson(json);
}

/**
 * DataCite metadata as femto content. Fields femto requires of REST writes but DataCite does not
 * know (tier, dataType) stay empty: imports go through createPublished, which accepts that. The
 * full DataCite record is kept in the version's annotations, so nothing is lost.
 */
/** The source's issue date: DataCite's Issued date, else its publication year (what it states, no more precise). */
function issuedOf(a: DataciteAttributes): string | null {
  const issued = a.dates?.find((d) => d.dateType === 'Issued')?.date;
  if (issued && partialDate.safeParse(issued).success) return issued;
  const year = a.publicationYear != null ? String(a.publicationYear) : '';
  return /^\d{4}$/.test(year) ? year : null;
}

const stated = (name: string | undefined) => (name && name !== UNAVAILABLE ? name : null);

const relatedTypes = new Set<string>(RELATED_ID_TYPES);
const relations = new Set<string>(RELATION_TYPES);

/** The positions, in the DataCite record, of the related identifiers femto keeps (schemes and relations it knows). */
const keptRelated = (a: DataciteAttributes): number[] =>
  (a.relatedIdentifiers ?? []).flatMap((r, i) =>
    relatedTypes.has(r.relatedIdentifierType) && relations.has(r.relationType) && r.relatedIdentifier ? [i] : [],
  );

/** A refusal of the content, its related identifier pointers turned back into the DataCite record's own. */
function inDataciteTerms(err: unknown, a: DataciteAttributes): unknown {
  if (!(err instanceof FemtoError)) return err;
  const kept = keptRelated(a);
  for (const e of err.errors) e.pointer = e.pointer.replace(/^\/relatedIdentifiers\/(\d+)/, (_, i: string) => `/relatedIdentifiers/${kept[Number(i)] ?? i}`);
  return err;
}

export function contentFromDatacite(a: DataciteAttributes): VersionContent {
  const license = a.rightsList ? spdxOfRights(a.rightsList) : undefined;
  const resourceType = RESOURCE_TYPES.find((t) => t === a.types?.resourceTypeGeneral) ?? 'Other';
  const title = primaryTitle(a) ?? a.doi ?? 'Untitled';
  return {
    title,
    description: abstractOf(a) ?? title,
    // DataCite's ":unav" placeholders say that nothing is known; they are no creator or publisher.
    creators: (a.creators ?? []).filter((c) => stated(c.name)).map(agentOfDatacite),
    contributors: (a.contributors ?? []).map(agentOfDatacite),
    resourceType,
    license: license ?? null,
    keywords: [...new Set((a.subjects ?? []).map((s) => s.subject).filter(Boolean))],
    formats: [...new Set(a.formats ?? [])],
    relatedIdentifiers: keptRelated(a)
      .map((i) => a.relatedIdentifiers![i])
      .map((r) => relatedInNormalForm({ type: r.relatedIdentifierType as never, value: r.relatedIdentifier, relation: r.relationType as never })),
    version: a.version ?? null,
    publisher: stated(a.publisher?.name),
    issued: issuedOf(a),
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

const XML_NAMESPACE = /<resource[^>]+xmlns(:\w+)?="http:\/\/datacite\.org\/schema\/kernel-/;

/** Whether a file holds a DataCite record (kernel XML, DataCite JSON or a JSON:API document of one). */
function detect(input: FileInput): boolean {
  const text = input.bytes
    .subarray(0, 64 * 1024)
    .toString('utf8')
    .trimStart();
  if (text.startsWith('<')) return XML_NAMESPACE.test(text);
  if (!text.startsWith('{')) return false;
  try {
    return looksLikeDatacite(JSON.parse(input.bytes.toString('utf8')));
  } catch {
    return false; // not JSON: some other format's
  }
}

interface DataciteUnit {
  attrs: DataciteAttributes;
  doi: string | null;
  dataset: string;
}

/**
 * DataCite records (kernel-4 XML or DataCite JSON, one per file) become published datasets with
 * their DOIs. The DOI already exists at its registration agency, so it is recorded as findable and
 * synced, with no outbox row; importing the same DOI again changes nothing.
 */
export function dataciteImporter(deps: {
  datasets: DatasetsService;
  repo: IdentifiersRepository;
  urls: SiteUrls;
  jsonMaxDepth: number;
}): Importer<DataciteUnit> {
  const { datasets, repo, urls, jsonMaxDepth } = deps;
  return {
    format: 'datacite',
    title: 'DataCite records (kernel-4 XML or DataCite JSON, one per file) as published datasets with their DOIs',
    mediaTypes: ['application/xml', 'text/xml', 'application/vnd.datacite.datacite+xml', 'application/vnd.datacite.datacite+json', 'application/json'],
    extensions: ['.xml', '.json'],
    detect,

    *parse(input) {
      if (input.kind !== 'file') throw new FemtoError('UNPROCESSABLE', `${input.name}: a DataCite record is one file`);
      const text = input.bytes.toString('utf8');
      const attrs = parseDataciteRecord(text, jsonMaxDepth, input.name);
      assertAllowedUrls(attrs, '');
      const doi = attrs.doi ? normalizeDoi(attrs.doi) : null;
      if (attrs.doi && !doi)
        throw new FemtoError('DOI_INVALID', `${input.name}: '${attrs.doi}' is not a valid DOI`, [{ pointer: '/doi', message: 'not a valid DOI' }]);
      const dataset = datasetIdFor(doi, text);
      yield { key: doi ? `doi:${doi}` : dataset, source: input.name, digest: unitDigest(text), data: { attrs, doi, dataset } };
    },

    async apply({ data: { attrs, doi, dataset } }, actor, { dryRun }) {
      const location = urls.dataset(dataset);
      const existing = doi ? await repo.get(doi) : undefined;
      if (existing) {
        const id = existing.datasetId ?? dataset;
        return { status: 'unchanged', message: `DOI ${doi} is already bound to dataset ${id}`, subject: { id, location: urls.dataset(id) } };
      }
      let v: Awaited<ReturnType<DatasetsService['createPublished']>>;
      try {
        v = await datasets.createPublished(actor, dataset, contentFromDatacite(attrs));
      } catch (err) {
        throw inDataciteTerms(err, attrs);
      }
      if (doi) {
        const t = new Date().toISOString();
        const { doi: _d, prefix: _p, suffix: _s, url, event: _e, schemaVersion: _v, ...kept } = attrs as DataciteAttributes & Record<string, unknown>;
        delete kept.state;
        await repo.insert({
          doi,
          state: 'findable',
          datasetId: dataset,
          versionPk: v.pk,
          isConcept: false,
          url: url ?? location,
          attributes: kept,
          registrationStatus: 'synced',
          syncedAt: t,
          createdAt: t,
          updatedAt: t,
        });
      }
      const what = `dataset ${dataset}${doi ? ` with DOI ${doi}` : ''}`;
      return { status: 'created', message: dryRun ? `would create ${what}` : `created ${what}`, subject: { id: dataset, location } };
    },
  };
}
