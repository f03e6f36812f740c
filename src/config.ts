import { z } from 'zod';
import { isIP } from 'node:net';
import { projectPath } from './paths.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z
    .string()
    .min(1)
    .refine((h) => isIP(h) !== 0 || URL.canParse(`http://${h}`), 'must be an IP address or a host name')
    .default('127.0.0.1'),
  // An SQLite file, or postgres://user:password@host:port/database.
  FEMTO_DB: z
    .string()
    .min(1)
    .refine((v) => !/^postgres(ql)?:/i.test(v) || URL.canParse(v), 'a postgres: URL that cannot be parsed (postgres://user:password@host:port/database)')
    .default('./data/femto.sqlite'),
  // A streaming replica of FEMTO_DB's database, read by anonymous GET and HEAD requests (docs/database.md, "Read replica").
  FEMTO_DB_READ_URL: z
    .string()
    .refine(
      (v) => POSTGRES_URL.test(v) && URL.canParse(v),
      'must be a postgres:// URL of a streaming replica of FEMTO_DB (postgres://user:password@standby-host:port/database)',
    )
    .optional(),
  // How far behind the primary FEMTO_DB_READ_URL may be while anonymous reads go to it (as WAL replayed, not as a clock).
  FEMTO_DB_READ_MAX_LAG_MS: positiveInt.min(100).max(3_600_000).default(5_000),
  FEMTO_BASE_URL: z.string().url().optional(),
  FEMTO_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FEMTO_BODY_LIMIT: positiveInt.default(1_048_576),
  FEMTO_SEED_ON_EMPTY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  FEMTO_DOI_PREFIX: z
    .string()
    .regex(/^10\.\d{4,9}$/, 'must look like 10.NNNN')
    .default('10.5072'),
  FEMTO_REGISTRAR: z.enum(['local', 'datacite']).default('local'),
  FEMTO_DATACITE_URL: z.string().url().optional(),
  FEMTO_DATACITE_USER: z.string().optional(),
  FEMTO_DATACITE_PASSWORD: z.string().optional(),
  FEMTO_OUTBOX_MAX_BACKOFF_MS: positiveInt.default(60_000),
  FEMTO_REPOSITORY_NAME: z.string().trim().min(1).max(200).default('femto'),
  FEMTO_OUTBOX_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  FEMTO_OUTBOX_POLL_MS: positiveInt.default(500),
  FEMTO_DATACITE_TIMEOUT_MS: positiveInt.default(10_000),
  FEMTO_LINEAGE_MAX_DEPTH: positiveInt.default(100),
  FEMTO_LINEAGE_NODE_BUDGET: positiveInt.default(10_000),
  FEMTO_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  FEMTO_ADMIN_EMAIL: z
    .string()
    .regex(/^\S+@(\S+\.)+\S+$/, 'must be an e-mail address (OAI-PMH Identify shows it)')
    .default('admin@example.org'),
  FEMTO_OAI_PAGE_SIZE: positiveInt.max(1000).default(100),
  FEMTO_READ_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  FEMTO_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(100),
  FEMTO_OAI_TOKEN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  FEMTO_SITEMAP_MAX_URLS: positiveInt.max(50_000).default(50_000),
  FEMTO_ONTOLOGY_DIR: z.string().min(1).optional(),
  FEMTO_GATE_POLICY: z.string().default(''),
  FEMTO_POLICY_DIR: z.string().min(1).optional(),
  FEMTO_GRAPHQL_MAX_DEPTH: positiveInt.default(15),
  FEMTO_GRAPHQL_MAX_COMPLEXITY: positiveInt.default(20_000),
  FEMTO_GRAPHQL_MAX_BYTES: positiveInt.default(16_384),
  FEMTO_GRAPHQL_MAX_TOKENS: positiveInt.default(1_000),
  FEMTO_GRAPHQL_MAX_ALIASES: positiveInt.default(30),
  FEMTO_GRAPHQL_MAX_BATCH: positiveInt.max(100).default(10),
  FEMTO_GRAPHQL_CACHE_BYTES: positiveInt.default(64 * 1024 * 1024),
  FEMTO_JSON_MAX_DEPTH: positiveInt.max(1000).default(64),
  FEMTO_AUTH_FAILURES_MAX: positiveInt.default(10),
  FEMTO_AUTH_FAILURES_WINDOW_MS: positiveInt.default(60_000),
  FEMTO_DB_MAX_BYTES: positiveInt.min(65_536, 'must be at least 65536').optional(),
  /**
   * Behind a reverse proxy: the number of proxy hops to trust (`1`: the address the nearest proxy appends to
   * X-Forwarded-For), or a comma-separated list of proxy addresses/CIDRs. Unset, X-Forwarded-For is ignored, so a client
   * cannot pick the address its failed logins are counted under; set, every caller must come through the proxy.
   */
  FEMTO_TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, 'a number of hops (e.g. 1) or comma-separated proxy addresses/CIDRs')
    .optional(),
  /** PostgreSQL only: connections this process holds at most in each pool, the primary's and the read replica's (PostgreSQL's max_connections is shared by every replica). */
  FEMTO_DB_POOL_SIZE: positiveInt.max(1000).default(10),
});

