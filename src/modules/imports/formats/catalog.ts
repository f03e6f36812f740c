import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { FemtoError, type FieldError } from '../../../errors.js';
import { parseBoundedJson } from '../../../lib/json.js';
import type { SiteUrls } from '../../../lib/site-urls.js';
import { slugPattern } from '../../../lib/ids.js';
import type { Actor } from '../../auth/auth.schema.js';
import { createDatasetBody, type VersionContent } from '../../datasets/datasets.schema.js';
import { createActivityBody, type CreateActivityInput } from '../../provenance/provenance.schema.js';
import { unitDigest, type Applied, type FileInput, type Importer, type ParsedUnit } from '../imports.schema.js';

/**
 * femto's own catalog shape, one record per JSON line or CSV row: a dataset as `POST /datasets`
 * takes it, or (`"record": "activity"`) a derivation step as `POST /activities` takes it, each
 * with its `id` (the key that makes a re-import idempotent). Datasets become published versions
 * (like the bundled catalog): a record that changed becomes the dataset's next version. Steps
 * name their inputs and outputs by dataset id (`id@n` for a version), so they follow the datasets
 * they link, in the same file or already in femto.
 */

const slug = z.string().regex(slugPattern, 'must be a lowercase slug [a-z0-9-]');
const datasetRecord = createDatasetBody.safeExtend({ id: slug });
const activityRecord = createActivityBody.safeExtend({ id: slug });

export type CatalogRecord = { record: 'dataset'; id: string; content: VersionContent } | { record: 'activity'; id: string; step: CreateActivityInput };

export interface CatalogWriters {
  datasets: {
    publishContent(actor: Actor, id: string, content: VersionContent): Promise<{ status: 'created' | 'updated' | 'unchanged'; version: number }>;
    publishNew(actor: Actor, items: readonly { id: string; content: VersionContent }[]): Promise<{ version: number }[] | undefined>;
  };
  provenance: {
    exists(id: string): Promise<boolean>;
    insert(actor: Actor, input: CreateActivityInput): Promise<string>;
    insertMany(actor: Actor, steps: readonly (CreateActivityInput & { id: string })[]): Promise<boolean>;
  };
  urls: SiteUrls;
}

