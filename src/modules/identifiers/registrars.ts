import type { Config } from '../../config.js';
import type { DataciteAttributes } from './serializers/datacite.js';
import { prefixOf, suffixOf } from './doi.js';
import type { DoiEvent } from './identifiers.schema.js';

export type DoiState = 'draft' | 'registered' | 'findable';

export type Delivery = { action: 'upsert'; doi: string; state: DoiState; hidden: boolean; attributes: DataciteAttributes } | { action: 'delete'; doi: string };

/** A failed delivery; `retryAfterMs` when the registrar said when to come back (429 Retry-After). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Registrar {
  readonly name: 'local' | 'datacite';
  /** Idempotent: delivering the same state twice leaves the registrar as delivering it once. */
  deliver(d: Delivery): Promise<void>;
  /** The registrar's view of a DOI (null when it has none); undefined when the registrar keeps nothing remote. */
  fetch(doi: string): Promise<(DataciteAttributes & { state?: string }) | null | undefined>;
}

/** No network: femto itself is the registry (DOIs under the non-resolving test prefix by default). */
export const localRegistrar: Registrar = {
  name: 'local',
  deliver: async () => undefined,
  fetch: async () => undefined,
};

/**
 * The DataCite event that moves a DOI to femto's state from the state DataCite holds it in (DataCite changes state by
 * events only: register from draft, hide from findable, publish from either). Not known, it is guessed from femto's
 * history: a hidden DOI was findable.
 */
function eventFor(state: DoiState, hidden: boolean, held?: string): DoiEvent | undefined {
  if (state === 'findable') return 'publish';
  if (state === 'registered') return (held ?? (hidden ? 'findable' : 'draft')) === 'findable' ? 'hide' : 'register';
  return undefined;
}

/** The state DataCite answered with; undefined when its answer does not say. */
async function heldState(res: Response): Promise<string | undefined> {
  const json = (await res.json().catch(() => undefined)) as { data?: { attributes?: { state?: unknown } } } | undefined;
  const state = json?.data?.attributes?.state;
  return typeof state === 'string' ? state : undefined;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** DataCite REST API (https://support.datacite.org/docs/api): PUT /dois/{doi} creates or updates. */
export function dataciteRegistrar(cfg: NonNullable<Config['datacite']>, timeoutMs: number): Registrar {
  const auth = cfg.user ? `Basic ${Buffer.from(`${cfg.user}:${cfg.password ?? ''}`).toString('base64')}` : undefined;
  const urlOf = (doi: string) => `${cfg.url}/dois/${prefixOf(doi)}/${encodeURIComponent(suffixOf(doi))}`;

  async function call(method: string, doi: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(urlOf(doi), {
        method,
        headers: {
          accept: 'application/vnd.api+json',
          ...(body ? { 'content-type': 'application/vnd.api+json' } : {}),
          ...(auth ? { authorization: auth } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new DeliveryError(e.name === 'TimeoutError' ? `DataCite did not answer within ${timeoutMs} ms` : `DataCite unreachable: ${e.message}`);
    }
    return res;
  }

  async function fail(res: Response, what: string): Promise<never> {
    const text = (await res.text().catch(() => '')).slice(0, 500);
    throw new DeliveryError(
      `${what}: DataCite answered ${res.status} ${text}`.trim(),
      res.status === 429 ? (retryAfterMs(res.headers.get('retry-after')) ?? undefined) : undefined,
    );
  }

  return {
    name: 'datacite',
    async deliver(d) {
      if (d.action === 'delete') {
        const res = await call('DELETE', d.doi);
        if (res.ok || res.status === 404) return;
        return fail(res, `DELETE ${d.doi}`);
      }
      const { event: _ignored, ...attributes } = d.attributes;
      /** The state DataCite holds the DOI in after the PUT, as its answer says it. */
      const put = async (event: DoiEvent | undefined): Promise<string | undefined> => {
        const res = await call('PUT', d.doi, { data: { id: d.doi, type: 'dois', attributes: { ...attributes, ...(event ? { event } : {}) } } });
        if (!res.ok) return fail(res, `PUT ${d.doi}`);
        return heldState(res);
      };
      // The guess is wrong when DataCite never saw a state femto passed through (a DOI hidden before its first
      // delivery is a draft there, which no hide moves): DataCite's answer says where it holds the DOI, and the
      // event from there is sent.
      const guessed = eventFor(d.state, d.hidden);
      const held = await put(guessed);
      if (held === undefined || held === d.state) return;
      // No event leads back (femto's draft, DataCite's registered): sent once, and said.
      const event = eventFor(d.state, d.hidden, held);
      const after = event === guessed ? held : await put(event);
      if (after !== undefined && after !== d.state)
        throw new DeliveryError(`PUT ${d.doi}: DataCite holds it ${after}, femto ${d.state}, and no event moves it there`);
    },
    async fetch(doi) {
      const res = await call('GET', doi);
      if (res.status === 404) return null;
      if (!res.ok) return fail(res, `GET ${doi}`);
      const json = (await res.json()) as { data?: { attributes?: DataciteAttributes & { state?: string } } };
      return json.data?.attributes ?? null;
    },
  };
}

export function registrarFor(config: Config): Registrar {
  return config.registrar === 'datacite' ? dataciteRegistrar(config.datacite!, config.dataciteTimeoutMs) : localRegistrar;
}
