import type { DatasetRenderContext } from '../../../container.js';
import type { Representation } from '../../../lib/negotiation.js';
import type { OntologyService } from '../../ontology/ontology.service.js';
import type { GatesService } from '../gates.service.js';
import { dqvForVersion, qualityContext } from './dqv.js';

/**
 * A small JSON-LD view of a dataset version: schema:Dataset with its observables as
 * schema:variableMeasured and its DQV quality measurements. Registered only when no other module
 * offers application/ld+json (the schema.org representation then embeds dqvForVersion instead).
 */
export function qualityJsonLdRepresentation(deps: { gates: GatesService; ontology: OntologyService; baseUrl: string }): Representation<DatasetRenderContext> {
  return {
    mediaType: 'application/ld+json',
    format: 'jsonld',
    render: ({ record, pk }) => {
      const self = `${deps.baseUrl}/datasets/${encodeURIComponent(record.id)}${record.version != null ? `/versions/${record.version}` : '/draft'}`;
      return JSON.stringify({
        '@context': qualityContext,
        '@id': self,
        '@type': 'schema:Dataset',
        'schema:identifier': record.id,
        'schema:name': record.title,
        ...(record.version != null ? { 'schema:version': String(record.version) } : {}),
        'schema:variableMeasured': record.observables.map((iri) => {
          const o = deps.ontology.observable(iri);
          return {
            '@type': 'schema:PropertyValue',
            'schema:propertyID': { '@id': iri },
            'schema:name': o?.label ?? iri,
            ...(o?.unit ? { 'schema:unitCode': { '@id': o.unit } } : {}),
          };
        }),
        hasQualityMeasurement: dqvForVersion({ gates: deps.gates, baseUrl: deps.baseUrl }, { datasetId: record.id, pk }),
      });
    },
  };
}
