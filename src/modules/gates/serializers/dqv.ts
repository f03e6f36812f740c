import { readFileSync } from 'node:fs';
import { projectPath } from '../../../paths.js';
import type { MeasurementRecord } from '../gates.schema.js';

/**
 * The local JSON-LD context the nodes below are written against (schema/jsonld/). A caller that
 * embeds the nodes in a document with another context adds this one to its @context array.
 */
export const qualityContext = JSON.parse(readFileSync(projectPath('schema', 'jsonld', 'femto-quality.context.json'), 'utf8'))['@context'] as Record<string, unknown>;

export interface DqvLinks {
  baseUrl: string;
  datasetId: string;
}

export const versionIri = (l: DqvLinks, version: number) => `${l.baseUrl}/datasets/${encodeURIComponent(l.datasetId)}/versions/${version}`;
export const measurementIri = (l: DqvLinks, id: string) => `${l.baseUrl}/datasets/${encodeURIComponent(l.datasetId)}/measurements/${id}`;

/**
 * DQV quality measurements of measurements: one dqv:QualityMeasurement per gate judged, with the
 * gate as its metric (gates are dqv:Metric in the ontology), the judged value, the version it was
 * computed on, and the validation activity that generated it. Gates that state no number yield no
 * measurement (there is no value of the metric), only the observed value stays in the REST record.
 */
export function dqvQualityMeasurements(links: DqvLinks, measurements: MeasurementRecord[]): Record<string, unknown>[] {
  return measurements.flatMap((m) =>
    m.results
      .filter((r) => r.value !== null)
      .map((r) => ({
        '@id': `${measurementIri(links, m.id)}#${r.gate.split('/').pop()}`,
        '@type': 'QualityMeasurement',
        isMeasurementOf: r.gate,
        computedOn: versionIri(links, m.version),
        value: r.value,
        ...(r.threshold.unit ? { unit: r.threshold.unit } : {}),
        observable: m.observable,
        passed: r.passed,
        margin: r.margin,
        wasGeneratedBy: `${links.baseUrl}/activities/${m.activity}`,
        generatedAtTime: m.recordedAt,
      })),
  );
}

/** The DQV nodes of one dataset version: what a JSON-LD representation puts under dqv:hasQualityMeasurement. */
export function dqvForVersion(
  deps: { gates: { measurementsOfVersion(pk: number): MeasurementRecord[] }; baseUrl: string },
  ctx: { datasetId: string; pk: number },
): Record<string, unknown>[] {
  return dqvQualityMeasurements({ baseUrl: deps.baseUrl, datasetId: ctx.datasetId }, deps.gates.measurementsOfVersion(ctx.pk));
}
