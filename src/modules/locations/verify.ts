import { createHash, getHashes } from 'node:crypto';
import type { ReplicaToVerify } from './locations.repository.js';
import type { VerifyResult } from './locations.schema.js';
import type { ReplicaFetcher } from './public-fetch.js';

export interface VerifyOptions {
  /** Longest wait for a site's answer to HEAD (and for the headers of a GET). */
  timeoutMs: number;
  /** Also read the bytes and compare their checksum (a streaming GET, never held in memory). */
  checksum: boolean;
  /** Longest a checksum read may take, whole. */
  checksumTimeoutMs: number;
  /** Also fetch replicas whose host is on a private network (by default only public addresses are fetched). */
  allowPrivate: boolean;
}

export interface Finding {
  result: VerifyResult;
  detail: string | null;
}

const CHECKED_PROTOCOLS = new Set(['http', 'https']);
const hashes = new Set(getHashes());

const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
/** What failed, as the operator needs it: the system's code (ECONNREFUSED, ENOTFOUND) where there is one. */
const reason = (err: unknown) => {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
};

async function head(fetchReplica: ReplicaFetcher, url: string, timeoutMs: number) {
  const res = await fetchReplica(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 405 && res.status !== 501) return res;
  // A server that does not answer HEAD: the headers of a GET, its body left unread.
  const get = await fetchReplica(url, { signal: AbortSignal.timeout(timeoutMs) });
  await get.body?.cancel();
  return get;
}

/** Reads the bytes once, hashing them with every algorithm asked, and counts them. */
async function digest(
  fetchReplica: ReplicaFetcher,
  url: string,
  algorithms: string[],
  timeoutMs: number,
): Promise<{ digests: Map<string, string>; bytes: number } | Finding> {
  const res = await fetchReplica(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { result: res.status === 404 || res.status === 410 ? 'missing' : 'unreachable', detail: `GET answered HTTP ${res.status}` };
  }
  const hashers = algorithms.map((a) => [a, createHash(a)] as const);
  let bytes = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const [, h] of hashers) h.update(chunk);
  }
  return { digests: new Map(hashers.map(([a, h]) => [a, h.digest('hex')])), bytes };
}

/**
 * Checks one replica where it is: HEAD for presence and size, then (when asked) its checksum by
 * reading it. Only http(s) replicas are checked: root://, s3:// and the like need their site's
 * own tools and credentials, and are reported so.
 */
export async function checkReplica(r: ReplicaToVerify, opts: VerifyOptions, fetchReplica: ReplicaFetcher): Promise<Finding> {
  if (!CHECKED_PROTOCOLS.has(r.protocol))
    return { result: 'unsupported', detail: `femto checks http and https replicas; ${r.protocol} ones are left to their site's tools` };
  try {
    const res = await head(fetchReplica, r.url, opts.timeoutMs);
    if (res.status === 404 || res.status === 410) return { result: 'missing', detail: `HTTP ${res.status}` };
    if (!res.ok) return { result: 'unreachable', detail: `HTTP ${res.status}` };
    const length = res.headers.get('content-length');
    if (r.sizeBytes !== null && length !== null && Number(length) !== r.sizeBytes) {
      return { result: 'size-mismatch', detail: `expected ${r.sizeBytes} bytes, the site serves ${length}` };
    }
    if (!opts.checksum) return { result: 'ok', detail: length === null ? 'present (the site states no size)' : 'present, size matches' };
    const checkable = r.checksums.filter((c) => hashes.has(c.algorithm));
    if (!checkable.length) {
      const stated = r.checksums.map((c) => c.algorithm).join(', ');
      return { result: 'ok', detail: stated ? `present; ${stated} checksums are not checked by femto` : 'present; no checksum is stated to compare' };
    }
    const read = await digest(
      fetchReplica,
      r.url,
      checkable.map((c) => c.algorithm),
      opts.checksumTimeoutMs,
    );
    if ('result' in read) return read;
    if (r.sizeBytes !== null && read.bytes !== r.sizeBytes) return { result: 'size-mismatch', detail: `expected ${r.sizeBytes} bytes, read ${read.bytes}` };
    const wrong = checkable.find((c) => read.digests.get(c.algorithm) !== c.value.toLowerCase());
    if (wrong)
      return { result: 'checksum-mismatch', detail: `${wrong.algorithm} expected ${wrong.value.toLowerCase()}, read ${read.digests.get(wrong.algorithm)}` };
    return { result: 'ok', detail: `${checkable.map((c) => c.algorithm).join(', ')} matches` };
  } catch (err) {
    if (isTimeout(err)) return { result: 'timeout', detail: 'no complete answer in time' };
    return { result: 'unreachable', detail: reason(err) };
  }
}
