import { mapInOrder } from '../../lib/in-order.js';
import { ConfigError, type GatePolicy } from '../../config.js';
import { FemtoError, type FieldError } from '../../errors.js';
import { system } from '../auth/auth.schema.js';
import type { DatasetRecord } from '../datasets/datasets.schema.js';
import type { DatasetReader, ReadItem } from '../datasets/read.js';
import type { Holders } from '../datasets/visibility.js';
import { parseBaselineRule, type BaselineRule, type BlockingGate, type GatesService, type ResolvedGateSpec } from '../gates/gates.service.js';
import { DATASHEET_COMPLETE } from '../gates/gates.schema.js';
import { datasheetCompleteness } from '../datasets/datasheet.js';
import type { ActivityRecord } from '../provenance/provenance.schema.js';
import '../provenance/provenance.read.js';
import { PolicyError, type LoadedPolicy } from './policies.loader.js';
import type { PolicyCompliance, PolicyEvent, PolicyRule, RuleOutcome } from './policies.schema.js';

/** What a rule judges: a version (a draft at publish), who holds its record, and the step that generated it. */
export interface PolicySubject {
  pk: number;
  record: DatasetRecord;
  holders: Holders;
  generatedBy: ActivityRecord[];
}

interface Rule extends PolicyRule {
  policy: string;
  /** A gates rule's gates, resolved against the ontology at start. */
  gates?: ResolvedGateSpec;
}

const empty = (v: unknown) =>
  v == null || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);

/**
 * Publication policies ("minimal provenance standards"): declarative rules per tier and per group,
 * from the reviewed files of FEMTO_POLICY_DIR plus FEMTO_GATE_POLICY (one gates rule per tier it
 * names). Checked when a draft is published and when a DOI is made findable; a refusal lists every
 * unmet rule, each problem with its JSON pointer. The FAIR report shows how a record fares.
 */
