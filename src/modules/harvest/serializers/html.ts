import { isAllowedUrl } from '../../../lib/urls.js';
import { html, jsonForScript, page, type SafeHtml } from '../../../lib/html.js';
import { orcidUrl, rorUrl } from '../../../lib/identifiers.js';
import { LICENSE_UNKNOWN, type DatasetRecord } from '../../datasets/datasets.schema.js';
import { licenseText, statusSentence } from '../../datasets/record-facts.js';
import type { Tombstone } from '../../identifiers/identifiers.service.js';
import type { HarvestItem, LineageNeighbour, SerializerContext } from '../harvest.service.js';
import { doiUrl, resolvableUrl, spdxUrl } from '../harvest.urls.js';
import { accessSentence, schemaOrgDocument } from './schemaorg.js';
import { answerText, datasheetCompleteness, DATASHEET_QUESTIONS, isAnswered } from '../../datasets/datasheet.js';
import { DATASHEET_DOI } from '../../datasets/datasheet.schema.js';
import { modelCardHtml } from '../../models/serializers/html.js';
import { hepdataTablesHtml } from '../../hepdata/serializers/html.js';
import { neighbourhoodPicture } from '../../portal/neighbourhood.js';
import { isEmailContact } from '../../datasets/datasets.schema.js';
import { quarkSummary } from '../../datasets/physics.schema.js';

const link = (href: string, text: string) => html`<a href="${href}">${text}</a>`;
/** A link to somewhere femto does not control: only through the URL allowlist (records stored before it are shown as text). */
const externalLink = (href: string, text: string) => (isAllowedUrl(href) ? link(href, text) : html`${text}`);
/** Whom to ask for access: a mailto link for an address, a link for an allowed URL. */
const accessContact = (contact: string) => (isEmailContact(contact) ? link(`mailto:${contact}`, contact) : externalLink(contact, contact));

function agent(a: DatasetRecord['creators'][number]): SafeHtml {
  const id = a.orcid ? orcidUrl(a.orcid) : a.ror ? rorUrl(a.ror) : null;
  return html`${a.name}${id ? html` (${link(id, a.orcid ? `ORCID ${a.orcid}` : `ROR ${a.ror}`)})` : ''}${a.affiliation ? `, ${a.affiliation}` : ''}`;
}

/** Formats whose media type alone does not tell a reader what they are for. */
const FORMAT_NAMES: Record<string, string> = { croissant: 'Croissant 1.1, for ML dataset loaders' };

const row = (label: string, value: SafeHtml | SafeHtml[] | string) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;

const NO_CREATOR = 'No creator recorded';
const NO_PUBLISHER = 'No publisher recorded';

/**
 * "Creators (year). Title (version N) [Data set]. Publisher. DOI-or-URL" — DataCite's recommended
 * form, saying so where the record names no creator, year or publisher: the catalog that hosts a
 * record is never cited as its author or publisher.
 */
function citation(c: {
  creators: string[];
  year: string | null;
  title: string;
  version: string | null;
  resourceType: string;
  publisher: string | null;
  where: string;
}): string {
  const who = c.creators.length ? c.creators.join('; ') : `[${NO_CREATOR}]`;
  const version = c.version != null ? ` (version ${c.version})` : '';
  return `${who} (${c.year ?? 'n.d.'}). ${c.title}${version} [${c.resourceType === 'Dataset' ? 'Data set' : c.resourceType}]. ${c.publisher ?? `[${NO_PUBLISHER}]`}. ${c.where}`;
}

export function citationOf(item: HarvestItem, ctx: SerializerContext): string {
  const r = item.record;
  return citation({
    creators: r.creators.map((c) => c.name),
    year: r.issued?.slice(0, 4) ?? null,
    title: r.title,
    version: r.version != null ? String(r.versionLabel ?? r.version) : null,
    resourceType: r.resourceType,
    publisher: r.publisher,
    where: item.citeAsDoi ? doiUrl(item.citeAsDoi) : ctx.urls.version(r.id, r.version),
  });
}