const pointerOf = (path: PropertyKey[]) => `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** One record (a JSON object) as a unit, or refused with the fields at fault. */
function unitOf(value: unknown, source: string, raw: string): ParsedUnit<CatalogRecord> {
  const { record = 'dataset', ...rest } = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const key = typeof rest.id === 'string' ? `${record}:${rest.id}` : source;
  if (record !== 'dataset' && record !== 'activity') {
    return {
      key,
      source,
      refused: new FemtoError('VALIDATION_FAILED', `${source}: record must be "dataset" or "activity"`, [
        { pointer: '/record', message: 'must be "dataset" or "activity"' },
      ]),
    };
  }
  const parsed = record === 'dataset' ? datasetRecord.safeParse(rest) : activityRecord.safeParse(rest);
  if (!parsed.success) {
    const errors: FieldError[] = parsed.error.issues.map((i) => ({ pointer: pointerOf(i.path), message: i.message }));
    return { key, source, refused: new FemtoError('VALIDATION_FAILED', `${source}: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`, errors) };
  }
  const digest = unitDigest(raw);
  if (record === 'dataset') {
    const { id, ...content } = parsed.data as z.infer<typeof datasetRecord>;
    return { key, source, digest, data: { record, id, content } };
  }
  const step = parsed.data as z.infer<typeof activityRecord>;
  return { key, source, digest, data: { record, id: step.id, step } };
}

function* jsonLines(input: FileInput, maxDepth: number): Iterable<ParsedUnit<CatalogRecord>> {
  const lines = input.bytes.toString('utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const source = `${input.name}:${i + 1}`;
    let value: unknown;
    try {
      value = parseBoundedJson(line, maxDepth, source);
    } catch (err) {
      yield { key: source, source, refused: err as FemtoError };
      continue;
    }
    yield unitOf(value, source, line);
  }
}

/** Cells holding lists separate their items with ';'. */
const list = (cell: string | undefined) =>
  cell
    ? cell
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const number = (cell: string | undefined) => (cell ? Number(cell) : undefined);
/** "Ada Lovelace (0000-0002-1825-0097)": a creator with its ORCID; "CERN [Organization]": an organisation. */
const creator = (cell: string) => {
  const m = /^(.*?)\s*(?:\((\d{4}-\d{4}-\d{4}-\d{3}[\dX])\))?\s*(\[Organization\])?$/.exec(cell)!;
  return { name: m[1], ...(m[2] ? { orcid: m[2] } : {}), ...(m[3] ? { type: 'Organization' } : {}) };
};
/** "dataset" or "dataset@2". */
const versionRef = (cell: string) => {
  const [dataset, n] = cell.split('@');
  return { dataset, ...(n ? { version: Number(n) } : {}) };
};

/** A CSV row (header names as keys, empty cells absent) as the JSON record it stands for. */
function recordOfRow(row: Record<string, string>): Record<string, unknown> {
  const cells = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''));
  const pick = (...names: string[]) => Object.fromEntries(names.filter((n) => cells[n] !== undefined).map((n) => [n, cells[n]]));
  if (cells.record === 'activity') {
    return {
      ...pick('record', 'id', 'kind', 'name', 'description', 'startedAt', 'endedAt', 'basis'),
      ...(cells.software
        ? {
            software: Object.fromEntries(
              Object.entries({
                name: cells.software,
                version: cells.softwareVersion,
                repository: cells.softwareRepository,
                commit: cells.softwareCommit,
              }).filter(([, v]) => v !== undefined),
            ),
          }
        : {}),
      inputs: (list(cells.inputs) ?? []).map(versionRef),
      outputs: (list(cells.outputs) ?? []).map(versionRef),
    };
  }
  const urls = list(cells.urls);
  return {
    ...pick('record', 'id', 'title', 'description', 'dataType', 'license', 'resourceType', 'domain', 'version', 'publisher', 'accessLevel', 'embargoUntil'),
    ...(cells.tier !== undefined ? { tier: number(cells.tier) } : {}),
    ...(cells.sizeBytes !== undefined ? { sizeBytes: number(cells.sizeBytes) } : {}),
    ...(cells.recordCount !== undefined ? { recordCount: number(cells.recordCount) } : {}),
    ...(cells.creators !== undefined ? { creators: list(cells.creators)!.map(creator) } : {}),
    ...(cells.keywords !== undefined ? { keywords: list(cells.keywords) } : {}),
    ...(cells.formats !== undefined ? { formats: list(cells.formats) } : {}),
    ...(urls ? { distributions: [{ urls, ...pick('mediaType') }] } : {}),
  };
}

function* csvRows(input: FileInput): Iterable<ParsedUnit<CatalogRecord>> {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(input.bytes, { columns: true, bom: true, skip_empty_lines: true, info: true, trim: true });
  } catch (err) {
    throw new FemtoError('MALFORMED_BODY', `${input.name}: ${(err as Error).message}`);
  }
  for (const { record, info } of rows) {
    const source = `${input.name}:${info.lines}`;
    yield unitOf(recordOfRow(record), source, JSON.stringify(record));
  }
}

const would = (dryRun: boolean, verb: 'create' | 'publish') => (dryRun ? `would ${verb}` : { create: 'created', publish: 'published' }[verb]);

function datasetApplied(w: CatalogWriters, id: string, r: { status: 'created' | 'updated' | 'unchanged'; version: number }, dryRun: boolean): Applied {
  const message =
    r.status === 'unchanged'
      ? `dataset ${id} v${r.version} already says this`
      : `${would(dryRun, r.status === 'created' ? 'create' : 'publish')} dataset ${id} v${r.version}`;
  return { status: r.status, message, subject: { id, location: w.urls.version(id, r.version) } };
}

const stepCreated = (w: CatalogWriters, id: string, dryRun: boolean): Applied => ({
  status: 'created',
  message: `${would(dryRun, 'create')} step ${id}`,
  subject: { id, location: w.urls.activity(id) },
});

async function applyRecord(w: CatalogWriters, { data }: { data: CatalogRecord }, actor: Actor, dryRun: boolean): Promise<Applied> {
  if (data.record === 'dataset') return datasetApplied(w, data.id, await w.datasets.publishContent(actor, data.id, data.content), dryRun);
  // Steps are immutable: one with this id is the one an earlier import (whose ledger row was lost) made.
  if (await w.provenance.exists(data.id))
    return { status: 'unchanged' as const, message: `step ${data.id} already exists`, subject: { id: data.id, location: w.urls.activity(data.id) } };
  await w.provenance.insert(actor, data.step);
  return stepCreated(w, data.id, dryRun);
}

/**
 * A batch at once: each run of consecutive datasets (all new) in one call, each run of steps in one, in order, so that a
 * step sees the datasets written before it. Undefined when a run is not for the bulk writers.
 */
async function applyRecords(w: CatalogWriters, units: readonly { data: CatalogRecord }[], actor: Actor): Promise<Applied[] | undefined> {
  const out: Applied[] = [];
  for (let start = 0; start < units.length;) {
    const kind = units[start].data.record;
    let end = start;
    while (end < units.length && units[end].data.record === kind) end++;
    const run = units.slice(start, end).map((u) => u.data);
    if (kind === 'dataset') {
      const datasets = run as Extract<CatalogRecord, { record: 'dataset' }>[];
      const written = await w.datasets.publishNew(actor, datasets);
      if (!written) return undefined;
      datasets.forEach((d, i) => out.push(datasetApplied(w, d.id, { status: 'created', version: written[i].version }, false)));
    } else {
      const steps = (run as Extract<CatalogRecord, { record: 'activity' }>[]).map((s) => s.step as CreateActivityInput & { id: string });
      if (!(await w.provenance.insertMany(actor, steps))) return undefined;
      for (const s of steps) out.push(stepCreated(w, s.id, false));
    }
    start = end;
  }
  return out;
}

export function jsonlImporter(w: CatalogWriters, jsonMaxDepth: number): Importer<CatalogRecord> {
  return {
    format: 'jsonl',
    title:
      'femto\'s own records as JSON lines: datasets as POST /datasets takes them, with an id; steps as POST /activities takes them, with "record": "activity"',
    mediaTypes: ['application/jsonl', 'application/x-ndjson', 'application/json'],
    extensions: ['.jsonl', '.ndjson'],
    detect: (input) => /\.(jsonl|ndjson)$/i.test(input.name),
    parse(input) {
      if (input.kind !== 'file') throw new FemtoError('UNPROCESSABLE', `${input.name}: JSON lines are one file`);
      return jsonLines(input, jsonMaxDepth);
    },
    apply: (unit, actor, { dryRun }) => applyRecord(w, unit, actor, dryRun),
    applyBulk: (units, actor) => applyRecords(w, units, actor),
  };
}

export function csvImporter(w: CatalogWriters): Importer<CatalogRecord> {
  return {
    format: 'csv',
    title:
      "femto's own records as CSV with a header row: dataset columns (id, title, description, tier, dataType, license, creators, keywords, formats, urls, ...; lists separated by ';'), or record=activity rows (id, kind, name, software, inputs, outputs)",
    mediaTypes: ['text/csv'],
    extensions: ['.csv'],
    detect: (input) => /\.csv$/i.test(input.name),
    parse(input) {
      if (input.kind !== 'file') throw new FemtoError('UNPROCESSABLE', `${input.name}: CSV is one file`);
      return csvRows(input);
    },
    apply: (unit, actor, { dryRun }) => applyRecord(w, unit, actor, dryRun),
    applyBulk: (units, actor) => applyRecords(w, units, actor),
  };
}
