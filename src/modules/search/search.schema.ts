import { z } from 'zod';
import { ACCESS_LEVELS, DATA_TYPES, RECORD_STATUSES } from '../datasets/datasets.schema.js';
import { collisionSystem, flavourContent } from '../datasets/physics.schema.js';

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

/** A closed or open numeric range, `6.0..6.3`, `32..`, `..6.3`, or one value. */
export interface Range {
  min: number | null;
  max: number | null;
}

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`;
const RANGE = new RegExp(`^(${NUMBER})?\\.\\.(${NUMBER})?$`);
const ONE = new RegExp(`^${NUMBER}$`);

function rangeOf(text: string): Range | undefined {
  const t = text.trim();
  if (ONE.test(t)) return { min: Number(t), max: Number(t) };
  const m = RANGE.exec(t);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  return { min: m[1] === undefined ? null : Number(m[1]), max: m[2] === undefined ? null : Number(m[2]) };
}

const range = (what: string) =>
  z
    .string()
    .max(100)
    .refine((t) => rangeOf(t) !== undefined, `must be a number or a range like 6.0..6.3, 6.0.. or ..6.3`)
    .transform((t) => rangeOf(t)!)
    .describe(`${what}: a value or a range min..max (either end may be left open)`);

/**
 * In a query string '+' is a space: `?nf=2+1` and `?system=Au+Au` arrive as "2 1" and "Au Au". A run of spaces is one
 * separator, as between words (`?nf=2++1` is a form's "2  1"); a parameter given twice is a list, refused by `inner`.
 */
const plussed = <T extends z.ZodType<string>>(inner: T) => z.preprocess((v) => (typeof v === 'string' ? v.trim().replace(/\s+/g, '+') : v), inner);

const SPACES = " (a space, which is what '+' means in a query string, separates too; a run of spaces is one)";

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
    beta: range('lattice ensembles by β').optional(),
    L: range('lattice ensembles by spatial extent L (of L³×T)').optional(),
    T: range('lattice ensembles by temporal extent T').optional(),
    nf: plussed(flavourContent).optional().describe(`lattice ensembles by flavour content, e.g. 2+1${SPACES}`),
    gaugeAction: z.string().max(200).optional().describe('lattice ensembles by QCDml gauge action, e.g. plaquetteGluonAction'),
    quarkAction: z.string().max(200).optional().describe('lattice ensembles by one of their QCDml quark actions, e.g. hisqQuarkAction'),
    system: plussed(collisionSystem).optional().describe(`detector data by colliding system, e.g. Au+Au${SPACES}`),
    sqrtsNN: range('detector data by √s_NN in GeV').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(20),
    cursor: z
      .string()
      .max(200)
      .refine((c) => decodeCursor(c) !== undefined, 'malformed cursor: not one femto issued')
      .optional(),
  })
  .strict();

export type SearchQuery = z.infer<typeof searchQuery>;

export const FACETS = ['status', 'tier', 'domain', 'dataType', 'format', 'observable', 'nf', 'gaugeAction', 'quarkAction', 'system'] as const;
export type Facet = (typeof FACETS)[number];

export interface FacetValue {
  value: string;
  count: number;
  /** The ontology's label of a domain IRI. */
  label?: string;
}

export const facetCounts = z.record(z.string(), z.array(z.object({ value: z.string(), count: z.number().int(), label: z.string().optional() })));
