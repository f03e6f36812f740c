import t from 'tap';
import { join } from 'node:path';
import { BASE_URL, makeApp, publishedDataset, step, type TestApp } from '../helpers/app.js';
import { statementCounter } from '../helpers/statements.js';

const WORD = 'quasicrystal';

/** One record with n of everything that is many-valued, n lineage neighbours each way, and a findable DOI. */
async function recordWith(a: TestApp, n: number) {
  const many = (f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
  const subject = await publishedDataset(a, {
    id: 'subject',
    title: `Subject ${WORD} record`,
    publisher: 'Lattice Lab',
    creators: many((i) => ({ name: `Creator ${i}` })),
    keywords: many((i) => `keyword-${i}`),
    formats: ['HDF5'],
    distributions: many((i) => ({
      urls: [`https://data.example.org/${i}.h5`, `https://mirror.example.org/${i}.h5`],
      mediaType: 'application/x-hdf5',
      title: `part ${i}`,
    })),
    relatedIdentifiers: many((i) => ({ type: 'arXiv', value: `2401.${String(10000 + i)}`, relation: 'IsDescribedBy' })),
  });
  const inputs = await Promise.all(many((i) => publishedDataset(a, { id: `input-${i}`, title: `Input ${i}`, publisher: 'Lattice Lab' })));
  const outputs = await Promise.all(many((i) => publishedDataset(a, { id: `output-${i}`, title: `Output ${i}` })));
  await step(a, { inputs: inputs.map((dataset) => ({ dataset })), outputs: [{ dataset: subject }] });
  await step(a, { inputs: [{ dataset: subject }], outputs: outputs.map((dataset) => ({ dataset })) });
  const doi = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes: { doi: '10.5072/subject-1', url: `${BASE_URL}/datasets/${subject}`, event: 'publish' } } }),
  });
  if (doi.statusCode !== 201) throw new Error(doi.body);
  // A neighbour with a DOI of its own: DataCite relations name it by DOI.
  const neighbour = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
    payload: JSON.stringify({ data: { type: 'dois', attributes: { doi: '10.5072/input-0', url: `${BASE_URL}/datasets/input-0`, event: 'publish' } } }),
  });
  if (neighbour.statusCode !== 201) throw new Error(neighbour.body);
}

const READS: [name: string, url: string, accept?: string][] = [
  ['record JSON', '/datasets/subject'],
  ['record JSON-LD', '/datasets/subject', 'application/ld+json'],
  ['record HTML', '/datasets/subject', 'text/html'],
  ['record DataCite XML', '/datasets/subject?format=datacite-xml'],
  ['record Croissant', '/datasets/subject?format=croissant'],
  ['record datasheet', '/datasets/subject/versions/1/datasheet'],
  ['search page', `/datasets?q=${WORD}`],
  ['search page, every record', '/datasets?limit=100'],
  ['replica locations', '/datasets/subject/locations'],
  ['resolver by dataset id', '/resolve/subject', 'application/json'],
  ['resolver by DOI', '/resolve/10.5072/subject-1', 'application/json'],
  ['catalog page', '/catalog?limit=100'],
  ['OAI page oai_datacite', '/oai?verb=ListRecords&metadataPrefix=oai_datacite'],
  ['OAI page oai_dc', '/oai?verb=ListRecords&metadataPrefix=oai_dc'],
];

/** What each read executes once its representations are cached: the resolving or listing statements only. */
const WARM: Record<string, number> = {
  'record JSON': 1,
  'record JSON-LD': 1,
  'record HTML': 1,
  'record DataCite XML': 1,
  'record Croissant': 1,
  // Not a cached representation: the version is resolved, then its datasheet column read.
  'record datasheet': 2,
  // Not cached (each answer shows the replicas' last checks): the version resolved, then its replicas in one statement.
  'replica locations': 2,
  'resolver by dataset id': 2,
  // The DOI looked up and its version numbered first.
  'resolver by DOI': 4,
  'search page': 1,
  'search page, every record': 1,
  'catalog page': 2,
  'OAI page oai_datacite': 2,
  'OAI page oai_dc': 2,
};

t.test('every read route runs a fixed number of prepared statements, whatever the record holds', async (t) => {
  // SQLite's statements are counted (in the driver): both lanes run it on SQLite.
  const small = await makeApp(t, { FEMTO_DB: join(t.testdir({}), 'small.sqlite') });
  const large = await makeApp(t, { FEMTO_DB: join(t.testdir({}), 'large.sqlite') });
  await recordWith(small, 1);
  await recordWith(large, 20);
  const counter = statementCounter(small.app.femto.database.sqlite!);
  t.teardown(counter.restore);

  for (const [name, url, accept] of READS) {
    const measure = (a: TestApp) =>
      counter.during(async () => {
        const res = await a.app.inject({ url, headers: accept ? { accept } : {} });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      });
    const cold = { small: await measure(small), large: await measure(large) };
    const warm = { small: await measure(small), large: await measure(large) };
    t.equal(
      cold.large.executed,
      cold.small.executed,
      `${name}: the first read runs as many statements with 20 of everything as with 1 (${cold.small.executed})`,
    );
    t.ok(cold.small.executed <= 32, `${name}: a fixed handful of statements on the first read (${cold.small.executed})`);
    // A read of several statements runs in one read-only transaction (one snapshot: docs/database.md). Its BEGIN and
    // COMMIT are counted apart: they cost no row access, and a batch opens at most a fixed few of them however many
    // records it holds, which is what is held here.
    t.equal(cold.large.control, cold.small.control, `${name}: as many transactions with 20 of everything as with 1 (${cold.small.control / 2})`);
    t.ok(cold.small.control <= 8, `${name}: a fixed few transactions (${cold.small.control / 2})`);
    t.same(
      [cold.small.prepared, cold.large.prepared, warm.small.prepared, warm.large.prepared],
      [0, 0, 0, 0],
      `${name}: every statement was prepared once, before the request`,
    );
    t.same([warm.small.executed, warm.large.executed], [WARM[name], WARM[name]], `${name}: a cached read runs ${WARM[name]} statement(s)`);
  }
});
