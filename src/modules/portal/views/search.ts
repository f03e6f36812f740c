import { html, page, type SafeHtml } from '../../../lib/html.js';
import type { SearchQuery } from '../../search/search.schema.js';
import type { SearchResult } from '../../search/search.service.js';

const facetTitles = { status: 'Status', tier: 'Tier', domain: 'Domain', dataType: 'Data type', format: 'Format', observable: 'Observable' } as const;

/** Labels of ontology IRIs come from the same describers the harvest formats use (the ontology's rdfs:label). */
export interface TermLabels {
  observable(iri: string): string;
  domain(iri: string): string;
}

function link(query: SearchQuery, change: Partial<Record<keyof SearchQuery, string | undefined>>): string {
  const params = new URLSearchParams();
  const merged = { ...query, cursor: undefined, ...change } as Record<string, unknown>;
  for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== '' && k !== 'limit') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `/?${qs}` : '/';
}

function facetList(query: SearchQuery, result: SearchResult, labels: TermLabels): SafeHtml[] {
  return (Object.keys(facetTitles) as (keyof typeof facetTitles)[])
    .filter((f) => result.facets[f]?.length)
    .map((facet) => {
      const active = query[facet] !== undefined ? String(query[facet]) : undefined;
      return html`<section><h2>${facetTitles[facet]}</h2><ul>${result.facets[facet]
        .slice(0, 15)
        .map(
          (v) =>
            html`<li class="${v.value === active ? 'active' : ''}"><a href="${link(query, { [facet]: v.value === active ? undefined : v.value })}">${
              facet === 'observable' ? labels.observable(v.value) : (v.label ?? v.value)
            }</a> <span class="meta">${v.count}</span></li>`,
        )}</ul></section>`;
    });
}

export function searchPage(query: SearchQuery, result: SearchResult, labels: TermLabels): string {
  const items = result.items.map(({ record: r }) => {
    const access =
      r.accessLevel === 'open' ? '' : html`<span class="badge ${r.accessLevel}">${r.accessLevel}${r.embargoUntil ? ` until ${r.embargoUntil}` : ''}</span>`;
    const status = html`<span class="badge status ${r.status}" title="record status">${r.status}</span>`;
    return html`<li>
<h3><a href="/datasets/${encodeURIComponent(r.id)}">${r.title}</a></h3>
<div class="meta">${status}${r.tier !== null ? html`<span class="badge">tier ${r.tier}</span>` : ''}${r.dataType ? html`<span class="badge">${r.dataType}</span>` : ''}${access}
${r.domain ? labels.domain(r.domain) : ''}${r.formats.length ? ` · ${r.formats.join(', ')}` : ''} · <a href="/portal/lineage/${encodeURIComponent(r.id)}">lineage</a></div>
<p>${r.description.length > 300 ? r.description.slice(0, 300) + '…' : r.description}</p>
</li>`;
  });
  const next = result.nextCursor ? html`<a rel="next" href="${link(query, { cursor: result.nextCursor })}">Next page</a>` : '';
  const body = html`<h1>Physics datasets</h1>
<form class="search" action="/" method="get" role="search">
<input type="search" name="q" value="${query.q ?? ''}" placeholder="Search titles, descriptions, keywords" aria-label="Search">
${(['status', 'tier', 'domain', 'dataType', 'format', 'observable'] as const).map((f) => (query[f] !== undefined ? html`<input type="hidden" name="${f}" value="${String(query[f])}">` : ''))}
<button type="submit">Search</button>
</form>
<div class="layout">
<aside class="facets" aria-label="Filters">${facetList(query, result, labels)}</aside>
<section aria-label="Results">
<p class="meta" id="count">${result.total} ${result.total === 1 ? 'dataset' : 'datasets'}</p>
<ol class="results">${items}</ol>
<nav class="pager">${next}</nav>
</section>
</div>`;
  return page({ title: query.q ? `${query.q} — femto` : 'femto — physics datasets', body });
}
