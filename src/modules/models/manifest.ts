import type { SiteUrls } from '../../lib/site-urls.js';
import { LICENSE_UNKNOWN } from '../datasets/datasets.schema.js';
import { datasheetCompleteness } from '../datasets/datasheet.js';
import type { ReadItem } from '../datasets/read.js';
import type { Lineage, LineageNode } from '../lineage/lineage.schema.js';
import type { ActivityRecord } from '../provenance/provenance.schema.js';
import type { Manifest } from './models.schema.js';

type DatasetEntry = Manifest['lineage']['datasets'][number];
type Step = Manifest['trainingSteps'][number];

const licensed = (d: DatasetEntry) => !!d.license && d.license !== LICENSE_UNKNOWN;

/** Steps whose inputs trained the model they generated. */
export const TRAINING_KINDS = new Set(['training', 'fine-tuning']);

export interface ManifestSources {
  urls: SiteUrls;
  /** The model version, loaded through the read pipeline. */
  model: ReadItem;
  /** Its upstream lineage, walked over the lineage snapshot as deep as the limits allow. */
  walk: Lineage;
  /** The steps of the walk. */
  steps: Map<string, ActivityRecord>;
  /** The dataset versions of the walk the caller may see, loaded through the read pipeline. */
  items: Map<number, ReadItem>;
  withdrawals: Map<number, { at: string; reason: string | null }>;
}

/**
 * The training-set manifest of a model version: the exact dataset versions its training and
 * fine-tuning steps used (through the base models it was fine-tuned from), each with its DOI,
 * distribution checksums, licence, datasheet, gate status and withdrawal, and every version
 * upstream of the model up to its raw sources. Everything comes from the walk and the loaded
 * items: nothing here reads the database.
 */
