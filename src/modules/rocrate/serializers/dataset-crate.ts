import type { SiteUrls } from '../../../lib/site-urls.js';
import type { HarvestItem } from '../../harvest/harvest.service.js';
import { doiUrl, resolvableUrl } from '../../harvest/harvest.urls.js';
import { accessSentence } from '../../harvest/serializers/schemaorg.js';
import { agentEntity, CrateGraph, licenseOf, organizationId, ROOT, type CrateVersion, type Entity } from '../rocrate.terms.js';

const CHECKSUM_TERMS: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

export const NO_LICENSE = 'No licence is stated for this dataset; ask its publisher before reuse.';

/** Files of the version's distributions the caller may see (none under an active embargo), as web-based File entities in the root's hasPart. */
function files(crate: CrateGraph, h: HarvestItem): { '@id': string }[] {
  return h.record.distributions.flatMap((d) => {
    if (!d.urls.length) return [];
    const checksum = d.checksum && CHECKSUM_TERMS[d.checksum.algorithm] ? { [CHECKSUM_TERMS[d.checksum.algorithm]]: d.checksum.value.toLowerCase() } : {};
    const file: Entity = {
      '@id': d.urls[0],
      '@type': 'File',
      name: d.title ?? decodeURIComponent(new URL(d.urls[0]).pathname.split('/').pop() || d.urls[0]),
      ...(d.urls.length > 1 ? { contentUrl: d.urls } : {}),
      ...(d.mediaType || d.format ? { encodingFormat: d.mediaType ?? d.format } : {}),
      ...(d.sizeBytes != null ? { contentSize: String(d.sizeBytes) } : {}),
      ...checksum,
      ...(d.kind === 'access' ? { additionalType: 'access' } : {}),
    };
    return [crate.add(file)];
  });
}

/**
 * One dataset version as an RO-Crate metadata document: the root Data Entity is the version (the
 * same description as every other format gives), its files the distributions' URLs, creators and
 * organisations contextual entities under their ORCID or ROR iDs.
 */
export function datasetCrate(h: HarvestItem, urls: SiteUrls, version: CrateVersion) {
  const r = h.record;
  const crate = new CrateGraph();
  const landing = urls.version(r.id, r.version);
  const related = r.relatedIdentifiers.map((x) => resolvableUrl(x.type, x.value) ?? `${x.type}:${x.value}`);
  const parts = files(crate, h);
  const root: Entity = {
    '@id': ROOT,
    '@type': 'Dataset',
    name: r.title,
    description: r.description,
    // RO-Crate requires a publication date: the version's own issue date where known, else when femto published it (or, for a draft, made it).
    datePublished: r.issued ?? r.publishedAt ?? r.createdAt,
    license: licenseOf(crate, r.license, NO_LICENSE),
    identifier: h.doi ? doiUrl(h.doi) : landing,
    ...(h.doi ? { 'cite-as': doiUrl(h.doi) } : {}),
    url: landing,
    ...(r.version != null ? { version: r.versionLabel ?? String(r.version) } : {}),
    ...(r.creators.length ? { author: r.creators.map((c) => agentEntity(crate, c)) } : {}),
    ...(r.contributors.length ? { contributor: r.contributors.map((c) => agentEntity(crate, c)) } : {}),
    ...(r.publisher ? { publisher: crate.add({ '@id': organizationId(r.publisher), '@type': 'Organization', name: r.publisher }) } : {}),
    ...(r.keywords.length ? { keywords: r.keywords } : {}),
    ...(r.formats.length ? { encodingFormat: r.formats } : {}),
    conditionsOfAccess: accessSentence(h),
    ...(parts.length ? { hasPart: parts } : {}),
    ...(h.upstream.length
      ? { isBasedOn: h.upstream.map((u) => crate.add({ '@id': urls.version(u.dataset, u.version), '@type': 'CreativeWork', name: u.title })) }
      : {}),
    ...(related.length ? { citation: related } : {}),
    ...(r.sizeBytes != null ? { contentSize: String(r.sizeBytes) } : {}),
  };
  crate.add(root);
  return crate.document(version);
}
