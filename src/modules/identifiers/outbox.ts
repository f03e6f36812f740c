import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { IdentifiersRepository, Claim } from './identifiers.repository.js';
import type { IdentifiersService } from './identifiers.service.js';
import { metadataDifferences } from './compare.js';
import { DeliveryError, type Registrar } from './registrars.js';
import { credentialRedactor } from './redact.js';
import { accessParams } from '../datasets/visibility.js';
import { system } from '../auth/auth.schema.js';

const BASE_BACKOFF_MS = 1_000;
const BATCH = 16;

/**
 * Exponential backoff with "equal jitter": attempt 1 waits 0.5-1 s, each further attempt doubles,
 * capped. Half the delay is random, so replicas that failed together do not retry in lockstep.
 */
export function backoffMs(attempt: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Delivers DOI state changes from the outbox to the registrar. Each claim is delivered as the
 * DOI's state at delivery time (a full, idempotent PUT), so a retry, a duplicate row or a crash
 * between delivery and acknowledgement cannot make DataCite hold anything but femto's state.
 */
export function createOutboxWorker(deps: { repo: IdentifiersRepository; service: IdentifiersService; registrar: Registrar; config: Config }) {
  const { repo, service, registrar, config } = deps;
  const owner = `worker-${randomUUID()}`;
  // The registrar's reply is kept (and shown to the record's editors) without the credentials it may echo.
  const redact = credentialRedactor(config.datacite ?? {});
  // Longer than one delivery can take, so a live worker never loses its lease mid-request.
  const leaseMs = config.dataciteTimeoutMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  // The server's logger, handed over at start: the worker is built before the server (and its logger) exists.
  let log: Logger | undefined;

  async function deliver(c: Claim): Promise<void> {
    const row = await repo.get(c.doi);
    try {
      if (c.action === 'delete' || !row) await registrar.deliver({ action: 'delete', doi: c.doi });
      else await registrar.deliver({ action: 'upsert', doi: c.doi, state: row.state, hidden: !!row.withdrawnAt, attributes: await service.effective(row) });
      const t = new Date().toISOString();
      await repo.transaction(async () => {
        await repo.delivered(c, owner, t);
        if (row && !(await repo.hasUndelivered(c.doi))) await repo.update(c.doi, { registrationStatus: 'synced', attempts: 0, lastError: null, syncedAt: t });
      });
    } catch (err) {
      const message = redact(err instanceof Error ? err.message : String(err));
      const attempts = c.attempts + 1;
      const wait = err instanceof DeliveryError && err.retryAfterMs !== undefined ? err.retryAfterMs : backoffMs(attempts, config.outboxMaxBackoffMs);
      await repo.transaction(async () => {
        await repo.failed(c, owner, message, new Date(Date.now() + wait).toISOString());
        if (row) await repo.update(c.doi, { registrationStatus: 'failed', attempts, lastError: message });
      });
      log?.warn({ doi: c.doi, attempts, retryInMs: Math.round(wait), err: message }, 'DOI delivery failed; will retry');
    }
  }

  /** Claims what is due and delivers it; returns how many DOIs were attempted. */
  async function runOnce(): Promise<number> {
    const t = Date.now();
    const claims = await repo.claim(owner, new Date(t).toISOString(), new Date(t + leaseMs).toISOString(), BATCH);
    await Promise.all(claims.map(deliver));
    return claims.length;
  }

  function schedule(ms: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => {
          log?.error({ err }, 'outbox run failed');
          return 0;
        })
        .then((n) => {
          running = undefined;
          // A full batch means more may be waiting: go again at once.
          schedule(n >= BATCH ? 0 : config.outboxPollMs);
          return n;
        });
    }, ms);
  }

  return {
    owner,
    runOnce,
    /** Starts polling; rows left pending by an earlier run (or a killed process) are picked up here. */
    start(logger: Logger) {
      if (!stopped) return;
      log = logger;
      stopped = false;
      schedule(0);
    },
    /** Stops polling, waits for the delivery in flight, and hands back this worker's leases. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await repo.releaseLeases(owner);
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

export interface ReconcileReport {
  checked: number;
  requeued: { doi: string; reason: string }[];
}

/**
 * Compares every DOI femto holds with the registrar's record (GET /dois/{doi}) and queues a
 * delivery for each that the registrar lacks or holds differently: state, URL or any metadata
 * property femto delivers, both sides normalized (see compare.ts).
 */
export async function reconcile(deps: { repo: IdentifiersRepository; service: IdentifiersService; registrar: Registrar }): Promise<ReconcileReport> {
  const { repo, service, registrar } = deps;
  const report: ReconcileReport = { checked: 0, requeued: [] };
  let after: string | undefined;
  for (;;) {
    const { rows } = await repo.list({ after, limit: 100, access: accessParams(system) });
    if (!rows.length) break;
    after = rows[rows.length - 1].doi;
    for (const row of rows) {
      const remote = await registrar.fetch(row.doi);
      if (remote === undefined) return report; // the local registrar keeps nothing remote
      report.checked++;
      const differences = remote === null ? [] : metadataDifferences({ ...(await service.effective(row)), state: row.state }, remote);
      const reason = remote === null ? 'missing at the registrar' : differences.length ? `differs at the registrar: ${differences.join(', ')}` : undefined;
      if (reason) {
        await repo.transaction(async () => {
          await repo.enqueue(row.doi, 'upsert', new Date().toISOString());
          await repo.update(row.doi, { registrationStatus: 'pending' });
        });
        report.requeued.push({ doi: row.doi, reason });
      }
    }
  }
  return report;
}
