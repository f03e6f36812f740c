import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { Test } from 'tap';
import { validateXML, memoryPages } from 'xmllint-wasm';
import { available, shared, sharedDir, type External } from './external.js';

/** An official schema or shape set from the shared fixtures; `errors` answers one list per document (empty: valid). */
export interface Validator<D> {
  readonly needs: External[];
  errors(docs: D[]): Promise<string[][]>;
}

/** Asserts that the official validator accepts `doc`; a skipped assertion when its schema is absent (failed under CI=true). */
export async function assertValid<D>(t: Test, v: Validator<D>, doc: D, message: string): Promise<void> {
  if (available(t, message, ...v.needs)) t.same((await v.errors([doc]))[0], [], message);
}

/** As assertValid, for many documents validated in one run, labelled by their keys. */
export async function assertAllValid<D>(t: Test, v: Validator<D>, docs: Map<string, D>, message: string): Promise<void> {
  if (!available(t, message, ...v.needs)) return;
  const labels = [...docs.keys()];
  const errors = await v.errors([...docs.values()]);
  t.same(Object.fromEntries(labels.flatMap((label, i) => (errors[i].length ? [[label, errors[i]]] : []))), {}, `${message} (${labels.length} documents)`);
}

/** Asserts that the validator refuses `doc`: shows that a check built on it can fail. */
export async function assertInvalid<D>(t: Test, v: Validator<D>, doc: D, message: string): Promise<void> {
  if (available(t, message, ...v.needs)) t.not((await v.errors([doc]))[0].length, 0, message);
}

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/**
 * The libxml2 of xmllint-wasm has neither network nor XML catalogs: every location a schema imports is opened as a
 * path of its in-memory file system. So the schemas go in under their shared-relative paths, and each entry of
 * `../shared/validators/catalog.xml` is placed at the remote address it maps (`https://host/x` opens `/https:/host/x`).
 */
function schemaFiles(entry: string, folders: string[]): { fileName: string; contents: string }[] {
  const local = (path: string) => ({ fileName: relative(sharedDir, path), contents: readFileSync(path, 'utf8') });
  const catalogPath = shared('validators', 'catalog.xml').path;
  const catalog = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (_name, _path, _leaf, isAttribute) => !isAttribute }).parse(
    readFileSync(catalogPath, 'utf8'),
  );
  const remote = (catalog.catalog[0].system as { systemId: string; uri: string }[]).map((s) => ({
    fileName: s.systemId.replace('://', ':/'),
    contents: readFileSync(resolve(dirname(catalogPath), s.uri), 'utf8'),
  }));
  const main = shared(entry).path;
  const others = folders.flatMap((f) => filesUnder(shared(f).path)).filter((p) => p.endsWith('.xsd') && p !== main);
  return [local(main), ...others.map(local), ...remote];
}

function xsdValidator(entry: string, folders: string[]): Validator<string> {
  const files = once(() => schemaFiles(entry, folders));
  return {
    needs: [shared(entry), shared('validators', 'catalog.xml'), ...folders.map((f) => shared(f))],
    async errors(docs) {
      const [schema, ...preload] = files();
      const names = docs.map((_, i) => `document-${i}.xml`);
      const result = await validateXML({
        xml: docs.map((contents, i) => ({ fileName: names[i], contents })),
        schema,
        preload,
        maxMemoryPages: memoryPages.GiB,
      });
      return names.map((name) => result.errors.filter((e) => e.loc?.fileName === name).map((e) => e.message));
    },
  };
}

/** DataCite kernel-4.7 XML. */
export const dataciteXsd = xsdValidator('fixtures/real/datacite/kernel-4.7/metadata.xsd', ['fixtures/real/datacite/kernel-4.7']);

/** A whole OAI-PMH 2.0 response with the oai_dc and oai_datacite payloads it carries (../shared/validators). */
export const oaiXsd = xsdValidator('validators/oai-pmh-wrapper.xsd', ['fixtures/real/oaipmh/schemas', 'fixtures/real/datacite/kernel-4.7']);

