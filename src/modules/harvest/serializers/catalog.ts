import type { SerializerContext } from '../harvest.service.js';
import { CATALOG_DESCRIPTION, DCAT_CONTEXT_FILE } from './dcat.js';
import { SCHEMAORG_CONTEXT } from './schemaorg.js';

/** A page of the catalog; its datasets' nodes (schemaOrgNode / dcatNode) are rendered, and cached, per version. */
export interface CatalogPage {
  total: number;
  page: number;
  lastPage: number;
  /** The URL of page n with the caller's other parameters kept. */
  pageUrl(n: number): string;
}

/** Hydra paging, written with the hydra: prefix so it reads the same in either context. */
function view(p: CatalogPage) {
  const ref = (n: number) => ({ '@id': p.pageUrl(n) });
  return {
    '@id': p.pageUrl(p.page),
    '@type': 'hydra:PartialCollectionView',
    'hydra:first': ref(1),
    'hydra:last': ref(p.lastPage),
    ...(p.page > 1 ? { 'hydra:previous': ref(Math.min(p.page - 1, p.lastPage)) } : {}),
    ...(p.page < p.lastPage ? { 'hydra:next': ref(p.page + 1) } : {}),
  };
}

export function schemaOrgCatalog(p: CatalogPage, ctx: SerializerContext, datasets: unknown[]) {
  return {
    '@context': [...SCHEMAORG_CONTEXT, { hydra: 'http://www.w3.org/ns/hydra/core#' }],
    '@id': ctx.urls.catalog,
    '@type': ['DataCatalog', 'hydra:Collection'],
    name: ctx.repositoryName,
    description: CATALOG_DESCRIPTION,
    url: ctx.urls.catalog,
    publisher: { '@type': 'Organization', name: ctx.repositoryName },
    'hydra:totalItems': p.total,
    'hydra:view': view(p),
    dataset: datasets,
  };
}

export function dcatCatalog(p: CatalogPage, ctx: SerializerContext, datasets: unknown[]) {
  return {
    '@context': ctx.urls.context(DCAT_CONTEXT_FILE),
    '@id': ctx.urls.catalog,
    '@type': ['Catalog', 'hydra:Collection'],
    title: ctx.repositoryName,
    description: CATALOG_DESCRIPTION,
    homepage: { '@id': ctx.urls.base, '@type': 'foaf:Document' },
    publisher: { '@id': ctx.urls.base, '@type': 'Agent', name: ctx.repositoryName },
    totalItems: p.total,
    view: view(p),
    dataset: datasets,
  };
}

/** JSON text of a catalog document with its last member, `dataset`, given as JSON texts: the bytes JSON.stringify would give. */
export function catalogJson(document: { dataset: unknown[] }, nodes: string[]): string {
  const head = JSON.stringify({ ...document, dataset: [] });
  return `${head.slice(0, -'[]}'.length)}[${nodes.join(',')}]}`;
}
