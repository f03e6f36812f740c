import t, { type Test } from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createHash } from 'node:crypto';
import { BASE_URL } from '../helpers/app.js';
import { CANARIES, DATASET_OF, HIDDEN_IDS, KINDS, leakWorld, OL_RUNS, olRun, ROLES, type Kind, type LeakWorld, type Role } from './leak-world.js';

/**
 * The leak matrix: every REST route (from the served OpenAPI document: one missing below fails the
 * test), every GraphQL root field (from the schema), every OAI-PMH verb, every representation of a
 * dataset and every portal page, asked by anonymous callers, a reader, a curator (neither holds the
 * world's records) and a reader of the group that holds them, about records of every kind. Three
 * things are asserted throughout:
 *
 *   canaries   no answer (body or header) carries a planted string of something the caller may not
 *              see, unless the caller typed it;
 *   oracles    a hidden id and an unknown id of the same length answer byte-identically (status,
 *              headers but the request id and date, body with the one id swapped for the other);
 *   sight      what each caller may see, it sees (statuses, file URLs, placeholders).
 */

type Family = 'dataset' | 'activity' | 'agent' | 'doi' | 'run' | 'none';
type Probe = (id: string) => InjectOptions;
interface Route {
  family: Family;
  probe: Probe;
  /**
   * The route may create what its id names: ids and DOIs are one namespace, so a curator learns
   * whether one is taken (as at DataCite); the oracle is not asked of callers that may write, the
   * canaries still are.
   */
  creates?: true;
}

const json = (method: InjectOptions['method'], url: string, payload: unknown, contentType = 'application/json'): InjectOptions => ({
  method,
  url,
  payload: JSON.stringify(payload),
  headers: { 'content-type': contentType },
});
const doiBody = (attributes: Record<string, unknown>) => ({ data: { type: 'dois', attributes } });
const get = (url: string): InjectOptions => ({ method: 'GET', url });
/** A run id (a UUID, as OpenLineage wants) of its own for each dataset a probe names. */
const runIdOf = (id: string) =>
  createHash('sha256')
    .update(id)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{3})(.{3})(.{12}).*$/, '$1-$2-4$3-8$4-$5');
const raw = (method: InjectOptions['method'], url: string, payload: string, contentType: string): InjectOptions => ({
  method,
  url,
  payload,
  headers: { 'content-type': contentType },
});

/**
 * How each import format is asked about a dataset: a step (or a document) that reads the dataset
 * by its femto id or URL. Dry runs: the matrix world stays as it is.
 */
/** Formats whose documents name the datasets they create by id (or DOI): ids are one namespace, a curator learns whether one is taken, as POST /datasets tells it. */
const CREATES_DATASETS = new Set(['prov-json', 'rocrate', 'datacite']);

const IMPORTS: Record<string, Probe> = {
  jsonl: (id) =>
    raw(
      'POST',
      '/import/jsonl?dryRun=true',
      JSON.stringify({ record: 'activity', id: 'leak-import-step', kind: 'analysis', inputs: [{ dataset: id }], outputs: [{ dataset: 'leak-open' }] }),
      'application/x-ndjson',
    ),
  csv: (id) => raw('POST', '/import/csv?dryRun=true', `record,id,kind,inputs,outputs\nactivity,leak-import-step,analysis,${id},leak-open\n`, 'text/csv'),
  openlineage: (id) => raw('POST', '/import/openlineage?dryRun=true', JSON.stringify(olRun(runIdOf(id), [id])), 'application/json'),
  'prov-json': (id) =>
    raw(
      'POST',
      '/import/prov-json?dryRun=true',
      JSON.stringify({
        prefix: { f: `${BASE_URL}/datasets/${id}/versions/`, ex: 'https://lab.example.org/prov/' },
        entity: { 'f:1': { 'prov:label': 'the input' } },
        activity: { 'ex:leak-import': {} },
        used: { '_:u1': { 'prov:activity': 'ex:leak-import', 'prov:entity': 'f:1' } },
      }),
      'application/json',
    ),
  rocrate: (id) =>
    raw(
      'POST',
      '/import/rocrate?dryRun=true',
      JSON.stringify({
        '@context': 'https://w3id.org/ro/crate/1.1/context',
        '@graph': [
          { '@id': 'ro-crate-metadata.json', '@type': 'CreativeWork', about: { '@id': './' }, conformsTo: { '@id': 'https://w3id.org/ro/crate/1.1' } },
          {
            '@id': './',
            '@type': 'Dataset',
            name: 'leak crate',
            description: 'x',
            datePublished: '2026-01-01',
            license: { '@id': 'https://spdx.org/licenses/CC-BY-4.0' },
            hasPart: [{ '@id': `${BASE_URL}/datasets/${id}/versions/1` }],
            mentions: [{ '@id': '#run' }],
          },
          { '@id': `${BASE_URL}/datasets/${id}/versions/1`, '@type': 'Dataset', name: 'the input' },
          { '@id': '#run', '@type': 'CreateAction', name: 'leak run', object: [{ '@id': `${BASE_URL}/datasets/${id}/versions/1` }] },
        ],
      }),
      'application/ld+json',
    ),
  // A configuration names its ensemble by Markov chain URI (every record of the world is one: mc://leak/<id>).
  qcdml: (id) =>
    raw(
      'POST',
      '/import/qcdml?dryRun=true',
      `<?xml version="1.0" encoding="UTF-8"?>
<gaugeConfiguration xmlns="http://www.lqcd.org/ildg/QCDml/config2.0"><dataLFN>lfn://leak/${id}/1</dataLFN>
<management><revisions>0</revisions><archiveHistory><archiveEvent><revision>0</revision><revisionAction>generate</revisionAction><participant><name>x</name><institution>x</institution></participant><date>2026-01-01T00:00:00Z</date></archiveEvent></archiveHistory></management>
<implementation><machine><name>x</name><institution>x</institution><machineType>x</machineType></machine><code><name>x</name><version>1</version><date>2026-01-01T00:00:00Z</date></code></implementation>
<algorithm/><precision>double</precision>
<markovSequence><markovChainURI>mc://leak/${id}</markovChainURI><series>0</series><markovStep><update>1</update><record><field>su3gauge</field><crcCheckSum>0</crcCheckSum><avePlaquette>0.5</avePlaquette></record></markovStep></markovSequence></gaugeConfiguration>`,
      'application/xml',
    ),
  // A HEPData submission names no femto record (its own id comes from its INSPIRE id): the dataset appears as a linked web page.
  hepdata: (id) =>
    raw(
      'POST',
      '/import/hepdata?dryRun=true',
      `additional_resources:\n  - {location: "${BASE_URL}/datasets/${id}", description: the input}\n---\nname: T1\ndescription: x\nkeywords: [{name: observables, values: [SIG]}]\nindependent_variables: []\ndependent_variables: [{header: {name: SIG}, values: [{value: 1}]}]\n`,
      'application/yaml',
    ),
  datacite: (id) =>
    raw(
      'POST',
      '/import/datacite?dryRun=true',
      JSON.stringify({
        id: `https://doi.org/10.5072/${id}`,
        doi: `10.5072/${id}`,
        attributes: { doi: `10.5072/${id}`, titles: [{ title: 'x' }], url: `${BASE_URL}/datasets/${id}` },
      }),
      'application/json',
    ),
};

