import { z } from 'zod';
import { createRequire } from 'node:module';
import { DATACITE_VOCABULARY } from '../../lib/datacite-vocabulary.js';
import { parseOrcid, parseRor } from '../../lib/identifiers.js';
import { slugPattern } from '../../lib/ids.js';
import { allowedUrl, isAllowedUrl, URL_REFUSED } from '../../lib/urls.js';
import { bigCount } from '../../lib/counts.js';
import { collisionInput, collisionOut, ensembleInput, ensembleOut, relatedInNormalForm, type CollisionInput, type EnsembleInput } from './physics.schema.js';
import { datasheetSchema, type Datasheet } from './datasheet.schema.js';
import { modelCardBody, type ModelCardInput } from '../models/model-card.schema.js';

/** Places one file may be recorded at (URLs or replicas of a distribution). */
export const MAX_REPLICAS = 20;

const spdx = new Set<string>(createRequire(import.meta.url)('spdx-license-ids') as string[]);

export const DATA_TYPES = ['Raw-Observational', 'Raw-Simulation', 'AI-Curated', 'Synthetic-Toolkit', 'Theoretical', 'Database'] as const;

export const ACCESS_LEVELS = ['open', 'embargoed', 'restricted'] as const;
export const VISIBILITIES = ['public', 'private'] as const;

/** Whom to ask for files that are not open: an e-mail address or a web page (a request form). */
const contactEmail = z.email().max(320);
export const accessContactSchema = z.union([contactEmail, allowedUrl]).describe('an e-mail address or a URL where access is requested');
/** An access contact that is an e-mail address (else it is a URL). */
export const isEmailContact = (contact: string) => contactEmail.safeParse(contact).success;

/** Whether the thing a record describes exists: only `available` ones may get a findable DOI. */
export const RECORD_STATUSES = ['planned', 'in-preparation', 'available', 'deprecated', 'retracted'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** What every output says when no licence is recorded (the source states none): never left blank. */
export const LICENSE_UNKNOWN = 'unknown';

/** DataCite resourceTypeGeneral. */
export const RESOURCE_TYPES = DATACITE_VOCABULARY.resourceType;

/** Identifier schemes a related identifier may use (DataCite relatedIdentifierType plus physics ones). */
export const RELATED_ID_TYPES = [
  'DOI',
  'arXiv',
  'URL',
  'INSPIRE',
  'ILDG',
  'HEPData',
  'Handle',
  'ISBN',
  'ISSN',
  'PMID',
  'URN',
  'w3id',
  'bibcode',
  'RRID',
  'SWHID',
] as const;

/** DataCite relationType. */
export const RELATION_TYPES = DATACITE_VOCABULARY.relationType;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO-8601 date');
/** An issue date as precise as the source gives it: a year, a month, a day or a moment. */
export const partialDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/, 'must be an ISO-8601 date: YYYY, YYYY-MM, YYYY-MM-DD or a date-time');

export const orcidSchema = z
  .string()
  .refine((v) => parseOrcid(v) !== null, 'must be an ORCID iD with a valid check digit, e.g. 0000-0002-1825-0097')
  .transform((v) => parseOrcid(v)!);

export const rorSchema = z
  .string()
  .refine((v) => parseRor(v) !== null, 'must be a ROR id, e.g. https://ror.org/05gq02987')
  .transform((v) => parseRor(v)!);

export const licenseSchema = z
  .string()
  .refine((v) => v === LICENSE_UNKNOWN || spdx.has(v), `must be an SPDX license identifier, e.g. CC-BY-4.0, or '${LICENSE_UNKNOWN}'`);

