import { mapInOrder } from '../../lib/in-order.js';
import { FemtoError } from '../../errors.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuditEntry, AuthService } from '../auth/auth.service.js';
import type { VersionContent } from '../datasets/datasets.schema.js';
import { readMiss, type DatasetReader } from '../datasets/read.js';
import type { Applied } from '../imports/imports.schema.js';
import type { ProvenanceService, ResolvedStep } from '../provenance/provenance.service.js';
import { contentOf, datasetIdFor, datasetsOfRun, eventTimeOf, ownersOf, stepIdFor, stepOf, versionKeyOf } from './openlineage.mapping.js';
import type { OpenLineageRepository, RunRow } from './openlineage.repository.js';
import type { EventUnit } from './openlineage.import.js';
import type { OlDataset, OlEvent, RunEvent, RunState } from './openlineage.schema.js';

const TERMINAL = new Set<RunState>(['COMPLETE', 'FAIL', 'ABORT']);
/** Non-terminal states only move forward: a START arriving after RUNNING does not set the run back. */
const PROGRESS: Record<string, number> = { OTHER: 0, START: 1, RUNNING: 2 };

export interface OpenLineageDeps {
  repo: OpenLineageRepository;
  datasets: {
    publishContent(actor: Actor, id: string, content: VersionContent): Promise<{ status: 'created' | 'updated' | 'unchanged'; pk: number; version: number }>;
    publishNew(
      actor: Actor,
      items: readonly { id: string; content: VersionContent }[],
      options: { deferAudit: boolean },
    ): Promise<{ pk: number; version: number; audit: AuditEntry }[] | undefined>;
    versionLabels(pks: readonly number[]): Promise<Map<number, { version: number | null }>>;
  };
  versions: Pick<DatasetReader, 'resolve' | 'resolveMany'>;
  provenance: Pick<ProvenanceService, 'record' | 'recordMany' | 'generatorOf' | 'records'>;
  auth: AuthService;
  urls: SiteUrls;
}

/**
 * OpenLineage ingest, as Marquez does it: every event stored once (a replay changes nothing), the
 * run's state kept per runId whatever order its events arrive in, and a COMPLETE run made into a
 * derivation step between exact dataset versions (FAIL and ABORT are recorded, with no outputs).
 * One event is one transaction.
 */
