import { mapInOrder } from '../../lib/in-order.js';
import { FemtoError, notFound, type FieldError } from '../../errors.js';
import { randomId } from '../../lib/ids.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuditEntry, AuthService } from '../auth/auth.service.js';
import type { DatasetReader, Miss, ResolvedVersion } from '../datasets/read.js';
import type { EditableVersion } from '../datasets/datasets.service.js';
import { accessParams, mayRead } from '../datasets/visibility.js';
import type { AgentRow, AgentsRepository } from './agents.repository.js';
import type { ProvenanceRepository } from './provenance.repository.js';
import type { ActivityRecord, AgentInput, AgentRecord, CreateActivityInput, VersionEndpoint } from './provenance.schema.js';

type AgentRef = NonNullable<CreateActivityInput['agents']>[number];

const agentTypeOf = { person: 'Person', organization: 'Organization', software: 'Software' } as const;
const agentKindOf = { Person: 'person', Organization: 'organization', Software: 'software' } as const;

export const toAgentRecord = (a: AgentRow): AgentRecord => ({
  id: a.id,
  type: agentTypeOf[a.kind],
  name: a.name,
  orcid: a.orcid,
  ror: a.ror,
  url: a.url,
  affiliation: a.affiliation,
});

/** A version at one end of a step, by row: what exports (PROV, RO-Crate) read the version's description from. */
export interface StepEnd {
  activityId: string;
  versionPk: number;
  role: string | null;
}

/**
 * One step around a version: the steps that generated and used it, and the versions at their other
 * ends (every one: callers apply the read policy, e.g. `visibleEnd`).
 */
export interface Neighbourhood {
  generatedBy: ActivityRecord[];
  usedBy: ActivityRecord[];
  /** Inputs of the generating steps (prov:wasDerivedFrom). */
  upstream: VersionEndpoint[];
  /** Outputs of the steps that used the version, itself excluded. */
  downstream: VersionEndpoint[];
}

/** A step whose ends are resolved to versions, as `record` takes it. */
export interface ResolvedStep {
  step: Omit<CreateActivityInput, 'inputs' | 'outputs' | 'agents'> & { id: string; agents?: readonly unknown[] };
  inputs: { versionPk: number; role: string | null }[];
  outputs: number[];
}

/** The activities row of a step written now by the caller. */
const activityRow = (actor: Actor, step: Omit<CreateActivityInput, 'inputs' | 'outputs' | 'agents'> & { id: string }) => ({
  id: step.id,
  kind: step.kind,
  name: step.name ?? null,
  description: step.description ?? null,
  softwareName: step.software?.name ?? null,
  softwareVersion: step.software?.version ?? null,
  softwareRepository: step.software?.repository ?? null,
  softwareCommit: step.software?.commit ?? null,
  parameters: step.parameters ?? null,
  startedAt: step.startedAt ?? null,
  endedAt: step.endedAt ?? null,
  basis: step.basis ?? null,
  implied: step.implied ?? false,
  createdBy: actor.id,
  createdAt: new Date().toISOString(),
});

