import { FemtoError } from '../../errors.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { ImportsRepository } from './imports.repository.js';
import { isRefused, type Applied, type ImportBatch, type ImportInput, type Importer, type ImportSummary, type ParsedUnit, type RefusedUnit, type UnitResult } from './imports.schema.js';
import type { ImportRegistry } from './registry.js';

export interface RunOptions {
  dryRun?: boolean;
  /** Units per transaction: large for bulk loads, where one commit per unit would dominate. */
  batchSize?: number;
  /** Called once per unit, in input order, as soon as its batch committed (or was rolled back in a dry run). */
  onResult?: (result: UnitResult) => void;
}

export type Counts = Omit<ImportSummary, 'results'>;

/** Thrown to roll a dry run back after everything was applied, so that it reports exactly what a real run would do. */
class DryRunRollback extends Error {}

/** A unit refused with this error is skipped and reported; any other error is femto's own fault (or the database's) and stops the run. */
const refusable = (err: unknown): err is FemtoError => err instanceof FemtoError && err.status < 500;

export const refusedResult = (u: Pick<RefusedUnit, 'key' | 'source'>, err: FemtoError): UnitResult => ({
  key: u.key,
  source: u.source,
  status: 'refused',
  message: err.message,
  code: err.code,
  ...(err.errors.length ? { errors: err.errors } : {}),
});

export function createImportsService(deps: { repo: ImportsRepository; registry: ImportRegistry; auth: AuthService }) {
  const { repo, registry, auth } = deps;

  /**
   * The units of one input. An input the format cannot read at all becomes one refused unit named
   * after it, so that one bad file among many is reported and the others still import.
   */
  function parse(importer: Importer, input: ImportInput): ParsedUnit[] {
    try {
      return Array.from(importer.parse(input));
    } catch (err) {
      const refused = refusable(err) ? err : new FemtoError('UNPROCESSABLE', `${input.name} is not ${importer.format}: ${(err as Error).message}`);
      return [{ key: input.name, source: input.name, refused }];
    }
  }

  function applyOne(importer: Importer, unit: ParsedUnit, actor: Actor, done: ReturnType<ImportsRepository['done']>, dryRun: boolean, batch: ImportBatch): UnitResult {
    if (isRefused(unit)) return refusedResult(unit, unit.refused);
    const before = done.get(unit.key);
    if (before && before.digest === unit.digest) {
      return { key: unit.key, source: unit.source, status: 'unchanged', message: 'already imported', ...(before.subject ? { subject: before.subject } : {}), ...(before.location ? { location: before.location } : {}) };
    }
    try {
      // A savepoint: a refused unit leaves nothing behind, its batch goes on.
      const applied: Applied = repo.transaction(() => {
        const a = importer.apply(unit, actor, { dryRun, batch });
        repo.record(importer.format, { key: unit.key, digest: unit.digest, status: a.status, subject: a.subject?.id ?? null, location: a.subject?.location ?? null }, new Date().toISOString());
        return a;
      });
      return { key: unit.key, source: unit.source, status: applied.status, message: applied.message, ...(applied.subject ? { subject: applied.subject.id, location: applied.subject.location } : {}) };
    } catch (err) {
      if (refusable(err)) return refusedResult(unit, err);
      throw err;
    }
  }

  /** One transaction for a batch of units, each in its own savepoint; what the format deferred runs once before the commit. */
  function applyBatch(importer: Importer, units: ParsedUnit[], actor: Actor, dryRun: boolean): UnitResult[] {
    return repo.transaction(() => {
      const deferred = new Map<string, () => void>();
      const batch: ImportBatch = { beforeCommit: (key, fn) => void (deferred.has(key) || deferred.set(key, fn)) };
      const done = repo.done(importer.format, units.filter((u) => !isRefused(u)).map((u) => u.key));
      const results = units.map((u) => applyOne(importer, u, actor, done, dryRun, batch));
      for (const fn of deferred.values()) fn();
      return results;
    });
  }

  return {
    registry,
    parse,

    /** Importing needs the curator role, checked before any input is read. */
    requireImporter: (actor: Actor) => auth.require(actor, 'curator'),

    /**
     * Applies units in batches: each unit all or nothing, each batch one commit (an interrupted
     * run keeps the batches it committed, and the ledger makes the re-run skip them). A dry run
     * applies everything in one transaction and rolls it back.
     */
    run(actor: Actor, importer: Importer, units: Iterable<ParsedUnit>, options: RunOptions = {}): Counts {
      auth.require(actor, 'curator');
      const dryRun = options.dryRun ?? false;
      const size = Math.max(1, options.batchSize ?? 1);
      const counts: Counts = { format: importer.format, dryRun, created: 0, updated: 0, unchanged: 0, refused: 0 };
      const pending: UnitResult[] = [];
      const flush = (results: UnitResult[]) => {
        for (const r of results) {
          counts[r.status]++;
          options.onResult?.(r);
        }
      };
      const all = () => {
        let chunk: ParsedUnit[] = [];
        for (const unit of units) {
          chunk.push(unit);
          if (chunk.length >= size) {
            (dryRun ? pending.push(...applyBatch(importer, chunk, actor, true)) : flush(applyBatch(importer, chunk, actor, false)));
            chunk = [];
          }
        }
        if (chunk.length) dryRun ? pending.push(...applyBatch(importer, chunk, actor, true)) : flush(applyBatch(importer, chunk, actor, false));
      };
      if (!dryRun) {
        all();
        return counts;
      }
      try {
        repo.transaction(() => {
          all();
          throw new DryRunRollback();
        });
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err;
      }
      flush(pending);
      return counts;
    },

    /** One request's worth (`POST /import/{format}`): every unit's result with the counts. */
    importInput(actor: Actor, format: string, input: ImportInput, options: Omit<RunOptions, 'onResult'> = {}): ImportSummary {
      auth.require(actor, 'curator');
      const importer = registry.get(format);
      const results: UnitResult[] = [];
      const counts = this.run(actor, importer, parse(importer, input), { ...options, onResult: (r) => results.push(r) });
      return { ...counts, results };
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
