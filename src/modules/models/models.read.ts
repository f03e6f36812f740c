import type { SiteUrls } from '../../lib/site-urls.js';
import type { ReadExtension } from '../datasets/read.js';
import type { EvaluationRecord } from './models.schema.js';
import type { ModelsService } from './models.service.js';
import { modelProperties } from './serializers/jsonld.js';

/** What a Model record adds to every format of a version; null for datasets. */
export interface ModelPart {
  evaluations: EvaluationRecord[];
  /** Properties of the version's schema.org node (ML Schema type, model card, evaluations, manifest link). */
  jsonld: Record<string, unknown>;
}

declare module '../datasets/read.js' {
  interface ReadParts {
    model: ModelPart | null;
  }
}

/** The models module's part of every dataset read: a model's evaluations, for the whole batch in one statement. */
export function modelsReadExtension(models: ModelsService, urls: SiteUrls): ReadExtension {
  return {
    async load(actor, items) {
      const evaluations = await models.evaluationsOfVersions(
        actor,
        items.filter((i) => i.record.resourceType === 'Model').map((i) => i.pk),
      );
      for (const item of items) {
        const r = item.record;
        const own = evaluations.get(item.pk);
        item.parts.model = own
          ? { evaluations: own, jsonld: modelProperties({ card: r.modelCard, evaluations: own, datasetId: r.id, version: r.version }, urls) }
          : null;
      }
    },
  };
}
