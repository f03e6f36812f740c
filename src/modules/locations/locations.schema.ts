import { z } from 'zod';
import { slugPattern } from '../../lib/ids.js';
import { allowedUrl } from '../../lib/urls.js';
import { replicaInput } from '../datasets/datasets.schema.js';
import { VERIFY_RESULTS, type VerifyResult } from '../../db/schema/locations.js';

export { VERIFY_RESULTS, type VerifyResult };

export const siteId = z.string().regex(slugPattern, 'must be a lowercase slug [a-z0-9-]').max(100);

export const siteBody = z
  .object({
    name: z.string().trim().min(1).max(200).describe('what people call the site, e.g. "BNL SDCC dCache"'),
    description: z.string().trim().min(1).max(5000).optional(),
    homepage: allowedUrl.optional().describe("the site's own page: its operator, its access rules"),
  })
  .strict();
export type SiteInput = z.infer<typeof siteBody>;

export const siteOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  homepage: z.string().nullable(),
  updatedAt: z.string(),
});
export type Site = z.infer<typeof siteOut>;

const checksumOut = z.object({ algorithm: z.string(), value: z.string() }).nullable();

export const verificationOut = z
  .object({ at: z.string(), result: z.enum(VERIFY_RESULTS), detail: z.string().nullable() })
  .nullable()
  .describe('what the last check (femto locations verify) found; null: never checked');

export const replicaLocation = z.object({
  url: z.string(),
  site: z.string().nullable(),
  protocol: z.string(),
  checksum: checksumOut.describe('the checksum the site states'),
  verified: verificationOut,
});
export type ReplicaLocation = z.infer<typeof replicaLocation>;

export const locationsOut = z.object({
  dataset: z.string(),
  version: z.number().int(),
  filesWithheld: z.boolean().describe('the caller may not get the files (restricted, or under an active embargo): no replica is listed'),
  distributions: z.array(
    z.object({
      index: z.number().int().describe('1-based, as ?distribution= of the resolver names it'),
      title: z.string().nullable(),
      kind: z.enum(['download', 'access']),
      sizeBytes: z.number().nullable(),
      checksum: checksumOut,
      replicas: z.array(replicaLocation),
    }),
  ),
});
export type Locations = z.infer<typeof locationsOut>;

/** A replica added to a published version: where the bytes also are now. */
export const addReplicaBody = replicaInput.extend({
  distribution: z.number().int().min(1).max(1000).describe('which distribution of the version (1-based, as GET /datasets/{id}/locations numbers them)'),
});
export type AddReplicaInput = z.infer<typeof addReplicaBody>;

export const removeReplicaQuery = z.object({ distribution: z.coerce.number().int().min(1).max(1000), url: z.string().min(1).max(2000) }).strict();

export const resolveQuery = z
  .object({
    site: siteId.optional().describe('the site to prefer'),
    protocol: z
      .string()
      .regex(/^[a-z][a-z0-9+.-]{0,19}$/, 'must be a URL scheme such as https or root')
      .optional()
      .describe('only replicas over this protocol'),
    distribution: z.coerce.number().int().min(1).max(1000).default(1).describe('which distribution of the version (1-based; default the first)'),
    version: z.coerce.number().int().positive().optional().describe('a version number, when the identifier is a dataset id (default: the latest)'),
  })
  .strict();
export type ResolveQuery = z.infer<typeof resolveQuery>;

export const resolvedOut = z.object({
  identifier: z.string(),
  dataset: z.string(),
  version: z.number().int(),
  distribution: z.number().int(),
  replica: replicaLocation,
});
export type Resolved = z.infer<typeof resolvedOut>;

/** `femto locations verify` options, bounded: a run may not open more connections, or wait longer, than an operator means. */
export const verifyOptions = z
  .object({
    site: siteId.optional(),
    dataset: z.string().min(1).max(200).optional(),
    concurrency: z.coerce.number().int().min(1).max(64).default(4),
    checksum: z.boolean().default(false),
    timeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    checksumTimeoutMs: z.coerce.number().int().min(100).max(86_400_000).default(600_000),
    allowPrivate: z.boolean().default(false),
  })
  .strict();
export type VerifyCommandOptions = z.infer<typeof verifyOptions>;
