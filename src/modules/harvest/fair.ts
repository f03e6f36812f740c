import { z } from 'zod';
import { LICENSE_UNKNOWN } from '../datasets/datasets.schema.js';
import type { HarvestItem, SerializerContext } from './harvest.service.js';
import { policyCompliance, type PolicyCompliance } from '../policies/policies.schema.js';
import { doiUrl } from './harvest.urls.js';
import { datasheetCompleteness } from '../datasets/datasheet.js';

export const fairMetric = z.object({
  metric: z.string().describe("F-UJI metric id, e.g. 'FsF-F1-01D', or femto's own ('femto-…')"),
  name: z.string(),
  status: z.enum(['pass', 'partial', 'fail']),
  score: z.object({ earned: z.number(), total: z.number() }),
  evidence: z.array(z.string()).describe('what femto looked at and found'),
  fix: z.string().nullable().describe('what a curator can change to earn the rest'),
});

export const fairReport = z.object({
  dataset: z.string(),
  version: z.number().int().nullable(),
  score: z.object({ earned: z.number(), total: z.number() }),
  metrics: z.array(fairMetric),
  policy: policyCompliance.describe(
    'the publication policies that govern the record (FEMTO_POLICY_DIR, FEMTO_GATE_POLICY), and whether it meets each: at publish, and for a findable DOI',
  ),
});

export type FairMetric = z.infer<typeof fairMetric>;

/** File formats physics communities and FAIR assessors count as open and long-lived. */
const OPEN_FORMATS = /hdf5|\bh5\b|netcdf|\bnc\b|fits|csv|tsv|json|yaml|xml|parquet|root|zarr|ildg|lime|text\/plain|png|tiff|npy|npz|arrow|sqlite/i;

function metric(metric: string, name: string, checks: [boolean, string, string?][]): FairMetric {
  const earned = checks.filter(([ok]) => ok).length;
  const fixes = checks.filter(([ok, , fix]) => !ok && fix).map(([, , fix]) => fix!);
  return {
    metric,
    name,
    status: earned === checks.length ? 'pass' : earned === 0 ? 'fail' : 'partial',
    score: { earned, total: checks.length },
    evidence: checks.map(([ok, what]) => `${ok ? 'found' : 'missing'}: ${what}`),
    fix: fixes.length ? fixes.join(' ') : null,
  };
}

/**
 * F-UJI has no metric for documentation written for machine learning; R1 ("richly described with a plurality of
 * relevant attributes") is where a datasheet (Gebru et al.) belongs: one check per section answered.
 */
function datasheetMetric(item: HarvestItem, ctx: SerializerContext): FairMetric {
  const c = datasheetCompleteness(item.record.datasheet);
  const where = `${ctx.urls.dataset(item.record.id)}/datasheet`;
  return metric(
    'femto-R1-datasheet',
    'Data is documented by a datasheet for datasets (Gebru et al.)',
    c.bySection.map((s) => [
      s.answered,
      `datasheet section '${s.title}' (${s.questions.answered} of ${s.questions.total} questions answered)`,
      `Answer the datasheet section '${s.title}' (PUT ${where}).`,
    ]),
  );
}

/**
 * A self-assessment after F-UJI's metrics (FsF-F1-01D ... FsF-R1.3-02D), computed from the
 * record and from what femto serves for it, so a curator sees what to fix before harvesting.
 */
