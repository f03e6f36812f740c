import { FemtoError } from '../../errors.js';
import type { VerifyCommandOptions, VerifyResult } from './locations.schema.js';
import type { LocationsService } from './locations.service.js';

const FAILURES: VerifyResult[] = ['missing', 'size-mismatch', 'checksum-mismatch', 'timeout', 'unreachable'];

/**
 * `femto locations verify`: checks every replica (of a site, of a dataset), a line per replica as
 * its check ends, then the counts. Resolves to true when no check failed (the exit code).
 */
export async function verifyCommand(locations: LocationsService, opts: VerifyCommandOptions, out: (line: string) => void): Promise<boolean> {
  if (opts.site) await locations.site(opts.site);
  const counts = await locations.verify({
    site: opts.site,
    dataset: opts.dataset,
    concurrency: opts.concurrency,
    options: { timeoutMs: opts.timeoutMs, checksum: opts.checksum, checksumTimeoutMs: opts.checksumTimeoutMs, allowPrivate: opts.allowPrivate },
    onResult: (r, found) => out(`${found.result}\t${r.dataset} v${r.version ?? 'draft'}\t${r.site ?? '-'}\t${r.url}${found.detail ? `\t${found.detail}` : ''}`),
  });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (!total && opts.dataset) throw new FemtoError('NOT_FOUND', `Dataset '${opts.dataset}' has no replica (or does not exist)`);
  out(
    `checked ${total} replicas: ${
      Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'none'
    }`,
  );
  return FAILURES.every((f) => counts[f] === 0);
}
