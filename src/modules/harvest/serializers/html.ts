import { orcidUrl, rorUrl } from '../../../lib/identifiers.js';
import type { DatasetRecord } from '../../datasets/datasets.schema.js';
import type { Tombstone } from '../../identifiers/identifiers.service.js';
import type { HarvestItem, LineageNeighbour, SerializerContext } from '../harvest.service.js';
import { doiUrl, resolvableUrl, spdxUrl } from '../harvest.urls.js';
import { accessSentence, schemaOrgDocument } from './schemaorg.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** JSON inside <script>: no "</script>", "<!--" or U+2028/9 can end or confuse the element. */
export const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

function agent(a: DatasetRecord['creators'][number]): string {
  const id = a.orcid ? orcidUrl(a.orcid) : a.ror ? rorUrl(a.ror) : null;
  return `${escapeHtml(a.name)}${id ? ` (${link(id, a.orcid ? `ORCID ${a.orcid}` : `ROR ${a.ror}`)})` : ''}${a.affiliation ? `, ${escapeHtml(a.affiliation)}` : ''}`;
}

/** "Creators (year). Title (version N) [Data set]. Publisher. DOI-or-URL" — DataCite's recommended form. */
function citation(c: { creators: string[]; year: string; title: string; version: string | null; resourceType: string; publisher: string; where: string }): string {
  const who = c.creators.length ? c.creators.join('; ') : c.publisher;
  const version = c.version != null ? ` (version ${c.version})` : '';
  return `${who} (${c.year}). ${c.title}${version} [${c.resourceType === 'Dataset' ? 'Data set' : c.resourceType}]. ${c.publisher}. ${c.where}`;
}

export function citationOf(item: HarvestItem, ctx: SerializerContext): string {
  const r = item.record;
  return citation({
    creators: r.creators.map((c) => c.name),
    year: (item.firstPublishedAt ?? r.createdAt).slice(0, 4),
    title: r.title,
    version: r.version != null ? String(r.versionLabel ?? r.version) : null,
    resourceType: r.resourceType,
    publisher: r.publisher ?? ctx.repositoryName,
    where: item.doi ? doiUrl(item.doi) : ctx.urls.version(r.id, r.version),
  });
}

