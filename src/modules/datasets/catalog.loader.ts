import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../../paths.js';
import { slugPattern } from '../../lib/ids.js';
import { allowedUrl } from '../../lib/urls.js';
import { bigCount } from '../../lib/counts.js';
import { collisionInput } from './physics.schema.js';
import { CATALOG_USER, type Actor } from '../auth/auth.schema.js';
import { ACTIVITY_KINDS, type CreateActivityInput } from '../provenance/provenance.schema.js';
import { modelCardBody } from '../models/model-card.schema.js';
import { evaluationBody, type EvaluationInput } from '../models/models.schema.js';
import type { DatasetsService } from './datasets.service.js';
import { datasheetSchema, type Datasheet } from './datasheet.schema.js';
import {
  ACCESS_LEVELS,
  accessContactSchema,
  DATA_TYPES,
  RECORD_STATUSES,
  RELATED_ID_TYPES,
  RELATION_TYPES,
  RESOURCE_TYPES,
  VISIBILITIES,
  licenseSchema,
  type VersionContent,
} from './datasets.schema.js';

export const OBSERVABLE_BASE = 'https://w3id.org/femto/observable/';
const catalogActor: Actor = { id: 'system:catalog', role: 'admin', user: CATALOG_USER, groups: [] };
const slug = z.string().regex(slugPattern);

/** The reviewable catalog files: every field the seeds state, nothing they do not (so most are optional). */
const catalogDataset = z
  .object({
    id: slug,
    title: z.string().min(1),
    description: z.string().min(1),
    resourceType: z.enum(RESOURCE_TYPES).default('Dataset'),
    /** Required: every entry says whether what it describes exists (a plan is not a dataset). */
    status: z.enum(RECORD_STATUSES),
    /** The seed's sentences behind status, publisher, sizes or formats where they are not obvious. */
    basis: z.string().optional(),
    publisher: z.string().min(1).optional(),
    sizeBytes: bigCount.optional(),
    recordCount: bigCount.optional(),
    tier: z.number().int().min(0).max(9).optional(),
    alsoInTiers: z.array(z.number().int().min(0).max(9)).optional(),
    /** A domain of ontologies/tiers.ttl, by label or alternative label. */
    domain: z.string().optional(),
    alsoInDomains: z.array(z.string()).optional(),
    /** The seed's own heading or thrust the entry is listed under, when that is not a domain. */
    section: z.string().optional(),
    dataType: z.enum(DATA_TYPES).optional(),
    dataTypeAsGiven: z.string().optional(),
    formats: z.array(z.string()).optional(),
    keywords: z.array(z.string()).optional(),
    level: z.string().optional(),
    availability: z.string().optional(),
    visibility: z.enum(VISIBILITIES).default('public'),
    accessLevel: z.enum(ACCESS_LEVELS).default('open'),
    accessConditions: z.string().min(1).optional(),
    accessContact: accessContactSchema.optional(),
    license: licenseSchema.optional(),
    creators: z.array(z.object({ name: z.string().min(1), type: z.enum(['Person', 'Organization']).default('Organization') }).strict()).optional(),
    distributions: z.array(z.object({ url: allowedUrl, title: z.string().optional(), mediaType: z.string().optional() }).strict()).optional(),
    relatedIdentifiers: z.array(z.object({ type: z.enum(RELATED_ID_TYPES), value: z.string().min(1), relation: z.enum(RELATION_TYPES) }).strict()).optional(),
    observables: z.array(slug).optional(),
    mentionedIn: z.string().optional(),
    /** Only what the source says; an unanswered section stays out. */
    modelCard: modelCardBody.optional(),
    /** The collisions of detector data, only as far as the seed states them (`basis` quotes it). */
    collision: collisionInput.optional(),
  })
  .strict()
  .refine((d) => !d.modelCard || d.resourceType === 'Model', { path: ['modelCard'], message: 'only a Model has a model card' });