/** The human answer (410) for a withdrawn record: what it was, when and why it left, and how to cite it still. */
export function tombstonePage(t: Tombstone, ctx: SerializerContext): string {
  const title = t.title ?? t.doi;
  const cite = citation({
    creators: t.creators,
    year: t.publicationYear,
    title,
    version: t.version,
    resourceType: t.resourceType ?? 'Dataset',
    publisher: t.publisher,
    where: doiUrl(t.doi),
  });
  return page({
    title: `Withdrawn: ${title} | ${ctx.repositoryName}`,
    head: html`<meta name="robots" content="noindex">`,
    body: html`<h1>${title}</h1>
<p class="tombstone"><strong>This record was withdrawn.</strong> Its metadata and files are no longer served; the DOI remains and resolves to this page.</p>
<table class="facts">
${row('DOI', link(doiUrl(t.doi), t.doi))}
${row('Withdrawn', html`<time datetime="${t.withdrawnAt}">${t.withdrawnAt.slice(0, 10)}</time>`)}
${row('Reason', t.reason ?? 'Not stated')}
${row('Creators', t.creators.join('; ') || 'Not stated')}
</table>
<h2>How to cite</h2>
<p class="citation">${cite}</p>`,
  });
}

/** One answer as HTML: lists as lists, URLs as links (through the allowlist), everything else as text. */
function answerHtml(value: unknown): SafeHtml {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return html`<ul>${value.map((v) => html`<li>${v}</li>`)}</ul>`;
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return externalLink(value, value);
  return html`${answerText(value)}`;
}

/** The datasheet (Gebru et al.), all seven sections; what is not answered is shown as not answered. */
function datasheetSection(item: HarvestItem, ctx: SerializerContext): SafeHtml {
  const d = item.record.datasheet;
  const completeness = datasheetCompleteness(d);
  const sections = completeness.bySection.map((s) => {
    const answers = (d?.[s.section] ?? {}) as Record<string, unknown>;
    const answered = DATASHEET_QUESTIONS[s.section].filter((q) => isAnswered(answers[q.key]));
    const missing = DATASHEET_QUESTIONS[s.section].filter((q) => !isAnswered(answers[q.key]));
    return html`<h3>${s.title}</h3>
${answered.length ? html`<dl>${answered.map((q) => html`<dt title="${q.question}">${q.label}</dt><dd>${answerHtml(answers[q.key])}</dd>`)}</dl>` : html`<p class="missing">Not answered.</p>`}
${answered.length && missing.length ? html`<p class="missing">Not answered: ${missing.map((q) => q.label).join(', ')}.</p>` : ''}`;
  });
  return html`<h2 id="datasheet">Datasheet</h2>
<p>A datasheet for datasets (${link(doiUrl(DATASHEET_DOI), 'Gebru et al.')}): ${completeness.sections.answered} of ${completeness.sections.total} sections and ${completeness.questions.answered} of ${completeness.questions.total} questions answered. ${link(item.record.version == null ? `${ctx.urls.dataset(item.record.id)}/datasheet` : `${ctx.urls.version(item.record.id, item.record.version)}/datasheet`, 'As JSON')}.</p>
${sections}`;
}

/** The ensemble and collision blocks on the landing page, each only as far as the record states it. */
function physicsSection(r: DatasetRecord): SafeHtml | '' {
  const e = r.ensemble;
  const c = r.collision;
  if (!e && !c) return '';
  const ensemble = e
    ? html`<h2 id="ensemble">Lattice ensemble</h2>
<table class="facts">
${row('Markov chain', e.markovChainUri)}
${e.collaboration || e.projectName ? row('Collaboration / project', [e.collaboration, e.projectName].filter(Boolean).join(' / ')) : ''}
${row('Lattice', e.L !== null ? `${e.L}³ × ${e.T}` : `${e.size.x} × ${e.size.y} × ${e.size.z} × ${e.T}`)}
${e.gaugeAction ? row('Gauge action', `${e.gaugeAction}${e.beta !== undefined ? `, β = ${e.beta}` : ''}`) : ''}
${e.nf ? row('Flavours', `N_f = ${e.nf}`) : ''}
${e.quarks?.length ? row('Quark actions', html`<ul>${e.quarks.map((q) => html`<li>${quarkSummary(q)}</li>`)}</ul>`) : ''}
${e.algorithm ? row('Algorithm', e.algorithm) : ''}
${e.numberOfConfigurations !== undefined ? row('Configurations (stated)', e.numberOfConfigurations.toLocaleString('en')) : ''}
${row('Configurations recorded', e.configurations.recorded ? html`<details><summary>${e.configurations.recorded.toLocaleString('en')}</summary><ul>${e.configurations.logicalFileNames.map((l) => html`<li>${l}</li>`)}</ul></details>` : 'None')}
</table>`
    : '';
  const collision = c
    ? html`<h2 id="collisions">Collisions</h2>
<table class="facts">
${c.systems?.length ? row('Colliding systems', c.systems.join(', ')) : ''}
${c.sqrtSNN ? row('√s_NN', `${c.sqrtSNN.value} ${c.sqrtSNN.unit}`) : ''}
${c.events !== undefined ? row('Events', c.events.toLocaleString('en')) : ''}
${c.trigger ? row('Trigger', c.trigger) : ''}
${c.subsystems?.length ? row('Detector subsystems', c.subsystems.join(', ')) : ''}
${c.simulated !== undefined ? row('Data', c.simulated ? 'simulated' : 'real (recorded)') : ''}
${c.basis ? row('Source', c.basis) : ''}
</table>`
    : '';
  return html`${ensemble}${collision}`;
}

