import type { RepresentationRegistry } from '../../lib/negotiation.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { DatasetReader } from '../datasets/read.js';
import { harvestItem } from '../harvest/harvest.service.js';
import type { Exportable } from '../prov/prov.formats.js';
import { CRATE_VERSIONS, type CrateVersion } from './rocrate.terms.js';
import { datasetCrate } from './serializers/dataset-crate.js';
import { runCrate } from './serializers/run-crate.js';

const FORMATS: { format: string; version: CrateVersion }[] = [
  { format: 'rocrate', version: '1.1' },
  { format: 'rocrate-1.2', version: '1.2' },
];

/**
 * RO-Crate representations: of a dataset version (`/datasets/{id}`, `/datasets/{id}/versions/{n}`)
 * and of provenance answers (lineage as a Provenance Run Crate, one step as a Process Run Crate),
 * each in RO-Crate 1.1 (`?format=rocrate`) and 1.2 (`?format=rocrate-1.2`), or by
 * `Accept: application/ld+json; profile="https://w3id.org/ro/crate/1.1"` (or 1.2).
 */
export function registerRoCrateRepresentations(reader: DatasetReader, provFormats: RepresentationRegistry<Exportable>, urls: SiteUrls) {
  for (const { format, version } of FORMATS) {
    const { spec } = CRATE_VERSIONS[version];
    const mediaType = `application/ld+json; profile="${spec}"`;
    reader.representations.register({
      mediaType,
      format,
      profile: spec,
      render: (item) => JSON.stringify(datasetCrate(harvestItem(item.viewer, item), urls, version)),
    });
    provFormats.register({ mediaType, format, profile: spec, render: async (e) => JSON.stringify(runCrate(await e.graph(), urls, version)) });
  }
}