const catalogActivity = z
  .object({
    id: slug,
    kind: z.enum(ACTIVITY_KINDS),
    name: z.string().optional(),
    description: z.string().optional(),
    software: z
      .object({ name: z.string().min(1), version: z.string().optional(), repository: allowedUrl.optional() })
      .strict()
      .optional(),
    inputs: z.array(z.object({ dataset: slug, role: z.string().optional() }).strict()).default([]),
    outputs: z.array(z.object({ dataset: slug }).strict()).default([]),
    basis: z.string().optional(),
    implied: z.boolean().default(false),
  })
  .strict();

/** An evaluation a source states, of a model of the catalog (a claim without a value unless the source gives one). */
const catalogEvaluation = z.intersection(z.object({ model: slug }), evaluationBody);

const catalogFile = z
  .object({
    source: z.string(),
    datasets: z.array(catalogDataset).default([]),
    activities: z.array(catalogActivity).default([]),
    evaluations: z.array(catalogEvaluation).default([]),
  })
  .strict();

export type CatalogFile = z.infer<typeof catalogFile>;

/** catalog/datasheets/<file>: datasheet answers for the datasets of catalog/<file>, by id, and what all of them share. */
const datasheetsFile = z.object({ source: z.string(), common: datasheetSchema.default({}), datasheets: z.record(slug, datasheetSchema) }).strict();

/** A release's answers over the common ones: its lists add to the common lists, its other answers replace them. */
function withCommon(common: Datasheet, own: Datasheet): Datasheet {
  type Answers = Record<string, unknown>;
  const sectionOf = (d: Datasheet, section: string) => ((d as Record<string, Answers | undefined>)[section] ?? {}) as Answers;
  const sections = new Set([...Object.keys(common), ...Object.keys(own)]);
  const merged = Object.fromEntries(
    [...sections].map((section) => {
      const base = sectionOf(common, section);
      const mine = sectionOf(own, section);
      const lists = Object.entries(mine).flatMap(([key, value]) =>
        Array.isArray(value) && Array.isArray(base[key]) ? [[key, [...(base[key] as unknown[]), ...value]]] : [],
      );
      return [section, { ...base, ...mine, ...Object.fromEntries(lists) }];
    }),
  );
  return datasheetSchema.parse(merged);
}

export interface CatalogEntry {
  file: string;
  content: CatalogFile;
  /** Datasheets of this file's datasets, by dataset id. */
  datasheets: Map<string, Datasheet>;
}

