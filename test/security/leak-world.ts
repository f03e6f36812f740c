import type { Test } from 'tap';
import { BASE_URL, makeApp, minimalDataset, type TestApp } from '../helpers/app.js';

/**
 * A small world for the leak matrix: records of every kind the access policy tells apart, owned by
 * the user `owner` and shared with the group `collab`, and canary strings planted in everything a
 * caller who does not hold them must never meet (titles, agent names, DOIs, step names, file URLs).
 *
 *   leak-open        public, open files                 everyone sees it all
 *   leak-embargoed   public, files embargoed until 2999 metadata to all, files to holders
 *   leak-restricted  public, restricted files           metadata and how to request access to all, files to holders
 *   leak-private     private                            holders only (its registered DOI: editors only)
 *   leak-draft       a draft never published            its editors only
 *   leak-withdrawn   public, its findable DOI hidden    a tombstone (410) for everyone
 *   leak-derived     public, generated from leak-private by a visible step
 *   leak-model       a public model trained on leak-private and leak-open, evaluated on leak-open
 *   leak-model-private  a private model, evaluated on leak-open too
 *
 * Lineage: leak-priv2 -> canary-hidden-step -> leak-private -> leak-visible-step -> leak-derived.
 * canary-hidden-step touches private records only: it is hidden.
 *
 * OpenLineage runs (POST /api/v1/lineage) by the owner: OL_RUNS.visible read leak-open (its step
 * is public), OL_RUNS.hidden read leak-priv2 only (its step, and the run, are hidden).
 */

export type Role = 'anonymous' | 'reader' | 'curator' | 'member';
export const ROLES: Role[] = ['anonymous', 'reader', 'curator', 'member'];

export const KINDS = ['open', 'embargoed', 'restricted', 'private', 'draft', 'withdrawn'] as const;
export type Kind = (typeof KINDS)[number];
export const DATASET_OF: Record<Kind, string> = {
  open: 'leak-open',
  embargoed: 'leak-embargoed',
  restricted: 'leak-restricted',
  private: 'leak-private',
  draft: 'leak-draft',
  withdrawn: 'leak-withdrawn',
};

/** Strings of what only holders may see; the roles that may meet each. */
export const CANARIES: Record<string, Role[]> = {
  'CANARY-PRIVATE-TITLE': ['member'],
  'CANARY-PRIVATE-TWO': ['member'],
  'Canary Private Agent': ['member'],
  'CANARY-STEP-NAME': ['member'],
  'Canary Step Agent': ['member'],
  'CANARY-EMBARGO-FILE': ['member'],
  'CANARY-RESTRICTED-FILE': ['member'],
  'CANARY-PRIVATE-FILE': ['member'],
  'CANARY-PRIVATE-MODEL': ['member'],
  'CANARY-PRIVATE-CLAIM': ['member'],
  // Drafts and DOIs that are not findable are their record's editors' work in progress: no role of the matrix edits.
  'CANARY-OL-JOB': ['member'],
  'CANARY-DRAFT-TITLE': [],
  'Canary Draft Agent': [],
  'canary-draft-doi': [],
  'canary-private-doi': [],
};

export const OL_RUNS = { visible: '0a11ea4e-0000-4000-8000-00000000000a', hidden: 'cafe0b1d-0000-4000-8000-00000000000b' };

/** Ids of hidden things: a caller may type them, but no answer it did not ask with one may name them. */
export const HIDDEN_IDS: Record<string, Role[]> = {
  'leak-private': ['member'],
  'leak-priv2': ['member'],
  'canary-hidden-step': ['member'],
  'leak-draft': [],
  [OL_RUNS.hidden]: ['member'],
  'leak-model-private': ['member'],
};

