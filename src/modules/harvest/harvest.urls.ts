export const doiUrl = (doi: string) => `https://doi.org/${doi}`;
export const spdxUrl = (id: string) => `https://spdx.org/licenses/${id}`;

/** Related identifiers as resolvable URLs where the scheme has a resolver; null when it has none. */
export function resolvableUrl(type: string, value: string): string | null {
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
