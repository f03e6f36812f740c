import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { CST, isAlias, isCollection, isNode, isPair, Lexer, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { FemtoError, type FieldError } from '../../errors.js';
import { nestsDeeperThan } from '../../lib/json.js';
import { projectPath } from '../../paths.js';
import { cmEnergyOf, observableOfKeyword } from './hepdata.keywords.js';
import type { HepdataTable, KeywordName } from './hepdata.schema.js';

/**
 * A HEPData submission read and checked as HEPData's own validator (hepdata-validator, schema
 * 1.1.1) checks it: `submission.yaml` (its first document the submission's own information when it
 * names no data file, then one document per table) and the data file of every table, each
 * against the official JSON schema, then the validator's further checks: centre-of-mass
 * energies are numbers (or one low-high range), table names and data files are unique, a data
 * file sits beside submission.yaml, its variables have as many values each, and a value's
 * uncertainties are not all zero. Every refusal names the file, its line and the JSON pointer
 * at fault.
 */

const SCHEMA_DIR = projectPath('schema', 'hepdata', '1.1.1');
const SCHEMA_BASE = 'https://hepdata.net/submission/schemas/1.1.1/';

/**
 * Bytes of one YAML file read at most (submission.yaml, a data file, the single-file form), checked before it is
 * parsed. The yaml library builds a node with its source position for every value (the positions every refusal
 * names): parsing takes a few seconds and about 150 MB of memory per MB of table (5 MB took 24 s and 885 MB). HEPData's
 * validator takes data files up to 10 MiB (INDIVIDUAL_FILE_SIZE_LIMIT; past that it asks for an additional resource),
 * but hepdata.net already loads a table past 1 MiB only when a reader asks for it (SIZE_LOAD_CHECK_THRESHOLD): 2 MiB
 * is twice that. A table as hepdata_lib writes it takes 70 to 160 bytes a row, so 2 MiB holds 13,000 rows with their
 * errors, or a covariance matrix of 170 × 170 bins.
 */
export const YAML_MAX_BYTES = 2 * 1024 * 1024;
/**
 * YAML nodes one file may build at most, counted on the lexer's tokens before anything is built (a scalar, an
 * alias, an entry or a collection indicator each makes at least one node). Tables as tools write them take about
 * five bytes a node, so a table at the byte bound stays under this one; flow style packs a node into two or three
 * bytes, and the bound on nodes is what bounds the memory then (about 600 bytes a node at the parser's peak).
 */
export const YAML_MAX_NODES = 500_000;
/** Tables per submission: far above real records (hundreds), bounding the work one input can cause. */
export const TABLE_LIMIT = 2000;
/** Field errors reported per refusal. */
const ERROR_LIMIT = 50;
/**
 * How many times its own nodes a YAML document may become once its aliases are expanded. PyYAML
 * writes an alias where one object appears twice (a shared qualifier, an error model): a few, never
 * a multiplication. The yaml library's maxAliasCount bounds the uses of each anchor only, so many
 * anchors used up to that bound each still amplify a file about a hundredfold.
 */
export const ALIAS_EXPANSION_LIMIT = 4;
/** Small documents may repeat a little more: a few shared blocks in a short file. */
const ALIAS_ALLOWANCE = 1000;

/**
 * The nodes of a document, and how many it expands to (an alias counts as the node it names), in
 * one pass in document order (an alias names the last anchor of its name before it); stops counting
 * past `limit` (a billion laughs never finishes otherwise).
 */
function expansionOf(doc: Document, limit: number): { nodes: number; expanded: number } {
  const anchored = new Map<string, number>();
  let nodes = 0;
  const walk = (node: unknown): number => {
    if (!isNode(node) && !isPair(node)) return 0;
    nodes++;
    let size = 1;
    if (isAlias(node)) size = anchored.get(node.source) ?? 1;
    else if (isPair(node)) size = walk(node.key) + walk(node.value);
    else if (isCollection(node)) for (const item of node.items) size += walk(item);
    if (size > limit) throw new RangeError('expansion limit');
    if (isNode(node) && !isAlias(node) && node.anchor) anchored.set(node.anchor, size);
    return size;
  };
  try {
    // Walked first: `nodes` is counted by the walk.
    const expanded = walk(doc.contents);
    return { nodes, expanded };
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { nodes, expanded: Infinity };
  }
}

let validators: { info: ValidateFunction; table: ValidateFunction; data: ValidateFunction } | undefined;
/** The four schemas registered by `$id` (they `$ref` each other by relative name), compiled on first use. */
function schemas() {
  if (validators) return validators;
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')))
    ajv.addSchema(JSON.parse(readFileSync(`${SCHEMA_DIR}/${file}`, 'utf8')) as object);
  const get = (name: string) => ajv.getSchema(`${SCHEMA_BASE}${name}`)!;
  validators = { info: get('additional_info_schema.json'), table: get('submission_schema.json'), data: get('data_schema.json') };
  return validators;
}

export interface SubmissionFile {
  path: string;
  read(): Buffer;
}

type Json = Record<string, unknown>;

/** One resource the submission links (a web page, or a file of the submission). */
export interface Resource {
  location: string;
  description: string;
}

export interface ReadSubmission {
  /** sha256 of every file the submission is made of. */
  digest: string;
  /** The submission's own information (the first document), {} when it has none. */
  info: {
    comment?: string;
    recordIds: { type: string; id: string }[];
    hepdataDoi?: string;
    relatedRecords: number[];
    publicationYear?: string;
    resources: Resource[];
  };
  tables: (HepdataTable & { relatedDois: string[]; resources: Resource[] })[];
}

const segmentsOf = (pointer: string): (string | number)[] =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

const tooDeep = (file: string, maxDepth: number) =>
  new FemtoError('BODY_TOO_DEEP', `${file}: YAML nests deeper than ${maxDepth} levels (FEMTO_JSON_MAX_DEPTH)`, [
    { pointer: `${file}#/`, message: `nests deeper than ${maxDepth} levels` },
  ]);
const stackExhausted = (message: string) => message.includes('Maximum call stack size exceeded');

/** Whether a document's collections nest deeper than `max`, walked without recursion (a deep document must not exhaust the stack here). */
function nodesDeeperThan(doc: Document, max: number): boolean {
  const pending: [unknown, number][] = [[doc.contents, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (!isCollection(node)) continue;
    if (depth > max) return true;
    for (const item of node.items) pending.push(...(isPair(item) ? [item.key, item.value] : [item]).map((n): [unknown, number] => [n, depth + 1]));
  }
  return false;
}

const tooLarge = (file: string, message: string) => new FemtoError('PAYLOAD_TOO_LARGE', `${file}: ${message}`, [{ pointer: `${file}#/`, message }]);

/** Lexer tokens that each make at least one node. */
const NODE_TOKENS = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'alias',
  'seq-item-ind',
  'explicit-key-ind',
  'map-value-ind',
  'flow-map-start',
  'flow-seq-start',
]);

