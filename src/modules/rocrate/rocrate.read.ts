import { FemtoError } from '../../errors.js';
import { sha256 } from '../../lib/digest.js';
import { parseOrcid, parseRor } from '../../lib/identifiers.js';
import { isAllowedUrl } from '../../lib/urls.js';
import type { CreatorInput, VersionContent } from '../datasets/datasets.schema.js';
import { importedTime } from '../prov/imported.js';
import { CRATE_VERSIONS, PROFILES } from './rocrate.terms.js';

/**
 * Reading an RO-Crate metadata document as femto takes it in: the checks the RO-Crate validator
 * makes of the file descriptor's form (a @context, a flat @graph of entities each with @id and
 * @type, a metadata descriptor about a root Data Entity), then the entities by @id. Terms are read
 * by their RO-Crate names, as RO-Crate tools do; a document femto cannot read is refused with a
 * JSON pointer to what is wrong.
 */

export type CrateEntity = Record<string, unknown> & { '@id': string; '@type': string | string[] };

export interface Crate {
  entities: Map<string, CrateEntity>;
  /** JSON pointer of each entity in the document. */
  pointers: Map<string, string>;
  root: CrateEntity;
  /** What identifies the crate across imports: its root's absolute identifier or URL, else a digest of its root. */
  identity: string;
  /** Profiles the root conforms to. */
  profiles: string[];
}

const invalid = (pointer: string, message: string) => new FemtoError('VALIDATION_FAILED', `${pointer || '/'}: ${message}`, [{ pointer, message }]);

export const refsOf = (v: unknown): string[] =>
  [v].flat().flatMap((x) => (x && typeof x === 'object' && typeof (x as { '@id'?: unknown })['@id'] === 'string' ? [(x as { '@id': string })['@id']] : []));

export const textsOf = (v: unknown): string[] =>
  [v]
    .flat()
    .flatMap((x) =>
      typeof x === 'string'
        ? [x]
        : typeof x === 'number'
          ? [String(x)]
          : x && typeof x === 'object' && '@value' in x
            ? [String((x as { '@value': unknown })['@value'])]
            : [],
    );

export const text = (v: unknown): string | undefined => textsOf(v)[0]?.trim() || undefined;

/** Refs and plain strings (identifiers, licences and URLs come either way). */
const idsOrTexts = (v: unknown) => [...refsOf(v), ...textsOf(v)];

export const typesOf = (e: CrateEntity): string[] => [e['@type']].flat();

const isAbsolute = (id: string) => /^[a-z][a-z0-9+.-]*:/i.test(id);

/** Nested objects in a flattened crate are references (`{"@id"}`) or value objects (`{"@value"}`), nothing else. */
function nestedEntity(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(nestedEntity);
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return '@value' in o ? '@id' in o : !('@id' in o) || Object.keys(o).length > 1;
}

const DESCRIPTORS = ['ro-crate-metadata.json', 'ro-crate-metadata.jsonld'];

