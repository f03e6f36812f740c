import { z } from 'zod';
import { slugPattern } from '../../lib/ids.js';
import { allowedUrl } from '../../lib/urls.js';
import { datasheetCompletenessSchema, datasheetSchema } from '../datasets/datasheet.schema.js';
import { gateStatusOut } from '../gates/gates.schema.js';
import { modelCardBody } from './model-card.schema.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const text = (max: number) => z.string().trim().min(1).max(max);

const versionRef = {
  dataset: z.string().min(1).max(200),
  version: z.number().int().positive().optional().describe('omitted: the latest published version'),
};

export const evaluationBody = z
  .object({
    id: z.string().regex(slugPattern, 'must be a lowercase slug [a-z0-9-]').optional().describe("the evaluation step's id (GET /activities/{id})"),
    version: z.number().int().positive().optional().describe('the model version evaluated; default: the latest published'),
    benchmark: z
      .object({ ...versionRef, split: text(100).optional().describe('a named split of the version, e.g. "test"; omitted: the whole version') })
      .strict()
      .optional()
      .describe('the evaluation data; may be left out only by a stated claim whose source names none'),
    metric: text(300).optional().describe('a metric IRI or slug (GET /metrics), an observable IRI (GET /observables), another IRI, or a name'),
    higherIsBetter: z.boolean().optional().describe('the direction of a metric femto does not define, stated once; for an ontology metric it must agree'),
    value: finite.optional().describe('the score; left out, the evaluation is a stated claim (then `statement` says what was claimed)'),
    uncertainty: finite.nonnegative().optional(),
    baseline: z
      .object({
        model: z.object(versionRef).strict().optional().describe('a model version in the catalog'),
        algorithm: text(300).optional().describe('a traditional algorithm by name, e.g. "Kalman-filter tracker"'),
        value: finite
          .optional()
          .describe(
            "the baseline's score in the same evaluation; for a baseline model, default: its latest evaluation on the same benchmark, split and metric",
          ),
        uncertainty: finite.nonnegative().optional(),
      })
      .strict()
      .superRefine((b, ctx) => {
        if (!!b.model === !!b.algorithm) ctx.addIssue({ code: 'custom', path: [], message: 'names exactly one of model or algorithm' });
        if (b.uncertainty !== undefined && b.value === undefined) ctx.addIssue({ code: 'custom', path: ['uncertainty'], message: 'needs a value' });
      })
      .optional(),
    statement: text(5_000).optional().describe("the claim in its source's words; required without a value"),
    method: text(2_000).optional(),
    software: z
      .object({
        name: text(200),
        version: z.string().max(100).optional(),
        repository: allowedUrl.optional(),
        commit: z
          .string()
          .regex(/^[0-9a-f]{7,64}$/i, 'must be a commit hash')
          .optional(),
      })
      .strict()
      .optional(),
    basis: text(10_000).optional().describe('where the result comes from: a paper, a log, a source sentence'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.value === undefined) {
      if (!v.statement) ctx.addIssue({ code: 'custom', path: ['statement'], message: 'an evaluation without a value is a stated claim: say what was claimed' });
      if (v.uncertainty !== undefined) ctx.addIssue({ code: 'custom', path: ['uncertainty'], message: 'needs a value' });
      if (v.baseline?.value !== undefined)
        ctx.addIssue({ code: 'custom', path: ['baseline', 'value'], message: 'a claim without a value of its own has no baseline value to compare' });
    } else {
      if (!v.benchmark) ctx.addIssue({ code: 'custom', path: ['benchmark'], message: 'a measured evaluation names the dataset version it was measured on' });
      if (!v.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'a measured evaluation names its metric' });
    }
  });

export type EvaluationInput = z.infer<typeof evaluationBody>;