export function buildManifest(s: ManifestSources): Manifest {
  const { urls, walk } = s;
  const nodes = new Map(walk.nodes.map((n) => [n.id, n]));
  /** version -> steps that generated it; step -> versions it used; step -> versions it generated. */
  const generatedBy = new Map<string, string[]>();
  const used = new Map<string, string[]>();
  const produced = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const e of walk.edges) {
    if (e.relation === 'WAS_GENERATED_BY') {
      add(generatedBy, e.from, e.to);
      add(produced, e.to, e.from);
    } else add(used, e.from, e.to);
  }

  const entry = (n: LineageNode): DatasetEntry => {
    const item = n.pk !== null ? s.items.get(n.pk) : undefined;
    const base = { id: n.id, depth: n.depth, rawSource: !generatedBy.has(n.id) && !walk.truncated };
    if (!item) {
      return {
        ...base,
        hidden: true,
        restricted: true,
        dataset: null,
        version: null,
        title: null,
        resourceType: null,
        uri: null,
        doi: null,
        withdrawn: null,
        license: null,
        distributions: [],
        datasheet: null,
        datasheetCompleteness: null,
        gateStatus: null,
      };
    }
    const r = item.record;
    const doi = item.parts.doi;
    return {
      ...base,
      hidden: false,
      restricted: r.accessLevel === 'restricted',
      dataset: r.id,
      version: r.version,
      title: r.title,
      resourceType: r.resourceType,
      uri: urls.version(r.id, r.version),
      // A DOI is cited once it is findable; drafts and registered DOIs are not public.
      doi: doi && doi.state === 'findable' ? { doi: doi.doi, state: doi.state } : null,
      withdrawn: s.withdrawals.get(item.pk) ?? null,
      license: r.license,
      distributions: r.distributions.map((d) => ({ title: d.title, urls: d.urls, mediaType: d.mediaType, sizeBytes: d.sizeBytes, checksum: d.checksum })),
      datasheet: r.datasheet,
      datasheetCompleteness: datasheetCompleteness(r.datasheet),
      gateStatus: item.parts.gateStatus,
    };
  };

  const stepOf = (id: string): Step => {
    const a = s.steps.get(id);
    return {
      id,
      kind: a?.kind ?? 'other',
      name: a?.name ?? null,
      uri: urls.activity(id),
      software: a?.software ?? null,
      inputs: used.get(id) ?? [],
      outputs: produced.get(id) ?? [],
    };
  };
  const roleOf = (activity: string, node: LineageNode) =>
    s.steps.get(activity)?.inputs.find((i) => i.dataset === node.dataset && i.version === node.version)?.role ?? null;
  const isModel = (id: string) => {
    const n = nodes.get(id);
    return n?.pk != null && s.items.get(n.pk)?.record.resourceType === 'Model';
  };

  // Down the chain of models: a model's generating steps; a training step's non-model inputs are training data,
  // its model inputs (base models) are followed, and so are the model inputs of any other step (e.g. a conversion).
  const root = walk.root.id;
  const trainingSteps: Step[] = [];
  const trainingData = new Map<string, Manifest['trainingData'][number]>();
  const seenModels = new Set<string>([root]);
  const queue: { model: string; via: string | null }[] = [{ model: root, via: null }];
  while (queue.length) {
    const { model, via } = queue.shift()!;
    for (const activity of generatedBy.get(model) ?? []) {
      const training = TRAINING_KINDS.has(s.steps.get(activity)?.kind ?? '');
      if (training && !trainingSteps.some((t) => t.id === activity)) trainingSteps.push(stepOf(activity));
      for (const input of used.get(activity) ?? []) {
        const node = nodes.get(input);
        if (!node) continue;
        if (isModel(input)) {
          if (!seenModels.has(input)) queue.push({ model: input, via: input });
          seenModels.add(input);
        } else if (training && !trainingData.has(input)) {
          trainingData.set(input, { ...entry(node), role: roleOf(activity, node), via });
        }
      }
    }
  }

  const upstream = walk.nodes.filter((n) => n.kind === 'DATASET' && n.id !== root).map(entry);
  const training = [...trainingData.values()];
  const visible = (list: DatasetEntry[]) => list.filter((d) => d.dataset !== null);
  const ids = (list: DatasetEntry[], keep: (d: DatasetEntry) => boolean) =>
    visible(list)
      .filter(keep)
      .map((d) => d.id);
  const summary = {
    trainingDatasets: training.length,
    upstreamDatasets: upstream.length,
    licences: [...new Set(visible(training).flatMap((d) => (licensed(d) ? [d.license!] : [])))].sort(),
    unlicensed: ids(training, (d) => !licensed(d)),
    withdrawn: ids(upstream, (d) => d.withdrawn !== null),
    failedGates: ids(upstream, (d) => d.gateStatus?.status === 'failed'),
    notEvaluated: ids(upstream, (d) => !!d.gateStatus?.gates.some((g) => g.state === 'not-evaluated')),
    missingChecksums: ids(training, (d) => !d.distributions.length || d.distributions.some((x) => !x.checksum)),
    incompleteDatasheets: ids(training, (d) => !d.datasheetCompleteness?.complete),
    restricted: upstream.filter((d) => d.dataset === null).length,
  };
  const m = s.model.record;
  const modelDoi = s.model.parts.doi;
  return {
    model: {
      dataset: m.id,
      version: m.version!,
      title: m.title,
      uri: urls.version(m.id, m.version),
      doi: modelDoi?.state === 'findable' ? modelDoi.doi : null,
      license: m.license,
    },
    trainingSteps,
    trainingData: training,
    lineage: {
      datasets: upstream,
      steps: walk.nodes.filter((n) => n.kind === 'ACTIVITY').map((n) => stepOf(n.id)),
      edges: walk.edges,
      truncated: walk.truncated,
      truncatedReason: walk.truncatedReason,
    },
    rawSources: upstream.filter((d) => d.rawSource).map((d) => d.id),
    summary: {
      ...summary,
      complete:
        !walk.truncated &&
        !summary.withdrawn.length &&
        !summary.failedGates.length &&
        !summary.unlicensed.length &&
        !summary.missingChecksums.length &&
        !summary.restricted,
    },
  };
}
