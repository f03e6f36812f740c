import { lookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type Response } from 'undici';

const MAX_REDIRECTS = 5;
/** The statuses fetch itself follows; a 300, 304 or 305 answers as it is. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Replica URLs are written by curators and fetched from the operator's network, so a URL naming an
 * internal service (a cloud metadata endpoint, an admin console on 10.x) would have the verifier
 * probe it and record what it found where the curator reads it. Only addresses the public internet
 * routes to are fetched: ipaddr.js's `unicast` range, i.e. not loopback, RFC 1918, link-local,
 * carrier-grade NAT, unique-local, NAT64, documentation or reserved ranges.
 */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const isPublic = (address: string) => {
  const parsed = ipaddr.process(address);
  // IPv6 outside 2000::/3 (e.g. the deprecated IPv4-compatible ::127.0.0.1, which ipaddr.js calls unicast) is never a public destination.
  return parsed.range() === 'unicast' && (parsed.kind() === 'ipv4' || parsed.match(GLOBAL_UNICAST_V6));
};

const refusal = (host: string, address: string) =>
  new Error(
    `${host === address ? host : `${host} resolves to ${address}, which`} is not a public address: not checked (--allow-private checks replicas on private networks)`,
  );

/** The address check happens as the connection is made, on what it connects to: a name cannot resolve to a public address when checked and a private one when used. */
const publicOnlyLookup = ((
  hostname: string,
  options: { all?: boolean },
  callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
) => {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const inside = addresses.find((a) => !isPublic(a.address));
    if (inside) return callback(refusal(hostname, inside.address), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}) as unknown as LookupFunction;

export interface ReplicaFetcher {
  (url: string, init: { method?: 'GET' | 'HEAD'; signal: AbortSignal }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * fetch for replica checks: redirects followed here (at most 5, http and https only) so that each
 * hop is checked, IP literals checked before connecting (they skip the lookup), names checked at
 * connection time. `allowPrivate` is for an operator checking the site's own internal mirrors.
 */
export function replicaFetcher(allowPrivate: boolean): ReplicaFetcher {
  const dispatcher = new Agent(allowPrivate ? {} : { connect: { lookup: publicOnlyLookup } });
  const fetchReplica = async (url: string, init: { method?: 'GET' | 'HEAD'; signal: AbortSignal }) => {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const host = target.hostname.replace(/^\[|\]$/g, '');
      if (!allowPrivate && isIP(host) && !isPublic(host)) throw refusal(host, host);
      const res = await fetch(target, { ...init, redirect: 'manual', dispatcher });
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location) return res;
      await res.body?.cancel();
      if (hop === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`redirected to a ${target.protocol} URL`);
    }
  };
  return Object.assign(fetchReplica, { close: () => dispatcher.close() });
}
