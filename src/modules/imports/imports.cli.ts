import cliProgress from 'cli-progress';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FemtoError } from '../../errors.js';
import type { Actor } from '../auth/auth.schema.js';
import { isRefused, type FileInput, type ImportInput, type Importer, type ParsedUnit, type UnitResult } from './imports.schema.js';
import { refusedResult, type Counts, type ImportsService } from './imports.service.js';

export interface ImportCommandOptions {
  dryRun?: boolean;
  batchSize?: number;
}

/** Where the command writes: the summary and result lines to `out`, the progress bar to `progress` (a terminal). */
export interface ImportConsole {
  out: (line: string) => void;
  progress?: NodeJS.WriteStream;
}

/** Regular files under a directory, sorted, hidden ones skipped. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

const fileInput = (path: string): FileInput => ({ kind: 'file', name: path, bytes: path === '-' ? readFileSync(0) : readFileSync(path) });

/** The inputs a path stands for under a format: stdin, a file, a directory whole, or each file in it that the format reads. */
function inputsOf(path: string, importer: Importer | undefined): ImportInput[] {
  if (path === '-' || !statSync(path).isDirectory()) return [fileInput(path)];
  if (importer?.directories) {
    return [{ kind: 'directory', name: path, files: filesUnder(path).map((f) => ({ path: relative(path, f), read: () => readFileSync(f) })) }];
  }
  const files = filesUnder(path);
  return (importer ? files.filter((f) => importer.extensions.some((ext) => f.toLowerCase().endsWith(ext))) : files).map(fileInput);
}

interface Planned {
  importer: Importer | undefined;
  input: ImportInput;
  units: ParsedUnit[];
}

/**
 * `femto import [format] <file|dir|->...`: every input parsed first (so the progress bar knows its
 * total and a file no format reads is reported, not fatal), then applied in batches. Without a
 * format, each file's format is recognised from its content (the DataCite records `femto import
 * <files...>` always took).
 */
export async function importCommand(
  imports: ImportsService,
  actor: Actor,
  args: string[],
  options: ImportCommandOptions,
  console_: ImportConsole,
): Promise<Counts[]> {
  imports.requireImporter(actor);
  const named = args.length > 1 && imports.registry.has(args[0]) ? imports.registry.get(args[0]) : undefined;
  if (args.length === 1 && imports.registry.has(args[0]))
    throw new FemtoError('VALIDATION_FAILED', `femto import ${args[0]} needs a file, a directory or - (standard input)`);
  const paths = named ? args.slice(1) : args;

  const plan: Planned[] = paths.flatMap((path) => {
    let inputs: ImportInput[];
    try {
      inputs = inputsOf(path, named);
    } catch (err) {
      // A path that cannot be read is reported with the rest; the other paths still import.
      const unreadable = new FemtoError('UNPROCESSABLE', `${path}: ${(err as Error).message}`);
      return [
        { importer: named, input: { kind: 'file' as const, name: path, bytes: Buffer.alloc(0) }, units: [{ key: path, source: path, refused: unreadable }] },
      ];
    }
    return inputs.map((input) => {
      const importer = named ?? (input.kind === 'file' ? imports.registry.detect(input) : undefined);
      return { importer, input, units: importer ? imports.parse(importer, input) : [] };
    });
  });
  const total = plan.reduce((n, p) => n + Math.max(1, p.units.length), 0);
  const bar = console_.progress
    ? new cliProgress.SingleBar(
        { stream: console_.progress, etaBuffer: 1000, format: 'import [{bar}] {value}/{total} units | {eta_formatted} left' },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0);
  const refused: UnitResult[] = [];
  const report = (r: UnitResult) => {
    if (r.status === 'refused') refused.push(r);
    if (bar) bar.increment();
    else console_.out(`${r.status}\t${r.source}\t${r.message}${r.errors?.length ? ` (${r.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')})` : ''}`);
  };

  const byFormat = new Map<string, Counts>();
  const add = (c: Counts) => {
    const sum = byFormat.get(c.format) ?? { ...c, created: 0, updated: 0, unchanged: 0, refused: 0 };
    for (const k of ['created', 'updated', 'unchanged', 'refused'] as const) sum[k] += c[k];
    byFormat.set(c.format, sum);
  };
  try {
    for (const { importer, input, units } of plan) {
      if (!importer) {
        const unknown = new FemtoError(
          'UNSUPPORTED_MEDIA_TYPE',
          `${input.name} is none of the import formats (${imports.registry
            .all()
            .map((f) => f.format)
            .join(', ')}); name one: femto import <format> ...`,
        );
        const [unreadable] = units.filter(isRefused);
        report(refusedResult({ key: input.name, source: input.name }, unreadable?.refused ?? unknown));
        add({ format: 'unknown', dryRun: !!options.dryRun, created: 0, updated: 0, unchanged: 0, refused: 1 });
        continue;
      }
      add(await imports.run(actor, importer, units, { dryRun: options.dryRun, batchSize: options.batchSize, onResult: report }));
    }
  } finally {
    bar?.stop();
  }

  const counts = [...byFormat.values()];
  for (const c of counts) {
    console_.out(
      `${c.format}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.refused} refused${c.dryRun ? ' (dry run: nothing was written)' : ''}`,
    );
  }
  if (bar) for (const r of refused) console_.out(`refused\t${r.source}\t${r.code}: ${r.message}`);
  return counts;
}