/** The human answer (410) for a withdrawn record: what it was, when and why it left, and how to cite it still. */
export function tombstonePage(t: Tombstone, ctx: SerializerContext): string {
  const title = t.title ?? t.doi;
  const cite = citation({
    creators: t.creators,
    year: t.publicationYear ?? t.withdrawnAt.slice(0, 4),
    title,
    version: t.version,
    resourceType: t.resourceType ?? 'Dataset',
    publisher: t.publisher ?? ctx.repositoryName,
    where: doiUrl(t.doi),
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Withdrawn: ${escapeHtml(title)} | ${escapeHtml(ctx.repositoryName)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="tombstone"><strong>This record was withdrawn.</strong> Its metadata and files are no longer served; the DOI remains and resolves to this page.</p>
<table>
${row('DOI', link(doiUrl(t.doi), t.doi))}
${row('Withdrawn', `<time datetime="${escapeHtml(t.withdrawnAt)}">${escapeHtml(t.withdrawnAt.slice(0, 10))}</time>`)}
${row('Reason', escapeHtml(t.reason ?? 'Not stated'))}
${row('Creators', escapeHtml(t.creators.join('; ') || 'Not stated'))}
</table>
<h2>How to cite</h2>
<p class="citation">${escapeHtml(cite)}</p>
</main>
</body>
</html>
`;
}

const neighbours = (list: LineageNeighbour[], ctx: SerializerContext) =>
  list.length ? `<ul>${list.map((n) => `<li>${link(ctx.urls.version(n.dataset, n.version), `${n.title} (v${n.version})`)}</li>`).join('')}</ul>` : '<p>None recorded.</p>';

const row = (label: string, html: string) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${html}</td></tr>`;

/** The human landing page, with the schema.org record embedded for crawlers. */
export function landingPage(item: HarvestItem, ctx: SerializerContext, alternates: { mediaType: string; format: string }[]): string {
  const r = item.record;
  const self = ctx.urls.version(r.id, r.version);
  const distributions = r.distributions.map((d) => {
    const where = d.urls.length ? d.urls.map((u) => link(u, u)).join('<br>') : `<em>${escapeHtml(item.embargoed ? `Available after the embargo ends (${r.embargoUntil}).` : 'No location given.')}</em>`;
    const facts = [d.mediaType ?? d.format, d.sizeBytes != null ? `${d.sizeBytes} bytes` : null, d.checksum ? `${d.checksum.algorithm}:${d.checksum.value}` : null].filter(Boolean) as string[];
    return `<tr><td>${escapeHtml(d.title ?? d.kind)}</td><td>${escapeHtml(facts.join(', '))}</td><td>${where}</td></tr>`;
  });
  const observables = r.observables.map((iri) => {
    const o = ctx.describeObservable(iri);
    return `<li>${link(iri, o.name)}${o.unitText ? ` [${escapeHtml(o.unitText)}]` : ''}</li>`;
  });
  const related = r.relatedIdentifiers.map((x) => {
    const url = resolvableUrl(x.type, x.value);
    return `<li>${escapeHtml(x.relation)}: ${url ? link(url, `${x.type} ${x.value}`) : escapeHtml(`${x.type} ${x.value}`)}</li>`;
  });
  const steps = item.generatedBy.map(
    (a) => `<li>${link(ctx.urls.activity(a.id), a.name ?? a.kind)} (${escapeHtml(a.kind)}${a.software ? `, ${escapeHtml([a.software.name, a.software.version].filter(Boolean).join(' '))}` : ''})</li>`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(r.title)} | ${escapeHtml(ctx.repositoryName)}</title>
<meta name="description" content="${escapeHtml(r.description.slice(0, 300))}">
<link rel="canonical" href="${escapeHtml(self)}">
${alternates.map((a) => `<link rel="alternate" type="${escapeHtml(a.mediaType)}" href="${escapeHtml(`${self}?format=${a.format}`)}">`).join('\n')}
<script type="application/ld+json">${scriptJson(schemaOrgDocument(item, ctx))}</script>
</head>
<body>
<main>
<h1>${escapeHtml(r.title)}</h1>
<p>${escapeHtml(r.description)}</p>
<table>
${row('Creators', r.creators.length ? r.creators.map(agent).join('; ') : escapeHtml(r.publisher ?? 'Not stated'))}
${row('DOI', item.doi ? link(doiUrl(item.doi), item.doi) : 'None yet')}
${row('Version', `${escapeHtml(r.versionLabel ?? String(r.version ?? 'draft'))} of ${item.versions.length} (${item.versions.map((v) => link(ctx.urls.version(r.id, v.n), `v${v.n}`)).join(', ')})`)}
${row('Published', escapeHtml(r.publishedAt ?? 'not yet'))}
${row('Licence', r.license ? link(spdxUrl(r.license), r.license) : 'Not stated')}
${row('Access', escapeHtml(accessSentence(item)))}
${row('Tier / domain / type', escapeHtml([r.tier != null ? `Tier ${r.tier}` : null, r.domain, r.dataType].filter(Boolean).join(' / ') || 'Not stated'))}
${row('Keywords', escapeHtml(r.keywords.join(', ') || 'None'))}
</table>
<h2>How to cite</h2>
<p class="citation">${escapeHtml(citationOf(item, ctx))}</p>
<h2>Distributions</h2>
${distributions.length ? `<table><thead><tr><th>Name</th><th>Format</th><th>Location</th></tr></thead><tbody>${distributions.join('')}</tbody></table>` : '<p>None listed.</p>'}
<h2>Observables</h2>
${observables.length ? `<ul>${observables.join('')}</ul>` : '<p>None listed.</p>'}
<h2>Lineage</h2>
<h3>Generated by</h3>
${steps.length ? `<ul>${steps.join('')}</ul>` : '<p>None recorded.</p>'}
<h3>Upstream (derived from)</h3>
${neighbours(item.upstream, ctx)}
<h3>Downstream (used to derive)</h3>
${neighbours(item.downstream, ctx)}
${related.length ? `<h2>Related identifiers</h2><ul>${related.join('')}</ul>` : ''}
<h2>Metadata</h2>
<ul>${alternates.map((a) => `<li>${link(`${self}?format=${a.format}`, a.mediaType)}</li>`).join('')}<li>${link(ctx.urls.fair(r.id), 'FAIR self-assessment')}</li></ul>
</main>
</body>
</html>
`;
}
