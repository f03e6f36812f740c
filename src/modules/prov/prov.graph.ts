import { notFound } from '../../errors.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { Actor } from '../auth/auth.schema.js';
import type { DatasetReader, ReadItem } from '../datasets/read.js';
import { harvestItem, type HarvestItem } from '../harvest/harvest.service.js';
import type { Lineage } from '../lineage/lineage.schema.js';
import type { ActivityRecord } from '../provenance/provenance.schema.js';
import type { ProvenanceService, StepEnd } from '../provenance/provenance.service.js';

/** A dataset version in an exported graph: its stored record (femto's own agents) and the description every format gives. */
export interface GraphVersion {
  item: ReadItem;
  described: HarvestItem;
}

/**
 * What a provenance export says: dataset versions, the steps between them with their agents and
 * software, and which version each step used or generated. Built once per answer, in a fixed
 * number of statements, for a lineage subgraph or one step; versions the caller may not see are
 * left out (every export names only what the JSON answers name).
 */
export interface ProvGraph {
  kind: 'lineage' | 'activity';
  viewer: Actor;
  /** The URL the export describes: the lineage query or the activity. */
  about: string;
  title: string;
  description: string;
  /** Root first, then in breadth-first order. */
  versions: GraphVersion[];
  activities: ActivityRecord[];
  used: StepEnd[];
  generated: StepEnd[];
  truncated: boolean;
}

export function createProvGraphs(deps: { steps: ProvenanceService['steps']; reader: Pick<DatasetReader, 'load'>; urls: SiteUrls }) {
  const { steps, reader, urls } = deps;

  async function build(
    actor: Actor,
    head: Pick<ProvGraph, 'kind' | 'about' | 'title' | 'description' | 'truncated'>,
    versionPks: number[],
    activityIds: string[],
  ): Promise<ProvGraph> {
    const s = await steps(actor, activityIds);
    const pks = [...new Set([...versionPks, ...s.used.map((u) => u.versionPk), ...s.generated.map((g) => g.versionPk)])];
    const versions = (await reader.load(actor, pks)).map((item) => ({ item, described: harvestItem(actor, item) }));
    const loaded = new Set(versions.map((v) => v.item.pk));
    const kept = (e: StepEnd) => loaded.has(e.versionPk);
    return { viewer: actor, ...head, versions, activities: s.activities, used: s.used.filter(kept), generated: s.generated.filter(kept) };
  }

  return {
    /** The lineage walk the JSON answer gives, with every step in it told whole (all the inputs and outputs the caller may see). */
    async ofLineage(actor: Actor, l: Lineage, about: string): Promise<ProvGraph> {
      const root = l.root.dataset ? `${l.root.dataset} v${l.root.version}` : l.root.id;
      const versionPks = l.nodes.flatMap((n) => (n.pk !== null ? [n.pk] : []));
      const activityIds = l.nodes.flatMap((n) => (n.activity ? [n.activity] : []));
      const direction = { UPSTREAM: 'upstream', DOWNSTREAM: 'downstream', BOTH: 'upstream and downstream' }[l.direction];
      return build(
        actor,
        {
          kind: 'lineage',
          about,
          title: `Lineage of ${root}`,
          description: `The derivation steps ${direction} of ${root}, up to ${l.depth} steps away, with the dataset versions they used and generated.${l.truncated ? ' Truncated: the walk reached its bound before the end of the graph.' : ''}`,
          truncated: l.truncated,
        },
        versionPks,
        activityIds,
      );
    },

    /** One step with its inputs, outputs, agents and software; 404 for an unknown step. */
    async ofActivity(actor: Actor, id: string): Promise<ProvGraph> {
      const g = await build(actor, { kind: 'activity', about: urls.activity(id), title: '', description: '', truncated: false }, [], [id]);
      const [a] = g.activities;
      if (!a) throw notFound('Activity', id);
      return {
        ...g,
        title: a.name ?? `${a.kind} step ${a.id}`,
        description: a.description ?? `The ${a.kind} step ${a.id} with the dataset versions it used and generated.`,
      };
    },
  };
}

export type ProvGraphs = ReturnType<typeof createProvGraphs>;
