import { html, page, type SafeHtml } from '../../../lib/html.js';
import { LICENSE_UNKNOWN } from '../../datasets/datasets.schema.js';
import { evaluationLine, modelCardHtml } from '../../models/serializers/html.js';
import type { CardView, Leaderboard, Manifest } from '../../models/models.schema.js';
import { layoutLineage, type GraphNode } from '../lineage-layout.js';
import { lineageLegend, lineageSvg } from '../lineage-svg.js';

export interface ModelView {
  card: CardView;
  manifest: Manifest | null;
  leaderboards: Leaderboard[];
  links: { card: string; manifest: string | null; provJson: string | null; landing: string; lineage: string };
}

type DatasetEntry = Manifest['lineage']['datasets'][number];

const versionHref = (d: { dataset: string | null; version: number | null }) => `/datasets/${encodeURIComponent(d.dataset!)}/versions/${d.version}`;
const number = (n: number | null) => (n === null ? '—' : String(+n.toPrecision(6)));

/** The upstream lineage of the manifest, each version coloured by its validation status. */
function manifestPicture(m: Manifest): SafeHtml {
  const root = `${m.model.dataset}@${m.model.version}`;
  const nodes: GraphNode[] = [
    { id: root, label: `${m.model.title} v${m.model.version}`, kind: 'dataset', root: true },
    ...m.lineage.datasets.map((d): GraphNode =>
      d.dataset === null
        ? { id: d.id, label: 'restricted dataset', kind: 'placeholder', root: false }
        : { id: d.id, label: `${d.title} v${d.version}`, kind: 'dataset', root: false, href: versionHref(d), status: d.gateStatus?.status ?? null },
    ),
    ...m.lineage.steps.map((s): GraphNode => ({
      id: s.id,
      label: s.name ?? s.kind,
      kind: 'activity',
      root: false,
      href: `/activities/${encodeURIComponent(s.id)}`,
    })),
  ];
  // PROV edges point against the data flow drawn here.
  return html`${lineageSvg(
    layoutLineage(
      nodes,
      m.lineage.edges.map((e) => ({ from: e.to, to: e.from })),
    ),
    'Upstream lineage of the model',
  )}${lineageLegend()}`;
}

const status = (d: DatasetEntry) =>
  d.withdrawn
    ? html`<span class="badge restricted">withdrawn ${d.withdrawn.at.slice(0, 10)}</span>`
    : d.gateStatus
      ? html`<span class="badge status ${d.gateStatus.status}">${d.gateStatus.status === 'not-evaluated' ? 'not evaluated' : `validation ${d.gateStatus.status}`}</span>`
      : '';

/** How much of the version's datasheet is answered, linking to it. */
function datasheetCell(d: DatasetEntry): SafeHtml {
  const c = d.datasheetCompleteness;
  if (!c?.questions.answered) return html`<span class="missing">none</span>`;
  const text = `${c.sections.answered} of ${c.sections.total} sections`;
  return html`<a href="${versionHref(d)}#datasheet">${c.complete ? text : html`<span class="missing">${text}</span>`}</a>`;
}

function datasetRow(d: DatasetEntry & { role?: string | null; via?: string | null }): SafeHtml {
  if (d.dataset === null) return html`<tr><td colspan="6"><em>A restricted dataset version you may not see</em></td></tr>`;
  const checksums = d.distributions.length
    ? d.distributions.map(
        (x, i) => html`${i ? html`<br>` : ''}${x.checksum ? `${x.checksum.algorithm}:${x.checksum.value}` : html`<span class="missing">no checksum</span>`}`,
      )
    : html`<span class="missing">no distribution</span>`;
  return html`<tr data-id="${d.id}"><td><a href="${versionHref(d)}">${d.title} v${d.version}</a>${d.role ? html`<br><small>${d.role}${d.via ? `, via ${d.via}` : ''}</small>` : ''}</td>
<td>${d.doi ? html`<a href="https://doi.org/${d.doi.doi}">${d.doi.doi}</a>` : html`<span class="missing">none</span>`}</td>
<td>${d.license && d.license !== LICENSE_UNKNOWN ? d.license : html`<span class="missing">not recorded</span>`}</td><td>${checksums}</td><td>${datasheetCell(d)}</td><td>${status(d)}</td></tr>`;
}

const TABLE_HEAD = html`<thead><tr><th>Version</th><th>DOI</th><th>Licence</th><th>Checksums</th><th>Datasheet</th><th>Status</th></tr></thead>`;

