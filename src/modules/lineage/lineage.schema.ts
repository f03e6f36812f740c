import { z } from 'zod';
import { DATA_TYPES } from '../datasets/datasets.schema.js';
import { ACTIVITY_KINDS } from '../provenance/provenance.schema.js';

export const DIRECTIONS = ['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export type TruncatedReason = 'DEPTH' | 'NODE_BUDGET' | 'PATH_LIMIT';

export interface LineageFilter {
  tier?: number[];
  dataType?: string[];
  activityKind?: string[];
  /** Selects dataset versions whose gate status is `failed`, with the paths from the root to them (see the SDL). */
  failedGate?: boolean;
}

const csv = <T extends z.ZodType>(item: T) => z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(50)).optional();

export const lineageQuery = z
  .object({
    direction: z.enum(DIRECTIONS).default('UPSTREAM'),
    depth: z.coerce.number().int().min(0).optional().describe('derivation steps from the root (default 5; at most FEMTO_LINEAGE_MAX_DEPTH)'),
    version: z.coerce.number().int().positive().optional().describe('root the walk at this version ("lineage as of v2")'),
    tier: csv(z.coerce.number().int().min(0).max(9)).describe('comma-separated tiers to keep'),
    dataType: csv(z.enum(DATA_TYPES)).describe('comma-separated data types to keep'),
    activityKind: csv(z.enum(ACTIVITY_KINDS)).describe('comma-separated step kinds to follow'),
    failedGate: z
      .stringbool()
      .optional()
      .describe(
        'true: only dataset versions whose gate status is failed, the root, and the steps and versions on the derivation paths from the root to them; the walk still passes through every node, so `truncated` keeps its meaning',
      ),
  })
  .strict();

export const lineageNode = z.object({
  id: z
    .string()
    .describe('"<datasetId>@<version>" for a dataset version, the activity id for a step, "hidden:<n>" for a version or step the caller may not see'),
  kind: z.enum(['DATASET', 'ACTIVITY']),
  depth: z.number().int().describe('derivation steps from the root'),
  dataset: z.string().nullable(),
  version: z.number().int().nullable(),
  activity: z.string().nullable(),
  restricted: z.boolean().describe("the version's files are restricted (true for every placeholder)"),
  hidden: z.boolean().describe('an opaque placeholder: a private version the caller may not see, or a step whose every input and output it may not see'),
});

export const lineageNodeOut = lineageNode.extend({
  gateStatus: z.enum(['passed', 'failed', 'not-evaluated']).nullable().describe("the version's validation gate status; null for a step and for a placeholder"),
});

export const lineageEdge = z.object({
  from: z.string(),
  to: z.string(),
  relation: z.enum(['USED', 'WAS_GENERATED_BY']).describe('PROV direction: an activity USED a dataset; a dataset WAS_GENERATED_BY an activity'),
});

export const lineageResponse = z.object({
  root: lineageNodeOut,
  direction: z.enum(DIRECTIONS),
  depth: z.number().int(),
  nodes: z.array(lineageNodeOut),
  edges: z.array(lineageEdge),
  truncated: z.boolean().describe('true exactly when the depth bound or the node budget left reachable nodes out'),
  truncatedReason: z
    .enum(['DEPTH', 'NODE_BUDGET'])
    .nullable()
    .describe('what left nodes out; NODE_BUDGET when both did (also when, in BOTH, one walk was cut by each)'),
});

/** dataset_versions.pk rides along for GraphQL loaders; the REST schema above drops it. */
export type LineageNode = z.infer<typeof lineageNode> & { pk: number | null };
export type LineageEdge = z.infer<typeof lineageEdge>;
export type Lineage = Omit<z.infer<typeof lineageResponse>, 'root' | 'nodes'> & { root: LineageNode; nodes: LineageNode[] };

export interface LineagePath {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface PathResult {
  from: string;
  to: string;
  /** Derivation steps on each shortest path; null when none was found. */
  length: number | null;
  paths: LineagePath[];
  truncated: boolean;
  truncatedReason: TruncatedReason | null;
}

export interface Impact {
  id: string;
  datasets: LineageNode[];
  truncated: boolean;
  truncatedReason: TruncatedReason | null;
}