export const versionRefOut = z.object({
  dataset: z.string().nullable().describe('null when the caller may not see it'),
  version: z.number().int().nullable(),
  title: z.string().nullable(),
  hidden: z.boolean().describe('the caller may not see this version: an opaque placeholder'),
  restricted: z.boolean().describe('its files are restricted (always true for a hidden version)'),
});

export const metricRefOut = z.object({
  id: z.string().nullable().describe('the IRI, or the name of a metric femto does not define; null for a claim that names none'),
  label: z.string().nullable(),
  higherIsBetter: z.boolean().nullable(),
  definedBy: z
    .enum(['metric', 'observable', 'statement'])
    .nullable()
    .describe('where the direction comes from: an ontology metric, the gates of an ontology observable, or the first evaluation stating it'),
});

export const evaluationOut = z.object({
  id: z.string(),
  activity: z.string().describe('the evaluation step (GET /activities/{id})'),
  kind: z.enum(['measurement', 'claim']).describe('claim: stated by a source without a value; never ranked or judged'),
  model: versionRefOut,
  benchmark: versionRefOut.nullable(),
  split: z.string().nullable(),
  metric: metricRefOut,
  value: z.number().nullable(),
  uncertainty: z.number().nullable(),
  baseline: z
    .object({
      model: versionRefOut.nullable(),
      algorithm: z.string().nullable(),
      value: z.number().nullable(),
      uncertainty: z.number().nullable(),
      fromEvaluation: z.string().nullable().describe("the baseline model's evaluation the value was taken from"),
    })
    .nullable(),
  difference: z.number().nullable().describe('value minus baseline value, signed so that positive is better'),
  statement: z.string().nullable(),
  method: z.string().nullable(),
  basis: z.string().nullable(),
  software: z.object({ name: z.string(), version: z.string().nullable(), repository: z.string().nullable(), commit: z.string().nullable() }).nullable(),
  recordedAt: z.string(),
});

export type EvaluationRecord = z.infer<typeof evaluationOut>;

export const leaderboardQuery = z
  .object({
    metric: z.string().min(1).max(300).describe('metric IRI, slug or name'),
    version: z.coerce.number().int().positive().optional().describe('the benchmark version; default: the latest published'),
    split: z.string().min(1).max(100).optional().describe('one split; default: every split, ranked separately'),
  })
  .strict();

export const leaderboardEntry = z.object({
  rank: z.number().int().describe("1 is best in the metric's direction; equal values share a rank; ranked within their split"),
  kind: z.enum(['model', 'baseline']),
  model: versionRefOut.nullable(),
  algorithm: z.string().nullable(),
  split: z.string().nullable(),
  value: z.number(),
  uncertainty: z.number().nullable(),
  evaluation: z.string().describe('the evaluation the value comes from'),
  baselines: z
    .array(z.object({ model: versionRefOut.nullable(), algorithm: z.string().nullable(), value: z.number().nullable(), difference: z.number().nullable() }))
    .describe("a model's baselines in its evaluation"),
});

export const leaderboardOut = z.object({
  benchmark: versionRefOut,
  metric: metricRefOut,
  split: z.string().nullable(),
  entries: z.array(leaderboardEntry).describe('by split, then rank'),
  claims: z.array(evaluationOut).describe('claims stated without a value on this benchmark and metric: listed, never ranked'),
});

export type Leaderboard = z.infer<typeof leaderboardOut>;

export const distributionFacts = z.object({
  title: z.string().nullable(),
  urls: z.array(z.string()).describe('empty while an embargo hides the files'),
  mediaType: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  checksum: z.object({ algorithm: z.string(), value: z.string() }).nullable(),
});

