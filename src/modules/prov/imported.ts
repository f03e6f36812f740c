import { mapInOrder } from '../../lib/in-order.js';
import type { z } from 'zod';
import { FemtoError } from '../../errors.js';
import { sha256 } from '../../lib/digest.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { Actor } from '../auth/auth.schema.js';
import type { VersionContent } from '../datasets/datasets.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import { slugOf } from '../harvest/harvest.urls.js';
import type { Applied } from '../imports/imports.schema.js';
import { createActivityBody } from '../provenance/provenance.schema.js';
import type { ProvenanceService } from '../provenance/provenance.service.js';

/**
 * What the RO-Crate and PROV importers share: how a record named in a document is matched to one
 * femto already holds, how new datasets and steps are named, and how they are written through the
 * datasets and provenance services.
 */

export interface VersionRef {
  dataset: string;
  version?: number;
}

/** A dataset a step names: by femto id, or by the DOI the document gives (the dataset femto holds under it, else `dataset`). */
export type StepRef = VersionRef & { doi?: string; role?: string };

/** The femto dataset version an IRI names (a version page, or its PROV name `…/versions/n#version`), if it is one of this site's. */
export function femtoVersionOf(urls: SiteUrls, iri: string): VersionRef | undefined {
  const prefix = `${urls.base}/datasets/`;
  if (!iri.startsWith(prefix)) return undefined;
  const m = /^([^/#?]+)\/versions\/(\d+)(?:#version)?$/.exec(iri.slice(prefix.length));
  return m ? { dataset: decodeURIComponent(m[1]), version: Number(m[2]) } : undefined;
}

/** The femto step an IRI names (`…/activities/{id}`, or its PROV name `#activity`), if it is one of this site's. */
export function femtoActivityOf(urls: SiteUrls, iri: string): string | undefined {
  const prefix = `${urls.base}/activities/`;
  if (!iri.startsWith(prefix)) return undefined;
  const m = /^([^/#?]+)(?:#activity)?$/.exec(iri.slice(prefix.length));
  return m ? decodeURIComponent(m[1]) : undefined;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A document's time as femto stores it, with an offset (a time without one is taken as UTC, as
 * cwltool and most PROV writers mean it); a time that is no ISO 8601 date-time is left out, not
 * guessed at.
 */
export function importedTime(t: string | undefined): string | undefined {
  const m = t ? DATE_TIME.exec(t) : null;
  if (!m || Number.isNaN(Date.parse(t!))) return undefined;
  return m[2] ? t : `${t}Z`;
}

/** A stable id for a record femto makes from a document: readable from its name, unique by the identity it came with. */
export function importedId(prefix: string, name: string, identity: string): string {
  const readable = slugOf(name).slice(0, 40).replace(/-+$/, '');
  return `${prefix}-${readable ? `${readable}-` : ''}${sha256(identity).slice(0, 10)}`;
}

/**
 * A dataset a document describes, written under `id`. `version` is set when the document names a
 * femto version (an export of this site): where that version exists it is taken as it is.
 */
export interface DatasetPlan {
  id: string;
  version?: number;
  content: VersionContent;
}

export interface ImportWriters {
  datasets: DatasetsService;
  provenance: ProvenanceService;
  urls: SiteUrls;
  /** The dataset version femto holds under a DOI, as the importing curator may see it. */
  datasetOfDoi: (actor: Actor, doi: string) => Promise<VersionRef | undefined>;
}

/** The DOI a new dataset's document gives it (kept as its IsIdenticalTo related identifier). */
export const doiOf = (content: VersionContent) => content.relatedIdentifiers?.find((r) => r.type === 'DOI' && r.relation === 'IsIdenticalTo')?.value;

/** The version a reference names when femto has it; else the dataset's latest (a document from another femto names versions this one numbers differently). */
async function existing(w: ImportWriters, actor: Actor, ref: StepRef): Promise<VersionRef | undefined> {
  const byDoi = ref.doi ? await w.datasetOfDoi(actor, ref.doi) : undefined;
  if (byDoi) return byDoi;
  if (ref.version === undefined) return undefined;
  // Only a version the importing caller may read: one hidden from it is as unknown as an absent one.
  const pk = (await w.datasets.versionPksOf([{ datasetId: ref.dataset, version: ref.version }])).get(`${ref.dataset}@${ref.version}`);
  return pk !== undefined && (await w.datasets.readable(actor, [pk])).has(pk) ? { dataset: ref.dataset, version: ref.version } : undefined;
}

/**
 * Writes a dataset as a published version (what steps link): created when new, a new version when
 * the document now says something else, unchanged when it says what the latest version says.
 */
export async function writeDataset(w: ImportWriters, actor: Actor, plan: DatasetPlan, dryRun: boolean): Promise<Applied> {
  const known = await existing(w, actor, { dataset: plan.id, version: plan.version, doi: doiOf(plan.content) });
  if (known) {
    const id = known.dataset;
    return { status: 'unchanged', message: `${plan.content.title} is femto's dataset ${id} v${known.version}`, subject: { id, location: w.urls.dataset(id) } };
  }
  const { id, content } = plan;
  const r = await w.datasets.publishContent(actor, id, content);
  const what = { created: `create dataset ${id}`, updated: `publish version ${r.version} of dataset ${id}`, unchanged: `leave dataset ${id} as it is` }[
    r.status
  ];
  return { status: r.status, message: `${dryRun ? 'would ' : ''}${what} (${content.title})`, subject: { id, location: w.urls.dataset(id) } };
}

/** Records a step (validated as `POST /activities` validates it, errors pointing into the document); unchanged when femto has it. */
export async function writeStep(
  w: ImportWriters,
  actor: Actor,
  step: Record<string, unknown> & { id: string; inputs: StepRef[]; outputs: StepRef[] },
  pointer: string,
  dryRun: boolean,
): Promise<Applied> {
  const subject = { id: step.id, location: w.urls.activity(step.id) };
  if (await w.provenance.exists(step.id)) return { status: 'unchanged', message: `step ${step.id} is recorded`, subject };
  const resolve = async (ref: StepRef, keepRole: boolean) => ({
    ...((await existing(w, actor, ref)) ?? { dataset: ref.dataset }),
    ...(keepRole && ref.role ? { role: ref.role } : {}),
  });
  const parsed = createActivityBody.safeParse({
    ...step,
    inputs: await mapInOrder(step.inputs, (r) => resolve(r, true)),
    outputs: await mapInOrder(step.outputs, (r) => resolve(r, false)),
  });
  if (!parsed.success) throw invalidStep(parsed.error, pointer);
  await w.provenance.insert(actor, parsed.data);
  return {
    status: 'created',
    message: `${dryRun ? 'would record' : 'recorded'} step ${step.id} (${parsed.data.inputs.length} in, ${parsed.data.outputs.length} out)`,
    subject,
  };
}

function invalidStep(error: z.ZodError, pointer: string): FemtoError {
  const errors = error.issues.map((i) => ({ pointer: `${pointer}${i.path.length ? `/${i.path.join('/')}` : ''}`, message: i.message }));
  return new FemtoError(
    'VALIDATION_FAILED',
    `The step at ${pointer} is not one femto can record: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`,
    errors,
  );
}
