import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { projectPath } from '../../src/paths.js';
import { BASE_URL, makeApp } from '../helpers/app.js';
import { oai, valid } from '../helpers/oai.js';
import { fullFixture } from './fixtures.js';

/**
 * What OAI-PMH shows of the bundled catalog plus the fixture: a private record nowhere, a public record with restricted
 * files listed like any other (its metadata is public, FAIR A1.2), no hidden file URL, each record its own metadata.
 */

/** The bundled records the catalog files declare public with restricted files: the source says so, not the code under test. */
function publicWithRestrictedFiles(): string[] {
  const ids: string[] = [];
  for (const file of readdirSync(projectPath('catalog')).filter((f) => f.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(projectPath('catalog'), file), 'utf8')) as {
      datasets?: { id: string; visibility?: string; accessLevel?: string }[];
    };
    for (const d of doc.datasets ?? []) if (d.visibility === 'public' && d.accessLevel === 'restricted') ids.push(d.id);
  }
  return ids.sort();
}

t.test(
  "a private record (the fixture's secret-set) and hidden file URLs appear on no OAI verb or set, nor in the sitemap; public records with restricted files (cold-atom-lab, aps-physics-journals) are listed",
  async (t) => {
    const app = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true', FEMTO_OAI_PAGE_SIZE: '1000' });
    await fullFixture(app);
    const open = publicWithRestrictedFiles();
    t.same(open, ['aps-physics-journals', 'cold-atom-lab'], 'the catalog declares the two restricted sources public');
    const hidden = ['secret-set'];
    const asReader = await app.app.inject({ url: '/datasets/secret-set', headers: app.as.reader });
    t.equal(asReader.statusCode, 200, 'secret-set exists (its holder sees it)');
    t.equal((await app.app.inject({ url: '/datasets/secret-set' })).statusCode, 404, 'secret-set is hidden from anonymous callers');
    for (const id of open) {
      const res = await app.app.inject({ url: `/datasets/${id}` });
      t.equal(res.statusCode, 200, `${id} is public`);
      t.equal(res.json().accessLevel, 'restricted', `${id} has restricted files`);
    }
    // The embargoed fixture record's file URL is as hidden as a private record's title.
    const canaries = [...hidden, 'hidden-events.root'];
    const leaks = (text: string) => canaries.filter((c) => text.includes(c));

    const prefixes = ['oai_dc', 'oai_datacite', 'datacite'];
    for (const id of hidden) {
      for (const prefix of prefixes) {
        const rec = await valid(t, app, `verb=GetRecord&metadataPrefix=${prefix}&identifier=oai:femto.test:${id}`);
        t.equal(rec.error?.[0]['@code'], 'idDoesNotExist', `GetRecord ${prefix} ${id}`);
      }
      const formats = await valid(t, app, `verb=ListMetadataFormats&identifier=oai:femto.test:${id}`);
      t.equal(formats.error?.[0]['@code'], 'idDoesNotExist', `ListMetadataFormats ${id}`);
    }
    for (const id of open) {
      for (const prefix of prefixes) {
        const rec = await valid(t, app, `verb=GetRecord&metadataPrefix=${prefix}&identifier=oai:femto.test:${id}`);
        t.equal(rec.error, undefined, `GetRecord ${prefix} ${id} answers the record`);
        t.same(leaks(JSON.stringify(rec)), [], `GetRecord ${prefix} ${id}: nothing hidden`);
      }
    }
    const sets = (await valid(t, app, 'verb=ListSets')).ListSets.set.map((s: { setSpec: string[] }) => s.setSpec[0]) as string[];
    // The sets the bundled restricted-file records are in, besides every other set.
    for (const spec of ['tier:4', 'datatype:raw-observational', 'datatype:theoretical']) t.ok(sets.includes(spec), `set ${spec} is listed`);
    const listed = new Set<string>();
    for (const set of [undefined, ...sets]) {
      const query = `verb=ListIdentifiers&metadataPrefix=oai_dc${set ? `&set=${encodeURIComponent(set)}` : ''}`;
      const res = await oai(app, query);
      t.same(leaks(res.res.body), [], `${query}: nothing hidden`);
      const code = res.body.error?.[0]['@code'];
      if (code) t.equal(code, 'noRecordsMatch', `${query} is a list or empty`);
      for (const h of res.body.ListIdentifiers?.header ?? []) listed.add(String(h.identifier));
    }
    t.ok(listed.size > 90, `the sets list the public records (${listed.size})`);
    for (const id of open)
      t.ok(
        [...listed].some((i) => String(i).endsWith(`:${id}`)),
        `${id} is listed`,
      );
    for (const prefix of prefixes) {
      for (const set of [undefined, 'tier:4', 'datatype:raw-observational', 'datatype:theoretical']) {
        const query = `verb=ListRecords&metadataPrefix=${prefix}${set ? `&set=${set}` : ''}`;
        const { res, body } = await oai(app, query);
        t.ok(body.ListRecords?.record.length > 0, `${query} lists records`);
        t.same(leaks(res.body), [], `${query}: nothing hidden, nor a relation to it`);
      }
    }
    const sitemap = (await app.app.inject({ url: '/sitemap.xml' })).body;
    t.same(leaks(sitemap), [], 'sitemap: nothing hidden');
    for (const id of open) t.ok(sitemap.includes(`/datasets/${id}`), `sitemap lists ${id}`);
    t.same(leaks(JSON.stringify((await app.app.inject({ url: '/catalog?limit=500' })).json())), [], '/catalog');
    for (const path of ['', '?format=html', '/linkset', '/fair'])
      t.equal((await app.app.inject({ url: `/datasets/secret-set${path}` })).statusCode, 404, `/datasets/secret-set${path}`);
    // Its holder sees it in the catalog; the public harvest channels never carry it.
    const holderView = JSON.stringify((await app.app.inject({ url: '/catalog?limit=500', headers: app.as.reader })).json());
    t.ok(holderView.includes('secret-set'), 'its holder sees secret-set in /catalog');
  },
);