/**
 * Which validation gates must pass before a version of a tier may get a DOI. Either JSON,
 * {"3": "all", "4": ["tomography-fidelity"]} (gate slugs or IRIs), or a comma list
 * "3:required,6:required" (every gate of the tier that states a number). Empty: nothing required.
 * A list may also hold `beats-baseline[>=x[%]]` (model evaluations against their baselines) and
 * `datasheet-complete` (every section of the version's datasheet answered).
 */
export type GatePolicy = Record<number, 'all' | string[]>;

const tierKey = z.coerce.number().int().min(0).max(9);
const policyJson = z.record(z.string(), z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]));

export function parseGatePolicy(raw: string): GatePolicy {
  const text = raw.trim();
  if (!text) return {};
  const out: GatePolicy = {};
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ConfigError([`FEMTO_GATE_POLICY: not valid JSON (${(err as Error).message})`]);
    }
    const parsed = policyJson.safeParse(json);
    if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `FEMTO_GATE_POLICY.${i.path.join('.')}: ${i.message}`));
    for (const [k, v] of Object.entries(parsed.data)) {
      const tier = tierKey.safeParse(k);
      if (!tier.success) throw new ConfigError([`FEMTO_GATE_POLICY: '${k}' is not a tier 0-9`]);
      out[tier.data] = v;
    }
    return out;
  }
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d):required$/.exec(part);
    if (!m) throw new ConfigError([`FEMTO_GATE_POLICY: '${part}' is neither JSON nor 'tier:required'`]);
    out[Number(m[1])] = 'all';
  }
  return out;
}

