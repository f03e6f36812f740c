import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

/**
 * A file server on loopback for replica checks: a good file, one shorter than recorded, one whose
 * bytes differ, none at all, one that answers too late, one behind a server that refuses HEAD, redirect
 * chains (/hops/n: n redirects before the good file) and a redirect to a file: URL. It counts requests in flight, so a test
 * can hold a run to its concurrency bound.
 */
export const CONTENT = 'hello world';
/** sha256("hello world"), as every reference lists it. */
export const CONTENT_SHA256 = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

export interface FileServer {
  base: string;
  inFlight: { now: number; max: number };
  requests: string[];
}

export async function fileServer(t: Test, opts: { slowMs?: number; delayMs?: number } = {}): Promise<FileServer> {
  const inFlight = { now: 0, max: 0 };
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    res.on('close', () => inFlight.now--);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const name = (req.url ?? '').replace(/\?.*$/, '');
    const redirect = (location: string) => {
      res.writeHead(302, { location });
      res.end();
    };
    const hops = /^\/hops\/(\d+)$/.exec(name);
    const answer = () => {
      if (hops) return redirect(Number(hops[1]) > 1 ? `/hops/${Number(hops[1]) - 1}` : '/good.bin');
      if (name === '/to-file') return redirect('file:///etc/passwd');
      if (name === '/nohead.bin' && req.method === 'HEAD') return send(405, '');
      if (name.startsWith('/good') || name === '/nohead.bin') return send(200, CONTENT);
      if (name === '/short.bin') return send(200, CONTENT.slice(0, 5));
      if (name === '/corrupt.bin') return send(200, 'hello w0rld');
      if (name === '/slow.bin') return later(opts.slowMs ?? 5000, () => send(200, CONTENT));
      return send(404, 'not here');
    };
    if (opts.delayMs) later(opts.delayMs, answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, inFlight, requests };
}
