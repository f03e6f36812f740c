import type { DatasetRecord } from '../../datasets/datasets.schema.js';
import type { HarvestItem, SerializerContext } from '../harvest.service.js';
import { doiUrl } from '../harvest.urls.js';
import { contextDocument } from '../jsonld.js';
import { raiProperties } from './datasheet.js';
import { citationOf } from './html.js';
import { activityNode, describedLongEnough, femtoOrganization, personOrOrg, schemaOrgLicense } from './schemaorg.js';

/**
 * Croissant 1.1 (MLCommons; mlcommons/croissant docs/croissant-spec-1.1.md): the ML loader's view of a dataset version.
 * Files are cr:FileObject (§FileObject: contentUrl, encodingFormat, sha256 or md5), the stated contents of an archive
 * cr:FileSet (§FileSet: containedIn, includes, excludes, encodingFormat), the observables the version
 * measures are the cr:Field of a cr:RecordSet read from each file (§RecordSets), recommended splits a cr:Split
 * record set (§Splits), the datasheet fills the RAI vocabulary, and lineage PROV-O (§Provenance Representation).
 */
export const CROISSANT_PROFILE = 'http://mlcommons.org/croissant/1.1';
export const CROISSANT_JSONLD = `application/ld+json; profile="${CROISSANT_PROFILE}"`;

/** Most fields one document holds (files × observables); the rest is left out and said so. */
export const MAX_FIELDS = 5000;

type Json = Record<string, unknown>;
type Distribution = DatasetRecord['distributions'][number];

/** Appendix 1's context (served from schema/jsonld/) with the vocabularies femto adds, as the spec's examples do. */
const context = (base: string): Json => ({
  ...(contextDocument('croissant-1.1.jsonld')['@context'] as Json),
  '@base': base,
  schema: 'http://schema.org/',
  prov: 'http://www.w3.org/ns/prov#',
  qudt: 'http://qudt.org/schema/qudt/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
});

/**
 * Split names Croissant gives a meaning to. §Splits of the 1.1 text writes cr:TrainingSplit, but the vocabulary
 * (docs/croissant.ttl) defines cr:TrainSplit, cr:ValidationSplit and cr:TestSplit: the vocabulary is what RDF
 * consumers resolve, so its terms are used.
 */
const SPLIT_TYPES: Record<string, string> = {
  train: 'cr:TrainSplit',
  training: 'cr:TrainSplit',
  val: 'cr:ValidationSplit',
  valid: 'cr:ValidationSplit',
  validation: 'cr:ValidationSplit',
  dev: 'cr:ValidationSplit',
  test: 'cr:TestSplit',
  testing: 'cr:TestSplit',
};

/** Why a distribution cannot be a cr:FileObject, or undefined when it can. */
function unfit(d: Distribution, embargoed: boolean): string | undefined {
  if (!d.urls.length) return embargoed ? 'under embargo, its location is withheld' : 'no location the caller may see';
  if (d.kind === 'access') return 'an access page or service, not a file';
  if (!d.mediaType && !d.format) return 'no media type (Croissant requires encodingFormat)';
  if (d.checksum?.algorithm !== 'sha256' && d.checksum?.algorithm !== 'md5')
    return d.checksum ? `a ${d.checksum.algorithm} checksum (Croissant takes sha256 or md5)` : 'no checksum (Croissant requires sha256 or md5)';
  return undefined;
}

/** @ids unique within the document (§ID and Reference Mechanism), readable: a file's name where it has one. */
function idAllocator() {
  const taken = new Set<string>();
  return (wanted: string) => {
    const base = wanted.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'file';
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return id;
  };
}

