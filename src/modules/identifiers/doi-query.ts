import { FemtoError } from '../../errors.js';
import type { DoiTerm } from './identifiers.repository.js';

/** DataCite's `query` field names (its search index paths) and the field of femto's DOI metadata each searches. */
const FIELDS: Record<string, DoiTerm['field']> = {
  doi: 'doi',
  id: 'doi',
  uid: 'doi',
  'titles.title': 'title',
  title: 'title',
  'creators.name': 'creator',
  'creators.familyName': 'creator',
  'creators.givenName': 'creator',
  creator: 'creator',
  publisher: 'publisher',
  'publisher.name': 'publisher',
  publicationYear: 'year',
  'types.resourceTypeGeneral': 'resourceTypeGeneral',
  resourceTypeGeneral: 'resourceTypeGeneral',
  'descriptions.description': 'description',
};

const MAX_TERMS = 10;
const invalidQuery = (message: string) => new FemtoError('VALIDATION_FAILED', `query: ${message}`, [{ pointer: 'querystring/query', message }]);

/**
 * The subset of DataCite's query syntax (Elasticsearch query_string) that a client of `GET /dois` uses: `field:value`
 * and plain terms, values quoted ("two words") or with `*` / `?` wildcards, all terms required (`AND` is implied).
 * Matching is case-insensitive and by substring, as a DataCite token match would find it.
 */
export function parseDoiQuery(query: string | undefined): DoiTerm[] {
  if (!query?.trim()) return [];
  const terms: DoiTerm[] = [];
  for (const m of query.matchAll(/(?:([A-Za-z][\w.]*):)?(?:"([^"]*)"|(\S+))/g)) {
    const [, name, quoted, bare] = m;
    if (!name && bare === 'AND') continue;
    if (!name && (bare === 'OR' || bare === 'NOT')) throw invalidQuery(`${bare} is not supported: every term must match`);
    const field = name ? FIELDS[name] : 'any';
    if (!field) throw invalidQuery(`unknown field '${name}'; searchable: ${Object.keys(FIELDS).join(', ')}`);
    const value = (quoted ?? bare).replace(/^\((.*)\)$/, '$1');
    if (!value) continue;
    const pattern = value
      .replace(/[\\%_]/g, (c) => `\\${c}`)
      .replace(/\*/g, '%')
      .replace(/\?/g, '_');
    terms.push({ field, pattern: `%${pattern}%` });
  }
  if (terms.length > MAX_TERMS) throw invalidQuery(`at most ${MAX_TERMS} terms`);
  return terms;
}