export const manifestDataset = z.object({
  id: z.string().describe('"<dataset>@<version>", or "hidden:<n>" for a version the caller may not see'),
  hidden: z.boolean().describe('the caller may not see this version: an opaque placeholder'),
  restricted: z.boolean().describe('its files are restricted (always true for a hidden version)'),
  dataset: z.string().nullable(),
  version: z.number().int().nullable(),
  title: z.string().nullable(),
  resourceType: z.string().nullable(),
  uri: z.string().nullable(),
  doi: z.object({ doi: z.string(), state: z.string() }).nullable(),
  withdrawn: z
    .object({ at: z.string(), reason: z.string().nullable() })
    .nullable()
    .describe('the version (or its dataset) was withdrawn: a reviewer must look'),
  license: z.string().nullable().describe("an SPDX identifier, or 'unknown' when none is recorded"),
  distributions: z.array(distributionFacts),
  datasheet: datasheetSchema.nullable().describe('the datasheet (Gebru et al.) of that version, as its datasets record carries it'),
  datasheetCompleteness: datasheetCompletenessSchema
    .nullable()
    .describe('sections and questions of the datasheet answered; null for a version the caller may not see'),
  gateStatus: gateStatusOut.nullable(),
  depth: z.number().int().describe('derivation steps upstream of the model'),
  rawSource: z.boolean().describe('no recorded step generated it'),
});

export const manifestStep = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string().nullable(),
  uri: z.string(),
  software: z.object({ name: z.string(), version: z.string().nullable(), repository: z.string().nullable(), commit: z.string().nullable() }).nullable(),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
});

export const manifestOut = z.object({
  model: z.object({
    dataset: z.string(),
    version: z.number().int(),
    title: z.string(),
    uri: z.string(),
    doi: z.string().nullable(),
    license: z.string().nullable(),
  }),
  trainingSteps: z
    .array(manifestStep)
    .describe('the training and fine-tuning steps that generated the model version, and those of the base models it was fine-tuned from'),
  trainingData: z.array(
    manifestDataset.extend({
      role: z.string().nullable(),
      via: z.string().nullable().describe('the base model version it trained, for data inherited through fine-tuning'),
    }),
  ),
  lineage: z.object({
    datasets: z.array(manifestDataset).describe('every dataset version upstream of the model, up to raw sources'),
    steps: z.array(manifestStep),
    edges: z.array(z.object({ from: z.string(), to: z.string(), relation: z.enum(['USED', 'WAS_GENERATED_BY']) })),
    truncated: z.boolean(),
    truncatedReason: z.string().nullable(),
  }),
  rawSources: z.array(z.string()),
  summary: z.object({
    trainingDatasets: z.number().int(),
    upstreamDatasets: z.number().int(),
    licences: z.array(z.string()),
    unlicensed: z.array(z.string()).describe('training data with no licence recorded'),
    withdrawn: z.array(z.string()),
    failedGates: z.array(z.string()),
    notEvaluated: z.array(z.string()),
    missingChecksums: z.array(z.string()).describe('training data with a distribution that carries no checksum'),
    incompleteDatasheets: z.array(z.string()).describe('training data whose datasheet leaves a section unanswered (or that has none)'),
    restricted: z.number().int().describe('upstream versions the caller may not see'),
    complete: z.boolean().describe('nothing withdrawn, failed, unlicensed, unchecksummed or hidden, and the walk was not truncated'),
  }),
});

export type Manifest = z.infer<typeof manifestOut>;

export const cardOut = z.object({
  model: z.object({
    dataset: z.string(),
    version: z.number().int().nullable().describe('null for a draft'),
    versionLabel: z.string().nullable(),
    title: z.string(),
    license: z.string().nullable(),
    doi: z.string().nullable(),
    uri: z.string(),
  }),
  card: modelCardBody.nullable().describe('the nine sections as the curator wrote them; null before any was written'),
  completeness: z.object({ answered: z.number().int(), total: z.number().int(), missing: z.array(z.string()) }),
  evaluations: z.array(evaluationOut).describe('quantitative analyses: every evaluation recorded for this version'),
  trainingSetManifest: manifestOut.nullable().describe('null for a draft (only published versions have lineage)'),
});

export type CardView = z.infer<typeof cardOut>;
