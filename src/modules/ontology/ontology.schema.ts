import { z } from 'zod';
import { COMPARISONS } from './ontology.model.js';

export const observableOut = z.object({
  iri: z.string(),
  slug: z.string(),
  label: z.string(),
  symbol: z.string(),
  description: z.string().nullable(),
  tiers: z.array(z.number().int()),
  domains: z.array(z.string()),
  quantityKind: z.string().nullable().describe('QUDT quantity kind IRI'),
  unit: z.string().nullable().describe('QUDT unit IRI measurements are converted to'),
  physh: z.array(z.string()).describe('APS PhySH concepts (skos:closeMatch)'),
});

export const metricOut = z.object({
  iri: z.string(),
  slug: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  higherIsBetter: z.boolean().describe('the direction leaderboards rank in'),
  unit: z.string().nullable().describe('QUDT unit IRI'),
});

/** What a gate compares against; also echoed in every gate result. */
export const gateNumbers = z.object({
  comparison: z.enum(COMPARISONS),
  threshold: z.number().nullable(),
  lowerBound: z.number().nullable(),
  upperBound: z.number().nullable(),
  reference: z.number().nullable(),
  tolerance: z.number().nullable(),
  unit: z.string().nullable(),
});

export const gateOut = z.object({
  iri: z.string(),
  slug: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  observable: z.string(),
  symbol: z.string().nullable().describe("the observable's symbol"),
  ...gateNumbers.shape,
  thresholdStated: z.boolean().describe('false: the seed states the gate without a number; it cannot be judged'),
  tiers: z.array(z.number().int()),
  tier: z.number().int().describe('the first of `tiers`'),
  domains: z.array(z.string()),
  seedSection: z.string().nullable(),
  seedSentence: z.string(),
});

export const listFilter = z.object({
  tier: z.coerce.number().int().min(0).max(9).optional(),
});

export const gateFilter = listFilter.extend({
  observable: z.string().min(1).max(300).optional().describe('observable IRI or slug'),
});
