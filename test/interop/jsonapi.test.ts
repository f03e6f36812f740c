import t from 'tap';
import jsonapi from 'jsonapi-validator';
import { BASE_URL, makeApp, publishedDataset } from '../helpers/app.js';
import { assertValid, dataciteJsonSchema } from '../helpers/validators.js';

const validator = new jsonapi.Validator();
/** The JSON:API validator's complaints, as "path: message". */
function complaints(doc: unknown): string[] {
  try {
    validator.validate(doc);
    return [];
  } catch (err) {
    return ((err as { errors?: { dataPath?: string; instancePath?: string; message: string }[] }).errors ?? [{ message: String(err) }]).map(
      (e) => `${e.dataPath ?? e.instancePath ?? ''}: ${e.message}`,
    );
  }
}

const jsonApi = { 'content-type': 'application/vnd.api+json' };

t.test("every /dois answer is a JSON:API document (jsonapi-validator); errors keep DataCite's string source", async (t) => {
  const a = await makeApp(t);
  const id = await publishedDataset(a, { publisher: 'Lattice Lab' });
  const created = await a.app.inject({
    method: 'POST',
    url: '/dois',
    headers: { ...a.as.curator, ...jsonApi },
    payload: { data: { type: 'dois', attributes: { doi: '10.5072/jsonapi', url: `${BASE_URL}/datasets/${id}`, event: 'publish' } } },
  });
  for (const [what, res] of [
    ['POST /dois', created],
    ['GET /dois/{doi}', await a.app.inject({ url: '/dois/10.5072/jsonapi' })],
    [
      'PUT /dois/{doi}',
      await a.app.inject({
        method: 'PUT',
        url: '/dois/10.5072/jsonapi',
        headers: { ...a.as.curator, ...jsonApi },
        payload: { data: { type: 'dois', attributes: { version: '2' } } },
      }),
    ],
    ['GET /dois (page number)', await a.app.inject({ url: '/dois?page[size]=1&page[number]=1' })],
    ['GET /dois (cursor)', await a.app.inject({ url: '/dois?page[cursor]=1' })],
  ] as const) {
    t.equal(res.headers['content-type'], 'application/vnd.api+json', `${what}: media type`);
    t.same(complaints(res.json()), [], `${what}: valid JSON:API`);
  }
  const { state: _s, isActive: _i, created: _c, updated: _u, registration: _r, ...attributes } = created.json().data.attributes;
  await assertValid(t, dataciteJsonSchema, attributes, 'the attributes are DataCite JSON');

  for (const [what, res] of [
    [
      '422',
      await a.app.inject({
        method: 'POST',
        url: '/dois',
        headers: { ...a.as.curator, ...jsonApi },
        payload: { data: { type: 'dois', attributes: { doi: '10.5072/bad', types: { resourceTypeGeneral: 'NotAType' } } } },
      }),
    ],
    ['404', await a.app.inject({ url: '/dois/10.5072/none' })],
    ['405', await a.app.inject({ method: 'DELETE', url: '/dois/10.5072/jsonapi', headers: a.as.curator })],
    ['401', await a.app.inject({ method: 'POST', url: '/dois', headers: jsonApi, payload: { data: { type: 'dois', attributes: {} } } })],
  ] as const) {
    t.equal(res.headers['content-type'], 'application/vnd.api+json', `${what}: media type`);
    // DataCite answers `source` as a string naming the attribute (its clients read it so); JSON:API would have an object.
    const body = res.json();
    const asJsonApi = {
      ...body,
      errors: body.errors.map(({ source, ...e }: { source?: string }) => ({ ...e, ...(source ? { source: { pointer: `/data/attributes/${source}` } } : {}) })),
    };
    t.same(complaints(asJsonApi), [], `${what}: a JSON:API error document but for DataCite's string source`);
  }
});