/** Whether the text makes more than `max` nodes: one pass of the lexer, which builds nothing, stopping past `max`. */
function moreNodesThan(text: string, max: number): boolean {
  let nodes = 0;
  for (const token of new Lexer().lex(text)) if (NODE_TOKENS.has(CST.tokenType(token) ?? '') && ++nodes > max) return true;
  return false;
}

/** A YAML file parsed as HEPData reads it (PyYAML: YAML 1.1, a repeated key's last value wins), with its line counter. */
function parseYaml(file: string, bytes: Buffer, maxDepth: number): { docs: Document[]; lines: LineCounter } {
  if (bytes.length > YAML_MAX_BYTES) throw tooLarge(file, `${bytes.length} bytes of YAML; at most ${YAML_MAX_BYTES} are read`);
  const text = bytes.toString('utf8');
  // Brackets are counted before parsing; YAML also nests by indentation and by compact sequences ("- - -"), and a plain
  // scalar may hold a lone quote, so the parsed documents are measured too before anything walks them recursively.
  if (nestsDeeperThan(text, maxDepth)) throw tooDeep(file, maxDepth);
  if (moreNodesThan(text, YAML_MAX_NODES)) throw tooLarge(file, `more than ${YAML_MAX_NODES} YAML nodes; split the table or give it as an additional resource`);
  const lines = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, lineCounter: lines });
  } catch (err) {
    if (err instanceof RangeError && stackExhausted(err.message)) throw tooDeep(file, maxDepth);
    throw err;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const broken = list.find((d) => d.errors.length);
  if (broken && stackExhausted(broken.errors[0].message)) throw tooDeep(file, maxDepth);
  if (broken) {
    const e = broken.errors[0];
    throw new FemtoError('MALFORMED_BODY', `${file}:${e.linePos?.[0].line ?? '?'}: not YAML: ${e.message.split('\n')[0]}`, [
      { pointer: '', message: `${file}: ${e.message.split('\n')[0]}` },
    ]);
  }
  if ((list as Document[]).some((doc) => nodesDeeperThan(doc, maxDepth))) throw tooDeep(file, maxDepth);
  // Every node takes at least a byte of the text: a walk past that many expansions is refused whatever the count.
  const cap = text.length * ALIAS_EXPANSION_LIMIT + ALIAS_ALLOWANCE;
  for (const doc of list as Document[]) {
    const { nodes, expanded } = expansionOf(doc, cap);
    if (expanded > nodes * ALIAS_EXPANSION_LIMIT + ALIAS_ALLOWANCE)
      throw tooLarge(
        file,
        `its YAML aliases expand ${Number.isFinite(expanded) ? `${nodes} nodes to ${expanded}` : `it past ${cap} nodes`}; at most ${ALIAS_EXPANSION_LIMIT} times its own nodes (plus ${ALIAS_ALLOWANCE}) are read`,
      );
  }
  return { docs: list as Document[], lines };
}

