import t from 'tap';
import { makeApp, minimalDataset, publishedDataset } from '../helpers/app.js';

const REFUSED = [
  'javascript:alert(5)',
  'JaVaScRiPt:alert(5)',
  ' javascript:alert(5)',
  'java\tscript:alert(5)',
  'data:text/html,<script>alert(5)</script>',
  'vbscript:msgbox(5)',
  'file:///etc/passwd',
  'https://',
  'not a url',
];
const ALLOWED = [
  'https://data.example.org/a.h5',
  'http://data.example.org/a.h5',
  'ftp://ftp.example.org/a.h5',
  's3://bucket/key.h5',
  'gs://bucket/key.h5',
  'root://eospublic.cern.ch//eos/a.root',
  'xroot://host//a.root',
  'xrootd://host//a.root',
  'doi:10.5281/zenodo.1234',
  'hdl:20.500.12345/abc',
];

t.test('every URL field takes only the allowlisted schemes', async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a);
  const fields: { name: string; pointer: string; send: (url: string) => ReturnType<typeof a.app.inject> }[] = [
    {
      name: 'distribution URL',
      pointer: '/distributions/0/urls/0',
      send: (url) => a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset({ distributions: [{ urls: [url] }] }) }),
    },
    {
      name: 'related identifier of type URL',
      pointer: '/relatedIdentifiers/0/value',
      send: (url) =>
        a.app.inject({
          method: 'POST',
          url: '/datasets',
          headers: a.as.curator,
          payload: minimalDataset({ relatedIdentifiers: [{ type: 'URL', value: url, relation: 'References' }] }),
        }),
    },
    {
      name: 'software repository',
      pointer: '/software/repository',
      send: (url) =>
        a.app.inject({
          method: 'POST',
          url: '/activities',
          headers: a.as.curator,
          payload: { kind: 'analysis', software: { name: 'x', repository: url }, inputs: [{ dataset: id }] },
        }),
    },
    {
      name: 'agent URL',
      pointer: '/url',
      send: (url) => a.app.inject({ method: 'POST', url: '/agents', headers: a.as.curator, payload: { type: 'Software', name: `tool ${Math.random()}`, url } }),
    },
    {
      name: 'measurement software repository',
      pointer: '/software/repository',
      send: (url) =>
        a.app.inject({
          method: 'POST',
          url: `/datasets/${id}/measurements`,
          headers: a.as.curator,
          payload: { observable: 'https://w3id.org/femto/observable/scaling-collapse-r2', value: 0.99, software: { name: 'fit', repository: url } },
        }),
    },
  ];
  for (const f of fields) {
    for (const url of REFUSED) {
      const res = await f.send(url);
      t.equal(res.statusCode, 400, `${f.name} ${JSON.stringify(url)}: 400`);
      t.match(res.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: f.pointer }] });
    }
    for (const url of ALLOWED) t.ok([200, 201].includes((await f.send(url)).statusCode), `${f.name} ${url}: accepted`);
  }
});

t.test('DOI URL fields and imports pass the same allowlist', async (t) => {
  const a = await makeApp(t);
  const doi = (attributes: Record<string, unknown>) =>
    a.app.inject({
      method: 'POST',
      url: '/dois',
      headers: { ...a.as.curator, 'content-type': 'application/vnd.api+json' },
      payload: { data: { type: 'dois', attributes } },
    });
  for (const url of REFUSED.slice(0, 5)) {
    const landing = await doi({ url });
    t.equal(landing.statusCode, 422, `DOI url ${JSON.stringify(url)}: 422 as DataCite answers invalid attributes`);
    t.equal(landing.json().errors[0].source, 'url');
    const related = await doi({ relatedIdentifiers: [{ relatedIdentifier: url, relatedIdentifierType: 'URL', relationType: 'References' }] });
    t.equal(related.statusCode, 422, `DOI related identifier ${JSON.stringify(url)}`);
    t.equal(related.json().errors[0].source, 'relatedIdentifiers/0/relatedIdentifier');
  }
  t.equal(
    (await doi({ relatedIdentifiers: [{ relatedIdentifier: 'https://example.org/paper', relatedIdentifierType: 'URL', relationType: 'References' }] }))
      .statusCode,
    201,
  );
  const imported = await a.app.inject({
    method: 'POST',
    url: '/import',
    headers: { ...a.as.curator, 'content-type': 'application/vnd.datacite.datacite+json' },
    payload: JSON.stringify({
      doi: '10.5072/imp-1',
      url: 'javascript:alert(5)',
      titles: [{ title: 'x' }],
      creators: [{ name: 'y' }],
      publisher: 'z',
      publicationYear: '2024',
      types: { resourceTypeGeneral: 'Dataset' },
    }),
  });
  t.equal(imported.statusCode, 400, 'an imported record with a javascript: landing URL is refused');
  t.match(imported.json(), { errors: [{ pointer: '/url' }] });
});

t.test('a landing page links no URL outside the allowlist, even one stored before it existed', async (t) => {
  const a = await makeApp(t);
  await a.app.femto.datasets.createPublished({ id: 'legacy', role: 'admin' }, 'legacy', {
    title: 'Legacy record',
    description: 'stored before the URL allowlist',
    creators: [{ name: 'A', type: 'Person' }],
    accessLevel: 'open',
    distributions: [{ urls: ['javascript:alert(5)', 'https://data.example.org/ok.h5'], kind: 'download' }],
    relatedIdentifiers: [{ type: 'URL', value: 'javascript:alert(6)', relation: 'References' }],
  });
  const page = await a.app.inject({ url: '/datasets/legacy', headers: { accept: 'text/html' } });
  t.equal(page.statusCode, 200);
  t.notMatch(page.body, /href="\s*javascript:/i, 'no javascript: link');
  t.match(page.body, /href="https:\/\/data\.example\.org\/ok\.h5"/, 'allowed URLs are still links');
  t.match(page.body, /javascript:alert\(5\)/, 'the refused one is shown as text');
});
