import { FemtoError } from '../../errors.js';
import { canonicalJson, sha256 } from '../../lib/digest.js';
import { slugPattern } from '../../lib/ids.js';
import { isAllowedUrl } from '../../lib/urls.js';
import type { VersionContent } from '../datasets/datasets.schema.js';
import type { CreateActivityInput } from '../provenance/provenance.schema.js';
import type { Facets, OlDataset, RunEvent } from './openlineage.schema.js';

/**
 * How OpenLineage names and facets become femto records. Pure: the service decides what exists.
 *
 * Dataset ids (the documented rule): `ol-<name as a slug, at most 50 characters>-<8 hex of
 * sha256(namespace + "\n" + name)>`, so two datasets whose names slug alike still differ; the
 * mapping is stored on first sight and never recomputed. A dataset whose namespace is femto's own
 * base URL (FEMTO_BASE_URL) is the femto dataset its name names (`id`, or `id@n` for a version).
 */

const slugOf = (text: string, max: number) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');

export function datasetIdFor(namespace: string, name: string): string {
  const slug = slugOf(name, 50);
  return `ol-${slug ? `${slug}-` : ''}${sha256(`${namespace}\n${name}`).slice(0, 8)}`;
}

/** A run's step: `ol-run-<runId>` (runIds are UUIDs); anything else is hashed into a slug. */
export function stepIdFor(runId: string): string {
  const id = `ol-run-${runId.toLowerCase()}`;
  return slugPattern.test(id) ? id : `ol-run-${slugOf(runId, 30)}-${sha256(runId).slice(0, 12)}`.replace(/--+/g, '-');
}

/**
 * Which version of a dataset an event means: the one its version facet names, else the one its
 * schema describes; undefined when it states neither.
 */
export function versionKeyOf(d: OlDataset): string | undefined {
  const version = (d.facets?.version as { datasetVersion?: unknown } | undefined)?.datasetVersion;
  if (typeof version === 'string' || typeof version === 'number') return `version:${String(version).slice(0, 200)}`;
  const fields = (d.facets?.schema as { fields?: unknown } | undefined)?.fields;
  if (Array.isArray(fields)) return `schema:${sha256(canonicalJson(fields)).slice(0, 32)}`;
  return undefined;
}

/** An event time as femto stores it (UTC ISO-8601); a time without an offset is UTC, as Marquez reads it. */
export function eventTimeOf(text: string, pointer: string): string {
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const t = Date.parse(withZone);
  if (Number.isNaN(t))
    throw new FemtoError('VALIDATION_FAILED', `${pointer}: '${text.slice(0, 100)}' is not a date-time`, [
      { pointer, message: 'must be an ISO-8601 date-time' },
    ]);
  return new Date(t).toISOString();
}

const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
const ORGANISATIONS = /^(team|org|organi[sz]ation|group|department)$/i;

/** Owners of a dataset or job (ownership facet) as femto agents. */
export function ownersOf(facets: Facets | undefined): { name: string; type: 'Person' | 'Organization' }[] {
  const owners = (facets?.ownership as { owners?: { name?: unknown; type?: unknown }[] } | undefined)?.owners ?? [];
  return owners.slice(0, 100).flatMap((o) => {
    const name = text(o.name, 500);
    if (!name) return [];
    const prefix = /^(\w+):/.exec(name)?.[1];
    return [{ name, type: ORGANISATIONS.test(String(o.type ?? prefix ?? '')) ? ('Organization' as const) : ('Person' as const) }];
  });
}

/** What a new femto version of an OpenLineage dataset says: its name, documentation, owners, tags, format, size, and the facets it came with. */
export function contentOf(d: OlDataset, versionKey: string, run: string | null): VersionContent {
  const documentation = text((d.facets?.documentation as { description?: unknown } | undefined)?.description, 100_000);
  const tags = ((d.facets?.tags as { tags?: { key?: unknown; value?: unknown }[] } | undefined)?.tags ?? []).slice(0, 200);
  const storage = d.facets?.storage as { fileFormat?: unknown } | undefined;
  const source = text((d.facets?.dataSource as { uri?: unknown } | undefined)?.uri, 2000);
  const stats = d.outputFacets?.outputStatistics as { rowCount?: unknown; size?: unknown } | undefined;
  const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
  const format = text(storage?.fileFormat, 100);
  return {
    title: d.name.slice(0, 1000),
    description: documentation ?? `Dataset '${d.name}' in namespace '${d.namespace}', as OpenLineage events report it.`.slice(0, 100_000),
    creators: ownersOf(d.facets),
    keywords: [...new Set(tags.flatMap((t) => text(t.value === undefined ? t.key : `${String(t.key)}:${String(t.value)}`, 200) ?? []))],
    formats: format ? [format] : [],
    distributions: source && isAllowedUrl(source) ? [{ urls: [source], kind: 'access' }] : [],
    recordCount: count(stats?.rowCount),
    sizeBytes: count(stats?.size),
    annotations: {
      openlineage: {
        namespace: d.namespace,
        name: d.name,
        versionKey,
        ...(run ? { run } : {}),
        ...(d.facets?.schema ? { schema: (d.facets.schema as { fields?: unknown }).fields } : {}),
        ...(d.facets?.version ? { datasetVersion: (d.facets.version as { datasetVersion?: unknown }).datasetVersion } : {}),
      },
    },
  };
}