/** Collects field errors of one input, each as `file:line: pointer: message`. */
function errorSink() {
  const errors: FieldError[] = [];
  // The same errors as one line each, `file:line: pointer: message`, for the refusal's summary.
  const lines_: string[] = [];
  return {
    errors,
    lines: lines_,
    /** `pointer` is within the file; for submission.yaml its first segment is the document's index. */
    add(file: string, doc: Document | undefined, lines: LineCounter | undefined, pointer: string, docIndex: number | undefined, message: string) {
      if (errors.length >= ERROR_LIMIT) return;
      let path = segmentsOf(pointer);
      let node: unknown;
      while (doc && !(node = doc.getIn(path, true)) && path.length) path = path.slice(0, -1);
      const offset = (node as { range?: [number] } | undefined)?.range?.[0] ?? (doc?.contents as { range?: [number] } | null)?.range?.[0];
      const line = offset !== undefined && lines ? lines.linePos(offset).line : undefined;
      const where = docIndex === undefined ? pointer : `/${docIndex}${pointer}`;
      const at = `${file}${line ? `:${line}` : ''}`;
      errors.push({ pointer: `${file}#${where || '/'}`, message: `${at}: ${message}` });
      lines_.push(`${at}: ${where || '/'}: ${message}`);
    },
  };
}

const schemaMessage = (e: ErrorObject) =>
  `${e.message ?? 'is not valid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}${e.params && 'allowedValues' in e.params ? `: ${(e.params.allowedValues as unknown[]).join(', ')}` : ''}`;

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const toNumber = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v.replace('%', '').trim() || 'NaN') : NaN);

/** A data file's further checks (hepdata-validator check_length_values, check_for_zero_uncertainty). */
function checkData(data: Json, report: (pointer: string, message: string) => void): number {
  const vars = (k: string) => (data[k] as { values: Json[] }[]) ?? [];
  const counts = [...vars('independent_variables'), ...vars('dependent_variables')].map((v) => v.values.length);
  if (new Set(counts).size > 1) {
    report(
      '',
      `inconsistent length of 'values': independent_variables ${JSON.stringify(vars('independent_variables').map((v) => v.values.length))}, dependent_variables ${JSON.stringify(vars('dependent_variables').map((v) => v.values.length))}`,
    );
  }
  vars('dependent_variables').forEach((dep, d) =>
    dep.values.forEach((value, i) => {
      const errors = (value.errors as Json[] | undefined) ?? [];
      const zero = (e: Json) => {
        const asym = e.asymerror as Json | undefined;
        return asym ? toNumber(asym.plus) === 0 && toNumber(asym.minus) === 0 : toNumber(e.symerror) === 0;
      };
      if (errors.length && errors.every(zero)) report(`/dependent_variables/${d}/values/${i}/errors`, 'uncertainties should not all be zero');
    }),
  );
  return counts[0] ?? 0;
}