export function createProvenanceService(deps: {
  repo: ProvenanceRepository;
  agents: AgentsRepository;
  versions: Pick<DatasetReader, 'resolve' | 'resolveMany'>;
  /** Of these versions, the record and number each is and whether the caller may change it (the datasets service). */
  editableVersions: (actor: Actor, pks: readonly number[]) => Promise<Map<number, EditableVersion>>;
  /** Steps now link these versions where anyone sees it: their DOIs' metadata names their lineage (the identifiers service). */
  lineageChanged: (versionPks: readonly number[]) => Promise<void>;
  auth: AuthService;
}) {
  const { repo, agents, versions, editableVersions, lineageChanged, auth } = deps;
  /**
   * A DOI's metadata names the lineage anonymous callers see: a version's DOI changes when a step links it to a public
   * version, and only then (a step to a private one changes nothing anyone may see, not even a DOI's status).
   */
  const linked = (steps: readonly { inputs: readonly { versionPk: number }[]; outputs: readonly number[] }[], ends: Map<number, EditableVersion>) => {
    const seen = (pks: readonly number[]) => pks.some((pk) => ends.get(pk)?.public);
    const reached = steps.flatMap((s) => {
      const inputs = s.inputs.map((i) => i.versionPk);
      return [...(seen(s.outputs) ? inputs : []), ...(seen(inputs) ? s.outputs : [])];
    });
    return lineageChanged([...new Set(reached)]);
  };

  /** A dataset reference becomes an exact version: the one named, else the latest published one. */
  async function resolveVersion(actor: Actor, ref: { dataset: string; version?: number }, pointer: string): Promise<ResolvedVersion> {
    const r = await versions.resolve(actor, ref);
    if (r.status === 'found') return r.version;
    const unknown = () =>
      new FemtoError('UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' does not exist`, [{ pointer: `${pointer}/dataset`, message: 'unknown dataset' }]);
    const refused: Record<Miss, () => FemtoError> = {
      'no-dataset': unknown,
      hidden: unknown,
      'no-draft': unknown,
      'no-version': () =>
        new FemtoError('UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' has no version ${ref.version}`, [
          { pointer: `${pointer}/version`, message: 'unknown version' },
        ]),
      unpublished: () =>
        new FemtoError('NOT_PUBLISHED', `Dataset '${ref.dataset}' has no published version to link`, [
          { pointer: `${pointer}/dataset`, message: 'not published' },
        ]),
    };
    throw refused[r.status]();
  }

  /** The caller may see this end of a step. */
  const visibleEnd = (actor: Actor, e: VersionEndpoint) => mayRead(actor, e);

  // A version the caller may not see is an opaque placeholder: nothing of it (not even its access level) shows.
  function endpointOut(actor: Actor, e: VersionEndpoint) {
    return visibleEnd(actor, e)
      ? { dataset: e.datasetId, version: e.versionNumber, title: e.title, hidden: false, restricted: e.accessLevel === 'restricted' }
      : { dataset: null, version: null, title: null, hidden: true, restricted: true };
  }

  /**
   * Steps as the caller may see them. A step whose every input and output is hidden from the caller
   * is hidden itself (left out, as an unknown id is): its name, kind, software, parameters and
   * agents would tell of records the caller may not see.
   */
  /** The agents of a step, found or made, with their roles. */
  const agentLinks = (agents: readonly AgentRef[]) =>
    mapInOrder(agents, async (a, i) => ({ agentId: await resolveAgent(a, `/agents/${i}`), role: a.role ?? 'performer' }));

  async function records(
    actor: Actor,
    ids: readonly string[],
    knownInputs?: VersionEndpoint[],
    knownOutputs?: VersionEndpoint[],
  ): Promise<Map<string, ActivityRecord>> {
    const inputs = knownInputs ?? (await repo.inputsOf(ids));
    const outputs = knownOutputs ?? (await repo.outputsOf(ids));
    const seen = new Set([...inputs, ...outputs].filter((e) => visibleEnd(actor, e)).map((e) => e.activityId));
    const shown = ids.filter((id) => seen.has(id));
    const rows = await repo.activities(shown);
    const agentLinks = await repo.agentsOf(shown);
    const out = new Map<string, ActivityRecord>();
    for (const a of rows) {
      out.set(a.id, {
        id: a.id,
        kind: a.kind,
        name: a.name,
        description: a.description,
        software: a.softwareName ? { name: a.softwareName, version: a.softwareVersion, repository: a.softwareRepository, commit: a.softwareCommit } : null,
        parameters: a.parameters ?? null,
        startedAt: a.startedAt,
        endedAt: a.endedAt,
        basis: a.basis,
        implied: a.implied,
        agents: [],
        inputs: [],
        outputs: [],
        createdAt: a.createdAt,
      });
    }
    for (const l of agentLinks) out.get(l.activityId)?.agents.push({ ...toAgentRecord(l.agent), role: l.role });
    for (const i of inputs) out.get(i.activityId)?.inputs.push({ ...endpointOut(actor, i), role: i.role });
    for (const o of outputs) out.get(o.activityId)?.outputs.push(endpointOut(actor, o));
    return out;
  }

  async function resolveAgent(ref: AgentRef, pointer: string): Promise<string> {
    if ('agentId' in ref) {
      if (!(await agents.byId(ref.agentId)))
        throw new FemtoError('UNKNOWN_REFERENCE', `Agent '${ref.agentId}' does not exist`, [{ pointer: `${pointer}/agentId`, message: 'unknown agent' }]);
      return ref.agentId;
    }
    return agents.upsert({ kind: agentKindOf[ref.type], name: ref.name, orcid: ref.orcid, ror: ref.ror, url: ref.url, affiliation: ref.affiliation });
  }

  /**
   * A step whose ends were resolved to versions, as its audit entry says it: each version by record and number as a
   * client names it (what `create` is asked), never by its key, which means nothing outside this database.
   */
  function audited(step: ResolvedStep, ends: Map<number, EditableVersion>) {
    const named = (pk: number) => ({ dataset: ends.get(pk)!.datasetId, version: ends.get(pk)!.version });
    return { ...step.step, inputs: step.inputs.map((i) => ({ ...named(i.versionPk), role: i.role })), outputs: step.outputs.map(named) };
  }

  /** The one way a step is written: no id twice, no cycle, no version generated twice; the edges and the audit entry in one transaction. */
  async function insertStep(
    actor: Actor,
    step: Omit<CreateActivityInput, 'inputs' | 'outputs' | 'agents'> & { id: string },
    inputs: { versionPk: number; role: string | null }[],
    outputs: number[],
    agentLinks: { agentId: string; role: string }[],
    input?: CreateActivityInput,
  ): Promise<void> {
    const { id } = step;
    if (await repo.activityExists(id)) throw new FemtoError('ID_TAKEN', `Activity '${id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
    // A step that generated a version changes that record's provenance: only those who may edit the record may say so.
    const editable = await editableVersions(actor, [...outputs, ...inputs.map((i) => i.versionPk)]);
    const foreign = outputs.findIndex((pk) => !editable.get(pk)?.editable);
    if (foreign >= 0) {
      throw new FemtoError(
        'FORBIDDEN',
        `Dataset '${editable.get(outputs[foreign])?.datasetId}' is neither yours nor shared with one of your groups: you may not record what generated it`,
        [{ pointer: `/outputs/${foreign}/dataset`, message: 'not editable by this token' }],
      );
    }
    const inputPks = inputs.map((i) => i.versionPk);
    const selfLoop = outputs.find((o) => inputPks.includes(o));
    if (selfLoop !== undefined || (await repo.wouldCycle(inputPks, outputs))) {
      throw new FemtoError('DERIVATION_CYCLE', 'An output of this step is already upstream of one of its inputs (or is an input itself)', [
        { pointer: '/outputs', message: 'would make a derivation cycle' },
      ]);
    }
    const taken = await repo.alreadyGenerated(outputs);
    if (taken.length) {
      const errors: FieldError[] = taken.map((t) => ({
        pointer: `/outputs/${outputs.indexOf(t.versionPk)}`,
        message: `already generated by activity '${t.activityId}'`,
      }));
      throw new FemtoError('CONFLICT', 'A dataset version is generated by exactly one step; publish a new version for a new step', errors);
    }
    await repo.insertActivity(activityRow(actor, { ...step, id }), { agents: agentLinks, inputs, outputs });
    await linked([{ inputs, outputs }], editable);
    const after = input ?? audited({ step, inputs, outputs }, editable);
    await auth.audit(actor, { action: 'activity.create', entityType: 'activity', entityId: id, after });
  }

  /**
   * Whether `insert` would take each of these steps, in order, without a refusal and without a cycle walk: every
   * reference a published version the caller sees, no step or generated version twice, every output the caller's and
   * read by no step yet (so nothing is downstream of it), no agents to look up. The version pks when so.
   */
  async function plainSteps(actor: Actor, steps: readonly (CreateActivityInput & { id: string })[]) {
    if (steps.some((s) => s.agents?.length)) return undefined;
    const refs = steps.flatMap((s) => [...s.inputs, ...s.outputs]);
    const found = await versions.resolveMany(actor, refs);
    if (found.some((r) => r.status !== 'found')) return undefined;
    let at = 0;
    const pkOf = () => (found[at++] as { version: ResolvedVersion }).version.pk;
    const planned = steps.map((s) => ({
      step: s,
      inputs: s.inputs.map((ref) => ({ versionPk: pkOf(), role: ref.role ?? null })),
      outputs: s.outputs.map(() => pkOf()),
    }));
    const ends = await plainResolved(actor, planned);
    return ends && { planned, ends };
  }

  /**
   * plainSteps for steps whose ends are versions already resolved: whether insertStep would take each in turn without a
   * refusal and without a cycle walk. When so, every end of every step as editableVersions names it.
   */
  async function plainResolved(actor: Actor, planned: readonly ResolvedStep[]): Promise<Map<number, EditableVersion> | undefined> {
    if (planned.some((p) => p.step.agents?.length)) return undefined;
    const outputs = planned.flatMap((p) => p.outputs);
    const read = new Set(await repo.usedAmong(outputs));
    const generated = new Set<number>();
    for (const p of planned) {
      // An output read before (in femto, earlier in the batch or by its own step), or generated twice, is for the step-by-step rules.
      for (const i of p.inputs) read.add(i.versionPk);
      if (p.outputs.some((o) => read.has(o) || generated.has(o))) return undefined;
      for (const o of p.outputs) generated.add(o);
    }
    const ids = planned.map((p) => p.step.id);
    if (new Set(ids).size !== ids.length || (await repo.existing(ids)).size || (await repo.alreadyGenerated(outputs)).length) return undefined;
    const ends = await editableVersions(actor, [...outputs, ...planned.flatMap((p) => p.inputs.map((i) => i.versionPk))]);
    return outputs.every((o) => ends.get(o)?.editable) ? ends : undefined;
  }

  return {
    records,
    visibleEnd,

    /**
     * One-hop lineage of many versions, in a fixed number of statements: the one place harvest
     * formats, DataCite relations and GraphQL edges take it from.
     */
    async neighbourhood(actor: Actor, versionPks: readonly number[]): Promise<Map<number, Neighbourhood>> {
      const touching = await repo.activityIdsTouching(versionPks);
      const ids = [...new Set([...touching.generatedBy, ...touching.usedBy].map((t) => t.activityId))];
      const inputs = await repo.inputsOf(ids);
      const outputs = await repo.outputsOf(ids);
      const activities = await records(actor, ids, inputs, outputs);
      const out = new Map<number, Neighbourhood>();
      for (const pk of versionPks) {
        const generating = new Set(touching.generatedBy.filter((g) => g.versionPk === pk).map((g) => g.activityId));
        const using = new Set(touching.usedBy.filter((u) => u.versionPk === pk).map((u) => u.activityId));
        out.set(pk, {
          generatedBy: [...generating].flatMap((id) => activities.get(id) ?? []),
          usedBy: [...using].flatMap((id) => activities.get(id) ?? []),
          upstream: inputs.filter((i) => generating.has(i.activityId) && i.versionPk !== pk),
          downstream: outputs.filter((o) => using.has(o.activityId) && o.versionPk !== pk),
        });
      }
      return out;
    },

    /** The step that generated a version, if any (PROV: at most one). */
    generatorOf: async (versionPk: number): Promise<string | undefined> => (await repo.alreadyGenerated([versionPk]))[0]?.activityId,

    /**
     * Steps with the versions at their ends that the caller may see, by row (versions the caller
     * may not see are left out): the statements every provenance export makes, in a fixed number
     * of statements.
     */
    async steps(actor: Actor, ids: readonly string[]): Promise<{ activities: ActivityRecord[]; used: StepEnd[]; generated: StepEnd[] }> {
      const inputs = await repo.inputsOf(ids);
      const outputs = await repo.outputsOf(ids);
      const found = await records(actor, ids, inputs, outputs);
      const visible = (e: VersionEndpoint) => visibleEnd(actor, e);
      const end = (e: VersionEndpoint): StepEnd => ({ activityId: e.activityId, versionPk: e.versionPk, role: e.role });
      return {
        activities: ids.flatMap((id) => found.get(id) ?? []),
        used: inputs.filter(visible).map(end),
        generated: outputs.filter(visible).map(end),
      };
    },

    exists: async (id: string): Promise<boolean> => repo.activityExists(id),

    async get(actor: Actor, id: string): Promise<ActivityRecord> {
      const r = (await records(actor, [id])).get(id);
      if (!r) throw notFound('Activity', id);
      return r;
    },

    /** Records a derivation step; refuses unknown datasets (422) and any cycle (409). */
    async create(actor: Actor, input: CreateActivityInput): Promise<ActivityRecord> {
      return this.get(actor, await this.insert(actor, input));
    },

    /** `create` without reading the step back (imports write thousands and answer with their ids): the new step's id. */
    async insert(actor: Actor, input: CreateActivityInput): Promise<string> {
      auth.require(actor, 'curator');
      const id = input.id ?? randomId('act-');
      await repo.transaction(async () => {
        const inputs = await mapInOrder(input.inputs, async (ref, i) => ({
          versionPk: (await resolveVersion(actor, ref, `/inputs/${i}`)).pk,
          role: ref.role ?? null,
        }));
        const outputs = await mapInOrder(input.outputs, async (ref, i) => (await resolveVersion(actor, ref, `/outputs/${i}`)).pk);
        await insertStep(actor, { ...input, id }, inputs, outputs, await agentLinks(input.agents ?? []), input);
      });
      return id;
    },

    /**
     * `insert` for a whole batch of steps (a bulk import's), in a fixed number of statements: the same rows and audit
     * entries as insert called for each in turn. False (nothing written) when some step is not for this path (see
     * plainSteps): the caller applies those one at a time, under every rule. Runs in the caller's bulk batch, which
     * counts the change counters of the edges (deferred-changes.ts).
     */
    async insertMany(actor: Actor, steps: readonly (CreateActivityInput & { id: string })[]): Promise<boolean> {
      auth.require(actor, 'curator');
      const plain = await plainSteps(actor, steps);
      if (!plain) return false;
      const { planned, ends } = plain;
      await repo.insertActivities(planned.map((p) => ({ row: activityRow(actor, p.step), inputs: p.inputs, outputs: p.outputs })));
      await linked(planned, ends);
      await auth.auditMany(
        actor,
        steps.map((s) => ({ action: 'activity.create', entityType: 'activity', entityId: s.id, after: s })),
      );
      return true;
    },

    /**
     * Records a derivation step between versions already resolved (importers that map their own
     * dataset references to versions), under the same rules as `create`. Answers nothing: bulk
     * imports make thousands and read none back.
     */
    async record(
      actor: Actor,
      step: Omit<CreateActivityInput, 'inputs' | 'outputs' | 'agents'> & { id: string; agents: AgentRef[] },
      inputs: { versionPk: number; role: string | null }[],
      outputs: number[],
    ): Promise<void> {
      auth.require(actor, 'curator');
      await repo.transaction(async () => insertStep(actor, step, inputs, outputs, await agentLinks(step.agents)));
    },

    /**
     * `record` for a whole batch of steps (an OpenLineage bulk batch's), in a fixed number of statements: the same rows
     * as record called for each in turn, and the audit entries it would write, answered for the caller to write in its
     * order. Undefined (nothing written) when some step is not for this path (see plainResolved). Runs in the caller's
     * transaction.
     */
    async recordMany(actor: Actor, steps: readonly ResolvedStep[]): Promise<AuditEntry[] | undefined> {
      auth.require(actor, 'curator');
      const ends = await plainResolved(actor, steps);
      if (!ends) return undefined;
      await repo.insertActivities(steps.map((p) => ({ row: activityRow(actor, p.step), inputs: p.inputs, outputs: p.outputs })));
      await linked(steps, ends);
      return steps.map((p) => ({ action: 'activity.create', entityType: 'activity', entityId: p.step.id, after: audited(p, ends) }));
    },

    /**
     * Records a step that judged versions without producing any (the gates module's validation of
     * a measured version, the models module's evaluation of a model on a benchmark): inputs only,
     * no agents, so it can close no cycle. Runs in the caller's transaction.
     */
    async recordAssessment(
      actor: Actor,
      step: {
        id: string;
        kind: 'validation' | 'evaluation';
        name: string;
        description: string | null;
        software: { name: string; version?: string | null; repository?: string | null; commit?: string | null } | null;
        parameters: Record<string, unknown>;
        at: string;
        basis: string | null;
        inputs: { versionPk: number; role: string }[];
      },
    ): Promise<void> {
      auth.require(actor, 'curator');
      await repo.insertActivity(
        {
          id: step.id,
          kind: step.kind,
          name: step.name,
          description: step.description,
          softwareName: step.software?.name ?? null,
          softwareVersion: step.software?.version ?? null,
          softwareRepository: step.software?.repository ?? null,
          softwareCommit: step.software?.commit ?? null,
          parameters: step.parameters,
          startedAt: step.at,
          endedAt: step.at,
          basis: step.basis,
          createdBy: actor.id,
          createdAt: step.at,
        },
        { agents: [], inputs: step.inputs, outputs: [] },
      );
    },

    async createAgent(actor: Actor, input: AgentInput): Promise<AgentRecord> {
      auth.require(actor, 'curator');
      const identity = { kind: agentKindOf[input.type], name: input.name, orcid: input.orcid, ror: input.ror, url: input.url, affiliation: input.affiliation };
      const existing = await agents.findByIdentity(identity);
      if (existing && (input.orcid || input.ror)) {
        throw new FemtoError(
          'ID_TAKEN',
          `Agent '${existing.id}' already has this ${input.orcid ? 'ORCID' : 'ROR id'}`,
          [{ pointer: input.orcid ? '/orcid' : '/ror', message: 'already registered' }],
          { existing: existing.id },
        );
      }
      const id = input.id ?? randomId('ag-');
      await repo.transaction(async () => {
        if (await agents.byId(id)) throw new FemtoError('ID_TAKEN', `Agent '${id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
        await agents.insert({
          id,
          ...identity,
          orcid: identity.orcid ?? null,
          ror: identity.ror ?? null,
          url: identity.url ?? null,
          affiliation: identity.affiliation ?? null,
        });
        await auth.audit(actor, { action: 'agent.create', entityType: 'agent', entityId: id, after: input });
      });
      return toAgentRecord((await agents.byId(id))!);
    },

    /** An agent the caller may see: one named by a record or step it may see (curators also see agents nothing names yet). */
    async findAgent(actor: Actor, id: string): Promise<AgentRecord | undefined> {
      const a = (await agents.list({ id, limit: 1 }, accessParams(actor)))[0];
      return a && toAgentRecord(a);
    },

    async getAgent(actor: Actor, id: string): Promise<AgentRecord> {
      const a = await this.findAgent(actor, id);
      if (!a) throw notFound('Agent', id);
      return a;
    },

    async listAgents(actor: Actor, opts: { type?: AgentRecord['type']; cursor?: string; limit: number }) {
      const rows = await agents.list({ kind: opts.type ? agentKindOf[opts.type] : undefined, after: opts.cursor, limit: opts.limit + 1 }, accessParams(actor));
      const page = rows.slice(0, opts.limit);
      return { items: page.map(toAgentRecord), nextCursor: rows.length > opts.limit ? page[page.length - 1].id : null };
    },
  };
}

export type ProvenanceService = ReturnType<typeof createProvenanceService>;