export type Env = z.input<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  dbPath: string;
  baseUrl: string;
  adminToken?: string;
  logLevel: string;
  bodyLimit: number;
  seedOnEmpty: boolean;
  doiPrefix: string;
  registrar: 'local' | 'datacite';
  datacite?: { url: string; user?: string; password?: string };
  outboxMaxBackoffMs: number;
  /** Run the DOI outbox worker inside the server (off for CLI runs and most tests). */
  /**
   * This catalog's name: the host and distributor of every record (DataCite HostingInstitution,
   * schema.org provider, the DCAT catalog), never the publisher of data whose record names none.
   */
  repositoryName: string;
  outboxWorker: boolean;
  outboxPollMs: number;
  dataciteTimeoutMs: number;
  lineage: { maxDepth: number; nodeBudget: number };
  requestTimeoutMs: number;
  /** Bytes of rendered representations of published versions kept in memory (0: none). */
  readCacheBytes: number;
  /** How far V8 may grow the heap past what a full collection left live, in percent (0: V8's own choice). */
  heapGrowthPercent: number;
  harvest: {
    adminEmail: string;
    oaiPageSize: number;
    /** Signs OAI resumption tokens; set it alike on every replica so tokens survive restarts and load balancing. */
    tokenSecret?: string;
    sitemapMaxUrls: number;
  };
  /** Directory whose *.ttl files make the ontology (observables, gates, tiers). */
  ontologyDir: string;
  gatePolicy: GatePolicy;
  /** Directory whose *.yaml files hold the publication policies, checked at start. */
  policyDir: string;
  graphql: {
    maxDepth: number;
    maxComplexity: number;
    /** Bounds checked before a document is parsed. */
    maxBytes: number;
    maxTokens: number;
    maxAliases: number;
    /** Operations in one batched request (a JSON array of requests). */
    maxBatch: number;
    /** Memory the parsed/compiled document cache may hold. */
    cacheBytes: number;
  };
  /** Deepest nesting of a JSON request body. */
  jsonMaxDepth: number;
  /** Failed authentications one client may make per window before it is answered 429. */
  authFailures: { max: number; windowMs: number };
  /** Largest the database file may grow (SQLite max_page_count); undefined: as large as the disk allows. */
  dbMaxBytes?: number;
  dbPoolSize: number;
  /** A streaming replica of the PostgreSQL database, read by anonymous GET and HEAD requests. */
  dbReadUrl?: string;
  /** Anonymous reads go to the primary while the read replica is not known to be within this many ms of it. */
  dbReadMaxLagMs: number;
  /** Fastify's trustProxy: hops, or addresses/CIDRs; undefined trusts no X-Forwarded-For. */
  trustProxy?: number | string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every problem names the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.FEMTO_REGISTRAR === 'datacite' && !e.FEMTO_DATACITE_URL) {
    throw new ConfigError(['FEMTO_DATACITE_URL: required when FEMTO_REGISTRAR=datacite']);
  }
  if (e.FEMTO_DB_READ_URL && !POSTGRES_URL.test(e.FEMTO_DB)) {
    throw new ConfigError(['FEMTO_DB_READ_URL: a read replica needs FEMTO_DB to be a postgres:// URL (an SQLite file has no replica)']);
  }
  const host = isIP(e.HOST) === 6 ? `[${e.HOST}]` : e.HOST;
  const baseUrl = (e.FEMTO_BASE_URL ?? `http://${host}:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.FEMTO_DB,
    baseUrl,
    adminToken: e.FEMTO_ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.FEMTO_BODY_LIMIT,
    seedOnEmpty: e.FEMTO_SEED_ON_EMPTY,
    doiPrefix: e.FEMTO_DOI_PREFIX,
    registrar: e.FEMTO_REGISTRAR,
    datacite: e.FEMTO_DATACITE_URL
      ? { url: e.FEMTO_DATACITE_URL.replace(/\/+$/, ''), user: e.FEMTO_DATACITE_USER, password: e.FEMTO_DATACITE_PASSWORD }
      : undefined,
    outboxMaxBackoffMs: e.FEMTO_OUTBOX_MAX_BACKOFF_MS,
    repositoryName: e.FEMTO_REPOSITORY_NAME,
    outboxWorker: e.FEMTO_OUTBOX_WORKER,
    outboxPollMs: e.FEMTO_OUTBOX_POLL_MS,
    dataciteTimeoutMs: e.FEMTO_DATACITE_TIMEOUT_MS,
    lineage: { maxDepth: e.FEMTO_LINEAGE_MAX_DEPTH, nodeBudget: e.FEMTO_LINEAGE_NODE_BUDGET },
    requestTimeoutMs: e.FEMTO_REQUEST_TIMEOUT_MS,
    readCacheBytes: e.FEMTO_READ_CACHE_BYTES,
    heapGrowthPercent: e.FEMTO_HEAP_GROWTH_PERCENT,
    harvest: {
      adminEmail: e.FEMTO_ADMIN_EMAIL,
      oaiPageSize: e.FEMTO_OAI_PAGE_SIZE,
      tokenSecret: e.FEMTO_OAI_TOKEN_SECRET,
      sitemapMaxUrls: e.FEMTO_SITEMAP_MAX_URLS,
    },
    ontologyDir: e.FEMTO_ONTOLOGY_DIR ?? projectPath('ontologies'),
    gatePolicy: parseGatePolicy(e.FEMTO_GATE_POLICY),
    policyDir: e.FEMTO_POLICY_DIR ?? projectPath('policies'),
    graphql: {
      maxDepth: e.FEMTO_GRAPHQL_MAX_DEPTH,
      maxComplexity: e.FEMTO_GRAPHQL_MAX_COMPLEXITY,
      maxBytes: e.FEMTO_GRAPHQL_MAX_BYTES,
      maxTokens: e.FEMTO_GRAPHQL_MAX_TOKENS,
      maxAliases: e.FEMTO_GRAPHQL_MAX_ALIASES,
      maxBatch: e.FEMTO_GRAPHQL_MAX_BATCH,
      cacheBytes: e.FEMTO_GRAPHQL_CACHE_BYTES,
    },
    jsonMaxDepth: e.FEMTO_JSON_MAX_DEPTH,
    authFailures: { max: e.FEMTO_AUTH_FAILURES_MAX, windowMs: e.FEMTO_AUTH_FAILURES_WINDOW_MS },
    dbMaxBytes: e.FEMTO_DB_MAX_BYTES,
    dbPoolSize: e.FEMTO_DB_POOL_SIZE,
    dbReadUrl: e.FEMTO_DB_READ_URL,
    dbReadMaxLagMs: e.FEMTO_DB_READ_MAX_LAG_MS,
    trustProxy: e.FEMTO_TRUST_PROXY === undefined ? undefined : /^\d+$/.test(e.FEMTO_TRUST_PROXY) ? Number(e.FEMTO_TRUST_PROXY) : e.FEMTO_TRUST_PROXY,
  };
}
