import type { App } from '../../src/app.js';
import type { Actor } from '../../src/modules/auth/auth.schema.js';
import type { PatchDatasetInput, VersionContent } from '../../src/modules/datasets/datasets.schema.js';

// Records belong to the default user, whose tokens the test helper makes: its reader holds them (sees them while private).
const admin: Actor = { id: 'test-admin', role: 'admin', user: 'default' };

/** Builds provenance graphs straight through the services (REST is covered elsewhere; this is many records fast). */
export function graphBuilder(app: App) {
  const { datasets, provenance } = app.femto;
  return {
    async dataset(id: string, over: Partial<VersionContent> = {}) {
      await datasets.createPublished(admin, id, {
        title: `Dataset ${id}`,
        description: 'test',
        creators: [{ name: `Creator of ${id}`, type: 'Person' }],
        accessLevel: 'open',
        ...over,
      } as VersionContent);
      return id;
    },
    /** Publishes the next version of a record, changed by `over` (e.g. its visibility). */
    async newVersion(id: string, over?: PatchDatasetInput) {
      await datasets.openDraft(admin, id);
      if (over) await datasets.patch(admin, id, over, '*');
      return (await datasets.publish(admin, id)).record.version!;
    },
    async step(
      id: string,
      inputs: (string | { dataset: string; version: number })[],
      outputs: (string | { dataset: string; version: number })[],
      kind = 'analysis',
    ) {
      const ref = (r: string | { dataset: string; version: number }) => (typeof r === 'string' ? { dataset: r } : r);
      await provenance.create(admin, { id, kind: kind as never, inputs: inputs.map(ref), outputs: outputs.map(ref) });
      return id;
    },
  };
}

export async function gql(app: App, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/graphql', headers, payload: { query, variables } });
  return { status: res.statusCode, body: res.json() as { data: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }, raw: res.body };
}

export const LINEAGE_FIELDS = `root { id } nodes { id kind depth version restricted hidden } edges { from to relation } truncated truncatedReason`;
