import { FemtoError, toFemtoError } from '../../errors.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { ImportsRepository } from './imports.repository.js';
import {
  isRefused,
  type Applied,
  type ImportInput,
  type Importer,
  type ImportSummary,
  type ImportUnit,
  type ParsedUnit,
  type RefusedUnit,
  type UnitResult,
} from './imports.schema.js';
import type { ImportRegistry } from './registry.js';
import { archiveDirectory, isArchive } from './archive.js';

export interface RunOptions {
  dryRun?: boolean;
  /** Units per transaction: large for bulk loads, where one commit per unit would dominate. */
  batchSize?: number;
  /** Called once per unit, in input order, as soon as its batch committed (or was rolled back in a dry run). */
  onResult?: (result: UnitResult) => void;
}

export type Counts = Omit<ImportSummary, 'results'>;

/**
 * From this many units a batch counts its change touches once at its end (repo.batch) instead of per row: standing
 * the triggers down and up again costs a few schema changes and the reparsing of every statement used afterwards,
 * less than the per-row triggers of a hundred records.
 */
export const DEFER_CHANGES_FROM = 100;

/**
 * From this many units a group commit (concurrent requests) tries the importer's bulk writer: its checks cost a fixed
 * dozen statements, a unit applied alone some twenty.
 */
export const GROUP_BULK_FROM = 2;