// The DataCite JSON Schema names date formats of its own (ISO 8601 profiles); these are their definitions.
const year = '\\d{4}';
const yearMonth = `${year}-\\d{2}`;
const date = `${yearMonth}-\\d{2}`;
const dateTime = `${date}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?`;
const whole = (p: string) => new RegExp(`^${p}$`);
const range = (p: string) => whole(`(${p})?/(${p})?`);

const dataciteJsonSchemaFile = shared('fixtures', 'real', 'datacite', 'jsonschema', 'datacite-v4.5.json');
const dataciteJson = once(() => {
  const ajv = new (Ajv2019 as unknown as typeof Ajv2019.default)({ allErrors: true, strict: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  for (const [name, pattern] of Object.entries({ year, yearmonth: yearMonth, datetime: dateTime })) ajv.addFormat(name, whole(pattern));
  for (const [name, pattern] of Object.entries({ 'year-range': year, 'yearmonth-range': yearMonth, 'date-range': date, 'datetime-range': dateTime }))
    ajv.addFormat(name, range(pattern));
  // The file still carries a draft-04 style `id`, which draft 2019-09 names `$id`; it is only a label.
  const { id: _label, ...schema } = JSON.parse(readFileSync(dataciteJsonSchemaFile.path, 'utf8'));
  return ajv.compile(schema);
});

/** Documents against a JSON Schema compiled on first use. */
function jsonSchemaValidator(
  file: External,
  compiled: () => { (doc: unknown): boolean; errors?: { instancePath: string; message?: string; params: unknown }[] | null },
): Validator<unknown> {
  return {
    needs: [file],
    async errors(docs) {
      const validate = compiled();
      return docs.map((doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)));
    },
  };
}

/** DataCite JSON attributes against the official v4.5 JSON Schema. */
export const dataciteJsonSchema = jsonSchemaValidator(dataciteJsonSchemaFile, dataciteJson);

const provJsonSchemaFile = shared('fixtures', 'real', 'prov', 'schemas', 'prov-json.schema.json');
const provJson = once(() => {
  const ajv = new (Ajv04 as unknown as typeof Ajv04.default)({ allErrors: true, strict: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  return ajv.compile(JSON.parse(readFileSync(provJsonSchemaFile.path, 'utf8')));
});

/** PROV-JSON documents against the W3C member submission's JSON Schema (draft-04). */
export const provJsonSchema = jsonSchemaValidator(provJsonSchemaFile, provJson);

/** Shapes as quads; owl:imports (of DASH, not bundled) are dropped, the shapes used here need nothing from them. */
const turtleQuads = (path: string): Quad[] =>
  new Parser().parse(readFileSync(path, 'utf8')).filter((q) => q.predicate.value !== 'http://www.w3.org/2002/07/owl#imports');

function shaclValidator(...files: string[][]): Validator<Quad[]> {
  const needs = files.map((parts) => shared(...parts));
  const validator = once(() => new SHACLValidator(needs.flatMap((n) => turtleQuads(n.path))));
  return {
    needs,
    async errors(docs) {
      const v = validator();
      const out: string[][] = [];
      for (const quads of docs) {
        const report = await v.validate(v.factory.dataset(quads));
        out.push(
          report.results.map(
            (r) => `${r.focusNode?.value} ${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join('; ') || r.sourceConstraintComponent?.value}`,
          ),
        );
      }
      return out;
    },
  };
}

/** Google Dataset Search's required schema.org properties. */
export const googleDatasetShapes = shaclValidator(['fixtures', 'real', 'schemaorg', 'shacl', 'googleRequired.ttl']);

/** DCAT-AP 3.0.1 (shapes and ranges). */
export const dcatAp3Shapes = shaclValidator(
  ['fixtures', 'real', 'dcat', 'dcat-ap-3.0.1', 'shapes.ttl'],
  ['fixtures', 'real', 'dcat', 'dcat-ap-3.0.1', 'range.ttl'],
);

/** PROV-XML (the W3C PROV schemas as the prov package vendors them). */
export const provXsd = xsdValidator('fixtures/real/prov/schemas/prov.xsd', ['fixtures/real/prov/schemas']);