/** A completed OpenLineage run that read these femto datasets (by id) and wrote nothing. */
export function olRun(runId: string, inputs: string[], job = 'leak.read') {
  return {
    eventType: 'COMPLETE',
    eventTime: '2026-01-01T00:00:00.000Z',
    run: { runId, facets: {} },
    job: { namespace: 'airflow://leak', name: job, facets: {} },
    inputs: inputs.map((name) => ({ namespace: BASE_URL, name })),
    outputs: [],
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/integration/airflow',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  };
}

export interface LeakWorld {
  a: TestApp;
  as: Record<Role | 'owner', Record<string, string>>;
  agents: { open: string; private: string };
}

async function ok(res: Promise<{ statusCode: number; body: string }>, what: string) {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return r;
}

/** The world, built in two phases: `public` first, then (unless `publicOnly`) everything hidden. */
export async function leakWorld(t: Test, opts: { publicOnly?: boolean } = {}): Promise<LeakWorld & { addHidden(): Promise<void> }> {
  const a = await makeApp(t);
  const admin = a.as.admin;
  const inject = a.app.inject.bind(a.app);
  for (const id of ['owner', 'member']) await ok(inject({ method: 'POST', url: '/users', headers: admin, payload: { id, name: id } }), `user ${id}`);
  await ok(inject({ method: 'POST', url: '/groups', headers: admin, payload: { id: 'collab', name: 'The collaboration' } }), 'group');
  await ok(inject({ method: 'PUT', url: '/groups/collab/members/member', headers: admin }), 'membership');
  const token = async (user: string, role: string) =>
    ({
      authorization: `Bearer ${(await ok(inject({ method: 'POST', url: '/tokens', headers: admin, payload: { role, user } }), 'token')).json().token}`,
    }) as Record<string, string>;
  const owner = await token('owner', 'curator');
  const as = { anonymous: {}, reader: a.as.reader, curator: a.as.curator, member: await token('member', 'reader'), owner };

  // Each record is a lattice ensemble too: QCDml configurations name it by its Markov chain URI.
  const ensemble = (id: unknown) => ({ markovChainUri: `mc://leak/${String(id)}`, size: { x: 4, y: 4, z: 4, t: 8 } });
  const create = (body: Record<string, unknown>) =>
    ok(
      inject({
        method: 'POST',
        url: '/datasets',
        headers: owner,
        payload: minimalDataset({ publisher: 'The collaboration', ensemble: ensemble(body.id), ...body }),
      }),
      `create ${String(body.id)}`,
    );
  const publish = (id: string) => ok(inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: owner }), `publish ${id}`);
  const share = (id: string) => ok(inject({ method: 'PUT', url: `/datasets/${id}/sharing`, headers: admin, payload: { groups: ['collab'] } }), `share ${id}`);
  const dois = (method: 'POST' | 'PUT', url: string, attributes: Record<string, unknown>) =>
    ok(
      inject({
        method,
        url,
        headers: { ...owner, 'content-type': 'application/vnd.api+json' },
        payload: JSON.stringify({ data: { type: 'dois', attributes } }),
      }),
      `${method} ${url}`,
    );
  const dataset = async (body: Record<string, unknown>, published = true) => {
    await create(body);
    await share(String(body.id));
    if (published) await publish(String(body.id));
  };
  await ok(inject({ method: 'PUT', url: '/sites/leak-site', headers: admin, payload: { name: 'The collaboration mirror' } }), 'site');
  const file = (name: string) => [{ replicas: [{ url: `https://data.example.org/${name}.h5`, site: 'leak-site' }], mediaType: 'application/x-hdf5' }];

  await dataset({
    id: 'leak-open',
    title: 'Open leak record',
    creators: [{ name: 'Open Agent', orcid: '0000-0002-1825-0097' }],
    distributions: file('open-file'),
    keywords: ['leak'],
  });
  await dataset({
    id: 'leak-embargoed',
    title: 'Embargoed leak record',
    accessLevel: 'embargoed',
    embargoUntil: '2999-01-01',
    distributions: file('CANARY-EMBARGO-FILE'),
  });
  await dataset({
    id: 'leak-restricted',
    title: 'Restricted leak record',
    visibility: 'public',
    accessLevel: 'restricted',
    accessConditions: 'Members of the collaboration only.',
    accessContact: 'access@example.org',
    distributions: file('CANARY-RESTRICTED-FILE'),
  });
  await dataset({
    id: 'leak-private',
    title: 'CANARY-PRIVATE-TITLE',
    visibility: 'private',
    creators: [{ name: 'Canary Private Agent', orcid: '0000-0001-5109-3700' }],
    distributions: file('CANARY-PRIVATE-FILE'),
  });
  await dataset({ id: 'leak-withdrawn', title: 'Withdrawn leak record' });
  await dataset({ id: 'leak-derived', title: 'Derived leak record' });
  await ok(
    inject({
      method: 'POST',
      url: '/activities',
      headers: owner,
      payload: {
        id: 'leak-visible-step',
        kind: 'analysis',
        name: 'Visible step',
        inputs: [{ dataset: 'leak-private' }, { dataset: 'leak-open' }],
        outputs: [{ dataset: 'leak-derived' }],
      },
    }),
    'visible step',
  );
  await dataset({ id: 'leak-model', title: 'Leak model', resourceType: 'Model' });
  await ok(
    inject({
      method: 'POST',
      url: '/activities',
      headers: owner,
      payload: {
        kind: 'training',
        name: 'Leak training',
        inputs: [{ dataset: 'leak-private' }, { dataset: 'leak-open' }],
        outputs: [{ dataset: 'leak-model' }],
      },
    }),
    'training step',
  );
  const evaluate = (model: string, value: number, statement?: string) =>
    ok(
      inject({
        method: 'POST',
        url: `/models/${model}/evaluations`,
        headers: owner,
        payload: {
          benchmark: { dataset: 'leak-open' },
          metric: 'tracking-efficiency',
          value,
          baseline: { algorithm: 'Kalman-filter tracker', value: 0.5 },
          statement,
        },
      }),
      `evaluate ${model}`,
    );
  await evaluate('leak-model', 0.8);
  // Its evaluation is a step that used the public benchmark: a public change (as a step between private and public records is).
  await dataset({ id: 'leak-model-private', title: 'CANARY-PRIVATE-MODEL', visibility: 'private', resourceType: 'Model' });
  await evaluate('leak-model-private', 0.9, 'CANARY-PRIVATE-CLAIM');
  await dois('POST', '/dois', { doi: '10.5072/leak-open', url: `${BASE_URL}/datasets/leak-open`, event: 'publish' });
  await dois('POST', '/dois', { doi: '10.5072/leak-derived', url: `${BASE_URL}/datasets/leak-derived`, event: 'publish' });
  await dois('POST', '/dois', { doi: '10.5072/leak-withdrawn', url: `${BASE_URL}/datasets/leak-withdrawn`, event: 'publish' });
  await dois('PUT', '/dois/10.5072/leak-withdrawn', { event: 'hide', withdrawalReason: 'test' });

  const agentId = async (dataset: string) => (await ok(inject({ url: `/datasets/${dataset}`, headers: owner }), dataset)).json().creators[0].agentId as string;
  const agents = { open: await agentId('leak-open'), private: await agentId('leak-private') };
  const lineageEvent = (body: unknown, what: string) => ok(inject({ method: 'POST', url: '/api/v1/lineage', headers: owner, payload: body as object }), what);
  await lineageEvent(olRun(OL_RUNS.visible, ['leak-open']), 'visible run');

  /** Everything only holders or editors may see: no public answer may change when it is added. */
  async function addHidden() {
    await dataset({
      id: 'leak-priv2',
      title: 'CANARY-PRIVATE-TWO',
      visibility: 'private',
      creators: [{ name: 'Canary Private Agent', orcid: '0000-0001-5109-3700' }],
    });
    await ok(
      inject({
        method: 'POST',
        url: '/activities',
        headers: owner,
        payload: {
          id: 'canary-hidden-step',
          kind: 'simulation',
          name: 'CANARY-STEP-NAME',
          agents: [{ type: 'Person', name: 'Canary Step Agent' }],
          software: { name: 'canary-sim', version: '1' },
          inputs: [{ dataset: 'leak-priv2' }],
          outputs: [{ dataset: 'leak-private' }],
        },
      }),
      'hidden step',
    );
    await lineageEvent(olRun(OL_RUNS.hidden, ['leak-priv2'], 'CANARY-OL-JOB'), 'hidden run');
    await dataset({ id: 'leak-draft', title: 'CANARY-DRAFT-TITLE', creators: [{ name: 'Canary Draft Agent' }] }, false);
    await ok(inject({ method: 'POST', url: '/datasets/leak-open/versions', headers: owner }), 'a draft of a public record');
    await dois('POST', '/dois', { doi: '10.5072/canary-draft-doi', url: `${BASE_URL}/datasets/leak-embargoed` });
    await dois('POST', '/dois', {
      doi: '10.5072/canary-private-doi',
      url: `${BASE_URL}/datasets/leak-private`,
      event: 'register',
      publisher: 'The collaboration',
    });
    await ok(
      inject({
        method: 'POST',
        url: '/datasets/leak-private/measurements',
        headers: owner,
        payload: { observable: 'https://w3id.org/femto/observable/scaling-collapse-r2', value: 0.5 },
      }),
      'measurement',
    );
  }
  if (!opts.publicOnly) await addHidden();
  return { a, as, agents, addHidden };
}