const fileName = (d: Distribution) => {
  const last = d.urls[0]?.split(/[?#]/)[0].split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : (d.title ?? 'file');
};

export function croissantDocument(item: HarvestItem, ctx: SerializerContext): Json {
  const r = item.record;
  const landing = ctx.urls.version(r.id, r.version);
  const id = idAllocator();
  ['splits', 'observables'].forEach(id);

  const notes: string[] = [];
  const resources: Json[] = [];
  /** What record sets read from: each file, or the file sets inside an archive whose contents are stated. */
  const sources: { id: string; name: string; kind: 'fileObject' | 'fileSet' }[] = [];
  const omitted: string[] = [];
  r.distributions.forEach((d, i) => {
    const why = unfit(d, item.embargoed);
    const label = d.title ?? (d.urls.length ? fileName(d) : `distribution ${i + 1}`);
    if (why) return void omitted.push(`'${label}' (${why})`);
    const name = fileName(d);
    const fileId = id(name);
    const mirrors = d.urls.slice(1);
    resources.push({
      '@type': 'cr:FileObject',
      '@id': fileId,
      name,
      ...((d.title && d.title !== name) || mirrors.length
        ? {
            description: [d.title !== name ? d.title : undefined, mirrors.length ? `Also served at ${mirrors.join(', ')}.` : undefined]
              .filter(Boolean)
              .join('. '),
          }
        : {}),
      contentUrl: d.urls[0],
      encodingFormat: d.mediaType ?? d.format,
      ...(d.sizeBytes != null ? { contentSize: `${d.sizeBytes} B` } : {}),
      ...(d.checksum!.algorithm === 'sha256' ? { sha256: d.checksum!.value.toLowerCase() } : { md5: d.checksum!.value.toLowerCase() }),
    });
    if (!d.contents.length) return void sources.push({ id: fileId, name, kind: 'fileObject' });
    // §FileSet: files inside an archive, found by glob from the archive's root.
    for (const c of d.contents) {
      const setName = c.title ?? `${c.includes.join(', ')} in ${name}`;
      const setId = id(`${name}/${c.title ?? c.includes[0]}`);
      resources.push({
        '@type': 'cr:FileSet',
        '@id': setId,
        name: setName,
        containedIn: { '@id': fileId },
        encodingFormat: c.mediaType,
        includes: c.includes,
        ...(c.excludes?.length ? { excludes: c.excludes } : {}),
      });
      sources.push({ id: setId, name: setName, kind: 'fileSet' });
    }
  });
  if (omitted.length) {
    notes.push(
      `${omitted.length} of the ${r.distributions.length} distributions of this version are not listed as cr:FileObject, which needs a file's location, media type and sha256 or md5 checksum: ${omitted.join('; ')}.`,
    );
  }

  const recordSets: Json[] = [];
  const observables = r.observables.map((iri) => ({
    iri,
    info: ctx.describeObservable(iri),
    slug: iri
      .replace(/[/#]+$/, '')
      .split(/[/#]/)
      .pop()!,
  }));
  if (observables.length) {
    const usable = Math.min(sources.length, Math.floor(MAX_FIELDS / observables.length));
    sources.slice(0, usable).forEach((source) => {
      const rsId = sources.length === 1 ? 'observables' : `observables/${source.id}`;
      recordSets.push({
        '@type': 'cr:RecordSet',
        '@id': rsId,
        name: `observables in ${source.name}`,
        description: `The physical observables this dataset measures (femto ontology), with their QUDT units, as read from ${source.name}. femto does not record how they are laid out in the files.`,
        field: observables.map((o) => ({
          '@type': 'cr:Field',
          '@id': `${rsId}/${o.slug}`,
          name: o.info.name,
          description: `${o.info.name}${o.info.unitText ? ` [${o.info.unitText}]` : ''}: ${o.iri}`,
          // An atomic type first (§DataType), then the observable as the semantic type of each value.
          dataType: ['sc:Float', o.iri],
          ...(o.info.unitCode ? { 'qudt:unit': { '@id': o.info.unitCode } } : {}),
          source: { [source.kind]: { '@id': source.id } },
        })),
      });
    });
    if (!sources.length)
      notes.push(
        `The observables this dataset measures (${observables.map((o) => o.info.name).join(', ')}) are not given as cr:RecordSet: a field needs a file to read from, and no file is listed.`,
      );
    else if (usable < sources.length)
      notes.push(`Observables are given for the first ${usable} of ${sources.length} files or file sets (at most ${MAX_FIELDS} fields per document).`);
  }

  const splits = r.datasheet?.composition?.splits;
  if (splits?.length) {
    const typed = splits.every((s) => SPLIT_TYPES[s.name.toLowerCase()]);
    const counted = splits.every((s) => s.instances != null);
    recordSets.push({
      '@type': 'cr:RecordSet',
      '@id': 'splits',
      name: 'splits',
      description: 'The data splits the datasheet recommends.',
      dataType: 'cr:Split',
      key: { '@id': 'splits/name' },
      field: [
        { '@type': 'cr:Field', '@id': 'splits/name', name: 'name', dataType: 'sc:Text' },
        ...(typed ? [{ '@type': 'cr:Field', '@id': 'splits/url', name: 'url', dataType: 'cr:Split' }] : []),
        ...(counted ? [{ '@type': 'cr:Field', '@id': 'splits/instances', name: 'instances', dataType: 'sc:Integer' }] : []),
      ],
      data: splits.map((s) => ({
        'splits/name': s.name,
        ...(typed ? { 'splits/url': SPLIT_TYPES[s.name.toLowerCase()] } : {}),
        ...(counted ? { 'splits/instances': s.instances } : {}),
      })),
    });
  }

  const upstream = item.upstream.map((u) => ({ '@id': ctx.urls.version(u.dataset, u.version) }));
  const description = [describedLongEnough(r), ...notes].join('\n\n');
  return {
    '@context': context(`${landing}/`),
    '@type': 'sc:Dataset',
    '@id': item.doi ? doiUrl(item.doi) : landing,
    conformsTo: CROISSANT_PROFILE,
    name: r.title,
    description,
    url: landing,
    // A planned release has no files yet: loaders should know before they look for any.
    creativeWorkStatus: r.status,
    ...(r.creators.length ? { creator: r.creators.map(personOrOrg) } : {}),
    ...(r.contributors.length ? { contributor: r.contributors.map(personOrOrg) } : {}),
    // As in schema.org: the source's issue date and publisher only when known, femto as the provider.
    ...(r.issued ? { datePublished: r.issued } : {}),
    license: schemaOrgLicense(r),
    ...(r.keywords.length ? { keywords: r.keywords } : {}),
    ...(r.publisher ? { publisher: { '@type': 'Organization', name: r.publisher } } : {}),
    provider: femtoOrganization(ctx),
    ...(r.version != null ? { version: r.versionLabel ?? String(r.version) } : {}),
    ...(r.publishedAt ? { dateModified: r.publishedAt } : {}),
    ...(item.doi ? { identifier: doiUrl(item.doi), sameAs: landing } : {}),
    citeAs: citationOf(item, ctx),
    isAccessibleForFree: r.accessLevel === 'open' || (r.accessLevel === 'embargoed' && !item.embargoed),
    ...(upstream.length ? { 'prov:wasDerivedFrom': upstream } : {}),
    ...(item.generatedBy.length ? { 'prov:wasGeneratedBy': item.generatedBy.map((a) => activityNode(a, ctx)) } : {}),
    ...raiProperties(r.datasheet),
    distribution: resources,
    ...(recordSets.length ? { recordSet: recordSets } : {}),
  };
}
