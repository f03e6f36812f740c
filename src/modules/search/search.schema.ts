import { z } from 'zod';
import { ACCESS_LEVELS, DATA_TYPES, RECORD_STATUSES } from '../datasets/datasets.schema.js';

/** The cursor is opaque to clients: base64url of the last row's sort key. */
export const encodeCursor = (last: { rank: number; id: string }) => Buffer.from(JSON.stringify([last.rank, last.id])).toString('base64url');

export function decodeCursor(cursor: string): { rank: number; id: string } | undefined {
  try {
    const [rank, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof rank === 'number' && typeof id === 'string') return { rank, id };
  } catch {
    /* not JSON: not one femto issued */
  }
  return undefined;
}

export const searchQuery = z
  .object({
    q: z.string().trim().max(500).optional().describe('full text over title, description and keywords'),
    tier: z.coerce.number().int().min(0).max(9).optional().describe('the primary tier or one of alsoInTiers'),
    domain: z.string().max(200).optional().describe('a domain IRI, notation, label or alternative label; the primary domain or one of alsoInDomains'),
    status: z.enum(RECORD_STATUSES).optional(),
    dataType: z.enum(DATA_TYPES).optional(),
    observable: z.string().max(2000).optional().describe('an observable IRI'),
    format: z.string().max(100).optional(),
    accessLevel: z.enum(ACCESS_LEVELS).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(20),
    cursor: z.string().max(200).refine((c) => decodeCursor(c) !== undefined, 'malformed cursor: not one femto issued').optional(),
  })
  .strict();

export type SearchQuery = z.infer<typeof searchQuery>;

export const FACETS = ['status', 'tier', 'domain', 'dataType', 'format', 'observable'] as const;
export type Facet = (typeof FACETS)[number];

export interface FacetValue {
  value: string;
  count: number;
  /** The ontology's label of a domain IRI. */
  label?: string;
}

export const facetCounts = z.record(z.string(), z.array(z.object({ value: z.string(), count: z.number().int(), label: z.string().optional() })));