/**
 * Reads a submission: the files of its directory (submission.yaml at the top), or one YAML file
 * holding the whole submission (HEPData's single-file form: each table document carries its
 * independent_variables and dependent_variables).
 */
export function readSubmission(input: { name: string; single: boolean; files: readonly SubmissionFile[] }, limits: { maxDepth: number }): ReadSubmission {
  const { info: infoSchema, table: tableSchema, data: dataSchema } = schemas();
  const { name, single } = input;
  // Every file read goes into the submission's digest: a changed value is a changed record.
  const hash = createHash('sha256');
  const files = input.files.map((f) => ({
    path: f.path,
    read: () => {
      const bytes = f.read();
      hash.update(`${f.path}\n${bytes.length}\n`).update(bytes);
      return bytes;
    },
  }));
  const main = single ? files[0] : files.find((f) => f.path === 'submission.yaml');
  if (!main) throw new FemtoError('UNPROCESSABLE', `${name} is not a HEPData submission: it has no submission.yaml at its top`);
  const mainName = single ? name : `${name}/submission.yaml`;
  const { docs, lines } = parseYaml(mainName, main.read(), limits.maxDepth);
  const sink = errorSink();

  const values = docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  const present = values.map((v, i) => ({ v, i })).filter(({ v }) => v !== null && v !== undefined);
  if (present.length > TABLE_LIMIT + 1) throw new FemtoError('PAYLOAD_TOO_LARGE', `${mainName}: more than ${TABLE_LIMIT} tables`);

  let info: Json = {};
  const tables: ReadSubmission['tables'] = [];
  const names = new Set<string>();
  const dataFiles = new Set<string>();
  for (const [n, { v, i }] of present.entries()) {
    const doc = docs[i];
    const report = (pointer: string, message: string) => sink.add(mainName, doc, lines, pointer, i, message);
    if (typeof v !== 'object' || Array.isArray(v)) {
      report('', 'must be a mapping');
      continue;
    }
    const item = { ...(v as Json) };
    // The single-file form: a table document carries its own data.
    const inline =
      'independent_variables' in item || 'dependent_variables' in item
        ? { independent_variables: item.independent_variables, dependent_variables: item.dependent_variables }
        : undefined;
    delete item.independent_variables;
    delete item.dependent_variables;
    if (inline && item.data_file === undefined && typeof item.name === 'string') item.data_file = `${item.name.replace(/ /g, '_').replace(/\//g, '-')}.yaml`;

    if (n === 0 && !('data_file' in item)) {
      if (!infoSchema(item)) for (const e of infoSchema.errors ?? []) report(e.instancePath, schemaMessage(e));
      info = item;
      continue;
    }
    if (!tableSchema(item)) {
      for (const e of tableSchema.errors ?? []) report(e.instancePath, schemaMessage(e));
      continue;
    }
    const keywords = (item.keywords as { name: KeywordName; values: (string | number)[] }[]).flatMap((k, ki) =>
      k.values.map((value, vi) => {
        const gev = k.name === 'cmenergies' ? cmEnergyOf(value, k.values.length === 1) : undefined;
        if (k.name === 'cmenergies' && !gev)
          report(`/keywords/${ki}/values/${vi}`, `invalid value (in GeV) for cmenergies: '${value}' (a number, or one range such as 1.7-4.7)`);
        const observable = observableOfKeyword(k.name, String(value)) ?? null;
        return { name: k.name, value: String(value), observable, gev: gev ?? null };
      }),
    );
    const tableName = item.name as string;
    const dataFile = item.data_file as string;
    // A file named again is refused, not read again: one small file named by thousands of tables would be parsed thousands of times.
    const repeated = dataFiles.has(dataFile);
    if (names.has(tableName)) report('/name', `duplicate table name: ${tableName}`);
    if (repeated) report('/data_file', `duplicate table data_file: ${dataFile}`);
    names.add(tableName);
    dataFiles.add(dataFile);

    let data: Json | undefined;
    let dataName = mainName;
    let reportData = report;
    if (inline) data = inline;
    else if (dataFile.includes('/')) report('/data_file', `name of data_file '${dataFile}' should not contain '/'`);
    else if (!repeated) {
      const file = files.find((f) => f.path === dataFile);
      if (!file)
        report(
          '/data_file',
          `missing data_file '${dataFile}'${single ? " (give the submission directory, or put the table's independent_variables and dependent_variables in its document)" : ''}`,
        );
      else {
        dataName = `${name}/${dataFile}`;
        const parsed = parseYaml(dataName, file.read(), limits.maxDepth);
        const dataDoc = parsed.docs.find((d) => d.contents !== null);
        reportData = (pointer, message) => sink.add(dataName, dataDoc, parsed.lines, pointer, undefined, message);
        const value = dataDoc?.toJS({ maxAliasCount: 100 }) as unknown;
        if (value === undefined || value === null) reportData('', 'no data found in file');
        else data = value as Json;
      }
    }
    let rowCount = 0;
    if (data) {
      const before = sink.errors.length;
      if (!dataSchema(data)) for (const e of dataSchema.errors ?? []) reportData(e.instancePath, schemaMessage(e));
      if (sink.errors.length === before) rowCount = checkData(data, reportData);
    }
    const license = item.data_license as Json | undefined;
    const header = (h: Json) => ({ name: h.name as string, units: text(h.units) ?? null });
    tables.push({
      name: tableName,
      description: item.description as string,
      location: text(item.location) ?? null,
      dataFile,
      doi: text(item.table_doi) ?? null,
      license: license ? { name: license.name as string, url: license.url as string, description: text(license.description) ?? null } : null,
      rowCount,
      keywords,
      independentVariables: ((data?.independent_variables as Json[] | undefined) ?? []).map((v) => header(v.header as Json)),
      dependentVariables: ((data?.dependent_variables as Json[] | undefined) ?? []).map((v) => ({
        ...header(v.header as Json),
        qualifiers: ((v.qualifiers as Json[] | undefined) ?? []).map((q) => ({ name: q.name as string, value: String(q.value), units: text(q.units) ?? null })),
      })),
      relatedDois: (item.related_to_table_dois as string[] | undefined) ?? [],
      resources: (item.additional_resources as Resource[] | undefined) ?? [],
    });
  }
  if (!tables.length && !sink.errors.length)
    sink.add(mainName, undefined, undefined, '', undefined, 'the submission has no table (a document with name, description, keywords and data_file)');
  if (sink.errors.length) {
    const shown = sink.lines.slice(0, 3).join('; ');
    throw new FemtoError(
      'VALIDATION_FAILED',
      `${name} is not a valid HEPData submission: ${shown}${sink.errors.length > 3 ? `; and ${sink.errors.length - 3} more` : ''}`,
      sink.errors,
    );
  }
  return {
    digest: hash.digest('hex'),
    info: {
      ...(text(info.comment)?.trim() ? { comment: text(info.comment)!.trim() } : {}),
      recordIds: ((info.record_ids as Json[] | undefined) ?? []).map((r) => ({ type: String(r.type), id: String(r.id) })),
      ...(text(info.hepdata_doi) ? { hepdataDoi: text(info.hepdata_doi) } : {}),
      relatedRecords: (info.related_to_hepdata_records as number[] | undefined) ?? [],
      ...(text(info.publicationyear) ? { publicationYear: text(info.publicationyear) } : {}),
      resources: (info.additional_resources as Resource[] | undefined) ?? [],
    },
    tables,
  };
}
