import type { DataciteAttributes } from './serializers/datacite.js';

/**
 * The DataCite properties femto delivers in a PUT, plus url and state. Everything else DataCite
 * returns (created, updated, registered, published, isActive, viewCount, xml, identifiers,
 * metadataVersion, source, ...) is the server's own and never compared.
 */
const COMPARED = [
  'url',
  'state',
  'creators',
  'titles',
  'publisher',
  'publicationYear',
  'types',
  'subjects',
  'contributors',
  'dates',
  'language',
  'alternateIdentifiers',
  'relatedIdentifiers',
  'relatedItems',
  'sizes',
  'formats',
  'version',
  'rightsList',
  'descriptions',
  'geoLocations',
  'fundingReferences',
] as const;

/** Keys DataCite fills in by itself (name parsing, scheme URIs, language defaults): compared only when femto sends them. */
const ENRICHED = new Set(['givenName', 'familyName', 'schemeUri', 'lang', 'nameType', 'affiliationIdentifierScheme']);

type Json = string | boolean | null | Json[] | { [k: string]: Json };

/** Numbers as strings (publicationYear comes back as a number), trimmed strings, no empty values. */
function canonical(v: unknown): Json | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const items = v.map(canonical).filter((x): x is Json => x !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return undefined;
}

/** Shapes DataCite answers in more than one form, brought to one. */
function normalize(field: (typeof COMPARED)[number], v: unknown): unknown {
  if (field === 'publisher' && typeof v === 'string') return { name: v };
  if (field === 'types' && v && typeof v === 'object') {
    // DataCite derives ris, bibtex, citeproc and schemaOrg types from resourceTypeGeneral.
    const t = v as Record<string, unknown>;
    return { resourceTypeGeneral: t.resourceTypeGeneral, resourceType: t.resourceType };
  }
  if ((field === 'creators' || field === 'contributors') && Array.isArray(v)) {
    return v.map((n) => ({ ...n, affiliation: (n.affiliation ?? []).map((a: unknown) => (typeof a === 'string' ? { name: a } : a)) }));
  }
  return v;
}

function same(mine: Json | undefined, theirs: Json | undefined): boolean {
  if (mine === undefined || theirs === undefined) return mine === theirs;
  if (Array.isArray(mine) || Array.isArray(theirs)) {
    return Array.isArray(mine) && Array.isArray(theirs) && mine.length === theirs.length && mine.every((m, i) => same(m, theirs[i]));
  }
  if (typeof mine === 'object' && mine !== null && typeof theirs === 'object' && theirs !== null) {
    const keys = new Set([...Object.keys(mine), ...Object.keys(theirs).filter((k) => !ENRICHED.has(k))]);
    return [...keys].every((k) => same(mine[k], theirs[k]));
  }
  return mine === theirs;
}

/** The properties in which the registrar's record differs from what femto would deliver, in COMPARED order. */
export function metadataDifferences(mine: DataciteAttributes & { state: string }, theirs: DataciteAttributes & { state?: string }): string[] {
  const get = (a: object, f: string) => (a as Record<string, unknown>)[f];
  return COMPARED.filter((f) => !same(canonical(normalize(f, get(mine, f))), canonical(normalize(f, get(theirs, f)))));
}
