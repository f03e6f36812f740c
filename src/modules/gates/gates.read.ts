import type { SiteUrls } from '../../lib/site-urls.js';
import type { ReadExtension } from '../datasets/read.js';
import type { GateStatus } from './gates.schema.js';
import type { GatesService } from './gates.service.js';
import { dqvForVersions } from './serializers/dqv.js';

declare module '../datasets/read.js' {
  interface ReadParts {
    gateStatus: GateStatus;
    /** DQV quality measurements of the version (gate evaluations), as JSON-LD nodes. */
    quality: Record<string, unknown>[];
  }
}

/** The gates module's part of every dataset read: gate status (in the JSON record as `gateStatus`) and DQV measurements. */
export function gatesReadExtension(gates: GatesService, urls: SiteUrls): ReadExtension {
  return {
    load(_actor, items) {
      const pks = items.map((i) => i.pk);
      const status = gates.gateStatusFor(pks);
      const quality = dqvForVersions({ gates, urls }, items.map((i) => ({ pk: i.pk, datasetId: i.record.id, version: i.record.version })));
      for (const item of items) {
        item.parts.gateStatus = status.get(item.pk)!;
        item.parts.quality = quality.get(item.pk) ?? [];
      }
    },
    json: (item) => ({ gateStatus: item.parts.gateStatus }),
  };
}
