/**
 * The bulk loader of bench/rest writes the schema behind femto's back; this checks, through
 * femto's own REST and OAI-PMH answers, that what it wrote reads back as the generated catalog
 * (so a schema change that the loader missed fails here, not as silently wrong bench figures),
 * and that the bench's OAI record and token counting agrees with completeListSize.
 */
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { loadOntology } from '../../src/modules/ontology/ontology.service.js';
import { BENCH_BASE_URL, buildCatalogDb } from '../../bench/rest/loader.js';
import { oaiRecords, oaiToken } from '../../bench/rest/measure.js';
import { agentPool, syntheticDatasets, vocabulary, type SyntheticDataset } from '../../bench/rest/synthetic.js';

const N = 300;

t.test('a bulk-loaded synthetic catalog reads back through femto', async (t) => {
  const path = join(t.testdir({}), 'bench.sqlite');
  await buildCatalogDb(path, N, () => {});
  const config = loadConfig({
    FEMTO_DB: path,
    FEMTO_SEED_ON_EMPTY: 'false',
    FEMTO_BASE_URL: BENCH_BASE_URL,
    LOG_LEVEL: 'silent',
    FEMTO_OUTBOX_WORKER: 'false',
  });
  const app = await buildApp(config);
  t.teardown(() => app.close());

  const ontology = await loadOntology(config.ontologyDir);
  const agents = agentPool(N);
  const generated: SyntheticDataset[] = [...syntheticDatasets(N, vocabulary(ontology.model), agents.length)];
  const get = async (url: string) => app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });

  t.test('every record answers as generated (404 restricted, 410 withdrawn)', async (t) => {
    const today = new Date().toISOString().slice(0, 10);
    let open = 0;
    for (const d of generated) {
      const latest = d.versions.at(-1)!;
      const res = await get(`/datasets/${d.id}`);
      if (latest.accessLevel === 'restricted') {
        t.equal(res.statusCode, 404, `${d.id} is restricted`);
        continue;
      }
      if (d.doi?.withdrawn) {
        t.equal(res.statusCode, 410, `${d.id} has a withdrawn DOI`);
        continue;
      }
      t.equal(res.statusCode, 200, d.id);
      const r = res.json();
      t.match(
        r,
        {
          id: d.id,
          version: d.versions.length,
          title: latest.title,
          description: latest.description,
          tier: latest.tier,
          domain: latest.domain,
          dataType: latest.dataType,
          license: latest.license ?? 'unknown', // a record without a recorded licence says so
          accessLevel: latest.accessLevel,
          publishedAt: latest.publishedAt,
          doi: d.doi ? { doi: d.doi.doi, state: 'findable' } : null,
        },
        d.id,
      );
      t.same(
        r.creators.map((c: { name: string }) => c.name),
        latest.creators.map((a) => agents[a].name),
        `${d.id} creators in order`,
      );
      t.same(
        r.contributors.map((c: { name: string }) => c.name),
        latest.contributors.map((c) => agents[c.agent].name),
        `${d.id} contributors`,
      );
      t.same([r.keywords, r.formats, r.observables], [latest.keywords, latest.formats, latest.observables], `${d.id} terms`);
      t.same(
        r.distributions.map((x: { urls: string[]; mediaType: string; sizeBytes: number; checksum: { value: string } }) => [
          x.urls,
          x.mediaType,
          x.sizeBytes,
          x.checksum.value,
        ]),
        // An embargo hides the files (not the metadata) until it ends.
        latest.distributions.map((x) => [latest.embargoUntil && latest.embargoUntil > today ? [] : x.urls, x.mediaType, x.sizeBytes, x.sha256]),
        `${d.id} distributions`,
      );
      t.same(r.relatedIdentifiers, latest.related, `${d.id} related identifiers`);
      open++;
    }
    t.ok(open > N * 0.8, 'most records are public');
  });

  t.test('the full-text index finds a record by the words of its title', async (t) => {
    const d = generated.find((x) => x.versions.at(-1)!.accessLevel === 'open' && !x.doi?.withdrawn && x.versions.at(-1)!.title.split(' ').length >= 6)!;
    const res = await get(`/datasets?q=${encodeURIComponent(d.versions.at(-1)!.title)}&limit=100`);
    t.equal(res.statusCode, 200);
    t.ok(
      res.json().items.some((i: { id: string }) => i.id === d.id),
      `${d.id} found by its title`,
    );
  });

  t.test('lineage steps connect the generated inputs', async (t) => {
    const d = generated.find(
      (x) =>
        x.step &&
        x.versions.at(-1)!.accessLevel === 'open' &&
        !x.doi?.withdrawn &&
        x.step.inputs.every((k) => generated[k].versions.at(-1)!.accessLevel === 'open'),
    )!;
    const res = await get(`/datasets/${d.id}/lineage?direction=UPSTREAM&depth=1`);
    t.equal(res.statusCode, 200);
    const datasets = res.json().nodes.map((n: { id: string }) => n.id.split('@')[0]);
    for (const k of d.step!.inputs) t.ok(datasets.includes(generated[k].id), `${generated[k].id} is upstream of ${d.id}`);
    t.ok(
      res.json().nodes.some((n: { id: string }) => n.id === d.step!.id),
      `${d.step!.id} is the step`,
    );
  });

  t.test("the bench's OAI counting follows every token to completeListSize", async (t) => {
    let url: string | undefined = '/oai?verb=ListRecords&metadataPrefix=oai_datacite';
    let records = 0;
    let pages = 0;
    let listSize = 0;
    while (url) {
      const res = await app.inject({ method: 'GET', url });
      t.equal(res.statusCode, 200);
      listSize ||= Number(/completeListSize="(\d+)"/.exec(res.body)?.[1]);
      records += oaiRecords(res.body);
      pages++;
      const token = oaiToken(res.body);
      url = token ? `/oai?verb=ListRecords&resumptionToken=${encodeURIComponent(token)}` : undefined;
    }
    t.ok(listSize > N, 'the list holds the synthetic records');
    t.equal(records, listSize, 'records counted = completeListSize');
    t.equal(pages, Math.ceil(listSize / config.harvest.oaiPageSize), 'one page per resumption token');
    const withdrawn = generated.find((x) => x.doi?.withdrawn && x.versions.at(-1)!.accessLevel !== 'restricted');
    if (withdrawn) {
      const res = await app.inject({
        method: 'GET',
        url: `/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${new URL(BENCH_BASE_URL).hostname}:${withdrawn.id}`,
      });
      t.match(res.body, /<header status="deleted">/, `${withdrawn.id} (withdrawn DOI) is a deleted record`);
    }
  });
});