export function createOpenLineageService(deps: OpenLineageDeps) {
  const { repo, datasets, versions, provenance, auth, urls } = deps;

  /** What one event did to datasets, for its summary line. */
  interface Touched {
    created: string[];
    /** Versions this event published: nothing has generated them yet. */
    made: Set<number>;
  }

  /** The femto dataset an OpenLineage dataset is (by the mapping rule), and whether it exists yet. */
  async function datasetFor(d: OlDataset): Promise<{ id: string; known: boolean }> {
    const mapped = await repo.datasetOf(d.namespace, d.name);
    return mapped ? { id: mapped, known: true } : { id: datasetIdFor(d.namespace, d.name), known: false };
  }

  /** A femto dataset named directly (namespace = femto's base URL): `id` or `id@n`, which must exist and be published. */
  async function femtoVersion(actor: Actor, d: OlDataset, pointer: string): Promise<number> {
    const [dataset, n] = d.name.split('@');
    const r = await versions.resolve(actor, { dataset, ...(n ? { version: Number(n) } : {}) });
    if (r.status !== 'found')
      throw new FemtoError('UNKNOWN_REFERENCE', `${pointer}: femto has no published dataset '${d.name}'`, [
        { pointer: `${pointer}/name`, message: 'no such published dataset (version)' },
      ]);
    return r.version.pk;
  }

  /** The version a key names, made (as a new published version) when it is new. */
  async function versionFor(actor: Actor, d: OlDataset, key: string, run: string | null, touched: Touched): Promise<number> {
    const { id, known } = await datasetFor(d);
    const existing = known ? await repo.versionOf(id, key) : undefined;
    if (existing !== undefined) {
      // Named by its facets or not, a version the sender may not see is as unknown to it as its record is when named without them.
      const version = (await datasets.versionLabels([existing])).get(existing)?.version ?? undefined;
      const r = await versions.resolve(actor, { dataset: id, version });
      if (r.status !== 'found') throw readMiss(r.status, r.status === 'no-dataset' ? { dataset: id } : { dataset: id, version });
      return existing;
    }
    const made = await datasets.publishContent(actor, id, contentOf(d, key, run));
    if (!known) await repo.mapDataset(d.namespace, d.name, id);
    await repo.mapVersion(id, key, made.pk);
    if (made.status !== 'unchanged') {
      touched.created.push(`${id}@${made.version}`);
      touched.made.add(made.pk);
    }
    return made.pk;
  }

  /** An input: the version its facets name, else the dataset's latest published version, else its first. */
  async function inputVersion(actor: Actor, d: OlDataset, pointer: string, runId: string, touched: Touched): Promise<number> {
    if (d.namespace === urls.base) return femtoVersion(actor, d, pointer);
    const key = versionKeyOf(d);
    if (key) return versionFor(actor, d, key, null, touched);
    const { id, known } = await datasetFor(d);
    const latest = known ? await versions.resolve(actor, { dataset: id }) : undefined;
    return latest?.status === 'found' ? latest.version.pk : await versionFor(actor, d, `seen:${runId}`, null, touched);
  }

  /** An output: the version its facets name (one run's output, another's input), else a new version made by this run. */
  async function outputVersion(actor: Actor, d: OlDataset, pointer: string, runId: string, touched: Touched): Promise<number> {
    if (d.namespace === urls.base) return femtoVersion(actor, d, pointer);
    return versionFor(actor, d, versionKeyOf(d) ?? `run:${runId}`, runId, touched);
  }

  /** The step of a completed run; undefined when the run named no dataset. */
  /** `first`: the run's only event (a run seen for the first time), so its events need not be read back. */
  async function completeRun(
    actor: Actor,
    runId: string,
    first: RunEvent | undefined,
    startedAt: string | null,
    endedAt: string,
    touched: Touched,
    notes: string[],
  ): Promise<string | undefined> {
    const events = first ? [first] : (await repo.eventsOf(runId)).map((e) => JSON.parse(e) as RunEvent);
    const inputs = await mapInOrder(datasetsOfRun(events, 'inputs'), async (d, i) => ({
      versionPk: await inputVersion(actor, d, `/inputs/${i}`, runId, touched),
      role: 'input',
    }));
    const inputPks = new Set(inputs.map((i) => i.versionPk));
    const outputs: number[] = [];
    for (const [i, d] of datasetsOfRun(events, 'outputs').entries()) {
      const pk = await outputVersion(actor, d, `/outputs/${i}`, runId, touched);
      // PROV: a version is generated once. A run that rewrote a version it read, or that an earlier run generated (same schema or version facet), generated nothing new.
      const generator = touched.made.has(pk) ? undefined : await provenance.generatorOf(pk);
      if (inputPks.has(pk) || generator)
        notes.push(
          `output ${d.namespace}/${d.name} is the version ${generator ? `step ${generator} generated` : 'the run read'} (same schema or version facet): not linked again`,
        );
      else outputs.push(pk);
    }
    if (!inputs.length && !outputs.length) return undefined;
    const step = stepOf(events, runId, startedAt, endedAt);
    await provenance.record(actor, step, inputs, outputs);
    return step.id;
  }

  async function runEvent(actor: Actor, e: RunEvent, time: string): Promise<Applied> {
    const runId = e.run.runId;
    const state: RunState = e.eventType ?? 'OTHER';
    const prev = await repo.run(runId);
    const runLocation = urls.base + `/api/v1/lineage/runs/${encodeURIComponent(runId)}`;
    if (prev && TERMINAL.has(prev.state)) {
      // Final: a late START only dates the run; a second COMPLETE (or any other event) changes nothing.
      if (state === 'START' && (!prev.startedAt || time < prev.startedAt))
        await repo.saveRun({ ...prev, startedAt: time, updatedAt: new Date().toISOString() });
      const subject = prev.activityId ? { id: prev.activityId, location: urls.activity(prev.activityId) } : { id: runId, location: runLocation };
      return {
        status: 'unchanged',
        message: `run ${runId} already ended ${prev.state}${prev.activityId ? ` as step ${prev.activityId}` : ''}; ${state} event recorded`,
        subject,
      };
    }
    const terminal = TERMINAL.has(state);
    const startedAt = state === 'START' ? (prev?.startedAt && prev.startedAt < time ? prev.startedAt : time) : (prev?.startedAt ?? null);
    const next: RunRow = {
      runId,
      jobNamespace: e.job.namespace,
      jobName: e.job.name,
      state: terminal || !prev || PROGRESS[state] > PROGRESS[prev.state] ? state : prev.state,
      startedAt,
      endedAt: terminal ? time : null,
      activityId: null,
      updatedAt: new Date().toISOString(),
    };
    const touched: Touched = { created: [], made: new Set() };
    const notes: string[] = [];
    if (state === 'COMPLETE') next.activityId = (await completeRun(actor, runId, prev ? undefined : e, startedAt, time, touched, notes)) ?? null;
    await repo.saveRun(next);
    return runApplied(e, next, prev ? 'updated' : 'created', touched.created, notes);
  }

  /** What an event of a run did, as its summary line says it. */
  function runApplied(e: RunEvent, run: RunRow, status: 'created' | 'updated', created: string[], notes: string[]): Applied {
    const made = created.length ? `; new dataset versions ${created.join(', ')}` : '';
    const step = run.activityId ? `, step ${run.activityId}` : e.eventType === 'COMPLETE' ? ', no datasets so no step' : '';
    const message = `run ${run.runId} of ${e.job.namespace}/${e.job.name}: ${run.state}${step}${made}${notes.length ? `; ${notes.join('; ')}` : ''}`;
    const subject = run.activityId
      ? { id: run.activityId, location: urls.activity(run.activityId) }
      : { id: run.runId, location: urls.base + `/api/v1/lineage/runs/${encodeURIComponent(run.runId)}` };
    return { status, message, subject };
  }

  type BulkEvent = EventUnit & { digest: string };

  /** A batch's new datasets, versions and steps, in the order one event at a time would write them. */
  interface BulkPlan {
    datasets: { id: string; content: VersionContent }[];
    /** Per new dataset: the OpenLineage name it maps and its version key. */
    mapped: { namespace: string; name: string; key: string }[];
    /** Per event: its new datasets (indexes into `datasets`), its step's ends (a number: a new dataset's index; an object: a version resolved), its run. */
    events: { made: number[]; inputs: (number | { pk: number })[]; outputs: number[]; time: string; e: RunEvent }[];
  }

  /**
   * Whether ingest would take each of these events in turn as a first-seen run that completed, naming only datasets it
   * creates or latest versions it reads, with no facet that names a version, no femto dataset, no owners: the plan of
   * what it would write when so.
   */
  async function planBulk(actor: Actor, units: readonly BulkEvent[]): Promise<BulkPlan | undefined> {
    const runs: RunEvent[] = [];
    for (const { event } of units) {
      if (event.kind !== 'run' || event.event.eventType !== 'COMPLETE') return undefined;
      runs.push(event.event);
    }
    const named = runs.flatMap((e) => [...(e.inputs ?? []), ...(e.outputs ?? [])]);
    if (named.some((d) => d.namespace === urls.base || versionKeyOf(d) !== undefined || ownersOf(d.facets).length)) return undefined;
    if (runs.some((e) => ownersOf(e.job.facets).length)) return undefined;
    const runIds = runs.map((e) => e.run.runId);
    const stepIds = runIds.map(stepIdFor);
    if (new Set(runIds).size !== runIds.length || new Set(stepIds).size !== stepIds.length) return undefined;
    if ((await repo.knownRuns(runIds)).size || (await repo.received(units.map((u) => u.digest))).size) return undefined;
    const mappedBefore = await repo.datasetsOf(named);
    // The latest published version of every dataset read that femto knows already (a new version of it is for the one-at-a-time rules).
    const readIds = [...new Set(runs.flatMap((e) => e.inputs ?? []).flatMap((d) => mappedBefore.get(`${d.namespace}\n${d.name}`) ?? []))];
    const latest = new Map<string, number>();
    for (const [i, r] of (
      await versions.resolveMany(
        actor,
        readIds.map((dataset) => ({ dataset })),
      )
    ).entries()) {
      if (r.status !== 'found') return undefined;
      latest.set(readIds[i], r.version.pk);
    }
    const plan: BulkPlan = { datasets: [], mapped: [], events: [] };
    const madeIn = new Map<string, number>();
    for (const e of runs) {
      const runId = e.run.runId;
      let time: string;
      try {
        time = eventTimeOf(e.eventTime, '/eventTime');
      } catch {
        return undefined;
      }
      const made: number[] = [];
      const create = (d: OlDataset, key: string, run: string | null) => {
        const index = plan.datasets.push({ id: datasetIdFor(d.namespace, d.name), content: contentOf(d, key, run) }) - 1;
        plan.mapped.push({ namespace: d.namespace, name: d.name, key });
        madeIn.set(`${d.namespace}\n${d.name}`, index);
        made.push(index);
        return index;
      };
      const inputs = datasetsOfRun([e], 'inputs').map((d) => {
        const name = `${d.namespace}\n${d.name}`;
        const before = mappedBefore.get(name);
        return before !== undefined ? { pk: latest.get(before)! } : (madeIn.get(name) ?? create(d, `seen:${runId}`, null));
      });
      const outputs: number[] = [];
      for (const d of datasetsOfRun([e], 'outputs')) {
        const name = `${d.namespace}\n${d.name}`;
        if (mappedBefore.has(name) || madeIn.has(name)) return undefined;
        outputs.push(create(d, `run:${runId}`, runId));
      }
      plan.events.push({ made, inputs, outputs, time, e });
    }
    const ids = plan.datasets.map((d) => d.id);
    return new Set(ids).size === ids.length ? plan : undefined;
  }

  return {
    /** Receiving events needs the curator role, checked before the body is looked at. */
    requireWriter: (actor: Actor) => auth.require(actor, 'curator'),

    /**
     * One validated event (its raw text keeps the record exact). A replay of an event already
     * received is `unchanged`; refusals (an unknown femto dataset, a cycle) leave nothing behind.
     */
    async ingest(actor: Actor, parsed: OlEvent, raw: string, digest: string): Promise<Applied> {
      auth.require(actor, 'curator');
      const time = eventTimeOf(parsed.event.eventTime, '/eventTime');
      return repo.transaction(async (): Promise<Applied> => {
        const runId = parsed.kind === 'run' ? parsed.event.run.runId : null;
        const eventType = parsed.kind === 'run' ? (parsed.event.eventType ?? null) : parsed.kind.toUpperCase();
        if (!(await repo.addEvent({ digest, runId, eventType, eventTime: time, event: raw, at: new Date().toISOString() }))) {
          return { status: 'unchanged', message: `event already received${runId ? ` (run ${runId})` : ''}` };
        }
        if (parsed.kind === 'run') return runEvent(actor, parsed.event, time);
        if (parsed.kind === 'job')
          return {
            status: 'created',
            message: `job event for ${parsed.event.job.namespace}/${parsed.event.job.name} recorded (femto knows jobs through their runs)`,
          };
        const d = parsed.event.dataset;
        const touched: Touched = { created: [], made: new Set() };
        if (d.namespace === urls.base) await femtoVersion(actor, d, '/dataset');
        else await versionFor(actor, d, versionKeyOf(d) ?? 'static', null, touched);
        const id = (await datasetFor(d)).id;
        return touched.created.length
          ? { status: 'created', message: `dataset ${touched.created.join(', ')} from a dataset event`, subject: { id, location: urls.dataset(id) } }
          : { status: 'unchanged', message: `dataset event for ${id}: nothing new`, subject: { id, location: urls.dataset(id) } };
      });
    },

    /**
     * ingest for a whole batch of events (distinct, none received before), in a fixed number of statements: the same
     * rows, audit entries and answers as ingest for each in turn. Undefined (nothing written) when the batch is not for
     * this path (see planBulk): the caller then ingests the events one at a time, under every rule. Runs in the
     * caller's transaction (a bulk batch counts the change counters: deferred-changes.ts runBulk).
     */
    async ingestMany(actor: Actor, units: readonly BulkEvent[]): Promise<Applied[] | undefined> {
      auth.require(actor, 'curator');
      const plan = await planBulk(actor, units);
      if (!plan) return undefined;
      const at = new Date().toISOString();
      await repo.addEvents(
        plan.events.map(({ e, time }, i) => ({ digest: units[i].digest, runId: e.run.runId, eventType: 'COMPLETE', eventTime: time, event: units[i].raw, at })),
      );
      const written = plan.datasets.length ? await datasets.publishNew(actor, plan.datasets, { deferAudit: true }) : [];
      if (!written) return undefined;
      const steps: (ResolvedStep | undefined)[] = plan.events.map(({ e, inputs, outputs, time }) =>
        inputs.length || outputs.length
          ? {
              step: stepOf([e], e.run.runId, null, time),
              inputs: inputs.map((i) => ({ versionPk: typeof i === 'number' ? written[i].pk : i.pk, role: 'input' })),
              outputs: outputs.map((i) => written[i].pk),
            }
          : undefined,
      );
      const stepAudits = await provenance.recordMany(
        actor,
        steps.filter((x) => x !== undefined),
      );
      if (!stepAudits) return undefined;
      let nextStep = 0;
      const audits: AuditEntry[] = [];
      const rows: Parameters<OpenLineageRepository['addMany']>[0] = { datasets: [], versions: [], runs: [] };
      const applied = plan.events.map(({ e, made, time }, i) => {
        for (const d of made) audits.push(written[d].audit);
        if (steps[i]) audits.push(stepAudits[nextStep++]);
        for (const d of made) {
          const { namespace, name, key } = plan.mapped[d];
          rows.datasets.push([namespace, name, plan.datasets[d].id]);
          rows.versions.push([plan.datasets[d].id, key, written[d].pk]);
        }
        const run: RunRow = {
          runId: e.run.runId,
          jobNamespace: e.job.namespace,
          jobName: e.job.name,
          state: 'COMPLETE',
          startedAt: null,
          endedAt: time,
          activityId: steps[i]?.step.id ?? null,
          updatedAt: at,
        };
        rows.runs.push(run);
        return runApplied(
          e,
          run,
          'created',
          made.map((d) => `${plan.datasets[d].id}@${written[d].version}`),
          [],
        );
      });
      await auth.auditMany(actor, audits);
      await repo.addMany(rows);
      return applied;
    },

    /**
     * A run as the events told it (curators: runs carry job names and facets femto does not
     * publish). A run whose step the caller may not see (it links only records hidden from it) is
     * unknown, as its step is.
     */
    async run(actor: Actor, runId: string) {
      auth.require(actor, 'curator');
      const run = await repo.run(runId);
      if (!run || (run.activityId && !(await provenance.records(actor, [run.activityId])).has(run.activityId)))
        throw new FemtoError('NOT_FOUND', `Run '${runId}' is unknown`);
      return { ...run, events: (await repo.eventsOf(runId)).length, activityLocation: run.activityId ? urls.activity(run.activityId) : null };
    },
  };
}

export type OpenLineageService = ReturnType<typeof createOpenLineageService>;
