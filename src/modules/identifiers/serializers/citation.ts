import { risType } from '../../../lib/resource-types.js';
import { UNAVAILABLE, type DataciteAttributes, type DataciteName } from './datacite.js';

/** Citation formats derived from DataCite metadata, as DataCite's own content negotiation offers them. */

const familyGiven = (c: DataciteName) => {
  if (c.familyName) return { family: c.familyName, given: c.givenName };
  if (c.nameType === 'Personal' && c.name.includes(',')) {
    const [family, given] = c.name.split(',').map((s) => s.trim());
    return { family, given };
  }
  return { literal: c.name };
};

/** DataCite's "unavailable" placeholder names no one: citations leave it out. */
const authorsOf = (a: DataciteAttributes) => (a.creators ?? []).filter((c) => c.name !== UNAVAILABLE);
const title = (a: DataciteAttributes) => a.titles?.[0]?.title ?? '';
const abstract = (a: DataciteAttributes) => a.descriptions?.find((d) => d.descriptionType === 'Abstract')?.description;
const doiUrl = (a: DataciteAttributes) => (a.doi ? `https://doi.org/${a.doi}` : a.url);

/** CSL-JSON (citeproc), one item. */
export function cslJson(a: DataciteAttributes, id: string): string {
  return JSON.stringify({
    id,
    type: a.types?.resourceTypeGeneral === 'Software' ? 'software' : 'dataset',
    title: title(a),
    author: authorsOf(a).map(familyGiven),
    ...(a.publisher ? { publisher: a.publisher.name } : {}),
    ...(a.publicationYear ? { issued: { 'date-parts': [[Number(a.publicationYear)]] } } : {}),
    ...(a.doi ? { DOI: a.doi } : {}),
    ...(doiUrl(a) ? { URL: doiUrl(a) } : {}),
    ...(a.version ? { version: a.version } : {}),
    ...(abstract(a) ? { abstract: abstract(a) } : {}),
  });
}

/** Inside a BibTeX value, backslash and braces are escaped; the value itself is braced (which protects capitalisation). */
const bibEscape = (v: string | number) => String(v).replace(/[\\{}]/g, (c) => `\\${c}`);

export function bibtex(a: DataciteAttributes, key: string): string {
  // An organisation's name is one literal author: double braces keep BibTeX from splitting it into names.
  const authors = authorsOf(a).map((c) => {
    const n = familyGiven(c);
    return 'literal' in n ? `{${bibEscape(n.literal ?? '')}}` : n.given ? `${bibEscape(n.family ?? '')}, ${bibEscape(n.given)}` : bibEscape(n.family ?? '');
  });
  const escaped = (v: string | number | undefined) => (v === undefined || v === '' ? undefined : bibEscape(v));
  const fields: [string, string | undefined][] = [
    ['author', authors.join(' and ') || undefined],
    ['title', escaped(title(a))],
    ['publisher', escaped(a.publisher?.name)],
    ['year', escaped(a.publicationYear)],
    ['version', escaped(a.version)],
    ['doi', escaped(a.doi)],
    ['url', escaped(doiUrl(a))],
  ];
  const body = fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = {${v}}`).join(',\n');
  return `@misc{${key.replace(/[^\w:./-]/g, '_')},\n${body}\n}\n`;
}

/** RIS: tag, two spaces, hyphen, space, value; CRLF line ends as the format specifies. */
export function ris(a: DataciteAttributes): string {
  const lines: [string, string | undefined][] = [
    ['TY', risType(a.types?.resourceTypeGeneral)],
    ['T1', title(a)],
    ...authorsOf(a).map((c): [string, string] => ['AU', c.name]),
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