const neighbours = (list: LineageNeighbour[], ctx: SerializerContext) =>
  list.length
    ? html`<ul>${list.map((n) => html`<li>${link(ctx.urls.version(n.dataset, n.version), `${n.title} (v${n.version})`)}</li>`)}</ul>`
    : html`<p>None recorded.</p>`;

/** The human landing page, with the schema.org record embedded for crawlers. */
export function landingPage(item: HarvestItem, ctx: SerializerContext, alternates: { mediaType: string; format: string }[]): string {
  const r = item.record;
  const self = ctx.urls.version(r.id, r.version);
  const distributions = r.distributions.map((d) => {
    const where = d.urls.length
      ? d.urls.map((u, i) => html`${i ? html`<br>` : ''}${externalLink(u, u)}`)
      : html`<em>${item.filesWithheld ? (item.embargoed ? `Available after the embargo ends (${r.embargoUntil}).` : 'Restricted: see the conditions of access above.') : 'No location given.'}</em>`;
    const facts = [
      d.mediaType ?? d.format,
      d.sizeBytes != null ? `${d.sizeBytes} bytes` : null,
      d.checksum ? `${d.checksum.algorithm}:${d.checksum.value}` : null,
      ...d.contents.map((c) => `contains ${c.includes.join(', ')}${c.excludes?.length ? ` except ${c.excludes.join(', ')}` : ''} (${c.mediaType})`),
    ].filter(Boolean) as string[];
    return html`<tr><td>${d.title ?? d.kind}</td><td>${facts.join(', ')}</td><td>${where}</td></tr>`;
  });
  const observables = r.observables.map((iri) => {
    const o = ctx.describeObservable(iri);
    return html`<li>${externalLink(iri, o.name)}${o.unitText ? ` [${o.unitText}]` : ''}</li>`;
  });
  const related = r.relatedIdentifiers.map((x) => {
    const url = resolvableUrl(x.type, x.value);
    return html`<li>${x.relation}: ${url ? externalLink(url, `${x.type} ${x.value}`) : `${x.type} ${x.value}`}</li>`;
  });
  const steps = item.generatedBy.map(
    (a) =>
      html`<li>${link(ctx.urls.activity(a.id), a.name ?? a.kind)} (${a.kind}${a.software ? `, ${[a.software.name, a.software.version].filter(Boolean).join(' ')}` : ''})${
        a.implied ? html` <em class="implied">implied by the source, not stated</em>` : ''
      }</li>`,
  );
  const tiers = [...(r.tier != null ? [r.tier] : []), ...r.alsoInTiers].map((n) => `Tier ${n}`);
  const domains = [...(r.domain ? [r.domain] : []), ...r.alsoInDomains].map((iri) => link(iri, ctx.describeDomain(iri).label));
  const size = [
    r.sizeBytes != null ? `${r.sizeBytes.toLocaleString('en')} bytes` : null,
    r.recordCount != null ? `${r.recordCount.toLocaleString('en')} records` : null,
  ]
    .filter(Boolean)
    .join('; ');
  const versionLinks = item.versions.map((v, i) => html`${i ? ', ' : ''}${link(ctx.urls.version(r.id, v.n), `v${v.n}`)}`);
  const picture = neighbourhoodPicture({
    dataset: r.id,
    version: r.version,
    title: r.title,
    status: item.gateStatus,
    generatedBy: item.generatedBy,
    derivedBy: item.derivedBy,
    statuses: item.neighbourStatus,
  });
  const modelCard = item.model
    ? html`<h2 id="model-card">Model card</h2>
<p>${link(ctx.urls.modelPage(r.id), 'Model page')}: training-set manifest, evaluations and leaderboards.</p>
${modelCardHtml(r.modelCard, item.model.evaluations, r.version != null ? ctx.urls.manifest(r.id, r.version) : null)}`
    : '';
  return page({
    title: `${r.title} | ${ctx.repositoryName}`,
    head: html`<meta name="description" content="${r.description.slice(0, 300)}">
<link rel="canonical" href="${self}">
${alternates.map(
  (a) => html`<link rel="alternate" type="${a.mediaType}" href="${`${self}?format=${a.format}`}">
`,
)}<script type="application/ld+json">${jsonForScript(schemaOrgDocument(item, ctx))}</script>`,
    body: html`<h1>${r.title}</h1>
<p>${r.description}</p>
<table class="facts">
${row('Status', html`<span class="badge status ${r.status}">${r.status}</span> ${statusSentence(r.status)}`)}
${row('Creators', r.creators.length ? r.creators.map((c, i) => html`${i ? '; ' : ''}${agent(c)}`) : NO_CREATOR)}
${row('Publisher', r.publisher ?? `${NO_PUBLISHER}. ${ctx.repositoryName} hosts this record and is not its publisher.`)}
${row('DOI', item.citeAsDoi ? link(doiUrl(item.citeAsDoi), item.citeAsDoi) : 'None')}
${item.doi && item.doi !== item.citeAsDoi ? row(`${ctx.repositoryName} DOI`, link(doiUrl(item.doi), item.doi)) : ''}
${row('Version', html`${r.versionLabel ?? String(r.version ?? 'draft')} of ${item.versions.length} (${versionLinks})`)}
${row('Issued', r.issued ?? 'Not known')}
${row(`In ${ctx.repositoryName} since`, item.firstPublishedAt ?? 'not yet')}
${row('Licence', r.license === LICENSE_UNKNOWN ? licenseText(r) : link(spdxUrl(r.license), r.license))}
${row('Access', accessSentence(item))}
${r.accessConditions ? row('Conditions of access', r.accessConditions) : ''}
${r.accessContact ? row('Request access', accessContact(r.accessContact)) : ''}
${row('Size', size || 'Not stated')}
${row('Tier / type', [tiers.join(', ') || null, r.dataType].filter(Boolean).join(' / ') || 'Not stated')}
${row('Domain', domains.length ? domains.map((d, i) => html`${i ? '; ' : ''}${d}`) : 'None of the ontology')}
${row('Keywords', r.keywords.join(', ') || 'None')}
</table>
<h2>How to cite</h2>
<p class="citation">${citationOf(item, ctx)}</p>
<h2>Distributions</h2>
${distributions.length ? html`<table><thead><tr><th>Name</th><th>Format</th><th>Location</th></tr></thead><tbody>${distributions}</tbody></table>` : html`<p>None listed.</p>`}
${physicsSection(r)}
${datasheetSection(item, ctx)}
<h2>Observables</h2>
${observables.length ? html`<ul>${observables}</ul>` : html`<p>None listed.</p>`}
${hepdataTablesHtml(item.hepdataTables, externalLink)}
${modelCard}
<h2>Lineage</h2>
${picture ?? ''}
<p><a href="/portal/lineage/${encodeURIComponent(r.id)}">Lineage graph</a> (every step, as deep as you like)</p>
<h3>Generated by</h3>
${steps.length ? html`<ul>${steps}</ul>` : html`<p>None recorded.</p>`}
<h3>Upstream (derived from)</h3>
${neighbours(item.upstream, ctx)}
<h3>Downstream (used to derive)</h3>
${neighbours(item.downstream, ctx)}
${related.length ? html`<h2>Related identifiers</h2><ul>${related}</ul>` : ''}
<h2>Metadata</h2>
<ul>${alternates.map((a) => html`<li>${link(`${self}?format=${a.format}`, FORMAT_NAMES[a.format] ? `${FORMAT_NAMES[a.format]}: ${a.mediaType}` : a.mediaType)}</li>`)}<li>${link(ctx.urls.fair(r.id), 'FAIR self-assessment')}</li></ul>`,
  });
}
