import type { SiteUrls } from '../../lib/site-urls.js';
import type { ReadExtension } from '../datasets/read.js';
import { visibleEndpoint } from '../datasets/visibility.js';
import '../provenance/provenance.read.js';
import type { GateStatus } from './gates.schema.js';
import type { GatesService } from './gates.service.js';
import { dqvForVersions } from './serializers/dqv.js';

declare module '../datasets/read.js' {
  interface ReadParts {
    gateStatus: GateStatus;
    /** DQV quality measurements of the version (gate evaluations), as JSON-LD nodes. */
    quality: Record<string, unknown>[];
    /** Gate status of the lineage neighbours the caller may see, by "<dataset>@<version>" (lineage pictures colour them). */
    neighbourStatus: Map<string, GateStatus['status']>;
  }
}

/**
 * The gates module's part of every dataset read: gate status (in the JSON record as `gateStatus`),
 * DQV measurements, and the status of the lineage neighbours. Runs after the provenance part it reads.
 */
export function gatesReadExtension(gates: GatesService, urls: SiteUrls): ReadExtension {
  return {
    async load(actor, items) {
      const pks = items.map((i) => i.pk);
      const around = new Map(
        items.map((i) => [i.pk, [...i.parts.provenance.upstream, ...i.parts.provenance.downstream].filter((e) => visibleEndpoint(actor, e))]),
      );
      // One batch for the versions and their neighbours.
      const status = await gates.gateStatusFor([...new Set([...pks, ...[...around.values()].flat().map((e) => e.versionPk)])]);
      const quality = await dqvForVersions(
        { gates, urls },
        items.map((i) => ({ pk: i.pk, datasetId: i.record.id, version: i.record.version })),
      );
      for (const item of items) {
        item.parts.gateStatus = status.get(item.pk)!;
        item.parts.quality = quality.get(item.pk) ?? [];
        item.parts.neighbourStatus = new Map(around.get(item.pk)!.map((e) => [`${e.datasetId}@${e.versionNumber}`, status.get(e.versionPk)!.status]));
      }
    },
    json: (item) => ({ gateStatus: item.parts.gateStatus }),
  };
}
