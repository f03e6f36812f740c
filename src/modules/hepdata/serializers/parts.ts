import { doiUrl } from '../../harvest/harvest.urls.js';
import type { DataciteAttributes } from '../../identifiers/serializers/datacite.js';
import type { HepdataTable } from '../hepdata.schema.js';

/** The landing page anchor of a table (its row in the page's table list): the table's IRI when HEPData gave it no DOI. */
export const hepdataTableAnchor = (position: number) => `hepdata-table-${position + 1}`;

const tableIri = (t: HepdataTable, position: number, landing: string) => (t.doi ? doiUrl(t.doi) : `${landing}#${hepdataTableAnchor(position)}`);

/**
 * The tables as DataCite related items (kernel 4.4+): parts of the record named by their titles,
 * with their DOIs where HEPData gave them. A DOI whose registered metadata has related items of its
 * own speaks for the record there (as for every other property).
 */
export function withHepdataRelatedItems(a: DataciteAttributes, tables: readonly HepdataTable[]): DataciteAttributes {
  if (!tables.length || a.relatedItems?.length) return a;
  return {
    ...a,
    relatedItems: tables.map((t) => ({
      relatedItemType: 'Dataset',
      relationType: 'HasPart',
      ...(t.doi ? { relatedItemIdentifier: { relatedItemIdentifier: t.doi, relatedItemIdentifierType: 'DOI' } } : {}),
      titles: [{ title: t.name }, ...(t.location ? [{ title: t.location, titleType: 'Subtitle' }] : [])],
    })),
  };
}

/** The tables as DCAT datasets the record `dct:hasPart` (DCAT-AP: a dcat:Dataset named anywhere has its title and description). */
export function hepdataDcatParts(tables: readonly HepdataTable[], landing: string): Record<string, unknown>[] {
  return tables.map((t, i) => ({
    '@id': tableIri(t, i, landing),
    '@type': 'Dataset',
    title: t.location ? `${t.name}: ${t.location}` : t.name,
    description: t.description,
    ...(t.keywords.length ? { keyword: [...new Set(t.keywords.map((k) => k.value))] } : {}),
  }));
}
