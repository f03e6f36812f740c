import { z } from 'zod';

/**
 * A model card (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019,
 * https://doi.org/10.1145/3287560.3287596): nine sections, each free text plus the structured
 * fields that fit, each optional (an unanswered section is shown as missing, never invented).
 * Version and licence are the record's own; the exact training data is what the training steps
 * used (PROV), and the quantitative results are the evaluations recorded in femto: the card
 * does not repeat them.
 */

const text = (max = 20_000) => z.string().trim().min(1).max(max);
const list = (max = 100, item = 2_000) => z.array(text(item)).min(1).max(max);

/** Every section: what it says in words, and where that comes from (a source sentence, a paper). */
const sectionBase = {
  statement: text().optional().describe('the section in words'),
  basis: text(5_000).optional().describe('where it comes from: a source sentence (quoted), a paper, a report'),
};

const section = <S extends z.ZodRawShape>(shape: S) =>
  z
    .object({ ...sectionBase, ...shape })
    .strict()
    .refine((v) => Object.values(v).some((x) => x !== undefined), 'an answered section says something; leave an unanswered section out');

const isoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be an ISO-8601 date (YYYY, YYYY-MM or YYYY-MM-DD)');

export const MODEL_CARD_SECTIONS = [
  'modelDetails',
  'intendedUse',
  'factors',
  'metrics',
  'evaluationData',
  'trainingData',
  'quantitativeAnalyses',
  'ethicalConsiderations',
  'caveatsAndRecommendations',
] as const;

export type ModelCardSection = (typeof MODEL_CARD_SECTIONS)[number];

export const modelCardBody = z
  .object({
    modelDetails: section({
      developedBy: text(1_000).optional().describe('person or organisation developing the model'),
      modelDate: isoDate.optional(),
      modelType: text(1_000).optional().describe('e.g. "foundation model", "graph neural network tracker"'),
      architecture: text(5_000).optional(),
      parametersCount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional().describe('trainable parameters'),
      trainingProcedure: text().optional().describe("algorithm, objective, hyper-parameters; the data are the training steps' inputs"),
      citation: text(2_000).optional(),
      contact: text(500).optional().describe('where to send questions or comments about the model'),
    }).optional(),
    intendedUse: section({
      primaryUses: list().optional(),
      primaryUsers: list().optional(),
      outOfScopeUses: list().optional(),
    }).optional(),
    factors: section({
      relevantFactors: list().optional().describe('groups, instrumentation, environments the performance may vary with (e.g. detector occupancy)'),
      evaluationFactors: list().optional().describe('the factors the evaluations report on'),
    }).optional(),
    metrics: section({
      performanceMeasures: list(50, 300).optional().describe('metric IRIs (GET /metrics) or names'),
      decisionThresholds: text(5_000).optional(),
      variationApproaches: text(5_000).optional().describe('how uncertainties were estimated'),
    }).optional(),
    evaluationData: section({
      motivation: text(5_000).optional(),
      preprocessing: text(5_000).optional(),
    }).optional(),
    trainingData: section({
      preprocessing: text(5_000).optional(),
    }).optional(),
    quantitativeAnalyses: section({
      unitaryResults: text().optional(),
      intersectionalResults: text().optional(),
    }).optional(),
    ethicalConsiderations: section({
      sensitiveData: text(5_000).optional(),
      risks: list().optional(),
      mitigations: list().optional(),
    }).optional(),
    caveatsAndRecommendations: section({
      caveats: list().optional(),
      recommendations: list().optional(),
    }).optional(),
  })
  .strict();

export type ModelCardInput = z.infer<typeof modelCardBody>;

/** Sections answered of the nine, in Mitchell's order. */
export function cardCompleteness(card: ModelCardInput | null | undefined) {
  const answered = MODEL_CARD_SECTIONS.filter((s) => card?.[s] !== undefined);
  return { answered: answered.length, total: MODEL_CARD_SECTIONS.length, missing: MODEL_CARD_SECTIONS.filter((s) => card?.[s] === undefined) };
}
