import { z } from 'zod';
import type { FemtoError } from '../../errors.js';
import { sha256 } from '../../lib/digest.js';
import type { Actor } from '../auth/auth.schema.js';

/**
 * The import contract: every format (DataCite, femto's own JSONL/CSV catalog, OpenLineage,
 * RO-Crate, PROV, HEPData, QCDml, ...) is one `Importer`, registered in `registry.ts`, and reached
 * through one CLI command (`femto import <format> <file|dir|->`) and one route
 * (`POST /import/{format}`).
 */

/** One file, or standard input (name '-'). */
export interface FileInput {
  kind: 'file';
  name: string;
  bytes: Buffer;
}

/** A directory given whole to a format whose record spans several files (a HEPData submission, an RO-Crate). */
export interface DirectoryInput {
  kind: 'directory';
  name: string;
  /** Paths relative to the directory, sorted; read on demand. */
  files: readonly { path: string; read(): Buffer }[];
}

export type ImportInput = FileInput | DirectoryInput;

/**
 * One record's worth of change, applied all or nothing. `key` is stable across runs (a DOI, a
 * dataset id, a run id and event type): with `digest` (of what the unit says) it makes a re-run
 * skip what is already done.
 */
export interface ImportUnit<T = unknown> {
  key: string;
  /** Where the unit came from, for messages: `file:line`, `file#/pointer`. */
  source: string;
  digest: string;
  data: T;
}

/** A record the parser could read but not accept: refused on its own while the rest of the input goes on. */
export interface RefusedUnit {
  key: string;
  source: string;
  refused: FemtoError;
}

export type ParsedUnit<T = unknown> = ImportUnit<T> | RefusedUnit;

export const isRefused = (u: ParsedUnit): u is RefusedUnit => 'refused' in u;

export const APPLIED = ['created', 'updated', 'unchanged'] as const;
export type AppliedStatus = (typeof APPLIED)[number];

/** What applying a unit did (or, in a dry run, would do). */
export interface Applied {
  status: AppliedStatus;
  /** One human line: what changed or would change. */
  message: string;
  /** The main entity written, and where it is served. */
  subject?: { id: string; location: string };
}

export interface ApplyOptions {
  /** Nothing the unit writes is kept (the framework rolls back): for the wording of `message` ("would create"). */
  dryRun: boolean;
}

export interface Importer<T = unknown> {
  readonly format: string;
  /** One line for `femto import --help` and the OpenAPI description. */
  readonly title: string;
  /** Request media types `POST /import/{format}` takes for this format. */
  readonly mediaTypes: readonly string[];
  /** File name endings this format reads when given a directory (and when guessing the format). */
  readonly extensions: readonly string[];
  /** Reads a whole directory as one input instead of each file in it. */
  readonly directories?: boolean;
  /** Whether a file is of this format: `femto import <files...>` without a format guesses with it. */
  detect?(input: FileInput): boolean;
  /** Pure: validates against the format's official schema; throws a coded error when the input as a whole is unusable. */
  parse(input: ImportInput): Iterable<ParsedUnit<T>>;
  /**
   * Applies one unit through the owning modules' services, inside the transaction the framework
   * opened for it; throws a coded error to refuse it (nothing of it is kept).
   */
  apply(unit: ImportUnit<T>, actor: Actor, options: ApplyOptions): Promise<Applied>;
  /**
   * Applies a batch of units (distinct keys, none applied before) at once, in a fixed number of statements, inside
   * the framework's bulk batch: exactly what `apply` for each in turn would write and answer. Undefined when the batch
   * is not for this path (the framework rolls back whatever was written and applies the units one at a time); throws
   * a coded error where `apply` would refuse a unit (the same fallback, which reports each refusal).
   */
  applyBulk?(units: readonly ImportUnit<T>[], actor: Actor): Promise<Applied[] | undefined>;
}

/** The digest of a unit's raw text (what parsers that keep it use) or of any value. */
export const unitDigest = (raw: string) => sha256(raw);

export const appliedResult = z.object({
  key: z.string(),
  source: z.string(),
  status: z.enum([...APPLIED, 'refused']),
  message: z.string(),
  subject: z.string().optional(),
  location: z.string().optional(),
  code: z.string().optional().describe('refused: the error code'),
  errors: z
    .array(z.object({ pointer: z.string(), message: z.string() }))
    .optional()
    .describe('refused: the fields at fault'),
});
export type UnitResult = z.infer<typeof appliedResult>;

export const importSummary = z.object({
  format: z.string(),
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  refused: z.number().int(),
  results: z.array(appliedResult).describe('one entry per unit, in input order (the CLI prints them as it goes)'),
});
export type ImportSummary = z.infer<typeof importSummary>;