export function readCrate(doc: unknown): Crate {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('', 'an RO-Crate metadata document is a JSON object');
  const d = doc as Record<string, unknown>;
  if (d['@context'] === undefined) throw invalid('/@context', 'is missing: an RO-Crate names the RO-Crate JSON-LD context');
  if (!Array.isArray(d['@graph'])) throw invalid('/@graph', 'must be the array of the crate’s entities (flattened JSON-LD)');
  const entities = new Map<string, CrateEntity>();
  const pointers = new Map<string, string>();
  d['@graph'].forEach((raw: unknown, i) => {
    const pointer = `/@graph/${i}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(pointer, 'an entity is a JSON object');
    const e = raw as Record<string, unknown>;
    if (typeof e['@id'] !== 'string' || !e['@id']) throw invalid(`${pointer}/@id`, 'every entity has an @id');
    if (e['@type'] === undefined || ![e['@type']].flat().every((t) => typeof t === 'string')) throw invalid(`${pointer}/@type`, 'every entity has an @type');
    for (const [k, v] of Object.entries(e))
      if (!k.startsWith('@') && nestedEntity(v))
        throw invalid(`${pointer}/${k}`, 'is a nested entity: the @graph must be flattened (refer to entities by {"@id"})');
    // JSON-LD reads two descriptions of one @id as one node with the values of both.
    const before = entities.get(e['@id']);
    if (before) {
      for (const [k, v] of Object.entries(e)) if (k !== '@id') before[k] = k in before ? [...new Set([before[k], v].flat())] : v;
      return;
    }
    entities.set(e['@id'], { ...e } as CrateEntity);
    pointers.set(e['@id'], pointer);
  });
  const descriptor = [...entities.values()].find(
    (e) => DESCRIPTORS.some((name) => e['@id'] === name || e['@id'].endsWith(`/${name}`)) && refsOf(e.about).length,
  );
  if (!descriptor) throw invalid('/@graph', 'has no metadata descriptor: an entity "ro-crate-metadata.json" about the root Data Entity');
  const specs = refsOf(descriptor.conformsTo);
  const knownSpecs = Object.values(CRATE_VERSIONS).map((v) => v.spec as string);
  if (specs.length && !specs.some((s) => /^https:\/\/w3id\.org\/ro\/crate\/\d/.test(s))) {
    throw invalid(`${pointers.get(descriptor['@id'])}/conformsTo`, `names no RO-Crate specification (such as ${knownSpecs.join(' or ')})`);
  }
  const rootId = refsOf(descriptor.about)[0];
  const root = entities.get(rootId);
  if (!root || !typesOf(root).includes('Dataset'))
    throw invalid(
      `${pointers.get(descriptor['@id'])}/about`,
      `must name the root Data Entity, a Dataset described in the crate ('${rootId}' is ${root ? 'not a Dataset' : 'not described'})`,
    );
  const absolute = [...idsOrTexts(root.identifier), ...idsOrTexts(root.url), root['@id']].find(isAbsolute);
  const identity = absolute ?? `crate:${sha256(JSON.stringify([text(root.name), text(root.description), text(root.datePublished)])).slice(0, 16)}`;
  return { entities, pointers, root, identity, profiles: refsOf(root.conformsTo) };
}

/** Whether the crate records a run (Process, Workflow or Provenance Run Crate): its root is the run's container, not a dataset. */
export const isRunCrate = (c: Crate) => c.profiles.some((p) => p.startsWith('https://w3id.org/ro/wfrun/'));
export const recordsSteps = (c: Crate) => c.profiles.some((p) => p.startsWith(PROFILES.provenance['@id'].replace(/\d+\.\d+$/, '')));

/** What identifies an entity beyond this crate: its absolute @id, else the crate's identity and its local @id. */
export const identityOf = (c: Crate, e: CrateEntity) => (isAbsolute(e['@id']) ? e['@id'] : `${c.identity}#${e['@id']}`);

export function agentOf(c: Crate, id: string): (CreatorInput & { type: 'Person' | 'Organization' }) | undefined {
  const e = c.entities.get(id);
  const type = e && typesOf(e).find((t) => t === 'Person' || t === 'Organization');
  if (!e || !type) return undefined;
  const ids = [id, ...idsOrTexts(e.identifier)];
  const orcid = ids.map(parseOrcid).find(Boolean) ?? undefined;
  const ror = type === 'Organization' ? (ids.map(parseRor).find(Boolean) ?? undefined) : undefined;
  const affiliation =
    refsOf(e.affiliation)
      .map((a) => text(c.entities.get(a)?.name))
      .find(Boolean) ?? text(e.affiliation);
  const name = text(e.name) ?? ([text(e.givenName), text(e.familyName)].filter(Boolean).join(' ') || id);
  return { name, type, ...(orcid ? { orcid } : {}), ...(ror ? { ror } : {}), ...(affiliation ? { affiliation } : {}) };
}

const CHECKSUMS = ['sha256', 'sha512', 'sha1', 'md5'] as const;
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

type Distribution = NonNullable<VersionContent['distributions']>[number];

/** A File (or directory) entity as a distribution when it lives at an allowed URL; undefined for a file inside the crate. */
function distributionOf(e: CrateEntity): Distribution | undefined {
  const urls = [...new Set([e['@id'], ...idsOrTexts(e.contentUrl)])].filter(isAllowedUrl).slice(0, 20);
  if (!urls.length) return undefined;
  const format = text(e.encodingFormat) ?? refsOf(e.encodingFormat)[0];
  const size = Number(text(e.contentSize));
  const algorithm = CHECKSUMS.find((a) => /^[0-9a-f]+$/i.test(text(e[a]) ?? ''));
  return {
    urls,
    kind: 'download',
    ...(text(e.name) ? { title: text(e.name)!.slice(0, 500) } : {}),
    ...(format && MEDIA_TYPE.test(format) ? { mediaType: format } : format ? { format: format.slice(0, 100) } : {}),
    ...(Number.isSafeInteger(size) && size >= 0 ? { sizeBytes: size } : {}),
    ...(algorithm ? { checksum: { algorithm, value: text(e[algorithm])! } } : {}),
  };
}

/** A Dataset or File entity as femto content: its files with URLs become distributions, the others are listed by path. */
export function contentOf(c: Crate, e: CrateEntity, isSpdx: (id: string) => boolean): VersionContent {
  const title = (text(e.name) ?? text(e.alternateName) ?? (e === c.root ? `RO-Crate ${c.identity}` : e['@id'])).slice(0, 1000);
  const parts = [e, ...refsOf(e.hasPart).flatMap((id) => c.entities.get(id) ?? []), ...refsOf(e.distribution).flatMap((id) => c.entities.get(id) ?? [])].filter(
    (p) => (p === e ? typesOf(e).includes('File') : true),
  );
  const distributions = parts.flatMap((p) => distributionOf(p) ?? []).slice(0, 1000);
  const localFiles = [...refsOf(e.hasPart).filter((id) => !isAllowedUrl(id)), ...(typesOf(e).includes('File') && !isAllowedUrl(e['@id']) ? [e['@id']] : [])];
  const licenses = [...refsOf(e.license), ...textsOf(e.license)].flatMap((l) => [
    l,
    text(c.entities.get(l)?.identifier) ?? '',
    l.replace(/^https?:\/\/spdx\.org\/licenses\//, '').replace(/\.html$/, ''),
  ]);
  const license = licenses.find(isSpdx);
  const people = (v: unknown) =>
    refsOf(v)
      .flatMap((id) => agentOf(c, id) ?? [])
      .slice(0, 1000);
  const keywords = textsOf(e.keywords)
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  const doi = [e['@id'], ...idsOrTexts(e.identifier), ...idsOrTexts(e['cite-as'])].find((x) => /^https?:\/\/(dx\.)?doi\.org\/10\./.test(x));
  const publisher =
    refsOf(e.publisher)
      .map((p) => text(c.entities.get(p)?.name))
      .find(Boolean) ?? text(e.publisher);
  return {
    title,
    description: (text(e.description) ?? title).slice(0, 100_000),
    license: license ?? null,
    creators: [...people(e.author), ...people(e.creator)],
    contributors: people(e.contributor),
    keywords: [...new Set(keywords)].slice(0, 200).map((k) => k.slice(0, 200)),
    distributions,
    relatedIdentifiers: doi ? [{ type: 'DOI' as const, value: doi.replace(/^https?:\/\/(dx\.)?doi\.org\//, ''), relation: 'IsIdenticalTo' as const }] : [],
    version: text(e.version)?.slice(0, 100) ?? null,
    publisher: publisher?.slice(0, 500) ?? null,
    annotations: {
      rocrate: {
        crate: c.identity,
        id: e['@id'],
        ...(text(e.datePublished) ? { datePublished: text(e.datePublished) } : {}),
        ...(localFiles.length ? { files: localFiles.slice(0, 1000) } : {}),
        ...(license === undefined && licenses.length ? { license: licenses[0] } : {}),
      },
    },
  };
}

/** A crate's time as femto stores it (a time without an offset is UTC, as cwltool writes them). */
export const timeOf = (v: unknown): string | undefined => importedTime(text(v));
