import { UNAVAILABLE, type DataciteAttributes, type DataciteName } from './datacite.js';

/**
 * Citation formats derived from DataCite metadata, as DataCite's own content negotiation offers them.
 * They cite only what is recorded: DataCite's `:unav` placeholders are no author or publisher, and
 * a year is given only when it is known (`year`: null when the record has no issue date; undefined:
 * publicationYear, as for a DOI femto registered). A note says what is not recorded.
 */
export interface CitationInput {
  attributes: DataciteAttributes;
  year?: string | null;
}

const known = (v: string | undefined) => (v && v !== UNAVAILABLE ? v : undefined);
const creatorsOf = (a: DataciteAttributes) => (a.creators ?? []).filter((c) => known(c.name));
const publisherOf = (a: DataciteAttributes) => known(a.publisher?.name);
const yearOf = (c: CitationInput) => (c.year === undefined ? c.attributes.publicationYear : (c.year ?? undefined));

/** "No creator or publisher recorded" — said rather than filled in with the catalog's name. */
function missingNote(a: DataciteAttributes): string | undefined {
  const missing = [...(creatorsOf(a).length ? [] : ['creator']), ...(publisherOf(a) ? [] : ['publisher'])];
  return missing.length ? `No ${missing.join(' or ')} recorded` : undefined;
}

const familyGiven = (c: DataciteName) => {
  if (c.familyName) return { family: c.familyName, given: c.givenName };
  if (c.nameType === 'Personal' && c.name.includes(',')) {
    const [family, given] = c.name.split(',').map((s) => s.trim());
    return { family, given };
  }
  return { literal: c.name };
};

const title = (a: DataciteAttributes) => a.titles?.[0]?.title ?? '';
const abstract = (a: DataciteAttributes) => a.descriptions?.find((d) => d.descriptionType === 'Abstract')?.description;
const doiUrl = (a: DataciteAttributes) => (a.doi ? `https://doi.org/${a.doi}` : a.url);

/** CSL-JSON (citeproc), one item. */
export function cslJson(c: CitationInput, id: string): string {
  const a = c.attributes;
  const year = yearOf(c);
  const note = missingNote(a);
  return JSON.stringify({
    id,
    type: a.types?.resourceTypeGeneral === 'Software' ? 'software' : 'dataset',
    title: title(a),
    author: creatorsOf(a).map(familyGiven),
    ...(publisherOf(a) ? { publisher: publisherOf(a) } : {}),
    ...(year ? { issued: { 'date-parts': [[Number(year)]] } } : {}),
    ...(note ? { note } : {}),
    ...(a.doi ? { DOI: a.doi } : {}),
    ...(doiUrl(a) ? { URL: doiUrl(a) } : {}),
    ...(a.version ? { version: a.version } : {}),
    ...(abstract(a) ? { abstract: abstract(a) } : {}),
  });
}

/** BibTeX braces protect capitalisation; backslash and braces inside values are escaped. */
const bib = (v: string) => `{${v.replace(/[\\{}]/g, (c) => `\\${c}`)}}`;

export function bibtex(c: CitationInput, key: string): string {
  const a = c.attributes;
  const authors = creatorsOf(a).map((c) => {
    const n = familyGiven(c);
    return 'literal' in n ? `{${n.literal}}` : n.given ? `${n.family}, ${n.given}` : n.family;
  });
  const fields: [string, string | undefined][] = [
    ['author', authors.join(' and ') || undefined],
    ['title', title(a)],
    ['publisher', publisherOf(a)],
    ['year', yearOf(c)],
    ['version', a.version],
    ['doi', a.doi],
    ['url', doiUrl(a)],
    ['note', missingNote(a)],
  ];
  const body = fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = ${bib(v!)}`).join(',\n');
  return `@misc{${key.replace(/[^\w:./-]/g, '_')},\n${body}\n}\n`;
}

/** RIS: tag, two spaces, hyphen, space, value; CRLF line ends as the format specifies. */
export function ris(c: CitationInput): string {
  const a = c.attributes;
  const lines: [string, string | undefined][] = [
    ['TY', a.types?.resourceTypeGeneral === 'Software' ? 'COMP' : 'DATA'],
    ['T1', title(a)],
    ...creatorsOf(a).map((c): [string, string] => ['AU', c.name]),
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
  return lines.filter(([t, v]) => v !== undefined && (v !== '' || t === 'ER')).map(([t, v]) => `${t}  - ${v}`).join('\r\n') + '\r\n';
}
