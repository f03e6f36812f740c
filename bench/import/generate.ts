/**
 * Deterministic inputs for the import benchmark: n datasets and n steps, as femto's own JSON lines
 * and CSV catalog and as OpenLineage COMPLETE events. Step i generates dataset i and (from i = 1)
 * reads one earlier dataset, so the steps make one derivation forest without cycles.
 */
import { stringify } from 'csv-stringify/sync';

export const PRODUCER = 'https://example.org/femto-bench';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

/** The dataset step i reads: an earlier one, spread over the whole range (a multiplicative hash). */
export const inputOf = (i: number) => (i === 0 ? undefined : (i * 2654435761) % i);

export const datasetId = (i: number) => `bench-ds-${i}`;

export function datasetRecord(i: number) {
  return {
    id: datasetId(i),
    title: `Benchmark dataset ${i}`,
    description: `Synthetic configurations, batch ${i % 97}, for the bulk import benchmark.`,
    tier: i % 10,
    dataType: 'Raw-Simulation',
    license: 'CC-BY-4.0',
    creators: [{ name: `Physicist ${i % 500}` }],
    keywords: ['benchmark', `batch-${i % 97}`],
    formats: ['HDF5'],
  };
}

export function stepRecord(i: number) {
  const input = inputOf(i);
  return {
    record: 'activity',
    id: `bench-step-${i}`,
    kind: 'simulation',
    name: `step ${i}`,
    software: { name: 'bench-sim', version: '1.0' },
    inputs: input === undefined ? [] : [{ dataset: datasetId(input) }],
    outputs: [{ dataset: datasetId(i) }],
  };
}

/** The catalog as JSON lines: every dataset, then every step (steps name datasets by id). */
export function jsonlCatalog(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify(datasetRecord(i)));
  for (let i = 0; i < n; i++) lines.push(JSON.stringify(stepRecord(i)));
  return lines.join('\n') + '\n';
}

export function csvCatalog(n: number): string {
  const rows: Record<string, string | number>[] = [];
  for (let i = 0; i < n; i++) {
    const d = datasetRecord(i);
    rows.push({
      record: 'dataset',
      id: d.id,
      title: d.title,
      description: d.description,
      tier: d.tier,
      dataType: d.dataType,
      license: d.license,
      creators: d.creators[0].name,
      keywords: d.keywords.join(';'),
      formats: 'HDF5',
    });
  }
  for (let i = 0; i < n; i++) {
    const s = stepRecord(i);
    rows.push({
      record: 'activity',
      id: s.id,
      kind: s.kind,
      name: s.name,
      software: 'bench-sim',
      softwareVersion: '1.0',
      inputs: s.inputs.map((x) => x.dataset).join(';'),
      outputs: datasetId(i),
    });
  }
  const columns = [
    'record',
    'id',
    'title',
    'description',
    'tier',
    'dataType',
    'license',
    'creators',
    'keywords',
    'formats',
    'kind',
    'name',
    'software',
    'softwareVersion',
    'inputs',
    'outputs',
  ];
  return stringify(rows, { header: true, columns });
}

/** Run i's COMPLETE event: it reads dataset inputOf(i) and writes dataset i (each dataset first seen as an output). */
export function olEvent(i: number, runId: string) {
  const input = inputOf(i);
  return {
    eventType: 'COMPLETE',
    eventTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    run: { runId, facets: {} },
    job: { namespace: 'bench://pipeline', name: `job-${i % 100}`, facets: {} },
    inputs: input === undefined ? [] : [{ namespace: 's3://bench', name: `table-${input}` }],
    outputs: [{ namespace: 's3://bench', name: `table-${i}` }],
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
  };
}

/** Stable run ids (UUID-shaped) so two runs of the generator write the same events. */
export const runIdOf = (i: number, salt = 0) => `00000000-0000-4000-8${String(salt).padStart(3, '0')}-${i.toString(16).padStart(12, '0')}`;

export function olEvents(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify(olEvent(i, runIdOf(i))));
  return lines.join('\n') + '\n';
}
