import { z } from 'zod';

/** The four keyword kinds of a HEPData table (submission schema 1.1.1). */
export const KEYWORD_NAMES = ['cmenergies', 'observables', 'reactions', 'phrases'] as const;
export type KeywordName = (typeof KEYWORD_NAMES)[number];

export const hepdataKeyword = z.object({
  name: z.enum(KEYWORD_NAMES),
  value: z.string(),
  observable: z.string().nullable().describe('the femto ontology observable the keyword maps to, when one does'),
  gev: z.object({ low: z.number(), high: z.number() }).nullable().describe('cmenergies: the centre-of-mass energy in GeV (low = high for one value)'),
});

export const hepdataVariable = z.object({ name: z.string(), units: z.string().nullable() });

export const hepdataQualifier = z.object({ name: z.string(), value: z.string(), units: z.string().nullable() });

export const hepdataTable = z.object({
  name: z.string(),
  description: z.string(),
  location: z.string().nullable().describe('where in the publication the table is'),
  dataFile: z.string().describe('the data file of the submission holding the values'),
  doi: z.string().nullable().describe("the table's HEPData DOI, when the submission came from HEPData"),
  license: z.object({ name: z.string(), url: z.string(), description: z.string().nullable() }).nullable(),
  rowCount: z.number().int(),
  keywords: z.array(hepdataKeyword),
  independentVariables: z.array(hepdataVariable),
  dependentVariables: z.array(hepdataVariable.extend({ qualifiers: z.array(hepdataQualifier) })),
});

export type HepdataKeyword = z.infer<typeof hepdataKeyword>;
export type HepdataTable = z.infer<typeof hepdataTable>;