function readDatasheets(dir: string, file: string, content: CatalogFile): Map<string, Datasheet> {
  const path = join(dir, 'datasheets', file);
  if (!existsSync(path)) return new Map();
  const parsed = datasheetsFile.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new CatalogError(
      `datasheets/${file}`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const ids = new Set(content.datasets.map((d) => d.id));
  const unknown = Object.keys(parsed.data.datasheets).filter((id) => !ids.has(id));
  if (unknown.length)
    throw new CatalogError(
      `datasheets/${file}`,
      unknown.map((id) => `datasheets.${id}: ${file} has no dataset '${id}'`),
    );
  return new Map(Object.entries(parsed.data.datasheets).map(([id, own]) => [id, withCommon(parsed.data.common, own)]));
}

export class CatalogError extends Error {
  constructor(file: string, issues: string[]) {
    super(`Bundled catalog file ${file} is invalid:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

export function readCatalog(dir = projectPath('catalog')): CatalogEntry[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const parsed = catalogFile.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) {
        throw new CatalogError(
          file,
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        );
      }
      return { file, content: parsed.data, datasheets: readDatasheets(dir, file, parsed.data) };
    });
}

function toContent(d: z.infer<typeof catalogDataset>, source: string, datasheet: Datasheet | undefined): VersionContent {
  const annotations = Object.fromEntries(
    Object.entries({
      source,
      mentionedIn: d.mentionedIn,
      section: d.section,
      basis: d.basis,
      dataTypeAsGiven: d.dataTypeAsGiven,
      level: d.level,
      availability: d.availability,
    }).filter(([, v]) => v !== undefined),
  );
  return {
    title: d.title,
    description: d.description,
    resourceType: d.resourceType,
    status: d.status,
    tier: d.tier ?? null,
    alsoInTiers: d.alsoInTiers,
    domain: d.domain ?? null,
    alsoInDomains: d.alsoInDomains,
    dataType: d.dataType ?? null,
    formats: d.formats,
    keywords: d.keywords,
    license: d.license ?? null,
    visibility: d.visibility,
    publisher: d.publisher ?? null,
    sizeBytes: d.sizeBytes ?? null,
    recordCount: d.recordCount ?? null,
    accessLevel: d.accessLevel,
    accessConditions: d.accessConditions ?? null,
    accessContact: d.accessContact ?? null,
    creators: (d.creators ?? []).map((c) => ({ name: c.name, type: c.type })),
    distributions: (d.distributions ?? []).map((x) => ({ urls: [x.url], title: x.title, mediaType: x.mediaType, kind: 'access' as const })),
    relatedIdentifiers: d.relatedIdentifiers,
    observables: d.observables?.map((o) => OBSERVABLE_BASE + o),
    datasheet: datasheet ?? null,
    annotations,
    modelCard: d.modelCard,
    collision: d.collision,
  };
}

/** What loading the catalog writes through (the datasets service, the provenance module's step creation, the models module's evaluations) and checks against (the ontology's domains). */
export interface CatalogWriters {
  datasets: DatasetsService;
  provenance: { create(actor: Actor, input: CreateActivityInput): Promise<unknown> };
  models: { recordEvaluation(actor: Actor, modelId: string, input: EvaluationInput): Promise<unknown> };
  ontology: { resolveDomain(text: string): { iri: string } | undefined };
}

/** Every domain text must name a domain of the ontology: a typo would otherwise split a facet again. */
function checkDomains(writers: CatalogWriters, files: { file: string; content: CatalogFile }[]): void {
  for (const { file, content } of files) {
    const issues = content.datasets.flatMap((d, i) =>
      [d.domain, ...(d.alsoInDomains ?? [])].flatMap((text) =>
        text !== undefined && !writers.ontology.resolveDomain(text)
          ? [`datasets.${i} (${d.id}).domain: '${text}' is not a label or alternative label of a domain in ontologies/tiers.ttl`]
          : [],
      ),
    );
    if (issues.length) throw new CatalogError(file, issues);
  }
}

/** Loads every catalog file in one transaction: all of it or nothing. Returns the counts. */
export async function loadCatalog(writers: CatalogWriters, files = readCatalog()): Promise<{ datasets: number; activities: number; evaluations: number }> {
  const { datasets, provenance, models } = writers;
  checkDomains(writers, files);
  return datasets.transaction(async () => {
    let nDatasets = 0;
    let nActivities = 0;
    for (const { content, datasheets } of files) {
      for (const d of content.datasets) {
        await datasets.createPublished(catalogActor, d.id, toContent(d, content.source, datasheets.get(d.id)));
        nDatasets++;
      }
    }
    for (const { content } of files) {
      for (const a of content.activities) {
        await provenance.create(catalogActor, { ...a, basis: a.basis ? `${a.basis} (${content.source})` : content.source });
        nActivities++;
      }
    }
    let nEvaluations = 0;
    for (const { content } of files) {
      for (const { model, ...e } of content.evaluations) {
        await models.recordEvaluation(catalogActor, model, { ...e, basis: e.basis ? `${e.basis} (${content.source})` : content.source });
        nEvaluations++;
      }
    }
    return { datasets: nDatasets, activities: nActivities, evaluations: nEvaluations };
  });
}

export async function loadBundledCatalogIfEmpty(writers: CatalogWriters): Promise<void> {
  if (await writers.datasets.isEmpty()) await loadCatalog(writers);
}
