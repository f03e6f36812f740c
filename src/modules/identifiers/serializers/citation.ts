import type { DataciteAttributes, DataciteName } from './datacite.js';

/** Citation formats derived from DataCite metadata, as DataCite's own content negotiation offers them. */

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
export function cslJson(a: DataciteAttributes, id: string): string {
  return JSON.stringify({
    id,
    type: a.types?.resourceTypeGeneral === 'Software' ? 'software' : 'dataset',
    title: title(a),
    author: (a.creators ?? []).map(familyGiven),
    ...(a.publisher ? { publisher: a.publisher.name } : {}),
    ...(a.publicationYear ? { issued: { 'date-parts': [[Number(a.publicationYear)]] } } : {}),
    ...(a.doi ? { DOI: a.doi } : {}),
    ...(doiUrl(a) ? { URL: doiUrl(a) } : {}),
    ...(a.version ? { version: a.version } : {}),
    ...(abstract(a) ? { abstract: abstract(a) } : {}),
  });
}

/** BibTeX braces protect capitalisation; backslash and braces inside values are escaped. */
const bib = (v: string) => `{${v.replace(/[\\{}]/g, (c) => `\\${c}`)}}`;

export function bibtex(a: DataciteAttributes, key: string): string {
  const authors = (a.creators ?? []).map((c) => {
    const n = familyGiven(c);
    return 'literal' in n ? `{${n.literal}}` : n.given ? `${n.family}, ${n.given}` : n.family;
  });
  const fields: [string, string | undefined][] = [
    ['author', authors.join(' and ') || undefined],
    ['title', title(a)],
    ['publisher', a.publisher?.name],
    ['year', a.publicationYear],
    ['version', a.version],
    ['doi', a.doi],
    ['url', doiUrl(a)],
  ];
  const body = fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = ${bib(v!)}`).join(',\n');
  return `@misc{${key.replace(/[^\w:./-]/g, '_')},\n${body}\n}\n`;
}

/** RIS: tag, two spaces, hyphen, space, value; CRLF line ends as the format specifies. */
export function ris(a: DataciteAttributes): string {
  const lines: [string, string | undefined][] = [
    ['TY', a.types?.resourceTypeGeneral === 'Software' ? 'COMP' : 'DATA'],
    ['T1', title(a)],
    ...(a.creators ?? []).map((c): [string, string] => ['AU', c.name]),
    ['PY', a.publicationYear],
    ['PB', a.publisher?.name],
    ['DO', a.doi],
    ['UR', doiUrl(a)],
    ['ET', a.version],
    ['AB', abstract(a)],
    ...(a.subjects ?? []).map((s): [string, string] => ['KW', s.subject]),
    ['ER', ''],
  ];
  return lines.filter(([t, v]) => v !== undefined && (v !== '' || t === 'ER')).map(([t, v]) => `${t}  - ${v}`).join('\r\n') + '\r\n';
}
