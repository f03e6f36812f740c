import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  FEMTO_DB: z.string().min(1).default('./data/femto.sqlite'),
  FEMTO_BASE_URL: z.string().url().optional(),
  FEMTO_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FEMTO_BODY_LIMIT: positiveInt.default(1_048_576),
  FEMTO_SEED_ON_EMPTY: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  FEMTO_DOI_PREFIX: z.string().regex(/^10\.\d{4,9}$/, 'must look like 10.NNNN').default('10.5072'),
  FEMTO_REGISTRAR: z.enum(['local', 'datacite']).default('local'),
  FEMTO_DATACITE_URL: z.string().url().optional(),
  FEMTO_DATACITE_USER: z.string().optional(),
  FEMTO_DATACITE_PASSWORD: z.string().optional(),
  FEMTO_OUTBOX_MAX_BACKOFF_MS: positiveInt.default(60_000),
  FEMTO_LINEAGE_MAX_DEPTH: positiveInt.default(100),
  FEMTO_LINEAGE_NODE_BUDGET: positiveInt.default(10_000),
  FEMTO_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  FEMTO_GRAPHQL_MAX_DEPTH: positiveInt.default(15),
  FEMTO_GRAPHQL_MAX_COMPLEXITY: positiveInt.default(20_000),
});

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
  lineage: { maxDepth: number; nodeBudget: number };
  requestTimeoutMs: number;
  graphql: { maxDepth: number; maxComplexity: number };
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
  const baseUrl = (e.FEMTO_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, '');
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
    lineage: { maxDepth: e.FEMTO_LINEAGE_MAX_DEPTH, nodeBudget: e.FEMTO_LINEAGE_NODE_BUDGET },
    requestTimeoutMs: e.FEMTO_REQUEST_TIMEOUT_MS,
    graphql: { maxDepth: e.FEMTO_GRAPHQL_MAX_DEPTH, maxComplexity: e.FEMTO_GRAPHQL_MAX_COMPLEXITY },
  };
}