function manifestSection(m: Manifest, links: ModelView['links']): SafeHtml {
  const s = m.summary;
  const flags = [
    s.withdrawn.length ? `withdrawn upstream: ${s.withdrawn.join(', ')}` : null,
    s.failedGates.length ? `failed validation gates: ${s.failedGates.join(', ')}` : null,
    s.unlicensed.length ? `no licence stated: ${s.unlicensed.join(', ')}` : null,
    s.missingChecksums.length ? `files without checksums: ${s.missingChecksums.join(', ')}` : null,
    s.incompleteDatasheets.length ? `datasheets with unanswered sections: ${s.incompleteDatasheets.join(', ')}` : null,
    s.restricted ? `${s.restricted} upstream version(s) you may not see` : null,
    m.lineage.truncated ? `lineage truncated (${m.lineage.truncatedReason})` : null,
  ].filter((f): f is string => f !== null);
  return html`<h2 id="manifest">Training-set manifest</h2>
<p class="meta">${s.trainingDatasets} training dataset version(s), ${s.upstreamDatasets} upstream; licences: ${s.licences.join(', ') || 'none stated'}.
<a href="${links.manifest}">JSON</a> · <a href="${links.provJson}">PROV-JSON</a></p>
<p class="badge status ${s.complete ? 'passed' : 'failed'}" id="manifest-status">${s.complete ? 'Complete: every training version is identified, licensed, checksummed and valid' : 'Needs review'}</p>
${flags.length ? html`<ul class="flags">${flags.map((f) => html`<li>${f}</li>`)}</ul>` : ''}
<h3>Training steps</h3>
${m.trainingSteps.length ? html`<ul>${m.trainingSteps.map((t) => html`<li><a href="/activities/${encodeURIComponent(t.id)}">${t.name ?? t.kind}</a> (${t.kind}${t.software ? `, ${[t.software.name, t.software.version, t.software.commit].filter(Boolean).join(' ')}` : ''})</li>`)}</ul>` : html`<p class="missing">No training step recorded.</p>`}
<h3>Training data</h3>
${m.trainingData.length ? html`<table class="manifest training">${TABLE_HEAD}<tbody>${m.trainingData.map(datasetRow)}</tbody></table>` : html`<p class="missing">None recorded.</p>`}
<h3>Lineage up to raw sources</h3>
${m.lineage.datasets.length ? manifestPicture(m) : ''}
<table class="manifest upstream">${TABLE_HEAD}<tbody>${m.lineage.datasets.map(datasetRow)}</tbody></table>
<p>Raw sources: ${m.rawSources.join(', ') || 'none reached'}.</p>`;
}

function leaderboardTable(b: Leaderboard, model: string): SafeHtml {
  return html`<section class="leaderboard"><h3>${b.metric.label ?? b.metric.id} on <a href="${versionHref(b.benchmark)}">${b.benchmark.title} v${b.benchmark.version}</a> <small>(${b.metric.higherIsBetter ? 'higher' : 'lower'} is better)</small></h3>
<table><thead><tr><th>Rank</th><th>Model or baseline</th><th>Split</th><th>Value</th></tr></thead><tbody>
${b.entries.map((e) => {
  const who = e.model?.dataset
    ? html`<a href="/portal/models/${encodeURIComponent(e.model.dataset)}">${e.model.title} v${e.model.version}</a>`
    : e.model
      ? 'a restricted model'
      : e.algorithm;
  const mine = e.kind === 'model' && e.model?.dataset === model;
  return html`<tr class="${e.kind}${mine ? ' this-model' : ''}"><td>${e.rank}</td><td>${who}${e.kind === 'baseline' ? html` <span class="badge">baseline</span>` : ''}</td><td>${e.split ?? 'all'}</td><td>${number(e.value)}${e.uncertainty !== null ? ` ± ${number(e.uncertainty)}` : ''}</td></tr>`;
})}
</tbody></table>
${b.claims.length ? html`<ul>${b.claims.map((c) => html`<li>${evaluationLine(c)}</li>`)}</ul>` : ''}</section>`;
}

export function modelPage(v: ModelView): string {
  const m = v.card.model;
  const claims = v.card.evaluations.filter((e) => e.kind === 'claim');
  const body = html`<h1>${m.title} <small>${m.version != null ? `v${m.versionLabel ?? m.version}` : 'draft'}</small></h1>
<p class="meta"><a href="${v.links.landing}">Landing page</a> · <a href="${v.links.lineage}">Lineage</a> · <a href="${v.links.card}">Model card (JSON)</a>${m.doi ? html` · DOI <a href="https://doi.org/${m.doi}">${m.doi}</a>` : ''} · Licence: ${m.license && m.license !== LICENSE_UNKNOWN ? m.license : 'not recorded'}</p>
<h2 id="card">Model card</h2>
${modelCardHtml(v.card.card, v.card.evaluations, v.links.manifest)}
${v.manifest ? manifestSection(v.manifest, v.links) : html`<h2 id="manifest">Training-set manifest</h2><p class="missing">A draft has no lineage yet: publish it, then link its training step.</p>`}
<h2 id="evaluations">Evaluations</h2>
${v.card.evaluations.length ? html`<ul class="evaluations">${v.card.evaluations.map((e) => html`<li>${evaluationLine(e)}</li>`)}</ul>` : html`<p class="missing">None recorded.</p>`}
<h2 id="leaderboards">Leaderboards</h2>
${v.leaderboards.length ? v.leaderboards.map((b) => leaderboardTable(b, m.dataset)) : html`<p class="missing">${claims.length ? 'Only stated claims: nothing to rank.' : 'No measured evaluation on a benchmark yet.'}</p>`}`;
  return page({ title: `${m.title} — model — femto`, body });
}
