import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { assertAllValid, assertValid, dataciteJsonSchema, dataciteXsd } from '../helpers/validators.js';

const fixtures = shared('fixtures', 'real', 'datacite');

/** Files in the folders that are not DataCite records: a client list and recorded HTTP sessions. */
const NOT_RECORDS = new Set(['viringo-datacite_api_clients.json', 'lupo-openapi.yaml', 'commonmeta-vcr-get-dois-dryad.8515.yaml']);

t.test('every DataCite example imports as a dataset with its DOI, and re-serializes validly', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  let count = 0;
  const reserialized = new Map<string, string>();
  for (const folder of ['examples-xml', 'json-attributes', 'rest-api']) {
    for (const file of readdirSync(join(fixtures.path, folder)).sort()) {
      const text = readFileSync(join(fixtures.path, folder, file), 'utf8');
      const contentType = file.endsWith('.xml') ? 'application/xml' : 'application/json';
      if (NOT_RECORDS.has(file)) {
        const refused = await a.app.inject({
          method: 'POST',
          url: '/import/datacite',
          headers: { ...a.as.curator, 'content-type': contentType },
          payload: text,
        });
        // Not JSON at all (YAML): 400 malformed; JSON of something else: 422.
        t.equal(refused.statusCode, file.endsWith('.yaml') ? 400 : 422, `${file} is not a record`);
        t.equal(refused.headers['content-type'], 'application/problem+json');
        continue;
      }
      const res = await a.app.inject({ method: 'POST', url: '/import', headers: { ...a.as.curator, 'content-type': contentType }, payload: text });
      const [result] = res.json().results;
      t.equal(res.statusCode, result.status === 'created' ? 201 : 200, `${folder}/${file}: ${res.body.slice(0, 300)}`);
      t.equal(res.json().format, 'datacite', `${file} recognised as DataCite`);
      if (result.status !== 'created') continue; // the same DOI in two files (XML and JSON of one example)
      count++;
      const dataset = result.subject;
      const doi = result.key.startsWith('doi:') ? result.key.slice(4) : null;
      const xml = await a.app.inject({ method: 'GET', url: `/datasets/${dataset}`, headers: { accept: 'application/vnd.datacite.datacite+xml' } });
      t.equal(xml.statusCode, 200, `${file} XML`);
      if (doi) t.match(xml.body, 'identifierType="DOI"');
      reserialized.set(file, xml.body);
    }
  }
  t.ok(count >= 30, `${count} records imported`);
  await assertAllValid(t, dataciteXsd, reserialized, 're-serialized XML validates');
  const again = await a.app.inject({
    method: 'POST',
    url: '/import',
    headers: { ...a.as.curator, 'content-type': 'application/xml' },
    payload: readFileSync(join(fixtures.path, 'examples-xml', 'datacite-example-dataset-v4.xml'), 'utf8'),
  });
  t.equal(again.json().results[0].status, 'unchanged', 'importing the same DOI twice changes nothing');
  t.equal(again.statusCode, 200, 'nothing was created, so not 201');
  t.equal((await a.app.inject({ method: 'POST', url: '/import', headers: { 'content-type': 'application/xml' }, payload: '<resource/>' })).statusCode, 401);
});

t.test('an imported JSON record keeps its DataCite metadata', requires(t, fixtures), async (t) => {
  const a = await makeApp(t);
  const text = readFileSync(join(fixtures.path, 'json-attributes', 'datacite-example-dataset-v4.5.json'), 'utf8');
  const res = await a.app.inject({ method: 'POST', url: '/import', headers: { ...a.as.curator, 'content-type': 'application/json' }, payload: text });
  t.equal(res.statusCode, 201, res.body);
  const doi = (await a.app.inject({ method: 'GET', url: `/dois/${res.json().results[0].key.slice('doi:'.length)}` })).json().data.attributes;
  t.equal(doi.titles[0].title, 'External Environmental Data, 2010-2020, National Gallery');
  t.equal(doi.state, 'findable');
  const { state: _s, isActive: _i, created: _c, updated: _u, registration: _r, ...attrs } = doi;
  await assertValid(t, dataciteJsonSchema, attrs, 'DataCite JSON Schema');
});
