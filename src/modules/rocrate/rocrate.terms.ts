import { orcidUrl, rorUrl } from '../../lib/identifiers.js';
import { slugOf, spdxUrl } from '../harvest/harvest.urls.js';

/**
 * RO-Crate versions femto writes. 1.1 is the default (`?format=rocrate`): the Workflow Run Crate
 * profiles build on it and the RO-Crate validator's shapes check it; 1.2 (`rocrate-1.2`) is the
 * current specification. Either is also chosen by `Accept: application/ld+json; profile="<spec>"`.
 */
export const CRATE_VERSIONS = {
  '1.1': { spec: 'https://w3id.org/ro/crate/1.1', context: 'https://w3id.org/ro/crate/1.1/context' },
  '1.2': { spec: 'https://w3id.org/ro/crate/1.2', context: 'https://w3id.org/ro/crate/1.2/context' },
} as const;
export type CrateVersion = keyof typeof CRATE_VERSIONS;

/** Checksums (md5, sha1, sha256, sha512) are terms of the workflow-run vocabulary. */
export const WORKFLOW_RUN_CONTEXT = 'https://w3id.org/ro/terms/workflow-run/context';

export const PROFILES = {
  process: { '@id': 'https://w3id.org/ro/wfrun/process/0.5', name: 'Process Run Crate', version: '0.5' },
  workflow: { '@id': 'https://w3id.org/ro/wfrun/workflow/0.5', name: 'Workflow Run Crate', version: '0.5' },
  provenance: { '@id': 'https://w3id.org/ro/wfrun/provenance/0.5', name: 'Provenance Run Crate', version: '0.5' },
  workflowCrate: { '@id': 'https://w3id.org/workflowhub/workflow-ro-crate/1.0', name: 'Workflow RO-Crate', version: '1.0' },
} as const;

/** The Bioschemas profile Workflow Run Crates name for a tool's parameters. */
export const FORMAL_PARAMETER = 'https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE';

/** The name of the instrument femto writes for a step whose software it has no record of (the profile requires one). */
export const SOFTWARE_NOT_RECORDED = 'Software not recorded';

export const METADATA_FILE = 'ro-crate-metadata.json';
export const ROOT = './';
export const COMPLETED = 'http://schema.org/CompletedActionStatus';

export type Entity = { '@id': string; '@type': string | string[] } & Record<string, unknown>;
export const ref = (id: string) => ({ '@id': id });

/** The entities of one crate, each once by @id (the first description of an id wins). */
export class CrateGraph {
  private readonly entities = new Map<string, Entity>();

  add(e: Entity): { '@id': string } {
    if (!this.entities.has(e['@id'])) this.entities.set(e['@id'], e);
    return ref(e['@id']);
  }

  document(version: CrateVersion, descriptorProfiles: string[] = []): { '@context': unknown; '@graph': Entity[] } {
    const { spec, context } = CRATE_VERSIONS[version];
    const descriptor: Entity = {
      '@id': METADATA_FILE,
      '@type': 'CreativeWork',
      conformsTo: descriptorProfiles.length ? [ref(spec), ...descriptorProfiles.map(ref)] : ref(spec),
      about: ref(ROOT),
    };
    const root = this.entities.get(ROOT);
    const rest = [...this.entities.values()].filter((e) => e !== root);
    return { '@context': [context, WORKFLOW_RUN_CONTEXT], '@graph': [descriptor, ...(root ? [root] : []), ...rest] };
  }
}

export interface PersonLike {
  name: string;
  type: 'Person' | 'Organization' | 'Software';
  orcid: string | null;
  ror: string | null;
  affiliation: string | null;
}

export const organizationId = (name: string) => `#organization-${slugOf(name)}`;

/** A person or organisation as a contextual entity: its ORCID or ROR iD as @id when it has one. */
export function agentEntity(crate: CrateGraph, a: PersonLike): { '@id': string } {
  const type = a.type === 'Organization' ? 'Organization' : a.type === 'Software' ? 'SoftwareApplication' : 'Person';
  const id = a.orcid
    ? orcidUrl(a.orcid)
    : a.ror
      ? rorUrl(a.ror)
      : type === 'Organization'
        ? organizationId(a.name)
        : `#${type === 'Person' ? 'person' : 'software'}-${slugOf(a.name)}`;
  const affiliation = a.affiliation ? crate.add({ '@id': organizationId(a.affiliation), '@type': 'Organization', name: a.affiliation }) : undefined;
  return crate.add({ '@id': id, '@type': type, name: a.name, ...(id.startsWith('https:') ? { url: id } : {}), ...(affiliation ? { affiliation } : {}) });
}

/** The licence of a record as a contextual entity, or a sentence where the record states none (RO-Crate requires a licence). */
export function licenseOf(crate: CrateGraph, spdx: string | null, missing: string): { '@id': string } | string {
  if (!spdx) return missing;
  return crate.add({ '@id': spdxUrl(spdx), '@type': 'CreativeWork', name: spdx, identifier: spdx });
}

/**
 * A time as the Process Run Crate profile writes it: ISO 8601 with a numeric offset, whole
 * seconds or milliseconds (`2024-01-01T10:00:00+00:00`).
 */
export function crateTime(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/Z$/, '+00:00');
}
