import { risType } from '../../../lib/resource-types.js';
import { UNAVAILABLE, type DataciteAttributes, type DataciteName } from './datacite.js';

/**
 * Citation formats derived from DataCite metadata, as DataCite's own content negotiation offers them.
 * They cite only what is recorded: DataCite's `:unav` placeholders are no author or publisher, and a
 * year is given only when it is known (`year`: null when the record has no issue date; undefined:
 * publicationYear, as for a DOI femto registered). A note says what is not recorded.
 */
export interface CitationInput {
  attributes: DataciteAttributes;
  year?: string | null;
}

const familyGiven = (c: DataciteName) => {
  if (c.familyName) return { family: c.familyName, given: c.givenName };
  if (c.nameType === 'Personal' && c.name.includes(',')) {
    const [family, given] = c.name.split(',').map((s) => s.trim());
    return { family, given };
  }
  return { literal: c.name };
};

/** DataCite's "unavailable" placeholder names no one: citations leave it out. */
const authorsOf = (a: DataciteAttributes) => (a.creators ?? []).filter((c) => c.name && c.name !== UNAVAILABLE);
const publisherOf = (a: DataciteAttributes) => (a.publisher?.name && a.publisher.name !== UNAVAILABLE ? a.publisher.name : undefined);
const yearOf = (c: CitationInput) =>
  c.year === undefined ? (c.attributes.publicationYear != null ? String(c.attributes.publicationYear) : undefined) : (c.year ?? undefined);
const title = (a: DataciteAttributes) => a.titles?.[0]?.title ?? '';
const abstract = (a: DataciteAttributes) => a.descriptions?.find((d) => d.descriptionType === 'Abstract')?.description;
const doiUrl = (a: DataciteAttributes) => (a.doi ? `https://doi.org/${a.doi}` : a.url);

/** "No creator or publisher recorded" — said rather than filled in with the catalog's name. */
function missingNote(a: DataciteAttributes): string | undefined {
  const missing = [...(authorsOf(a).length ? [] : ['creator']), ...(publisherOf(a) ? [] : ['publisher'])];
  return missing.length ? `No ${missing.join(' or ')} recorded` : undefined;
}

/** CSL-JSON (citeproc), one item. */
export function cslJson(c: CitationInput, id: string): string {
  const a = c.attributes;
  const year = yearOf(c);
  const note = missingNote(a);
  return JSON.stringify({
    id,
    type: a.types?.resourceTypeGeneral === 'Software' ? 'software' : 'dataset',
    title: title(a),
    author: authorsOf(a).map(familyGiven),
    ...(publisherOf(a) ? { publisher: publisherOf(a) } : {}),
    ...(year ? { issued: { 'date-parts': [[Number(year)]] } } : {}),
    ...(note ? { note } : {}),
    ...(a.doi ? { DOI: a.doi } : {}),
    ...(doiUrl(a) ? { URL: doiUrl(a) } : {}),
    ...(a.version ? { version: a.version } : {}),
    ...(abstract(a) ? { abstract: abstract(a) } : {}),
  });
}

/** Inside a BibTeX value, backslash and braces are escaped; the value itself is braced (which protects capitalisation). */
const bibEscape = (v: string | number) => String(v).replace(/[\\{}]/g, (c) => `\\${c}`);

export function bibtex(c: CitationInput, key: string): string {
  const a = c.attributes;
  // An organisation's name is one literal author: double braces keep BibTeX from splitting it into names.
  const authors = authorsOf(a).map((n) => {
    const name = familyGiven(n);
    return 'literal' in name
      ? `{${bibEscape(name.literal ?? '')}}`
      : name.given
        ? `${bibEscape(name.family ?? '')}, ${bibEscape(name.given)}`
        : bibEscape(name.family ?? '');
  });
  const escaped = (v: string | number | undefined) => (v === undefined || v === '' ? undefined : bibEscape(v));
  const fields: [string, string | undefined][] = [
    ['author', authors.join(' and ') || undefined],
    ['title', escaped(title(a))],
    ['publisher', escaped(publisherOf(a))],
    ['year', escaped(yearOf(c))],
    ['version', escaped(a.version)],
    ['doi', escaped(a.doi)],
    ['url', escaped(doiUrl(a))],
    ['note', escaped(missingNote(a))],
  ];
  const body = fields
    .filter(([, v]) => v)
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(',\n');
  return `@misc{${key.replace(/[^\w:./-]/g, '_')},\n${body}\n}\n`;
}

/** RIS: tag, two spaces, hyphen, space, value; CRLF line ends as the format specifies. */
export function ris(c: CitationInput): string {
  const a = c.attributes;
  const lines: [string, string | undefined][] = [
    ['TY', risType(a.types?.resourceTypeGeneral)],
    ['T1', title(a)],
    ...authorsOf(a).map((n): [string, string] => ['AU', n.name]),
    ['PY', yearOf(c)],
    ['PB', publisherOf(a)],
    ['N1', missingNote(a)],
    ['DO', a.doi],
    ['UR', doiUrl(a)],
    ['ET', a.version],
    ['AB', abstract(a)],
    ...(a.subjects ?? []).map((s): [string, string] => ['KW', s.subject]),
    ['ER', ''],
  ];
  return (
    lines
      .filter(([t, v]) => v !== undefined && (v !== '' || t === 'ER'))
      .map(([t, v]) => `${t}  - ${v}`)
      .join('\r\n') + '\r\n'
  );
}
