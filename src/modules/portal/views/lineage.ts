import { html, page } from '../../../lib/html.js';
import { lineageLegend, lineageSvg } from '../lineage-svg.js';
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

export function lineagePage(v: LineageView): string {
  const other = (direction: string) => `/portal/lineage/${encodeURIComponent(v.datasetId)}?direction=${direction}&depth=${v.depth}`;
  const body = html`<h1>Lineage of <a href="/datasets/${encodeURIComponent(v.datasetId)}">${v.title}</a></h1>
<p class="meta">${(['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const).map((d) => (d === v.direction ? html`<strong>${d.toLowerCase()}</strong> ` : html`<a href="${other(d)}">${d.toLowerCase()}</a> `))}
· depth ${v.depth} · ${v.layout.nodes.length} nodes · data flows left to right: inputs → step → outputs</p>
${v.truncated ? html`<p class="badge embargoed" id="truncated">Truncated (${v.truncatedReason}): more lineage exists beyond this view. <a href="/portal/lineage/${encodeURIComponent(v.datasetId)}?direction=${v.direction}&depth=${v.depth + 5}">Go deeper</a></p>` : ''}
${v.layout.nodes.length > 1 ? html`${lineageSvg(v.layout)}${lineageLegend()}` : html`<p>No recorded derivation steps in this direction.</p>`}`;
  return page({ title: `Lineage: ${v.title} — femto`, body });
}
