import type { SiteUrls } from '../../../lib/site-urls.js';
import type { MeasurementRecord } from '../gates.schema.js';

/**
 * Prefixes the DQV nodes below are written with. Every JSON-LD document that embeds them adds
 * these to its @context; prefixed keys cannot clash with the host vocabulary's own terms (schema.org
 * has its own `value`), so the nodes mean the same in any document.
 */
export const DQV_PREFIXES = {
  dqv: 'http://www.w3.org/ns/dqv#',
  prov: 'http://www.w3.org/ns/prov#',
  qudt: 'http://qudt.org/schema/qudt/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  femto: 'https://w3id.org/femto/ns#',
} as const;

const typed = (value: unknown, type: string) => ({ '@value': value, '@type': type });

/**
 * DQV quality measurements of measurements: one dqv:QualityMeasurement per gate judged, with the
 * gate as its metric (gates are dqv:Metric in the ontology), the judged value, the version it was
 * computed on, and the validation activity that generated it. Gates that state no number yield no
 * measurement (there is no value of the metric), only the observed value stays in the REST record.
 */
export function dqvQualityMeasurements(urls: SiteUrls, datasetId: string, measurements: MeasurementRecord[]): Record<string, unknown>[] {
  return measurements.flatMap((m) =>
    m.results
      .filter((r) => r.value !== null)
      .map((r) => ({
        '@id': `${urls.measurement(datasetId, m.id)}#${r.gate.split('/').pop()}`,
        '@type': 'dqv:QualityMeasurement',
        'dqv:isMeasurementOf': { '@id': r.gate },
        'dqv:computedOn': { '@id': urls.version(datasetId, m.version) },
        'dqv:value': typed(r.value, 'xsd:double'),
        ...(r.threshold.unit ? { 'qudt:unit': { '@id': r.threshold.unit } } : {}),
        'femto:observable': { '@id': m.observable },
        ...(r.passed !== null ? { 'femto:passed': typed(r.passed, 'xsd:boolean') } : {}),
        ...(r.margin !== null ? { 'femto:margin': typed(r.margin, 'xsd:double') } : {}),
        'prov:wasGeneratedBy': { '@id': urls.activity(m.activity) },
        'prov:generatedAtTime': typed(m.recordedAt, 'xsd:dateTime'),
      })),
  );
}

/** DQV nodes per version pk, for a batch of versions: what JSON-LD puts under dqv:hasQualityMeasurement. */
export async function dqvForVersions(
  deps: { gates: { measurementsOfVersions(pks: number[]): Promise<MeasurementRecord[]> }; urls: SiteUrls },
  versions: { pk: number; datasetId: string; version: number | null }[],
): Promise<Map<number, Record<string, unknown>[]>> {
  const measurements = await deps.gates.measurementsOfVersions(versions.map((v) => v.pk));
  return new Map(
    versions.map((v) => [
      v.pk,
      dqvQualityMeasurements(
        deps.urls,
        v.datasetId,
        measurements.filter((m) => m.dataset === v.datasetId && m.version === v.version),
      ),
    ]),
  );
}