export const creatorInput = z
  .object({
    name: z.string().trim().min(1).max(500),
    type: z.enum(['Person', 'Organization']).default('Person'),
    orcid: orcidSchema.optional(),
    ror: rorSchema.optional(),
    affiliation: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

const checksum = z
  .object({
    algorithm: z.enum(['md5', 'sha1', 'sha256', 'sha512', 'adler32', 'crc32c']),
    value: z
      .string()
      .max(128)
      .regex(/^[0-9a-fA-F]+$/),
  })
  .strict();

const mediaType = z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type like application/x-hdf5');
const glob = z.string().trim().min(1).max(500);

/** Files inside an archive, by glob pattern (Croissant's FileSet: includes, excludes, encodingFormat). */
export const distributionContentsInput = z
  .object({
    title: z.string().trim().min(1).max(500).optional(),
    includes: z.array(glob).min(1).max(20).describe('glob patterns of the files, from the root of the archive, e.g. events/*.h5'),
    excludes: z.array(glob).max(20).optional(),
    mediaType: mediaType.describe('the media type of those files'),
  })
  .strict();

/** A copy of a distribution's bytes at a named site (GET /sites lists them); the site's own checksum, when it states one. */
export const replicaInput = z
  .object({
    url: allowedUrl,
    site: z.string().regex(slugPattern, 'must be a site id (GET /sites)').optional().describe('the site that holds the replica; none: the origin'),
    checksum: checksum
      .optional()
      .describe("the checksum the site states; it must agree with the distribution's and every other replica's of the same algorithm"),
  })
  .strict();

export const distributionInput = z
  .object({
    title: z.string().max(500).optional(),
    urls: z.array(allowedUrl).min(1).max(MAX_REPLICAS).optional().describe('download or access URLs; more than one for mirrors (or give replicas)'),
    replicas: z
      .array(replicaInput)
      .min(1)
      .max(MAX_REPLICAS)
      .optional()
      .describe('the copies of the file at named sites, in order of preference (instead of urls)'),
    kind: z.enum(['download', 'access']).default('download'),
    mediaType: mediaType.optional(),
    format: z.string().max(100).optional(),
    sizeBytes: bigCount.optional(),
    checksum: checksum.optional(),
    contents: z.array(distributionContentsInput).min(1).max(20).optional().describe('for an archive: the sets of files inside it'),
    lfn: z
      .string()
      .trim()
      .max(2000)
      .regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must be an ILDG logical file name (lfn://… or mc://…)')
      .optional()
      .describe("the ILDG logical file name of this file (a gauge configuration of the record's ensemble): /resolve/lfn://… answers its best replica"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (!d.urls === !d.replicas) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'give either urls or replicas' });
  })
  // One shape for everything downstream: urls are the replicas' URLs, in order.
  .transform(({ urls, replicas, ...d }) => ({ ...d, urls: urls ?? replicas!.map((r) => r.url), replicas: replicas ?? urls!.map((url) => ({ url })) }));

export const relatedIdentifierInput = z
  .object({
    type: z.enum(RELATED_ID_TYPES),
    value: z.string().trim().min(1).max(2000),
    relation: z.enum(RELATION_TYPES),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === 'URL' && !isAllowedUrl(v.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: URL_REFUSED });
  })
  // A Markov chain joins the identifier graph in the spelling an ensemble block stores it in.
  .transform(relatedInNormalForm);

const datasetFields = {
  title: z.string().trim().min(1).max(1000),
  description: z.string().trim().min(1).max(100_000),
  tier: z.number().int().min(0).max(9),
  alsoInTiers: z.array(z.number().int().min(0).max(9)).max(10).optional().describe('other tiers the record belongs to'),
  dataType: z.enum(DATA_TYPES),
  license: licenseSchema,
  creators: z.array(creatorInput).min(1).max(1000),
  contributors: z.array(creatorInput).max(1000).optional(),
  resourceType: z.enum(RESOURCE_TYPES).optional(),
  keywords: z.array(z.string().trim().min(1).max(200)).max(200).optional(),
  domain: z.string().trim().min(1).max(200).optional().describe('a domain of the ontology: its IRI, notation, label or alternative label'),
  alsoInDomains: z.array(z.string().trim().min(1).max(200)).max(19).optional().describe('other domains the record belongs to'),
  status: z.enum(RECORD_STATUSES).optional().describe('default available'),
  issued: partialDate.optional().describe("the source's own issue date, when known (as precise as known)"),
  formats: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  observables: z.array(allowedUrl.describe('observable IRI')).max(500).optional(),
  distributions: z.array(distributionInput).max(1000).optional(),
  relatedIdentifiers: z.array(relatedIdentifierInput).max(1000).optional(),
  visibility: z
    .enum(VISIBILITIES)
    .optional()
    .describe(
      'public: the metadata is findable by everyone; private: only the owner, the groups the record is shared with, and admins see it. Default public, except private for a record created with accessLevel restricted and no visibility',
    ),
  accessLevel: z
    .enum(ACCESS_LEVELS)
    .optional()
    .describe('who may get the files: open, embargoed (until embargoUntil), restricted (holders of the record only)'),
  embargoUntil: isoDate.optional(),
  accessConditions: z.string().trim().min(1).max(5000).optional().describe('how to obtain files that are not open (schema.org conditionsOfAccess)'),
  accessContact: accessContactSchema.optional(),
  version: z.string().trim().min(1).max(100).optional().describe('a version label such as "1.2"; numbering is femto\'s'),
  publisher: z.string().trim().min(1).max(500).optional(),
  sizeBytes: bigCount.optional(),
  recordCount: bigCount.optional(),
  datasheet: datasheetSchema.optional(),
  modelCard: modelCardBody.nullable().optional().describe('the model card (Mitchell et al.) of a record whose resourceType is Model; null removes it'),
  ensemble: ensembleInput.nullable().optional().describe('a lattice QCD ensemble (ILDG Markov chain); null removes it'),
  collision: collisionInput.nullable().optional().describe('the collisions of detector data; null removes it'),
};

const embargoRule = <T extends { accessLevel?: string; embargoUntil?: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.accessLevel === 'embargoed' && !v.embargoUntil) {
    ctx.addIssue({ code: 'custom', path: ['embargoUntil'], message: 'is required when accessLevel is embargoed' });
  }
};

