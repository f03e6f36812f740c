import { z } from 'zod';
import { orcidSchema, rorSchema } from '../datasets/datasets.schema.js';
import { slugPattern } from '../../lib/ids.js';
import { allowedUrl } from '../../lib/urls.js';
import type { Holders } from '../datasets/visibility.js';

const slugId = z.string().regex(slugPattern, 'must be a lowercase slug [a-z0-9-]');

export const ACTIVITY_KINDS = [
  'simulation',
  'reconstruction',
  'calibration',
  'selection',
  'feature-extraction',
  'training',
  'fine-tuning',
  'evaluation',
  'correlation-function-extraction',
  'analysis',
  'curation',
  'conversion',
  'validation',
  'other',
] as const;

const isoDateTime = z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' });

export const agentInput = z
  .object({
    id: slugId.optional(),
    type: z.enum(['Person', 'Organization', 'Software']),
    name: z.string().trim().min(1).max(500),
    orcid: orcidSchema.optional(),
    ror: rorSchema.optional(),
    url: allowedUrl.optional(),
    affiliation: z.string().trim().max(500).optional(),
  })
  .strict();

const agentRef = z.union([
  z.object({ agentId: z.string().min(1), role: z.string().max(100).optional() }).strict(),
  agentInput
    .omit({ id: true })
    .extend({ role: z.string().max(100).optional() })
    .strict(),
]);

const versionRef = {
  dataset: z.string().min(1).max(200),
  version: z.number().int().positive().optional().describe('omitted: the latest published version'),
};

export const createActivityBody = z
  .object({
    id: slugId.optional(),
    kind: z.enum(ACTIVITY_KINDS),
    name: z.string().trim().min(1).max(500).optional(),
    description: z.string().max(100_000).optional(),
    software: z
      .object({
        name: z.string().trim().min(1).max(200),
        version: z.string().max(100).optional(),
        repository: allowedUrl.optional(),
        commit: z
          .string()
          .regex(/^[0-9a-f]{7,64}$/i, 'must be a commit hash')
          .optional(),
      })
      .strict()
      .optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    startedAt: isoDateTime.optional(),
    endedAt: isoDateTime.optional(),
    basis: z.string().max(10_000).optional(),
    implied: z.boolean().optional().describe('true when the source implies the step rather than states it'),
    agents: z.array(agentRef).max(200).optional(),
    inputs: z
      .array(z.object({ ...versionRef, role: z.string().max(100).optional() }).strict())
      .max(10_000)
      .default([]),
    outputs: z.array(z.object(versionRef).strict()).max(10_000).default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.inputs.length + v.outputs.length === 0) ctx.addIssue({ code: 'custom', path: ['outputs'], message: 'a step needs at least one input or output' });
    // Instants, not text: each time may carry its own offset.
    if (v.startedAt && v.endedAt && Date.parse(v.endedAt) < Date.parse(v.startedAt))
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'is before startedAt' });
  });

export type CreateActivityInput = z.infer<typeof createActivityBody>;
export type AgentInput = z.infer<typeof agentInput>;

const versionRefOut = z.object({
  dataset: z.string().nullable().describe('null when the caller may not see that dataset'),
  version: z.number().int().nullable(),
  title: z.string().nullable(),
  hidden: z.boolean().describe('the caller may not see this dataset version: an opaque placeholder'),
  restricted: z.boolean().describe('its files are restricted (always true for a hidden version)'),
});

export const agentRecord = z.object({
  id: z.string(),
  type: z.enum(['Person', 'Organization', 'Software']),
  name: z.string(),
  orcid: z.string().nullable(),
  ror: z.string().nullable(),
  url: z.string().nullable(),
  affiliation: z.string().nullable(),
});

export const activityRecord = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  software: z.object({ name: z.string(), version: z.string().nullable(), repository: z.string().nullable(), commit: z.string().nullable() }).nullable(),
  parameters: z.record(z.string(), z.unknown()).nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  basis: z.string().nullable(),
  implied: z.boolean().describe('the source implies this step rather than states it'),
  agents: z.array(agentRecord.extend({ role: z.string() })),
  inputs: z.array(versionRefOut.extend({ role: z.string().nullable() })),
  outputs: z.array(versionRefOut),
  createdAt: z.string(),
});

export type ActivityRecord = z.infer<typeof activityRecord>;
export type AgentRecord = z.infer<typeof agentRecord>;

/** A dataset version at one end of a step (prov:used or prov:wasGeneratedBy), as stored, with what the access policy decides on. */
export interface VersionEndpoint extends Holders {
  activityId: string;
  versionPk: number;
  role: string | null;
  datasetId: string;
  versionNumber: number | null;
  title: string;
  state: 'draft' | 'published';
  visibility: 'public' | 'private';
  accessLevel: 'open' | 'embargoed' | 'restricted';
}
