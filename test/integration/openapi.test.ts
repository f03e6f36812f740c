import t from 'tap';
import { Validator } from '@seriousme/openapi-schema-validator';
import { makeApp } from '../helpers/app.js';

t.test('the OpenAPI document is valid OpenAPI 3.1 and documents every public route', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject('/openapi.json');
  t.equal(res.statusCode, 200);
  const doc = res.json();
  const result = await new Validator().validate(doc);
  t.ok(result.valid, JSON.stringify(result.errors ?? '').slice(0, 2000));
  for (const path of [
    '/datasets',
    '/datasets/{id}',
    '/datasets/{id}/publish',
    '/datasets/{id}/versions',
    '/datasets/{id}/versions/{n}',
    '/activities',
    '/activities/{id}',
    '/agents',
    '/health',
  ]) {
    t.ok(doc.paths[path], `documents ${path}`);
  }
  t.same(
    Object.keys(doc.paths).filter((p) => p.startsWith('/problems')),
    [],
    'the problem type descriptions are documentation pages, not API operations',
  );
  t.ok(doc.paths['/datasets'].post.requestBody, 'request bodies come from the zod schemas');
  const docs = await app.inject('/docs/');
  t.equal(docs.statusCode, 200, 'Swagger UI is served at /docs');
  t.match(docs.headers['content-type'], /text\/html/);
});
