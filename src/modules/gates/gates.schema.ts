import { z } from 'zod';
import { gateNumbers } from '../ontology/ontology.schema.js';
import { allowedUrl } from '../../lib/urls.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const softwareInput = z.union([
  z.string().trim().min(1).max(300),
  z
    .object({
      name: z.string().trim().min(1).max(300),
      version: z.string().max(100).optional(),
      repository: allowedUrl.optional(),
      commit: z.string().max(100).optional(),
    })
    .strict(),
]);

export const measurementBody = z
  .object({
    observable: z.string().trim().min(1).max(300).describe('observable IRI (or its slug), see GET /observables'),
    value: z.union([finite, z.array(finite).min(1).max(100_000)]).describe('a number, or a list of numbers for a curve'),
    unit: z.string().trim().min(1).max(300).optional().describe("QUDT unit IRI, unit:NAME, NAME or symbol; default: the observable's unit"),
    uncertainty: finite.nonnegative().optional(),
    method: z.string().trim().min(1).max(2000).optional(),
    software: softwareInput.optional(),
    version: z.number().int().positive().optional().describe('dataset version number; default: the latest published'),
    gate: z
      .union([z.string().min(1).max(300), z.array(z.string().min(1).max(300)).min(1).max(50)])
      .optional()
      .describe('gate(s) to judge besides those on the observable'),
  })
  .strict();

export type MeasurementInput = z.infer<typeof measurementBody>;

export const gateResultOut = z.object({
  gate: z.string(),
  label: z.string(),
  verdict: z.enum(['passed', 'failed', 'not-evaluable']),
  passed: z.boolean().nullable().describe('null: the gate states no number and cannot be judged (see reason)'),
  value: z.number().nullable().describe("judged value in the gate's unit; for a curve its worst point"),
  threshold: gateNumbers,
  margin: z.number().nullable().describe('distance to the boundary; >= 0 passes'),
  reason: z.string().nullable(),
});

export const measurementOut = z.object({
  id: z.string(),
  dataset: z.string(),
  version: z.number().int(),
  observable: z.string(),
  value: z.union([z.number(), z.array(z.number())]),
  unit: z.string().nullable(),
  normalizedValue: z.union([z.number(), z.array(z.number())]).describe("the value in the observable's unit"),
  normalizedUnit: z.string().nullable(),
  uncertainty: z.number().nullable(),
  method: z.string().nullable(),
  software: z.object({ name: z.string(), version: z.string().nullable() }).nullable(),
  activity: z.string().describe('the validation activity (GET /activities/{id})'),
  recordedAt: z.string(),
  results: z.array(gateResultOut),
});

export type MeasurementRecord = z.infer<typeof measurementOut>;
export type GateResultRecord = z.infer<typeof gateResultOut>;

/** The validation gate of model evaluations against their baselines (femto:BeatsBaseline in ontologies/femto.ttl). */
export const BEATS_BASELINE = 'https://w3id.org/femto/ns#BeatsBaseline';

/** A publication policy's rule that a version's datasheet answers every section (femto:DatasheetComplete in ontologies/femto.ttl). */
export const DATASHEET_COMPLETE = 'https://w3id.org/femto/ns#DatasheetComplete';

export const gateStatusOut = z.object({
  status: z.enum(['passed', 'failed', 'not-evaluated']),
  failing: z.array(z.string()).describe('IRIs of the gates whose latest result failed'),
  gates: z.array(
    z.object({
      gate: z.string().describe(`an ontology gate IRI, or ${BEATS_BASELINE} for a model evaluation against its baseline`),
      label: z.string(),
      state: z.enum(['passed', 'failed', 'not-evaluable', 'not-evaluated']),
      value: z.number().nullable(),
      margin: z.number().nullable(),
      measurement: z.string().nullable().describe('the measurement (or, for the beats-baseline gate, the evaluation) judged'),
    }),
  ),
});

export type GateStatus = z.infer<typeof gateStatusOut>;

/** A model version's evaluation against a baseline, as the beats-baseline gate judges it (the models module provides them). */
export interface BaselineComparison {
  versionPk: number;
  /** The evaluation's id: the outcome's `measurement`. */
  evaluation: string;
  /** Evaluations with one key compare the same thing (benchmark, split, metric, baseline): the latest counts. */
  key: string;
  label: string;
  /** null for a stated claim: it cannot be judged. */
  value: number | null;
  baselineValue: number | null;
  higherIsBetter: boolean | null;
}

/** Comparisons of many versions in a fixed number of statements. */
export type BaselineComparisons = (versionPks: readonly number[]) => Promise<BaselineComparison[]>;