/** Thrown to roll a bulk batch back when it is not for the bulk writer. */
class NotBulk extends Error {}

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
      // An archive is the directory it packs, for formats that read directories.
      if (importer.directories && input.kind === 'file' && isArchive(input.bytes)) return Array.from(importer.parse(archiveDirectory(input)));
      return Array.from(importer.parse(input));
    } catch (err) {
      const refused = refusable(err) ? err : new FemtoError('UNPROCESSABLE', `${input.name} is not ${importer.format}: ${(err as Error).message}`);
      return [{ key: input.name, source: input.name, refused }];
    }
  }

  /** A unit's result when it is not applied: refused by its parser, or already imported as it is. */
  const settled = (unit: ParsedUnit, done: Ledger) => (isRefused(unit) ? refusedResult(unit, unit.refused) : unchanged(unit, done));

  /** The result of a unit already imported as it is. */
  function unchanged(unit: ImportUnit, done: Ledger): UnitResult | undefined {
    const before = done.get(unit.key);
    if (!before || before.digest !== unit.digest) return undefined;
    return {
      key: unit.key,
      source: unit.source,
      status: 'unchanged',
      message: 'already imported',
      ...(before.subject ? { subject: before.subject } : {}),
      ...(before.location ? { location: before.location } : {}),
    };
  }

  /** A unit applied: its result. */
  const appliedResult = (unit: ImportUnit, a: Applied): UnitResult => ({
    key: unit.key,
    source: unit.source,
    status: a.status,
    message: a.message,
    ...(a.subject ? { subject: a.subject.id, location: a.subject.location } : {}),
  });

  /** The database's own faults (full, read-only) stop the run with their code; anything else is a bug, kept as thrown. */
  function fault(err: unknown): unknown {
    const coded = toFemtoError(err as Error);
    return coded.code === 'INTERNAL' ? err : coded;
  }

  /**
   * A batch through the importer's bulk writer (applyBulk) in one transaction: the rows, answers and ledger entries of
   * the units applied one at a time, in a fixed number of statements. `countAtEnd`: the change counters are counted
   * once at the end (repo.bulkBatch), which pays from DEFER_CHANGES_FROM units; else every trigger fires per row. Undefined, with nothing kept, when the batch is
   * not for it (repeated keys, units the writer leaves to the one-at-a-time rules) or a unit is refused: the caller
   * then applies the batch unit by unit, which reports each refusal with its reason.
   */
  async function applyBulk(importer: Importer, units: ParsedUnit[], actor: Actor, countAtEnd = true): Promise<UnitResult[] | undefined> {
    try {
      return await (countAtEnd ? repo.bulkBatch : repo.transaction)(async () => {
        const done = await repo.done(
          importer.format,
          units.filter((u) => !isRefused(u)).map((u) => u.key),
        );
        const results = units.map((u) => settled(u, done));
        const todo = units.filter((_, i) => !results[i]) as ImportUnit[];
        if (new Set(todo.map((u) => u.key)).size !== todo.length) throw new NotBulk();
        const applied = todo.length ? await importer.applyBulk!(todo, actor) : [];
        if (!applied) throw new NotBulk();
        const at = new Date().toISOString();
        await repo.recordMany(
          importer.format,
          todo.map((u, i) => ({
            key: u.key,
            digest: u.digest,
            status: applied[i].status,
            subject: applied[i].subject?.id ?? null,
            location: applied[i].subject?.location ?? null,
            at,
          })),
        );
        let next = 0;
        return units.map((u, i) => results[i] ?? appliedResult(u as ImportUnit, applied[next++]));
      });
    } catch (err) {
      if (err instanceof NotBulk || refusable(err)) return undefined;
      throw fault(err);
    }
  }

  /**
   * One unit. `isolated`: in its own savepoint, so that a refusal rolls back this unit alone and is answered as its result;
   * otherwise a refusal is thrown (the caller rolls back every unit applied with it).
   */
  async function applyOne(importer: Importer, unit: ParsedUnit, actor: Actor, done: Ledger, dryRun: boolean, isolated = true): Promise<UnitResult> {
    if (isRefused(unit)) return refusedResult(unit, unit.refused);
    const already = unchanged(unit, done);
    if (already) return already;
    const write = async (): Promise<Applied> => {
      const a = await importer.apply(unit, actor, { dryRun });
      await repo.record(
        importer.format,
        { key: unit.key, digest: unit.digest, status: a.status, subject: a.subject?.id ?? null, location: a.subject?.location ?? null },
        new Date().toISOString(),
      );
      return a;
    };
    try {
      return appliedResult(unit, isolated ? await repo.savepoint(write) : await write());
    } catch (err) {
      if (refusable(err)) {
        if (isolated) return refusedResult(unit, err);
        throw err;
      }
      throw fault(err);
    }
  }

  interface Applying {
    importer: Importer;
    unit: ParsedUnit;
    actor: Actor;
  }

  type Ledger = Awaited<ReturnType<ImportsRepository['done']>>;

  /** The ledger entries of units, looked up in one statement per format. */
  async function ledgerOf(items: Applying[]): Promise<Map<string, Ledger>> {
    const keys = new Map<string, string[]>();
    for (const { importer, unit } of items) {
      if (isRefused(unit)) continue;
      if (!keys.has(importer.format)) keys.set(importer.format, []);
      keys.get(importer.format)!.push(unit.key);
    }
    const ledger = new Map<string, Ledger>();
    for (const [format, k] of keys) ledger.set(format, await repo.done(format, k));
    return ledger;
  }

  /**
   * Units in order, one at a time, in the open transaction (a batch, a group commit): a unit whose key an earlier one
   * had sees what that one wrote, as it would applied on its own.
   */
  async function applyInOrder(items: Applying[], dryRun: boolean, isolated: boolean): Promise<UnitResult[]> {
    const ledger = await ledgerOf(items);
    const seen = new Set<string>();
    const results: UnitResult[] = [];
    for (const { importer, unit, actor } of items) {
      const { format } = importer;
      const repeated = seen.has(`${format}\n${unit.key}`);
      if (!isRefused(unit)) seen.add(`${format}\n${unit.key}`);
      const done = repeated ? await repo.done(format, [unit.key]) : (ledger.get(format) ?? new Map<string, never>());
      results.push(await applyOne(importer, unit, actor, done, dryRun, isolated));
    }
    return results;
  }

  /** One transaction for a batch of units: at once through the importer's bulk writer when it takes them, else each in its own savepoint. */
  async function applyBatch(importer: Importer, units: ParsedUnit[], actor: Actor, dryRun: boolean): Promise<UnitResult[]> {
    const bulk = !dryRun && units.length >= DEFER_CHANGES_FROM && importer.applyBulk ? await applyBulk(importer, units, actor) : undefined;
    if (bulk) return bulk;
    const apply = () =>
      applyInOrder(
        units.map((unit) => ({ importer, unit, actor })),
        dryRun,
        true,
      );
    return units.length >= DEFER_CHANGES_FROM ? await repo.batch(apply) : await repo.transaction(apply);
  }

  /**
   * Group commit for units arriving one per request: those submitted while the event loop is busy
   * are applied together in one transaction (each in its own savepoint), so concurrent clients
   * share one commit instead of paying one each.
   */
  interface Pending {
    actor: Actor;
    importer: Importer;
    unit: ImportUnit;
    resolve: (r: UnitResult) => void;
    reject: (err: unknown) => void;
  }
  let queue: Pending[] = [];

  /** One importer with a bulk writer and one caller for the whole group. */
  const sameWriter = (items: readonly Pending[]) =>
    items[0].importer.applyBulk !== undefined &&
    items.every((p) => p.importer === items[0].importer && JSON.stringify(p.actor) === JSON.stringify(items[0].actor));

  /** A group in one transaction: through the bulk writer when it takes the group, else unit by unit. */
  async function applyGroup(items: Pending[]): Promise<UnitResult[]> {
    const bulk =
      items.length >= GROUP_BULK_FROM && sameWriter(items)
        ? await applyBulk(
            items[0].importer,
            items.map((p) => p.unit),
            items[0].actor,
            false,
          )
        : undefined;
    if (bulk) return bulk;
    // Optimistically without a savepoint per unit (each copies every page its unit changes to a sub-journal): the first
    // refusal rolls the whole group back, and the group is applied again with each unit in its own savepoint.
    try {
      return await repo.transaction(() => applyInOrder(items, false, false));
    } catch (err) {
      if (!refusable(err)) throw err;
      return await repo.transaction(() => applyInOrder(items, false, true));
    }
  }

  async function flush(items: Pending[]): Promise<void> {
    try {
      const results = await applyGroup(items);
      items.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (items.length === 1) return items[0].reject(err);
      // femto's own fault (or the database's) in one unit must not fail the others: each is applied again alone, and fails alone.
      for (const p of items) await flush([p]);
    }
  }

  return {
    registry,
    parse,

    /** Applies one unit in the next group commit; resolves to its result (`refused` with the reason). */
    submit(actor: Actor, importer: Importer, unit: ImportUnit): Promise<UnitResult> {
      auth.require(actor, 'curator');
      return new Promise((resolve, reject) => {
        queue.push({ actor, importer, unit, resolve, reject });
        if (queue.length === 1)
          setImmediate(() => {
            const items = queue;
            queue = [];
            void flush(items);
          });
      });
    },

    /** Importing needs the curator role, checked before any input is read. */
    requireImporter: (actor: Actor) => auth.require(actor, 'curator'),

    /**
     * Applies units in batches: each unit all or nothing, each batch one commit (an interrupted
     * run keeps the batches it committed, and the ledger makes the re-run skip them). A dry run
     * applies everything in one transaction and rolls it back.
     */
    async run(actor: Actor, importer: Importer, units: Iterable<ParsedUnit>, options: RunOptions = {}): Promise<Counts> {
      auth.require(actor, 'curator');
      const dryRun = options.dryRun ?? false;
      const size = Math.max(1, options.batchSize ?? 1);
      const counts: Counts = { format: importer.format, dryRun, created: 0, updated: 0, unchanged: 0, refused: 0 };
      const pending: UnitResult[] = [];
      const report = (results: UnitResult[]) => {
        for (const r of results) {
          counts[r.status]++;
          options.onResult?.(r);
        }
      };
      const all = async () => {
        let chunk: ParsedUnit[] = [];
        for (const unit of units) {
          chunk.push(unit);
          if (chunk.length >= size) {
            dryRun ? pending.push(...(await applyBatch(importer, chunk, actor, true))) : report(await applyBatch(importer, chunk, actor, false));
            chunk = [];
          }
        }
        if (chunk.length) dryRun ? pending.push(...(await applyBatch(importer, chunk, actor, true))) : report(await applyBatch(importer, chunk, actor, false));
      };
      if (!dryRun) {
        await all();
        return counts;
      }
      try {
        await repo.transaction(async () => {
          await all();
          throw new DryRunRollback();
        });
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err;
      }
      report(pending);
      return counts;
    },

    /** One request's worth (`POST /import/{format}`): every unit's result with the counts. */
    async importInput(actor: Actor, format: string, input: ImportInput, options: Omit<RunOptions, 'onResult'> = {}): Promise<ImportSummary> {
      auth.require(actor, 'curator');
      const importer = registry.get(format);
      const results: UnitResult[] = [];
      const counts = await this.run(actor, importer, parse(importer, input), { ...options, onResult: (r) => results.push(r) });
      return { ...counts, results };
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
