import { html, type SafeHtml } from '../../lib/html.js';
import type { ActivityRecord } from '../provenance/provenance.schema.js';
import { layoutLineage, type GraphNode } from './lineage-layout.js';
import { lineageLegend, lineageSvg, type ValidationStatus } from './lineage-svg.js';

export interface Neighbourhood {
  dataset: string;
  version: number | null;
  title: string;
  status: ValidationStatus;
  /** Steps that generated the version, and derivation steps that used it (their ends hidden where the caller may not see them). */
  generatedBy: ActivityRecord[];
  derivedBy: ActivityRecord[];
  /** Validation status of the visible neighbours, by "<dataset>@<version>". */
  statuses: Map<string, ValidationStatus>;
}

const versionHref = (dataset: string, version: number | null) => `/datasets/${encodeURIComponent(dataset)}/versions/${version}`;

/**
 * The picture of one step around a version, for its landing page: its generating steps with their
 * inputs, the derivation steps that used it with their outputs, each version coloured by its
 * validation status, with the legend; null when no step is recorded.
 */
export function neighbourhoodPicture(v: Neighbourhood): SafeHtml | null {
  const steps = [...v.generatedBy, ...v.derivedBy];
  if (!steps.length) return null;
  const self = `${v.dataset}@${v.version}`;
  const nodes = new Map<string, GraphNode>([[self, { id: self, label: `${v.title} v${v.version}`, kind: 'dataset', root: true, status: v.status }]]);
  const edges: { from: string; to: string }[] = [];
  let hidden = 0;
  const versionNode = (end: ActivityRecord['outputs'][number]): string => {
    if (end.dataset === null) {
      const id = `restricted:${++hidden}`;
      nodes.set(id, { id, label: 'restricted dataset', kind: 'placeholder', root: false });
      return id;
    }
    const id = `${end.dataset}@${end.version}`;
    if (!nodes.has(id))
      nodes.set(id, {
        id,
        label: `${end.title ?? end.dataset} v${end.version}`,
        kind: 'dataset',
        root: false,
        href: versionHref(end.dataset, end.version),
        status: v.statuses.get(id) ?? null,
      });
    return id;
  };
  for (const a of steps) {
    nodes.set(a.id, { id: a.id, label: a.name ?? a.kind, kind: 'activity', root: false, href: `/activities/${encodeURIComponent(a.id)}` });
    for (const input of a.inputs) edges.push({ from: versionNode(input), to: a.id });
    for (const output of a.outputs) edges.push({ from: a.id, to: versionNode(output) });
  }
  return html`${lineageSvg(layoutLineage([...nodes.values()], edges), 'Lineage one step around this version')}${lineageLegend()}`;
}