/** Datasets of all the run's events, each once, later events' facets over earlier ones'. */
export function datasetsOfRun(events: RunEvent[], side: 'inputs' | 'outputs'): OlDataset[] {
  const byName = new Map<string, OlDataset>();
  for (const e of events) {
    for (const d of e[side] ?? []) {
      const key = `${d.namespace}\n${d.name}`;
      const had = byName.get(key);
      byName.set(
        key,
        had
          ? {
              ...had,
              facets: { ...had.facets, ...d.facets },
              inputFacets: { ...had.inputFacets, ...d.inputFacets },
              outputFacets: { ...had.outputFacets, ...d.outputFacets },
            }
          : d,
      );
    }
  }
  return [...byName.values()];
}

const HEX = /^[0-9a-f]{7,64}$/i;

/**
 * The derivation step of a completed run, from all of its events (any of them may carry part of
 * the facets): software from the job's source-code location, source code or the run's processing
 * engine; agents from the job's ownership; parameters from the run's execution parameters, with
 * the OpenLineage context (run id, job, nominal time, parent run, SQL) under `openlineage`.
 * Environment variables are not published (they stay with the stored event).
 */
export function stepOf(events: RunEvent[], runId: string, startedAt: string | null, endedAt: string) {
  const last = events[events.length - 1];
  const jobFacets: Facets = Object.assign({}, ...events.map((e) => e.job.facets ?? {}));
  const runFacets: Facets = Object.assign({}, ...events.map((e) => e.run.facets ?? {}));
  const location = jobFacets.sourceCodeLocation as { url?: unknown; repoUrl?: unknown; version?: unknown; tag?: unknown; branch?: unknown } | undefined;
  const source = jobFacets.sourceCode as { language?: unknown } | undefined;
  const engine = runFacets.processing_engine as { name?: unknown; version?: unknown; openlineageAdapterVersion?: unknown } | undefined;
  const repository = [location?.repoUrl, location?.url].map((u) => text(u, 2000)).find((u) => u && isAllowedUrl(u));
  const commit = text(location?.version, 64);
  const software =
    location || source
      ? {
          name: last.job.name.slice(0, 200),
          version: text(location?.tag, 100) ?? (commit && !HEX.test(commit) ? commit : undefined),
          repository,
          commit: commit && HEX.test(commit) ? commit : undefined,
        }
      : engine
        ? { name: text(engine.name, 200) ?? 'processing engine', version: text(engine.version, 100) }
        : undefined;
  const parameters = ((runFacets.executionParameters as { parameters?: { key?: unknown; value?: unknown }[] } | undefined)?.parameters ?? [])
    .slice(0, 1000)
    .filter((p) => typeof p.key === 'string' && p.key !== 'openlineage');
  const context = Object.fromEntries(
    Object.entries({
      runId,
      job: { namespace: last.job.namespace, name: last.job.name },
      producer: last.producer,
      nominalTime: runFacets.nominalTime,
      parent: runFacets.parent,
      jobType: jobFacets.jobType,
      sql: (jobFacets.sql as { query?: unknown } | undefined)?.query,
      language: source?.language,
      processingEngine: engine && { name: engine.name, version: engine.version, adapterVersion: engine.openlineageAdapterVersion },
      branch: location?.branch,
      tags: runFacets.tags,
    }).filter(([, v]) => v !== undefined),
  );
  const strip = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const step: Omit<CreateActivityInput, 'inputs' | 'outputs' | 'agents'> & {
    id: string;
    agents: { type: 'Person' | 'Organization'; name: string; role: string }[];
  } = {
    id: stepIdFor(runId),
    kind: 'other',
    name: last.job.name.slice(0, 500),
    description: text((jobFacets.documentation as { description?: unknown } | undefined)?.description, 100_000),
    ...(software ? { software: strip(software) } : {}),
    parameters: { ...Object.fromEntries(parameters.map((p) => [p.key as string, p.value])), openlineage: context },
    ...(startedAt ? { startedAt } : {}),
    endedAt,
    basis: `OpenLineage run ${runId} of job '${last.job.name}' in namespace '${last.job.namespace}'`.slice(0, 10_000),
    agents: ownersOf(jobFacets).map((o) => ({ ...o, role: 'owner' })),
  };
  return step;
}