/** Lineage as the bundled catalog's YAML and the fixture state it: output -> inputs of each activity. */
function statedLineage(): { inputsOf: Map<string, Set<string>>; restricted: Set<string> } {
  const inputsOf = new Map<string, Set<string>>();
  const restricted = new Set(['secret-set']);
  const steps: { inputs?: { dataset: string }[]; outputs?: { dataset: string }[] }[] = [
    { inputs: [{ dataset: 'ising-raw' }], outputs: [{ dataset: 'ising-features' }] },
    { inputs: [{ dataset: 'ising-features' }], outputs: [{ dataset: 'ising-model' }] },
  ];
  const dir = projectPath('catalog');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(dir, file), 'utf8')) as { datasets?: { id: string; accessLevel?: string }[]; activities?: typeof steps };
    for (const d of doc.datasets ?? []) if (d.accessLevel === 'restricted') restricted.add(d.id);
    steps.push(...(doc.activities ?? []));
  }
  for (const step of steps) {
    for (const out of step.outputs ?? []) {
      const inputs = inputsOf.get(out.dataset) ?? new Set<string>();
      for (const input of step.inputs ?? []) inputs.add(input.dataset);
      inputsOf.set(out.dataset, inputs);
    }
  }
  return { inputsOf, restricted };
}

t.test("DataCite metadata of a whole page carries each record's own title, landing page and lineage (batched lookups do not mix records)", async (t) => {
  const app = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  await fullFixture(app);
  const { harvest, identifiers } = app.app.femto;
  const { anonymous } = await import('../../src/modules/auth/auth.schema.js');
  const items = await (await harvest.catalogPage(anonymous, { page: 1, limit: 500 })).items();
  t.ok(items.length > 90);
  const page = await identifiers.metadataForMany(items);
  const { inputsOf, restricted } = statedLineage();
  const landing = (id: string) => `${BASE_URL}/datasets/${id}/versions/1`;
  const related = (pk: number, relation: string) =>
    (page.get(pk)?.relatedIdentifiers ?? [])
      .filter((r) => r.relationType === relation && r.relatedIdentifier.startsWith(`${BASE_URL}/datasets/`))
      .map((r) => r.relatedIdentifier)
      .sort();
  let derived = 0;
  for (const { pk, record } of items) {
    const attributes = page.get(pk)!;
    t.equal(attributes.url, landing(record.id), `${record.id}: its own landing page`);
    t.same(attributes.titles?.[0]?.title, record.title, `${record.id}: its own title`);
    const inputs = [...(inputsOf.get(record.id) ?? [])].filter((id) => !restricted.has(id));
    const outputs = [...inputsOf].filter(([out, ins]) => ins.has(record.id) && !restricted.has(out)).map(([out]) => out);
    t.same(related(pk, 'IsDerivedFrom'), inputs.map(landing).sort(), `${record.id}: derived from what its activities used`);
    t.same(related(pk, 'IsSourceOf'), outputs.map(landing).sort(), `${record.id}: source of what its activities made`);
    if (inputs.length) derived++;
  }
  t.ok(derived > 10, `the page holds many derived records (${derived})`);
  const features = items.find((i) => i.record.id === 'ising-features')!;
  t.same(
    page.get(features.pk)!.relatedIdentifiers?.filter((r) => !r.relatedIdentifier.startsWith(BASE_URL)),
    [
      { relatedIdentifier: '2101.00001', relatedIdentifierType: 'arXiv', relationType: 'IsDocumentedBy' },
      { relatedIdentifier: '10.1234/ising-paper', relatedIdentifierType: 'DOI', relationType: 'Cites' },
    ],
    "the fixture's own related identifiers",
  );
});