export function fairAssessment(item: HarvestItem, ctx: SerializerContext, served: readonly { mediaType: string }[], policy: PolicyCompliance) {
  const r = item.record;
  const landing = ctx.urls.version(r.id, r.version);
  const urls = r.distributions.flatMap((d) => d.urls);
  const types = served.map((s) => s.mediaType);
  const formats = [...r.formats, ...r.distributions.map((d) => d.mediaType ?? d.format ?? '')].filter(Boolean);
  const metrics = [
    metric('FsF-F1-01D', 'Data is assigned a globally unique identifier', [
      [true, `landing page IRI ${landing}`],
      [!!item.citeAsDoi, item.citeAsDoi ? `DOI ${item.citeAsDoi}` : 'a DOI', 'Register a DOI (POST /dois).'],
    ]),
    metric('FsF-F1-02D', 'Data is assigned a persistent identifier', [
      [!!item.citeAsDoi, item.citeAsDoi ? `resolvable DOI ${doiUrl(item.citeAsDoi)}` : 'a persistent identifier (DOI)', 'Make the DOI findable.'],
    ]),
    metric('FsF-F2-01M', 'Metadata includes descriptive core elements', [
      [!!r.title, 'title'],
      [r.description.length >= 50, 'a description of at least 50 characters', 'Write a longer description.'],
      [r.creators.length > 0, 'creators', 'Name the creators.'],
      [!!r.publisher, 'publisher', 'State the publisher.'],
      [!!r.publishedAt, 'publication date'],
      [r.keywords.length > 0, 'keywords', 'Add keywords.'],
    ]),
    metric('FsF-F3-01M', 'Metadata includes the identifier of the data', [
      [
        urls.length > 0,
        urls.length ? `${urls.length} distribution URL(s)` : 'distribution URLs',
        item.embargoed ? 'URLs appear when the embargo ends.' : 'Add distributions with their URLs.',
      ],
    ]),
    metric('FsF-F4-01M', 'Metadata can be retrieved in a way that supports discovery', [
      [true, `schema.org JSON-LD embedded in the landing page and listed in ${ctx.urls.sitemap}`],
      [true, `OAI-PMH at ${ctx.urls.oai} and the DCAT catalog at ${ctx.urls.catalog}`],
    ]),
    metric('FsF-A1-01M', 'Metadata contains access level and access conditions', [
      [true, `access level '${r.accessLevel}'${r.embargoUntil ? ` until ${r.embargoUntil}` : ''}`],
    ]),
    metric('FsF-A1-02M', 'Metadata is accessible through a standardized communication protocol', [
      [/^https?:/.test(landing), `HTTP(S) landing page ${landing}`],
    ]),
    metric('FsF-A1-03D', 'Data is accessible through a standardized communication protocol', [
      [
        urls.length > 0 && urls.every((u) => /^(https?|ftp|s3|root|xroot|gsiftp|davs?):/i.test(u)),
        urls.length ? 'standard protocols in every distribution URL' : 'distribution URLs',
        'Serve the files over HTTP(S) or another standard protocol.',
      ],
    ]),
    metric('FsF-A2-01M', 'Metadata remains available even if the data is no longer available', [
      [!!item.doi, item.doi ? 'a DOI: withdrawal leaves a tombstone page' : 'a DOI, whose withdrawal would leave a tombstone', 'Register a DOI.'],
    ]),
    metric('FsF-I1-01M', 'Metadata is represented using a formal knowledge representation language', [
      [types.some((t) => /ld\+json|turtle/.test(t)), `served as ${types.filter((t) => /ld\+json|turtle|rdf/.test(t)).join(', ')}`],
    ]),
    metric('FsF-I2-01M', 'Metadata uses semantic resources', [
      [true, 'schema.org, DCAT 3 and PROV-O vocabularies'],
      [r.observables.length > 0, 'observables as ontology IRIs', 'Link the observables measured (ontology IRIs).'],
    ]),
    metric('FsF-I3-01M', 'Metadata includes links between the data and its related entities', [
      [r.relatedIdentifiers.length > 0, `${r.relatedIdentifiers.length} related identifier(s)`, 'Add related identifiers (papers, software, upstream DOIs).'],
      [
        item.generatedBy.length + item.downstream.length > 0,
        'derivation steps (prov:wasGeneratedBy / prov:used)',
        'Record the derivation steps (POST /activities).',
      ],
    ]),
    metric('FsF-R1-01MD', 'Metadata specifies the content of the data', [
      [!!r.dataType || r.resourceType !== 'Dataset', 'resource or data type'],
      [r.observables.length > 0, 'variables measured', 'List the observables measured.'],
      [r.sizeBytes != null || r.distributions.some((d) => d.sizeBytes != null), 'size', 'State the size.'],
      [formats.length > 0, 'file formats', 'State the file formats.'],
    ]),
    datasheetMetric(item, ctx),
    metric('FsF-R1.1-01M', 'Metadata includes license information', [
      [
        r.license !== LICENSE_UNKNOWN,
        r.license !== LICENSE_UNKNOWN ? `SPDX licence ${r.license}` : 'a licence (unknown: none is recorded)',
        'Choose an SPDX licence.',
      ],
    ]),
    metric('FsF-R1.2-01M', 'Metadata includes provenance information', [
      [r.creators.length > 0, 'creators', 'Name the creators.'],
      [!!r.publishedAt, 'publication date'],
      [item.generatedBy.length > 0, 'the step that generated this version', 'Record how the data was produced (POST /activities).'],
    ]),
    metric('FsF-R1.3-01M', 'Metadata follows a standard recommended by the community', [
      [true, `DataCite kernel-4 via OAI-PMH, schema.org and DCAT (${types.length} representations)`],
    ]),
    metric('FsF-R1.3-02D', 'Data is available in a file format recommended by the community', [
      [
        formats.some((f) => OPEN_FORMATS.test(f)),
        formats.length ? `formats ${formats.join(', ')}` : 'an open file format',
        'Offer the data in an open format (HDF5, NetCDF, FITS, CSV, Parquet, ROOT, ...).',
      ],
    ]),
  ];
  const earned = metrics.reduce((n, m) => n + m.score.earned, 0);
  const total = metrics.reduce((n, m) => n + m.score.total, 0);
  return { dataset: r.id, version: r.version, score: { earned, total }, metrics, policy };
}
