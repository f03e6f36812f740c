import { z } from 'zod';
import { slugPattern } from '../../lib/ids.js';

/** When a rule is checked: publishing a draft, and making a DOI findable (DataCite event "publish"). */
export const POLICY_EVENTS = ['publish', 'doi'] as const;
export type PolicyEvent = (typeof POLICY_EVENTS)[number];

/** Record fields a `fields` rule may require to be stated (non-empty), as the JSON record names them. */
export const REQUIRABLE_FIELDS = [
  'description',
  'domain',
  'dataType',
  'keywords',
  'formats',
  'observables',
  'distributions',
  'relatedIdentifiers',
  'publisher',
  'sizeBytes',
  'recordCount',
  'datasheet',
  'contributors',
  'accessConditions',
  'accessContact',
] as const;

const slug = z.string().regex(slugPattern, 'must be a lowercase slug [a-z0-9-]');
const tier = z.number().int().min(0).max(9);

/** Exactly one kind of requirement per rule, so each rule says one thing and fails with one reason. */
const requirement = z
  .object({
    license: z.literal(true).optional().describe('an SPDX licence (not "unknown")'),
    creators: z
      .object({
        min: z.number().int().min(1).default(1).describe('at least this many creators'),
        orcid: z.boolean().default(false).describe('every person among them has an ORCID iD'),
        ror: z.boolean().default(false).describe('every organisation among them has a ROR id'),
      })
      .strict()
      .optional(),
    generatedBy: z
      .object({
        software: z
          .array(z.enum(['name', 'version', 'commit', 'repository']))
          .default([])
          .describe('what the generating step states of its software'),
      })
      .strict()
      .optional()
      .describe('a recorded step that generated the version'),
    gates: z
      .union([z.enum(['all', 'applicable']), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        "validation gates that must have passed: 'all' numeric gates of the tier, the numeric gates 'applicable' to the record's observables, or these",
      ),
    fields: z.array(z.enum(REQUIRABLE_FIELDS)).min(1).optional(),
    datasheetComplete: z.literal(true).optional().describe('a datasheet that answers each of its seven sections'),
    beatsBaseline: z
      .object({
        by: z.number().min(0).default(0).describe("the margin: in the metric's unit, or a fraction of the baseline's value when relative"),
        relative: z.boolean().default(false),
      })
      .strict()
      .optional()
      .describe('models: every evaluation against a baseline beats it by the margin, and at least one was judged'),
  })
  .strict()
  .refine(
    (r) => Object.values(r).filter((v) => v !== undefined).length === 1,
    'must name exactly one requirement: license, creators, generatedBy, gates, fields, datasheetComplete or beatsBaseline',
  );

export const policyRule = z
  .object({
    id: slug,
    description: z.string().trim().min(1),
    on: z
      .array(z.enum(POLICY_EVENTS))
      .min(1)
      .default([...POLICY_EVENTS]),
    tiers: z
      .union([
        z.array(tier).min(1),
        z
          .object({ min: tier.optional(), max: tier.optional() })
          .strict()
          .refine((r) => r.min !== undefined || r.max !== undefined, 'needs min or max'),
      ])
      .optional()
      .describe('the tiers the rule governs (absent: every record)'),
    groups: z.array(slug).min(1).optional().describe('only records shared with one of these groups'),
    require: requirement,
  })
  .strict()
  .superRefine((rule, ctx) => {
    // A step links published versions only: a draft never has one, so the rule could never pass at publish.
    if (rule.require.generatedBy && rule.on.includes('publish')) {
      ctx.addIssue({
        code: 'custom',
        path: ['on'],
        message: 'a generatedBy rule can be checked at doi only: a derivation step links published versions, never a draft',
      });
    }
  });

export const policyFile = z
  .object({
    policy: slug,
    title: z.string().trim().min(1),
    description: z.string().trim().min(1).optional(),
    source: z.string().trim().min(1).optional().describe('where the policy comes from'),
    rules: z.array(policyRule).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    file.rules.forEach((r, i) => {
      if (file.rules.findIndex((o) => o.id === r.id) !== i) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `repeats rule id '${r.id}'` });
    });
  });

export type PolicyFile = z.infer<typeof policyFile>;
export type PolicyRule = z.infer<typeof policyRule>;

/** How a record fares against one rule (the FAIR report lists every rule that governs the record). */
export const ruleOutcome = z.object({
  policy: z.string(),
  rule: z.string(),
  description: z.string(),
  on: z.array(z.enum(POLICY_EVENTS)),
  met: z.boolean(),
  problems: z.array(z.object({ pointer: z.string().describe('JSON pointer into the record (generatedBy: its generating step)'), message: z.string() })),
});

export const policyCompliance = z.object({
  compliant: z.object({ publish: z.boolean(), doi: z.boolean() }).describe('every rule checked at that event is met'),
  rules: z.array(ruleOutcome),
});

export type RuleOutcome = z.infer<typeof ruleOutcome>;
export type PolicyCompliance = z.infer<typeof policyCompliance>;
