import { orcidUrl, rorUrl } from '../../lib/identifiers.js';
import type { HarvestItem, SerializerContext } from './harvest.service.js';
import { LICENSE_UNKNOWN } from '../datasets/datasets.schema.js';
import { doiUrl, spdxUrl } from './harvest.urls.js';

export interface SignpostLink {
  href: string;
  rel: string;
  type?: string;
}

/**
 * FAIR Signposting level 1 for a landing page (https://signposting.org/FAIR/): cite-as,
 * describedby (each metadata representation), type, author, license, item, plus the level 2
 * linkset. `landing` is the URL these links are served at (the dataset's, or one version's):
 * its linkset has it as anchor. Files hidden by an embargo are not announced.
 */
export function signposts(item: HarvestItem, ctx: SerializerContext, metadata: { mediaType: string; format: string }[], landing: string): SignpostLink[] {
  const r = item.record;
  const self = ctx.urls.version(r.id, r.version);
  return [
    // A record with a DOI of its own (minted elsewhere) is cited by it, before any DOI femto minted.
    { rel: 'cite-as', href: item.citeAsDoi ? doiUrl(item.citeAsDoi) : self },
    ...metadata.map((m) => ({ rel: 'describedby', href: `${landing}?format=${m.format}`, type: m.mediaType })),
    { rel: 'type', href: 'https://schema.org/Dataset' },
    { rel: 'type', href: 'https://schema.org/AboutPage' },
    ...r.creators.flatMap((c) => (c.orcid ? [orcidUrl(c.orcid)] : c.ror ? [rorUrl(c.ror)] : [])).map((href) => ({ rel: 'author', href })),
    ...(r.license !== LICENSE_UNKNOWN ? [{ rel: 'license', href: spdxUrl(r.license) }] : []),
    ...r.distributions.flatMap((d) => d.urls.map((href) => ({ rel: 'item', href, ...(d.mediaType ? { type: d.mediaType } : {}) }))),
    { rel: 'linkset', href: `${landing}/linkset`, type: 'application/linkset+json' },
  ];
}

const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** Characters that would end a Link target or split the header are percent-encoded; the rest of the URL is kept. */
const safeTarget = (href: string) => href.replace(/[<>"\s]/g, (c) => encodeURIComponent(c));

/** RFC 8288 Link header value; parameters are quoted strings. */
export const linkHeader = (links: SignpostLink[]) => links.map((l) => `<${safeTarget(l.href)}>; rel=${quoted(l.rel)}${typeParams(l.type)}`).join(', ');

/** `type` carries the bare media type; a JSON-LD profile goes into its own `profile` parameter (as Signposting does). */
function typeParams(mediaType: string | undefined): string {
  if (!mediaType) return '';
  const [bare, ...params] = mediaType.split(';').map((p) => p.trim());
  const profile = params.map((p) => /^profile\s*=\s*"?([^"]*)"?$/i.exec(p)?.[1]).find(Boolean);
  return `; type=${quoted(bare)}${profile ? `; profile=${quoted(profile)}` : ''}`;
}

/** RFC 9264 application/linkset+json: one context object with the landing page as anchor. */
export function linkset(anchor: string, links: SignpostLink[]) {
  const byRel: Record<string, { href: string; type?: string }[]> = {};
  for (const l of links) if (l.rel !== 'linkset') (byRel[l.rel] ??= []).push(l.type ? { href: l.href, type: l.type } : { href: l.href });
  return { linkset: [{ anchor, ...byRel }] };
}