/** Every operation of the OpenAPI document, with how the matrix asks it; `{}` ids are filled per family. */
const REST: Record<string, Route> = {
  'GET /graphql': { family: 'dataset', probe: (id) => get(`/graphql?query=${encodeURIComponent(`{ dataset(id: "${id}") { title } }`)}`) },
  'POST /graphql': {
    family: 'dataset',
    probe: (id) => json('POST', '/graphql', { query: `{ dataset(id: "${id}") { title creators { name } doi { doi lastError } } }` }),
  },
  'GET /health': { family: 'none', probe: () => get('/health') },
  'GET /health/ready': { family: 'none', probe: () => get('/health/ready') },
  'GET /datasets': { family: 'none', probe: () => get('/datasets?limit=100') },
  'POST /datasets': {
    family: 'dataset',
    creates: true,
    probe: (id) =>
      json('POST', '/datasets', { id, title: 'x', description: 'x', tier: 3, dataType: 'Theoretical', license: 'not-a-licence', creators: [{ name: 'x' }] }),
  },
  'GET /datasets/{id}': { family: 'dataset', probe: (id) => get(`/datasets/${id}`) },
  'PATCH /datasets/{id}': {
    family: 'dataset',
    probe: (id) => ({ ...json('PATCH', `/datasets/${id}`, { title: 'changed' }), headers: { 'content-type': 'application/json', 'if-match': '*' } }),
  },
  'GET /datasets/{id}/draft': { family: 'dataset', probe: (id) => get(`/datasets/${id}/draft`) },
  'POST /datasets/{id}/publish': { family: 'dataset', probe: (id) => ({ method: 'POST', url: `/datasets/${id}/publish` }) },
  'GET /datasets/{id}/versions': { family: 'dataset', probe: (id) => get(`/datasets/${id}/versions`) },
  'POST /datasets/{id}/versions': { family: 'dataset', probe: (id) => ({ method: 'POST', url: `/datasets/${id}/versions` }) },
  'GET /datasets/{id}/sharing': { family: 'dataset', probe: (id) => get(`/datasets/${id}/sharing`) },
  'PUT /datasets/{id}/sharing': { family: 'dataset', probe: (id) => json('PUT', `/datasets/${id}/sharing`, { groups: [] }) },
  'GET /datasets/{id}/versions/{n}': { family: 'dataset', probe: (id) => get(`/datasets/${id}/versions/1`) },
  'POST /activities': {
    family: 'dataset',
    probe: (id) => json('POST', '/activities', { kind: 'analysis', inputs: [{ dataset: id }], outputs: [{ dataset: 'leak-open' }] }),
  },
  'GET /activities/{id}': { family: 'activity', probe: (id) => get(`/activities/${id}`) },
  'GET /agents': { family: 'none', probe: () => get('/agents?limit=500') },
  'POST /agents': { family: 'none', probe: () => json('POST', '/agents', { type: 'Person', name: 'Canary Private Agent', orcid: '0000-0001-5109-3700' }) },
  'GET /agents/{id}': { family: 'agent', probe: (id) => get(`/agents/${id}`) },
  'POST /tokens': { family: 'none', probe: () => json('POST', '/tokens', { role: 'reader', user: 'member' }) },
  'GET /users': { family: 'none', probe: () => get('/users') },
  'POST /users': { family: 'none', probe: () => json('POST', '/users', { id: 'intruder', name: 'x' }) },
  'GET /users/{id}': { family: 'none', probe: () => get('/users/owner') },
  'GET /groups': { family: 'none', probe: () => get('/groups') },
  'POST /groups': { family: 'none', probe: () => json('POST', '/groups', { id: 'intruders', name: 'x' }) },
  'GET /groups/{id}': { family: 'none', probe: () => get('/groups/collab') },
  'PUT /groups/{id}/members/{user}': { family: 'none', probe: () => ({ method: 'PUT', url: '/groups/collab/members/owner' }) },
  'DELETE /groups/{id}/members/{user}': { family: 'none', probe: () => ({ method: 'DELETE', url: '/groups/collab/members/member' }) },
  'GET /datasets/{id}/lineage': { family: 'dataset', probe: (id) => get(`/datasets/${id}/lineage?direction=BOTH&depth=10`) },
  'POST /dois': {
    family: 'dataset',
    probe: (id) => json('POST', '/dois', doiBody({ url: `http://femto.test/datasets/${id}`, event: 'register' }), 'application/vnd.api+json'),
  },
  'GET /dois': { family: 'none', probe: () => get('/dois?page[size]=1000') },
  'GET /dois/{prefix}/{suffix}': { family: 'doi', probe: (doi) => get(`/dois/${doi}`) },
  'PUT /dois/{prefix}/{suffix}': {
    family: 'doi',
    creates: true,
    probe: (doi) => json('PUT', `/dois/${doi}`, doiBody({ event: 'publish' }), 'application/vnd.api+json'),
  },
  'DELETE /dois/{prefix}/{suffix}': { family: 'doi', probe: (doi) => ({ method: 'DELETE', url: `/dois/${doi}` }) },
  'POST /import/{format}': {
    family: 'none',
    probe: () => ({ method: 'POST', url: '/import/datacite', payload: '<resource/>', headers: { 'content-type': 'application/xml' } }),
  },
  'POST /import': { family: 'none', probe: () => ({ method: 'POST', url: '/import', payload: '<resource/>', headers: { 'content-type': 'application/xml' } }) },
  'GET /contexts/{name}': { family: 'none', probe: () => get('/contexts/dcat.jsonld') },
  'GET /datasets/{id}/linkset': { family: 'dataset', probe: (id) => get(`/datasets/${id}/linkset`) },
  'GET /datasets/{id}/versions/{n}/linkset': { family: 'dataset', probe: (id) => get(`/datasets/${id}/versions/1/linkset`) },
  'GET /datasets/{id}/fair': { family: 'dataset', probe: (id) => get(`/datasets/${id}/fair`) },
  'GET /catalog': { family: 'none', probe: () => get('/catalog?limit=500') },
  'GET /sitemap.xml': { family: 'none', probe: () => get('/sitemap.xml') },
  'GET /sitemaps/{n}.xml': { family: 'none', probe: () => get('/sitemaps/1.xml') },
  'GET /robots.txt': { family: 'none', probe: () => get('/robots.txt') },
  'GET /oai': { family: 'dataset', probe: (id) => get(`/oai?verb=GetRecord&metadataPrefix=oai_datacite&identifier=oai:femto.test:${id}`) },
  'POST /oai': {
    family: 'dataset',
    probe: (id) => ({
      method: 'POST',
      url: '/oai',
      payload: `verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:${id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
  },
  'GET /ontology': { family: 'none', probe: () => get('/ontology') },
  'GET /observables': { family: 'none', probe: () => get('/observables') },
  'GET /observables/{slug}': { family: 'none', probe: () => get('/observables/scaling-collapse-r2') },
  'GET /gates': { family: 'none', probe: () => get('/gates') },
  'GET /gates/{slug}': { family: 'none', probe: () => get('/gates/scaling-collapse-r2') },
  'POST /datasets/{id}/measurements': {
    family: 'dataset',
    probe: (id) => json('POST', `/datasets/${id}/measurements`, { observable: 'https://w3id.org/femto/observable/scaling-collapse-r2', value: 0.99 }),
  },
  'GET /datasets/{id}/measurements': { family: 'dataset', probe: (id) => get(`/datasets/${id}/measurements?version=99`) },
  'GET /datasets/{id}/measurements/{mid}': { family: 'dataset', probe: (id) => get(`/datasets/${id}/measurements/ms-none`) },
  // A completed run that read the dataset: a hidden one is as unknown as an absent one (422 both).
  'POST /api/v1/lineage': { family: 'dataset', probe: (id) => json('POST', '/api/v1/lineage', olRun(runIdOf(id), [id])) },
  'GET /api/v1/lineage/runs/{runId}': { family: 'run', probe: (runId) => get(`/api/v1/lineage/runs/${runId}`) },
  'GET /datasets/{id}/datasheet': { family: 'dataset', probe: (id) => get(`/datasets/${id}/datasheet`) },
  'PUT /datasets/{id}/datasheet': {
    family: 'dataset',
    probe: (id) => ({
      ...json('PUT', `/datasets/${id}/datasheet`, { motivation: { purpose: 'x' } }),
      headers: { 'content-type': 'application/json', 'if-match': '*' },
    }),
  },
  'GET /datasets/{id}/versions/{n}/datasheet': { family: 'dataset', probe: (id) => get(`/datasets/${id}/versions/1/datasheet`) },
  'GET /datasets/{id}/leaderboard': { family: 'dataset', probe: (id) => get(`/datasets/${id}/leaderboard?metric=tracking-efficiency`) },
  'GET /models/{id}/card': { family: 'dataset', probe: (id) => get(`/models/${id}/card`) },
  'PUT /models/{id}/card': {
    family: 'dataset',
    probe: (id) => ({
      ...json('PUT', `/models/${id}/card`, { caveatsAndRecommendations: { statement: 'x' } }),
      headers: { 'content-type': 'application/json', 'if-match': '*' },
    }),
  },
  'GET /models/{id}/manifest': { family: 'dataset', probe: (id) => get(`/models/${id}/manifest`) },
  'GET /models/{id}/evaluations': { family: 'dataset', probe: (id) => get(`/models/${id}/evaluations`) },
  'POST /models/{id}/evaluations': {
    family: 'dataset',
    probe: (id) =>
      json('POST', `/models/${id}/evaluations`, {
        benchmark: { dataset: 'leak-open' },
        metric: 'tracking-efficiency',
        value: 0.7,
        baseline: { algorithm: 'Kalman-filter tracker', value: 0.5 },
      }),
  },
  'GET /models/{id}/evaluations/{eid}': { family: 'dataset', probe: (id) => get(`/models/${id}/evaluations/ev-none`) },
  'GET /sites': { family: 'none', probe: () => get('/sites') },
  'GET /sites/{id}': { family: 'none', probe: () => get('/sites/leak-site') },
  'PUT /sites/{id}': { family: 'none', probe: () => json('PUT', '/sites/leak-site', { name: 'changed' }) },
  'DELETE /sites/{id}': { family: 'none', probe: () => ({ method: 'DELETE', url: '/sites/leak-site' }) },
  'GET /datasets/{id}/locations': { family: 'dataset', probe: (id) => get(`/datasets/${id}/locations`) },
  'POST /datasets/{id}/versions/{n}/replicas': {
    family: 'dataset',
    probe: (id) => json('POST', `/datasets/${id}/versions/1/replicas`, { distribution: 1, url: 'https://data.example.org/open-file.h5' }),
  },
  'DELETE /datasets/{id}/versions/{n}/replicas': {
    family: 'dataset',
    probe: (id) => ({ method: 'DELETE', url: `/datasets/${id}/versions/1/replicas?distribution=1&url=https%3A%2F%2Fdata.example.org%2Fnone.h5` }),
  },
  'GET /resolve/{identifier}': { family: 'dataset', probe: (id) => get(`/resolve/${id}?site=leak-site`) },
  'GET /metrics': { family: 'none', probe: () => get('/metrics') },
  'GET /metrics/{slug}': { family: 'none', probe: () => get('/metrics/tracking-efficiency') },
};

/** Portal pages (not in the OpenAPI document: HTML for people). */
const PORTAL: Record<string, Route> = {
  'GET /': { family: 'none', probe: () => get('/?q=leak') },
  'GET /portal/lineage/{id}': { family: 'dataset', probe: (id) => get(`/portal/lineage/${id}?direction=BOTH&depth=10`) },
  'GET /static/{file}': { family: 'none', probe: () => get('/static/femto.css') },
};

/** Every GraphQL root field, asked about a target of its family. */
const GRAPHQL: Record<string, { family: Family; query: (id: string) => string }> = {
  dataset: {
    family: 'dataset',
    query: (id) =>
      `{ dataset(id: "${id}") { id title visibility accessLevel accessConditions distributions { urls replicas { url site } } creators { name agent { id name } } doi { doi state lastError } versions { version } generatedBy { name inputs { dataset hidden } } usedBy { name } evaluations { id activity { name } model { hidden } benchmark { hidden dataset { title } } } trainingSetManifest { trainingData { id hidden title } } } }`,
  },
  datasets: {
    family: 'none',
    query: () => '{ datasets(first: 100) { totalCount facets { name values { value count } } edges { node { id title doi { doi } } } } }',
  },
  activity: {
    family: 'activity',
    query: (id) => `{ activity(id: "${id}") { id name kind agents { agent { name } } inputs { dataset hidden } outputs { dataset hidden } } }`,
  },
  agent: { family: 'agent', query: (id) => `{ agent(id: "${id}") { id name } }` },
  lineage: {
    family: 'dataset',
    query: (id) => `{ lineage(id: "${id}", direction: BOTH, depth: 10) { nodes { id kind hidden dataset { title } activity { name } } edges { from to } } }`,
  },
  path: {
    family: 'dataset',
    query: (id) => `{ path(from: "leak-derived", to: "${id}") { length paths { nodes { id hidden dataset { title } activity { name } } } } }`,
  },
  impact: { family: 'dataset', query: (id) => `{ impact(id: "${id}") { datasets { id dataset { title } } } }` },
  observables: { family: 'none', query: () => '{ observables { iri } }' },
  observable: { family: 'none', query: () => '{ observable(iri: "scaling-collapse-r2") { label } }' },
  gates: { family: 'none', query: () => '{ gates { iri } }' },
  gate: { family: 'none', query: () => '{ gate(iri: "scaling-collapse-r2") { label } }' },
  leaderboard: {
    family: 'dataset',
    query: (id) =>
      `{ leaderboard(dataset: "${id}", metric: "tracking-efficiency") { benchmark { hidden dataset { title } } entries { kind value model { hidden dataset { title } } } claims { id activity { name } } } }`,
  },
  metrics: { family: 'none', query: () => '{ metrics { iri label } }' },
};

const OAI_VERBS = [
  'verb=Identify',
  'verb=ListMetadataFormats',
  'verb=ListSets',
  'verb=ListIdentifiers&metadataPrefix=oai_dc',
  'verb=ListRecords&metadataPrefix=oai_dc',
  'verb=ListRecords&metadataPrefix=oai_datacite',
];

/** An unknown id of the same length as `id`: the oracle compares the two answers byte for byte. */
const twin = (id: string) => id.replace(/[a-z]/g, 'x');

/** The targets of a family, and who may see each ('all', or the roles). */
function targets(w: LeakWorld, family: Family): { id: string; seenBy: Role[] }[] {
  const all = [...ROLES];
  switch (family) {
    case 'dataset':
      return [
        ...KINDS.map((k: Kind) => ({ id: DATASET_OF[k], seenBy: k === 'private' ? (['member'] as Role[]) : k === 'draft' ? [] : all })),
        { id: 'leak-priv2', seenBy: ['member'] as Role[] },
        { id: 'leak-derived', seenBy: all },
        { id: 'leak-model', seenBy: all },
        { id: 'leak-model-private', seenBy: ['member'] as Role[] },
      ];
    case 'activity':
      return [
        { id: 'leak-visible-step', seenBy: all },
        { id: 'canary-hidden-step', seenBy: ['member'] },
      ];
    case 'agent':
      return [
        { id: w.agents.open, seenBy: all },
        { id: w.agents.private, seenBy: ['member'] },
      ];
    case 'doi':
      return [
        { id: '10.5072/leak-open', seenBy: all },
        { id: '10.5072/canary-private-doi', seenBy: [] },
        { id: '10.5072/canary-draft-doi', seenBy: [] },
      ];
    case 'run':
      return [
        { id: OL_RUNS.visible, seenBy: all },
        { id: OL_RUNS.hidden, seenBy: ['member'] },
      ];
    case 'none':
      return [{ id: '', seenBy: all }];
  }
}

const stripVolatile = (headers: LightMyRequestResponse['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'x-request-id' && k !== 'date'));
/** What an answer says, but the request id (and OAI's response date): the two things that legitimately differ between two requests. */
const normalized = (res: LightMyRequestResponse) => ({
  status: res.statusCode,
  headers: stripVolatile(res.headers),
  // An import result's key may be a digest of the unit the caller sent (an OpenLineage event): it tells of the request only.
  body: res.body
    .replace(/"requestId":"[^"]*"/g, '')
    .replace(/<responseDate>[^<]*<\/responseDate>/g, '')
    .replace(/"key":"event:[0-9a-f]{64}"/g, '"key":"event:<digest of the request>"'),
});

function leaks(role: Role, request: string, res: LightMyRequestResponse): string[] {
  const text = `${JSON.stringify(res.headers)}\n${res.body}`;
  const forbidden = [...Object.entries(CANARIES), ...Object.entries(HIDDEN_IDS)]
    .filter(([s, seenBy]) => !seenBy.includes(role) && !request.includes(s))
    .map(([s]) => s);
  return forbidden.filter((s) => text.includes(s));
}

t.test('leak matrix', async (t) => {
  const w = await leakWorld(t);
  const { app } = w.a;
  const ask = (role: Role, options: InjectOptions) => app.inject({ ...options, headers: { ...options.headers, ...w.as[role] } });

  t.test('the matrix covers every route of the OpenAPI document and every GraphQL root field', async (t) => {
    const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    t.same(
      served.filter((r) => !REST[r]),
      [],
      'every served route has a row (add one for a new route)',
    );
    t.same(
      Object.keys(REST).filter((r) => !served.includes(r)),
      [],
      'every row is a served route',
    );
    for (const page of Object.keys(PORTAL)) t.ok(app.hasRoute({ method: 'GET', url: page.slice(4).replace(/\{(\w+)\}/g, ':$1') }), `${page} is served`);
    const fields = (await app.inject({ ...json('POST', '/graphql', { query: '{ __schema { queryType { fields { name } } } }' }) }))
      .json()
      .data.__schema.queryType.fields.map((f: { name: string }) => f.name);
    t.same([...fields].sort(), Object.keys(GRAPHQL).sort(), 'every GraphQL root field has a row');
  });

  /** Asks every probe of a route about every target as every role; canaries and oracles. */
  async function sweep(t: Test, name: string, route: Route) {
    let asked = 0;
    for (const target of targets(w, route.family)) {
      for (const role of ROLES) {
        const options = route.probe(target.id);
        const res = await ask(role, options);
        asked++;
        const request = `${options.url} ${String(options.payload ?? '')}`;
        const found = leaks(role, request, res);
        if (found.length) t.fail(`${name} as ${role} about ${target.id || '-'}: ${res.statusCode} names ${found.join(', ')}`);
        if (target.id && !target.seenBy.includes(role) && !(route.creates && role === 'curator')) {
          const unknown = await ask(role, route.probe(twin(target.id)));
          const hidden = normalized(res);
          hidden.body = hidden.body.split(target.id).join(twin(target.id));
          if (hidden.headers.location) hidden.headers.location = String(hidden.headers.location).split(target.id).join(twin(target.id));
          t.same(hidden, normalized(unknown), `${name} as ${role}: hidden ${target.id} answers as unknown ${twin(target.id)} does (${res.statusCode})`);
        }
      }
    }
    t.ok(asked > 0, `${name}: ${asked} requests`);
  }

  t.test('REST routes', async (t) => {
    for (const [name, route] of Object.entries(REST)) await sweep(t, name, route);
  });
  t.test('portal pages', async (t) => {
    for (const [name, route] of Object.entries(PORTAL)) await sweep(t, name, route);
  });
  t.test('GraphQL root fields', async (t) => {
    for (const [field, spec] of Object.entries(GRAPHQL))
      await sweep(t, `GraphQL ${field}`, { family: spec.family, probe: (id) => json('POST', '/graphql', { query: spec.query(id) }) });
  });
  t.test('every representation of a dataset', async (t) => {
    for (const { format } of app.femto.reader.representations.all()) {
      await sweep(t, `/datasets/{id}?format=${format}`, { family: 'dataset', probe: (id) => get(`/datasets/${id}?format=${format}`) });
      await sweep(t, `/datasets/{id}/versions/1?format=${format}`, { family: 'dataset', probe: (id) => get(`/datasets/${id}/versions/1?format=${format}`) });
    }
    for (const format of ['jsonld', 'dcat', 'ttl'])
      await sweep(t, `/catalog?format=${format}`, { family: 'none', probe: () => get(`/catalog?limit=500&format=${format}`) });
    for (const format of ['datacite-xml', 'datacite-json', 'bibtex', 'ris', 'csl'])
      await sweep(t, `/dois/{doi}?format=${format}`, { family: 'doi', probe: (doi) => get(`/dois/${doi}?format=${format}`) });
    await sweep(t, '/resolve/{doi}', { family: 'doi', probe: (doi) => get(`/resolve/${doi}`) });
    await sweep(t, '/resolve/{doi} as JSON', { family: 'doi', probe: (doi) => ({ ...get(`/resolve/${doi}`), headers: { accept: 'application/json' } }) });
  });
  t.test('every provenance export format, of lineage and of steps', async (t) => {
    const formats = app.femto.provFormats.all().map((r) => r.format);
    t.ok(formats.includes('prov-json') && formats.includes('rocrate'), `export formats: ${formats.join(', ')}`);
    for (const format of formats) {
      await sweep(t, `/datasets/{id}/lineage?format=${format}`, {
        family: 'dataset',
        probe: (id) => get(`/datasets/${id}/lineage?direction=BOTH&depth=10&format=${format}`),
      });
      await sweep(t, `/activities/{id}?format=${format}`, { family: 'activity', probe: (id) => get(`/activities/${id}?format=${format}`) });
    }
  });
  t.test('every import format, about every dataset', async (t) => {
    const formats = app.femto.imports.registry.all().map((f) => f.format);
    t.same(
      formats.filter((f) => !IMPORTS[f]),
      [],
      'every import format has a probe (add one for a new format)',
    );
    for (const format of formats)
      await sweep(t, `POST /import/${format}`, {
        family: 'dataset',
        ...(CREATES_DATASETS.has(format) ? { creates: true as const } : {}),
        probe: IMPORTS[format],
      });
  });
  t.test('every OAI-PMH verb', async (t) => {
    for (const verb of OAI_VERBS) await sweep(t, `OAI ${verb}`, { family: 'none', probe: () => get(`/oai?${verb}`) });
    await sweep(t, 'OAI GetRecord oai_dc', {
      family: 'dataset',
      probe: (id) => get(`/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:femto.test:${id}`),
    });
    await sweep(t, 'OAI ListMetadataFormats of a record', {
      family: 'dataset',
      probe: (id) => get(`/oai?verb=ListMetadataFormats&identifier=oai:femto.test:${id}`),
    });
  });

  t.test('what each caller may see, it sees', async (t) => {
    const status = async (role: Role, url: string) => (await ask(role, get(url))).statusCode;
    const expected: Record<Kind, Record<Role, number>> = {
      open: { anonymous: 200, reader: 200, curator: 200, member: 200 },
      embargoed: { anonymous: 200, reader: 200, curator: 200, member: 200 },
      restricted: { anonymous: 200, reader: 200, curator: 200, member: 200 },
      private: { anonymous: 404, reader: 404, curator: 404, member: 200 },
      draft: { anonymous: 404, reader: 404, curator: 404, member: 404 },
      withdrawn: { anonymous: 410, reader: 410, curator: 410, member: 410 },
    };
    for (const kind of KINDS)
      for (const role of ROLES) t.equal(await status(role, `/datasets/${DATASET_OF[kind]}`), expected[kind][role], `${kind} record as ${role}`);
    t.equal(await status('owner' as Role, '/datasets/leak-draft'), 200, 'the owner sees the draft');

    const urls = async (role: Role, id: string) =>
      ((await ask(role, get(`/datasets/${id}`))).json().distributions as { urls: string[] }[]).flatMap((d) => d.urls);
    for (const role of ROLES) {
      t.equal((await urls(role, 'leak-open')).length, 1, `${role}: open files are listed`);
      for (const id of ['leak-embargoed', 'leak-restricted'])
        t.equal((await urls(role, id)).length, role === 'member' ? 1 : 0, `${role}: files of ${id} ${role === 'member' ? 'listed to a holder' : 'withheld'}`);
      const restricted = (await ask(role, get('/datasets/leak-restricted'))).json();
      t.match(
        restricted,
        { visibility: 'public', accessLevel: 'restricted', accessConditions: 'Members of the collaboration only.', accessContact: 'access@example.org' },
        `${role}: how to request access is shown`,
      );
      t.equal(await status(role, '/activities/canary-hidden-step'), role === 'member' ? 200 : 404, `${role}: the step between private records`);
    }
    const resolved = async (role: Role, id: string) => {
      const res = await ask(role, get(`/resolve/${id}`));
      return res.statusCode === 302 ? String(res.headers.location) : res.statusCode;
    };
    const located = async (role: Role, id: string) => {
      const res = await ask(role, get(`/datasets/${id}/locations`));
      return res.statusCode === 200
        ? (res.json().distributions as { replicas: { url: string }[] }[]).flatMap((d) => d.replicas.map((r) => r.url))
        : res.statusCode;
    };
    for (const role of ROLES) {
      const holder = role === 'member';
      t.same(
        [
          await resolved(role, 'leak-open'),
          await resolved(role, 'leak-embargoed'),
          await resolved(role, 'leak-restricted'),
          await resolved(role, 'leak-private'),
          await resolved(role, 'leak-draft'),
          await resolved(role, 'leak-withdrawn'),
        ],
        [
          'https://data.example.org/open-file.h5',
          holder ? 'https://data.example.org/CANARY-EMBARGO-FILE.h5' : 403,
          holder ? 'https://data.example.org/CANARY-RESTRICTED-FILE.h5' : 403,
          holder ? 'https://data.example.org/CANARY-PRIVATE-FILE.h5' : 404,
          404,
          410,
        ],
        `${role}: the resolver sends to the files it may get, and nowhere else`,
      );
      t.same(
        [await located(role, 'leak-open'), await located(role, 'leak-embargoed'), await located(role, 'leak-private'), await located(role, 'leak-withdrawn')],
        [
          ['https://data.example.org/open-file.h5'],
          holder ? ['https://data.example.org/CANARY-EMBARGO-FILE.h5'] : [],
          holder ? ['https://data.example.org/CANARY-PRIVATE-FILE.h5'] : 404,
          410,
        ],
        `${role}: the replicas it may get, listed`,
      );
    }
    const html = (await ask('anonymous', get('/datasets/leak-restricted?format=html'))).body;
    t.match(html, /Conditions of access<\/th><td>Members of the collaboration only\./);
    t.match(html, /<a href="mailto:access@example\.org">access@example\.org<\/a>/);
    t.match(
      (await ask('anonymous', get('/datasets/leak-restricted?format=jsonld'))).json().conditionsOfAccess,
      /Members of the collaboration only\. Request access: access@example\.org\./,
    );
    t.match((await ask('anonymous', get('/datasets/leak-restricted?format=dcat'))).json(), {
      rights: { description: 'Members of the collaboration only.' },
      contactPoint: { '@type': 'Kind', hasEmail: 'mailto:access@example.org' },
    });
    t.match((await ask('anonymous', get('/datasets/leak-restricted?format=datacite-json'))).json().descriptions, [
      { descriptionType: 'Abstract' },
      { descriptionType: 'Other', description: /^Status: / },
      { descriptionType: 'Other', description: /Conditions of access: Members of the collaboration only/ },
    ]);

    const lineage = async (role: Role) =>
      (
        (await ask(role, get('/datasets/leak-derived/lineage?direction=UPSTREAM&depth=10'))).json().nodes as { id: string; kind: string; hidden: boolean }[]
      ).map((n) => `${n.kind}:${n.id}`);
    t.same(
      await lineage('anonymous'),
      ['DATASET:leak-derived@1', 'ACTIVITY:leak-visible-step', 'DATASET:hidden:1', 'DATASET:leak-open@1'],
      'a step between hidden records collapses into their placeholder: nothing behind it shows',
    );
    t.same(await lineage('member'), [
      'DATASET:leak-derived@1',
      'ACTIVITY:leak-visible-step',
      'DATASET:leak-private@1',
      'DATASET:leak-open@1',
      'ACTIVITY:canary-hidden-step',
      'DATASET:leak-priv2@1',
    ]);
    const portal = (await ask('anonymous', get('/portal/lineage/leak-derived?direction=UPSTREAM&depth=10'))).body;
    t.match(portal, /hidden dataset/, 'the portal draws the private record as a nameless placeholder');
    t.notMatch(portal, /hidden step|canary/i, 'and nothing of the step behind it');

    const relations = (await ask('anonymous', get('/datasets/leak-derived?format=datacite-json'))).json().relatedIdentifiers as { relatedIdentifier: string }[];
    t.same(
      relations.map((r) => r.relatedIdentifier),
      ['10.5072/leak-open'],
      "the visible neighbour by its DOI; the private one's registered DOI and landing page nowhere",
    );
    const member = (await ask('member', get('/datasets/leak-derived?format=datacite-json'))).json().relatedIdentifiers as { relatedIdentifier: string }[];
    t.same(
      member.map((r) => r.relatedIdentifier).sort(),
      ['10.5072/leak-open', 'http://femto.test/datasets/leak-private/versions/1'],
      'a holder sees the private neighbour, by its landing page: its DOI is not findable',
    );
    t.equal((await ask('owner' as Role, get('/datasets/leak-embargoed'))).json().doi?.doi, '10.5072/canary-draft-doi', 'the draft DOI shows to its editors');
    const run = async (role: Role | 'owner', runId: string) => (await ask(role as Role, get(`/api/v1/lineage/runs/${runId}`))).statusCode;
    t.same(
      [await run('anonymous', OL_RUNS.visible), await run('member', OL_RUNS.visible), await run('curator', OL_RUNS.visible)],
      [401, 403, 200],
      'OpenLineage runs: curators only',
    );
    t.same(
      [await run('curator', OL_RUNS.hidden), await run('owner', OL_RUNS.hidden)],
      [404, 200],
      'a run whose step reads only private records: unknown to a curator who does not hold them, there for its owner',
    );
    const ingest = async (role: Role, dataset: string) =>
      (await ask(role, json('POST', '/api/v1/lineage', olRun(runIdOf(`sight-${dataset}-${role}`), [dataset])))).statusCode;
    t.same(
      [
        await ingest('anonymous', 'leak-open'),
        await ingest('member', 'leak-open'),
        await ingest('curator', 'leak-private'),
        await ingest('curator', 'leak-nothing'),
      ],
      [401, 403, 422, 422],
      'OpenLineage ingest: curators, and only datasets they may see',
    );
    const provImport = async (dataset: string) =>
      (await ask('curator', IMPORTS['prov-json'](dataset))).json() as { results?: { status: string; message: string }[]; status?: number };
    t.match(
      (await provImport('leak-open')).results,
      [{ status: 'unchanged', message: /femto's dataset leak-open v1/ }],
      'a PROV document naming a version the importer may read is that version',
    );
    t.equal(
      (await provImport('leak-private')).status,
      404,
      'one naming a private version the importer may not read is not matched to it (and not its to write)',
    );
    const exported = (await ask('anonymous', get('/datasets/leak-derived/lineage?direction=UPSTREAM&depth=10&format=prov-json'))).json() as {
      entity: Record<string, unknown>;
    };
    t.same(Object.keys(exported.entity).filter((k) => k.includes('/datasets/')).length, 0, 'PROV-JSON entities are qualified names');
    t.equal(
      Object.keys(exported.entity).length,
      2,
      'the PROV export of the lineage names the two versions an anonymous caller sees (leak-derived, leak-open), not the private one',
    );
    const counts = async (role: Role) => (await ask(role, get('/datasets?limit=100'))).json().total;
    t.same(
      [await counts('anonymous'), await counts('curator'), await counts('member')],
      [5, 5, 8],
      'search counts the private records for holders only (never the withdrawn one)',
    );

    const trainedOn = async (role: Role) =>
      ((await ask(role, get('/models/leak-model/manifest'))).json().trainingData as { id: string }[]).map((d) => d.id).sort();
    t.same(await trainedOn('anonymous'), ['hidden:1', 'leak-open@1'], 'the manifest shows a private training set as a placeholder');
    t.same(await trainedOn('member'), ['leak-open@1', 'leak-private@1'], 'and names it to a holder');
    const ranked = async (role: Role) =>
      (
        (await ask(role, get('/datasets/leak-open/leaderboard?metric=tracking-efficiency'))).json().entries as {
          kind: string;
          model: { dataset: string | null } | null;
        }[]
      )
        .filter((e) => e.kind === 'model')
        .map((e) => e.model?.dataset);
    t.same(await ranked('anonymous'), ['leak-model'], 'the leaderboard leaves a private model out');
    t.same(await ranked('member'), ['leak-model-private', 'leak-model'], 'and ranks it for a holder');
    for (const role of ROLES)
      t.equal(await status(role, '/models/leak-model-private/evaluations'), role === 'member' ? 200 : 404, `${role}: the evaluations of a private model`);
  });
});

t.test('adding what no non-holder may see changes no byte of what they see (counts, facets, datestamps, ETags)', async (t) => {
  const w = await leakWorld(t, { publicOnly: true });
  const { app } = w.a;
  const urls = [
    ...Object.values(REST)
      .filter((r) => r.family === 'none')
      .map((r) => r.probe('')),
    ...Object.values(PORTAL)
      .filter((r) => r.family === 'none')
      .map((r) => r.probe('')),
    ...['leak-open', 'leak-embargoed', 'leak-restricted', 'leak-derived', 'leak-withdrawn', 'leak-model'].flatMap((id) =>
      [...Object.values(REST), ...Object.values(PORTAL)].filter((r) => r.family === 'dataset' && r.probe(id).method === 'GET').map((r) => r.probe(id)),
    ),
    ...['leak-open', 'leak-derived', 'leak-model'].flatMap((id) =>
      app.femto.reader.representations.all().map(({ format }) => get(`/datasets/${id}?format=${format}`)),
    ),
    ...OAI_VERBS.map((v) => get(`/oai?${v}`)),
    ...Object.values(GRAPHQL)
      .filter((g) => g.family !== 'agent')
      .map((g) => json('POST', '/graphql', { query: g.query('leak-open') })),
    get('/dois/10.5072/leak-derived?format=datacite-xml'),
    get(`/agents/${w.agents.open}`),
  ];
  const snapshot = async () => {
    const out: Record<string, ReturnType<typeof normalized>> = {};
    for (const role of ['anonymous', 'reader', 'curator'] as Role[]) {
      for (const options of urls) {
        const res = await app.inject({ ...options, headers: { ...options.headers, ...w.as[role] } });
        out[`${role} ${options.method} ${options.url} ${String(options.payload ?? '')}`] = normalized(res);
      }
    }
    return out;
  };
  const before = await snapshot();
  await w.addHidden();
  const after = await snapshot();
  const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  t.same(changed, [], 'no answer changed');
  for (const k of changed.slice(0, 3)) t.same(after[k], before[k], k);
});
