import { publishedDataset, step, type TestApp } from '../helpers/app.js';

/**
 * A small lineage with every field the harvest formats carry: raw samples -> feature extraction
 * (software, agents) -> features -> training -> model, plus a restricted and an embargoed record.
 */
export async function fullFixture(t: TestApp) {
  await publishedDataset(t, { id: 'ising-raw', title: 'Ising raw configurations', dataType: 'Raw-Simulation' });
  await publishedDataset(t, {
    id: 'ising-features',
    title: 'Ising features <b>& "quotes"</b>',
    description: 'Binder cumulants and magnetisation histograms extracted from 2D Ising configurations near Tc.',
    tier: 3,
    domain: 'Stat. Field Theory & RG',
    dataType: 'AI-Curated',
    license: 'CC-BY-4.0',
    version: '1.0',
    publisher: 'femto test lab',
    creators: [
      { name: 'Ada Lovelace', orcid: '0000-0002-1825-0097', affiliation: 'Analytical Engines Ltd' },
      { name: 'CERN', type: 'Organization', ror: '01ggx4157' },
    ],
    keywords: ['Ising model', 'critical phenomena'],
    formats: ['HDF5'],
    observables: ['https://w3id.org/femto/observable/magnetic-susceptibility'],
    sizeBytes: 123456,
    recordCount: 1000,
    distributions: [
      {
        title: 'features.h5',
        urls: ['https://data.example.org/features.h5', 'https://mirror.example.org/features.h5'],
        kind: 'download',
        mediaType: 'application/x-hdf5',
        sizeBytes: 123456,
        checksum: { algorithm: 'sha256', value: 'ab'.repeat(32) },
      },
    ],
    relatedIdentifiers: [
      { type: 'arXiv', value: '2101.00001', relation: 'IsDocumentedBy' },
      { type: 'DOI', value: '10.1234/ising-paper', relation: 'Cites' },
    ],
  });
  await publishedDataset(t, { id: 'ising-model', title: 'Ising critical-temperature classifier', dataType: 'AI-Curated' });
  await step(t, {
    id: 'extract-features',
    kind: 'feature-extraction',
    name: 'Feature extraction',
    software: { name: 'isingtools', version: '2.1', repository: 'https://github.com/example/isingtools', commit: 'abcdef1' },
    agents: [{ type: 'Person', name: 'Ada Lovelace', orcid: '0000-0002-1825-0097' }],
    startedAt: '2024-01-01T00:00:00Z',
    endedAt: '2024-01-02T00:00:00Z',
    inputs: [{ dataset: 'ising-raw' }],
    outputs: [{ dataset: 'ising-features' }],
  });
  await step(t, { id: 'train-model', kind: 'training', inputs: [{ dataset: 'ising-features' }], outputs: [{ dataset: 'ising-model' }] });
  await publishedDataset(t, { id: 'secret-set', title: 'Secret collaboration data', accessLevel: 'restricted' });
  await publishedDataset(t, {
    id: 'embargoed-set',
    title: 'Embargoed detector data',
    accessLevel: 'embargoed',
    embargoUntil: '2999-01-01',
    distributions: [{ title: 'events.root', urls: ['https://data.example.org/hidden-events.root'], mediaType: 'application/octet-stream' }],
  });
}

/** Publication times differ per run; golden comparisons pin them. */
export const pinTimes = (s: string) => s.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '2000-01-01T00:00:00.000Z');
