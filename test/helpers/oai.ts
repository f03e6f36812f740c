import { XMLParser } from 'fast-xml-parser';
import type { Test } from 'tap';
import type { TestApp } from './app.js';
import { assertValid, oaiXsd } from './validators.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['record', 'header', 'set', 'metadataFormat', 'setSpec', 'error'].includes(name),
});

/** One OAI-PMH request, GET or POST (form), with its parsed OAI-PMH element. */
export async function oai(app: TestApp, query: string, method: 'GET' | 'POST' = 'GET') {
  const res =
    method === 'GET'
      ? await app.app.inject({ url: `/oai?${query}` })
      : await app.app.inject({ method: 'POST', url: '/oai', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: query });
  return { res, body: parser.parse(res.body)['OAI-PMH'] };
}

/** Every response must be valid against the OAI-PMH schema with its payload schemas. */
export async function valid(t: Test, app: TestApp, query: string, method: 'GET' | 'POST' = 'GET') {
  const r = await oai(app, query, method);
  t.equal(r.res.statusCode, 200);
  t.match(r.res.headers['content-type'], /xml/);
  await assertValid(t, oaiXsd, r.res.body, `${query} is schema-valid`);
  return r.body;
}
