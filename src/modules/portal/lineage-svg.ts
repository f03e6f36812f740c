import { html, type SafeHtml } from '../../lib/html.js';
import type { GateStatus } from '../gates/gates.schema.js';
import type { Layout } from './lineage-layout.js';

export type ValidationStatus = GateStatus['status'];

const STATUS_TEXT: Record<ValidationStatus, string> = { passed: 'validation passed', failed: 'validation failed', 'not-evaluated': 'not evaluated' };

const clip = (s: string, n = 34) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A lineage graph as inline SVG: data flows left to right, dataset versions coloured by their
 * validation status (class passed / failed / not-evaluated, styled in femto.css: no inline style
 * or script, so the strict CSP holds), every node's full name and status in its <title> (shown on
 * hover), linked nodes clickable.
 */
export function lineageSvg(layout: Layout, label = 'Lineage graph'): SafeHtml {
  const pad = 4;
  return html`<svg class="lineage" role="img" aria-label="${label}" width="${layout.width + 2 * pad}" height="${layout.height + 2 * pad}" viewBox="${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}" xmlns="http://www.w3.org/2000/svg">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5b6470"/></marker></defs>
${layout.edges.map((e) => html`<path d="${e.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ')}"/>`)}
${layout.nodes.map((n) => {
  const title = n.status ? `${n.label} (${STATUS_TEXT[n.status]})` : n.label;
  const box = html`<g class="node ${n.kind}${n.root ? ' root' : ''}${n.status ? ` ${n.status}` : ''}" data-id="${n.id}"><title>${title}</title><rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width}" height="${n.height}" rx="${n.kind === 'activity' ? 14 : 3}"/><text x="${n.x.toFixed(1)}" y="${(n.y + 4).toFixed(1)}" text-anchor="middle">${clip(n.label)}</text></g>`;
  return n.href ? html`<a href="${n.href}">${box}</a>` : box;
})}
</svg>`;
}

/** What the colours of the lineage pictures mean. */
export const lineageLegend = () =>
  html`<ul class="legend" aria-label="Legend">${(Object.keys(STATUS_TEXT) as ValidationStatus[]).map((s) => html`<li><span class="swatch ${s}"></span>${STATUS_TEXT[s]}</li>`)}<li><span class="swatch step"></span>derivation step</li><li><span class="swatch placeholder"></span>record you may not see</li></ul>`;