/** A model card describes a model: only a record whose resourceType is Model carries one. */
export const MODEL_CARD_NEEDS_MODEL = 'only a record with resourceType Model has a model card';
export const modelCardMisplaced = (v: { resourceType?: string | null; modelCard?: unknown }) => v.modelCard != null && v.resourceType !== 'Model';

export const createDatasetBody = z
  .object({ id: z.string().regex(slugPattern, 'must be a lowercase slug [a-z0-9-]').optional(), ...datasetFields })
  .strict()
  .superRefine(embargoRule)
  .superRefine((v, ctx) => {
    if (modelCardMisplaced(v)) ctx.addIssue({ code: 'custom', path: ['modelCard'], message: MODEL_CARD_NEEDS_MODEL });
  });

export const patchDatasetBody = z
  .object(datasetFields)
  .partial()
  .strict()
  .superRefine(embargoRule)
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');

/** Who holds a record (admin): its owner, and the groups (collaborations) it is shared with, replacing those it had. */
export const sharingBody = z
  .object({
    owner: z.string().regex(slugPattern, 'must be a user id').optional().describe('the user who owns the record (default: unchanged)'),
    groups: z.array(z.string().regex(slugPattern, 'must be a group id')).max(100).describe('every group the record is shared with; [] shares it with none'),
  })
  .strict();
export const sharingRecord = z.object({ owner: z.string().nullable(), groups: z.array(z.string()) });

export type SharingInput = z.infer<typeof sharingBody>;
export type CreateDatasetInput = z.infer<typeof createDatasetBody>;
export type PatchDatasetInput = z.infer<typeof patchDatasetBody>;
export type CreatorInput = z.infer<typeof creatorInput>;

export type ReplicaInput = z.infer<typeof replicaInput>;
/** A distribution as a version holds it: importers that know no sites give urls alone (each an origin replica). */
export type DistributionContent = Omit<z.infer<typeof distributionInput>, 'replicas'> & { replicas?: ReplicaInput[] };

/** What a version holds, whichever way it came in (REST, catalog, import). */
export interface VersionContent {
  title: string;
  description: string;
  tier?: number | null;
  alsoInTiers?: number[];
  dataType?: (typeof DATA_TYPES)[number] | null;
  license?: string | null;
  creators: CreatorInput[];
  contributors?: CreatorInput[];
  resourceType?: (typeof RESOURCE_TYPES)[number];
  keywords?: string[];
  /** An ontology domain IRI once the datasets service resolved it. */
  domain?: string | null;
  alsoInDomains?: string[];
  status?: RecordStatus;
  issued?: string | null;
  formats?: string[];
  observables?: string[];
  distributions?: DistributionContent[];
  relatedIdentifiers?: z.infer<typeof relatedIdentifierInput>[];
  visibility?: (typeof VISIBILITIES)[number];
  accessLevel?: (typeof ACCESS_LEVELS)[number];
  embargoUntil?: string | null;
  accessConditions?: string | null;
  accessContact?: string | null;
  version?: string | null;
  publisher?: string | null;
  sizeBytes?: number | null;
  recordCount?: number | null;
  datasheet?: Datasheet | null;
  annotations?: Record<string, unknown> | null;
  modelCard?: ModelCardInput | null;
  ensemble?: EnsembleInput | null;
  collision?: CollisionInput | null;
}