export function createPoliciesService(deps: {
  policies: LoadedPolicy[];
  gatePolicy: GatePolicy;
  gates: Pick<GatesService, 'resolveGateSpec' | 'unmetGates' | 'unmetBaseline'>;
  reader: Pick<DatasetReader, 'load'>;
}) {
  const { gates } = deps;
  const rules: Rule[] = deps.policies.flatMap(({ file, content, lineOf }) =>
    content.rules.map((r, i) => {
      const where = ['rules', i, 'require', 'gates'];
      const refuse = (problem: string) => new PolicyError(file, lineOf(where), `/${where.join('/')}`, problem);
      return { ...r, policy: content.policy, gates: r.require.gates === undefined ? undefined : gates.resolveGateSpec(r.require.gates, refuse) };
    }),
  );
  for (const [tier, spec] of Object.entries(deps.gatePolicy)) rules.push(...gatePolicyRules(Number(tier), spec));

  /**
   * One tier of FEMTO_GATE_POLICY as rules checked at doi: its gates, and the entries that name
   * no gate: `datasheet-complete`, and `beats-baseline[>=x[%]]` for model tiers.
   */
  function gatePolicyRules(tier: number, spec: 'all' | string[]): Rule[] {
    const refuse = (problem: string) => new ConfigError([`FEMTO_GATE_POLICY: tier ${tier} ${problem}`]);
    const at = { policy: 'FEMTO_GATE_POLICY', on: ['doi'] as PolicyEvent[], tiers: [tier] };
    const out: Rule[] = [];
    const named = spec === 'all' ? [] : spec.map((s) => s.trim());
    const gateRefs = named.filter((ref) => ref !== 'datasheet-complete' && !ref.startsWith('beats-baseline'));
    if (spec === 'all' || gateRefs.length) {
      const gatesSpec = spec === 'all' ? 'all' : gateRefs;
      const description = `Tier ${tier}: ${spec === 'all' ? 'every validation gate of the tier that states a number' : gateRefs.join(', ')} must have passed before a DOI is findable.`;
      out.push({ ...at, id: `tier-${tier}-gates`, description, require: { gates: gatesSpec }, gates: gates.resolveGateSpec(gatesSpec, refuse) });
    }
    if (named.includes('datasheet-complete')) {
      out.push({
        ...at,
        id: `tier-${tier}-datasheet`,
        description: `Tier ${tier}: the datasheet answers every section before a DOI is findable.`,
        require: { datasheetComplete: true },
      });
    }
    for (const ref of named.filter((r) => r.startsWith('beats-baseline'))) {
      const rule = parseBaselineRule(ref);
      if (!rule) throw refuse(`'${ref}' is not beats-baseline, beats-baseline>=x or beats-baseline>=x%`);
      out.push({
        ...at,
        id: `tier-${tier}-beats-baseline`,
        description: `Tier ${tier}: every evaluation of a model against a baseline beats it (${ref}), and one was judged, before a DOI is findable.`,
        require: { beatsBaseline: rule },
      });
    }
    return out;
  }

  /** The record's tiers (its primary one and those it is also in) the rule governs; every one when the rule names none. */
  function governedTiers(rule: Rule, s: PolicySubject): number[] {
    const tiers = [...(s.record.tier == null ? [] : [s.record.tier]), ...s.record.alsoInTiers];
    const range = rule.tiers;
    if (!range) return tiers;
    return tiers.filter((t) => (Array.isArray(range) ? range.includes(t) : t >= (range.min ?? 0) && t <= (range.max ?? 9)));
  }

  function governs(rule: Rule, s: PolicySubject): boolean {
    if (rule.tiers && !governedTiers(rule, s).length) return false;
    return !rule.groups || rule.groups.some((g) => s.holders.groups.includes(g));
  }

  /** What keeps a record from meeting a rule (nothing: it is met), and the gates among it. */
  async function problems(rule: Rule, s: PolicySubject): Promise<{ problems: FieldError[]; blocking: BlockingGate[] }> {
    const r = s.record;
    const need = rule.require;
    const out: FieldError[] = [];
    let blocking: BlockingGate[] = [];
    if (need.license && (!r.license || r.license === 'unknown')) out.push({ pointer: '/license', message: 'states no licence (an SPDX identifier)' });
    if (need.creators) {
      if (r.creators.length < need.creators.min)
        out.push({ pointer: '/creators', message: `names ${r.creators.length} creator(s); at least ${need.creators.min} needed` });
      r.creators.forEach((c, i) => {
        if (need.creators!.orcid && c.type === 'Person' && !c.orcid) out.push({ pointer: `/creators/${i}/orcid`, message: `${c.name} has no ORCID iD` });
        if (need.creators!.ror && c.type === 'Organization' && !c.ror) out.push({ pointer: `/creators/${i}/ror`, message: `${c.name} has no ROR id` });
      });
    }
    if (need.generatedBy) {
      const step = s.generatedBy[0];
      if (!step) out.push({ pointer: '/generatedBy', message: 'no recorded step generated this version (POST /activities naming it as an output)' });
      else if (need.generatedBy.software.length && !step.software)
        out.push({ pointer: '/generatedBy/software', message: `step '${step.id}' names no software` });
      else
        for (const f of need.generatedBy.software)
          if (step.software && empty(step.software[f]))
            out.push({ pointer: `/generatedBy/software/${f}`, message: `step '${step.id}' states no software ${f}` });
    }
    if (rule.gates) {
      blocking = await gates.unmetGates(s.pk, governedTiers(rule, s), rule.gates);
      for (const b of blocking) out.push({ pointer: '/gates', message: `${b.label} (${b.gate}): ${b.state}` });
    }
    for (const f of need.fields ?? []) if (empty(r[f])) out.push({ pointer: `/${f}`, message: `states no ${f}` });
    if (need.datasheetComplete) {
      const unanswered = datasheetCompleteness(r.datasheet).bySection.filter((x) => !x.answered);
      if (unanswered.length)
        blocking.push({ gate: DATASHEET_COMPLETE, label: `Datasheet complete: no answer in ${unanswered.map((x) => x.title).join(', ')}`, state: 'failed' });
      for (const x of unanswered) out.push({ pointer: `/datasheet/${x.section}`, message: `the datasheet answers nothing of ${x.title}` });
    }
    if (need.beatsBaseline) {
      const unmet = await gates.unmetBaseline(s.pk, need.beatsBaseline);
      blocking = [...blocking, ...unmet];
      for (const b of unmet) out.push({ pointer: '/evaluations', message: `${b.label}: ${b.state}` });
    }
    return { problems: out, blocking };
  }

  async function outcome(rule: Rule, s: PolicySubject): Promise<RuleOutcome & { blocking: BlockingGate[] }> {
    const found = await problems(rule, s);
    const prefix = `${rule.policy}/${rule.id}`;
    return {
      policy: rule.policy,
      rule: rule.id,
      description: rule.description,
      on: rule.on,
      met: !found.problems.length,
      problems: found.problems.map((p) => ({ pointer: p.pointer, message: `${prefix}: ${p.message}` })),
      blocking: found.blocking,
    };
  }

  const subjectOf = (item: ReadItem): PolicySubject => ({
    pk: item.pk,
    record: item.record,
    holders: item.holders,
    generatedBy: item.parts.provenance.generatedBy,
  });

  return {
    /** The rules in force: those of the policy files, then those FEMTO_GATE_POLICY makes. */
    rules: (): readonly Rule[] => rules,

    /** The beats-baseline bar of a tier's models (their gate status): the first rule for every record of the tier that sets one. */
    baselineRuleFor(tier: number | null): BaselineRule | undefined {
      if (tier == null) return undefined;
      const rule = rules.find(
        (r) =>
          r.require.beatsBaseline &&
          !r.groups &&
          (!r.tiers || (Array.isArray(r.tiers) ? r.tiers.includes(tier) : tier >= (r.tiers.min ?? 0) && tier <= (r.tiers.max ?? 9))),
      );
      return rule?.require.beatsBaseline;
    },

    /**
     * Throws 422 POLICY_UNMET listing every problem of every unmet rule checked at `event`, for a
     * version (the draft being published, or the version a DOI describes).
     */
    async check(versionPk: number, event: PolicyEvent): Promise<void> {
      if (!rules.some((r) => r.on.includes(event))) return;
      const [item] = await deps.reader.load(system, [versionPk]);
      if (!item) throw new FemtoError('INTERNAL', `version row ${versionPk} vanished`);
      const s = subjectOf(item);
      const unmet = (
        await mapInOrder(
          rules.filter((r) => r.on.includes(event) && governs(r, s)),
          (r) => outcome(r, s),
        )
      ).filter((o) => !o.met);
      if (!unmet.length) return;
      const at = event === 'publish' ? 'publish this version' : 'make a DOI of this version findable';
      throw new FemtoError(
        'POLICY_UNMET',
        `The publication policies do not allow to ${at} yet: ${unmet.map((u) => `${u.policy}/${u.rule}`).join(', ')} unmet`,
        unmet.flatMap((u) => u.problems),
        { policy: unmet.map(({ blocking: _, ...o }) => o), ...(unmet.some((u) => u.blocking.length) ? { gates: unmet.flatMap((u) => u.blocking) } : {}) },
      );
    },

    /**
     * How a loaded version fares against every rule that governs it (the FAIR report). Rules scoped
     * to groups are shown to the record's holders only: listing one would tell anyone else which
     * groups the record is shared with.
     */
    async compliance(item: ReadItem, viewerHolds: boolean): Promise<PolicyCompliance> {
      const s = subjectOf(item);
      const outcomes = await mapInOrder(
        rules.filter((r) => (viewerHolds || !r.groups) && governs(r, s)),
        (r) => outcome(r, s),
      );
      const compliant = (e: PolicyEvent) => outcomes.every((o) => o.met || !o.on.includes(e));
      return { compliant: { publish: compliant('publish'), doi: compliant('doi') }, rules: outcomes.map(({ blocking: _, ...o }) => o) };
    },
  };
}

export type PoliciesService = ReturnType<typeof createPoliciesService>;
