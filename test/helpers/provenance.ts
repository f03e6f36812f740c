import { publishedDataset, step, type TestApp } from './app.js';

export const ORCID = '0000-0002-1825-0097';

/**
 * raw (+ a restricted calibration) -> reco -> mid -> select -> out: two steps, one fully described
 * (software, agents with ORCID and ROR, times, parameters, roles), one bare.
 */
export async function derivationChain(a: TestApp) {
  const raw = await publishedDataset(a, {
    title: 'Raw detector hits',
    distributions: [
      {
        urls: ['https://data.example.org/raw.root', 'https://mirror.example.org/raw.root'],
        mediaType: 'application/octet-stream',
        sizeBytes: 2048,
        checksum: { algorithm: 'sha256', value: 'AB'.repeat(32) },
      },
    ],
  });
  const mid = await publishedDataset(a, { title: 'Reconstructed tracks' });
  const out = await publishedDataset(a, { title: 'Training set', license: 'CC0-1.0' });
  const hidden = await publishedDataset(a, { title: 'Secret calibration', accessLevel: 'restricted' });
  await step(a, {
    id: 'reco',
    kind: 'reconstruction',
    name: 'track reconstruction',
    description: 'Hits to tracks.',
    software: { name: 'reco', version: '2.1', repository: 'https://git.example.org/reco' },
    startedAt: '2024-01-01T10:00:00Z',
    endedAt: '2024-01-01T11:00:00.5+01:00',
    agents: [
      { type: 'Person', name: 'Ada Lovelace', orcid: ORCID, role: 'operator' },
      { type: 'Organization', name: 'BNL', ror: 'https://ror.org/02ex6cf31' },
    ],
    parameters: { field: 0.5, geometry: { version: 'v3' } },
    inputs: [
      { dataset: raw, role: 'hits' },
      { dataset: hidden, role: 'calibration' },
    ],
    outputs: [{ dataset: mid }],
  });
  await step(a, {
    id: 'select',
    kind: 'selection',
    agents: [{ type: 'Person', name: 'Grace Hopper' }],
    inputs: [{ dataset: mid }],
    outputs: [{ dataset: out }],
  });
  return { raw, mid, out, hidden };
}

interface StepAnswer {
  name: string | null;
  kind: string;
  software: { name: string; version: string | null; repository: string | null } | null;
  startedAt: string | null;
  endedAt: string | null;
  parameters: Record<string, unknown> | null;
  agents: { name: string; orcid: string | null; ror: string | null; role: string }[];
  inputs: { title: string; role: string | null }[];
  outputs: { title: string }[];
}

/**
 * The derivation graph upstream of a dataset as femto answers it, told by what an exchange format
 * carries (not by femto's ids): each step's name, kind, software, times, parameters, agents and
 * the titles at its ends, so two sites' graphs compare.
 */
export async function graphOf(a: TestApp, id: string) {
  const lineage = (await a.app.inject({ url: `/datasets/${id}/lineage?depth=10`, headers: a.as.curator })).json();
  const steps: StepAnswer[] = await Promise.all(
    lineage.nodes
      .filter((n: { kind: string }) => n.kind === 'ACTIVITY')
      .map((n: { id: string }) => a.app.inject({ url: `/activities/${n.id}`, headers: a.as.curator }).then((r) => r.json())),
  );
  return steps
    .map((s) => ({
      name: s.name,
      kind: s.kind,
      software: s.software && [s.software.name, s.software.version, s.software.repository],
      startedAt: s.startedAt && Date.parse(s.startedAt),
      endedAt: s.endedAt && Date.parse(s.endedAt),
      agents: s.agents.map((g) => [g.name, g.orcid, g.ror]).sort(),
      parameters: s.parameters,
      inputs: s.inputs.map((i) => [i.title, i.role]).sort(),
      outputs: s.outputs.map((o) => o.title).sort(),
    }))
    .sort((x, y) => `${x.kind}${x.name}`.localeCompare(`${y.kind}${y.name}`));
}
