import { html, type SafeHtml } from '../../../lib/html.js';
import type { HepdataTable } from '../hepdata.schema.js';
import { hepdataTableAnchor } from './parts.js';

const variable = (v: { name: string; units: string | null }) => (v.units ? `${v.name} [${v.units}]` : v.name);

/** The tables of a HEPData record on its landing page, as hepdata.net lists them: what each is, its columns, its keywords. */
export function hepdataTablesHtml(tables: readonly HepdataTable[], observableLink: (iri: string, text: string) => SafeHtml): SafeHtml | '' {
  if (!tables.length) return '';
  const rows = tables.map(
    (t, i) =>
      html`<tr id="${hepdataTableAnchor(i)}"><th scope="row">${t.name}${t.location ? html`<br><small>${t.location}</small>` : ''}</th><td>${t.description}</td><td>${t.independentVariables.map(variable).join('; ') || 'None'}</td><td>${
        t.dependentVariables.map(variable).join('; ') || 'None'
      }</td><td>${t.keywords.map((k, i) => html`${i ? '; ' : ''}${k.observable ? observableLink(k.observable, k.value) : k.value}`)}</td></tr>`,
  );
  return html`<h2 id="hepdata-tables">HEPData tables</h2>
<p>${tables.length} ${tables.length === 1 ? 'table' : 'tables'} from the HEPData submission; the values are in its data files.</p>
<table><thead><tr><th>Table</th><th>Description</th><th>Independent variables</th><th>Dependent variables</th><th>Keywords</th></tr></thead><tbody>${rows}</tbody></table>`;
}
