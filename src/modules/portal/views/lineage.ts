import { html, page, type SafeHtml } from '../../../lib/html.js';
import type { Layout } from '../lineage-layout.js';

export interface LineageView {
  datasetId: string;
  title: string;
  direction: string;
  depth: number;
  truncated: boolean;
  truncatedReason: string | null;
  layout: Layout;
}

const clip = (s: string, n = 34) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function svg(layout: Layout): SafeHtml {
  const pad = 4;
  return html`<svg class="lineage" role="img" aria-label="Lineage graph" width="${layout.width + 2 * pad}" height="${layout.height + 2 * pad}" viewBox="${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}" xmlns="http://www.w3.org/2000/svg">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5b6470"/></marker></defs>
${layout.edges.map((e) => html`<path d="${e.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ')}"/>`)}
${layout.nodes.map((n) => {
  const box = html`<g class="node ${n.kind}${n.root ? ' root' : ''}" data-id="${n.id}"><title>${n.label}</title><rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width}" height="${n.height}" rx="${n.kind === 'activity' ? 14 : 3}"/><text x="${n.x.toFixed(1)}" y="${(n.y + 4).toFixed(1)}" text-anchor="middle">${clip(n.label)}</text></g>`;
  return n.href ? html`<a href="${n.href}">${box}</a>` : box;
})}
</svg>`;
}

export function lineagePage(v: LineageView): string {
  const other = (direction: string) => `/portal/lineage/${encodeURIComponent(v.datasetId)}?direction=${direction}&depth=${v.depth}`;
  const body = html`<h1>Lineage of <a href="/datasets/${encodeURIComponent(v.datasetId)}">${v.title}</a></h1>
<p class="meta">${(['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const).map((d) => (d === v.direction ? html`<strong>${d.toLowerCase()}</strong> ` : html`<a href="${other(d)}">${d.toLowerCase()}</a> `))}
· depth ${v.depth} · ${v.layout.nodes.length} nodes · data flows left to right: inputs → step → outputs</p>
${v.truncated ? html`<p class="badge embargoed" id="truncated">Truncated (${v.truncatedReason}): more lineage exists beyond this view. <a href="/portal/lineage/${encodeURIComponent(v.datasetId)}?direction=${v.direction}&depth=${v.depth + 5}">Go deeper</a></p>` : ''}
${v.layout.nodes.length > 1 ? svg(v.layout) : html`<p>No recorded derivation steps in this direction.</p>`}`;
  return page({ title: `Lineage: ${v.title} — femto`, body });
}
