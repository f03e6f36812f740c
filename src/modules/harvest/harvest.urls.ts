/** What an IRI may not hold (RFC 3987: spaces, controls, <>"{}|\^`), percent-encoded: identifiers written by curators or imported may hold them. */
// eslint-disable-next-line no-control-regex -- control characters are among what an IRI may not hold
const iriSafe = (text: string) => text.replace(/[\u0000-\u0020<>"{}|\\^`\u007f-\u009f]/g, (c) => encodeURIComponent(c));

/** A DOI is printable ASCII and may hold such characters (SICI DOIs hold < and >), and # or ?, which would end its path early. */
export const doiUrl = (doi: string) => `https://doi.org/${iriSafe(doi).replace(/[#?]/g, (c) => encodeURIComponent(c))}`;
export const spdxUrl = (id: string) => `https://spdx.org/licenses/${id}`;

/** Related identifiers as resolvable URLs where the scheme has a resolver; null when it has none. */
export function resolvableUrl(type: string, value: string): string | null {
  const url = resolverUrl(type, value);
  return url === null ? null : iriSafe(url);
}

function resolverUrl(type: string, value: string): string | null {
  if (/^https?:\/\//i.test(value)) return value;
  switch (type) {
    case 'DOI':
    case 'HEPData':
      return /^10\./.test(value) ? doiUrl(value) : null;
    case 'arXiv':
      return `https://arxiv.org/abs/${value.replace(/^arxiv:/i, '')}`;
    case 'Handle':
      return `https://hdl.handle.net/${value}`;
    case 'INSPIRE':
      return /^\d+$/.test(value) ? `https://inspirehep.net/literature/${value}` : null;
    case 'PMID':
      return `https://pubmed.ncbi.nlm.nih.gov/${value}`;
    case 'bibcode':
      return `https://ui.adsabs.harvard.edu/abs/${value}`;
    case 'SWHID':
      return `https://archive.softwareheritage.org/${value}`;
    default:
      return null;
  }
}

/** Lower-case slug for OAI set specs ("Active Matter & Chemotaxis" -> "active-matter-chemotaxis"). */
export const slugOf = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