// ---- output ----

export const agentOut = z.object({
  agentId: z.string(),
  name: z.string(),
  type: z.enum(['Person', 'Organization', 'Software']),
  orcid: z.string().nullable(),
  ror: z.string().nullable(),
  affiliation: z.string().nullable(),
});

export const replicaOut = z.object({
  url: z.string(),
  site: z.string().nullable().describe('the site that holds it (GET /sites); null: the origin'),
  protocol: z.string().describe("the URL's scheme: https, root, s3, ..."),
  checksum: z.object({ algorithm: z.string(), value: z.string() }).nullable().describe('the checksum the site states'),
});

export const distributionOut = z.object({
  title: z.string().nullable(),
  urls: z.array(z.string()).describe('empty while the caller may not get the files (restricted, or under an active embargo)'),
  replicas: z.array(replicaOut).describe('where each URL is: its site, protocol and checksum (empty with urls)'),
  kind: z.enum(['download', 'access']),
  mediaType: z.string().nullable(),
  format: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  checksum: z.object({ algorithm: z.string(), value: z.string() }).nullable(),
  contents: z.array(distributionContentsInput).describe('for an archive: the sets of files inside it (empty when not stated)'),
  lfn: z.string().nullable().describe('the ILDG logical file name of the file; null with urls while the caller may not get the files'),
});

export const datasetRecord = z.object({
  id: z.string(),
  version: z.number().int().nullable().describe('null for a draft'),
  state: z.enum(['draft', 'published']),
  versionLabel: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  tier: z.number().int().nullable(),
  alsoInTiers: z.array(z.number().int()),
  domain: z.string().nullable().describe('IRI of a domain of the ontology (GET /ontology)'),
  alsoInDomains: z.array(z.string()),
  dataType: z.string().nullable(),
  resourceType: z.string(),
  status: z.enum(RECORD_STATUSES),
  issued: z.string().nullable().describe("the source's issue date; null when not known"),
  license: z.string().describe(`an SPDX id, or '${LICENSE_UNKNOWN}' when none is recorded`),
  visibility: z.enum(VISIBILITIES),
  accessLevel: z.enum(ACCESS_LEVELS),
  embargoUntil: z.string().nullable(),
  accessConditions: z.string().nullable(),
  accessContact: z.string().nullable(),
  publisher: z.string().nullable().describe('who publishes the data; null when the source names none (femto only hosts the record)'),
  sizeBytes: z.number().nullable(),
  recordCount: z.number().nullable(),
  creators: z.array(agentOut),
  contributors: z.array(agentOut),
  keywords: z.array(z.string()),
  formats: z.array(z.string()),
  observables: z.array(z.string()),
  distributions: z.array(distributionOut),
  relatedIdentifiers: z.array(z.object({ type: z.string(), value: z.string(), relation: z.string() })),
  datasheet: datasheetSchema.nullable(),
  annotations: z.record(z.string(), z.unknown()).nullable(),
  modelCard: modelCardBody.nullable().describe('the model card of a Model record, as stored (GET /models/{id}/card adds what femto knows)'),
  ensemble: ensembleOut.nullable().describe('the lattice QCD ensemble the version describes, with the configurations recorded under its Markov chain URI'),
  collision: collisionOut.nullable().describe('the collisions of detector data'),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
});

export type DatasetRecord = z.infer<typeof datasetRecord>;

/** A record as REST returns it: extension modules (DOI, gates) add their fields, hence loose. */
export const datasetResponse = datasetRecord.extend({ links: z.record(z.string(), z.string()) }).loose();
