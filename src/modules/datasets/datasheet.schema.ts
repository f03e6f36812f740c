import { z } from 'zod';
import { allowedUrl } from '../../lib/urls.js';

/**
 * Datasheets for datasets (Gebru et al., Communications of the ACM 64(12), 2021, doi:10.1145/3458723): the seven
 * sections of questions a dataset's creators answer, each a structured object of free text (`summary`, the section in
 * the curator's words and any other comments) and the questions of the paper, typed where an answer has a shape
 * (counts, splits, yes/no flags, lists, dates, URLs, a contact). Every answer is optional: an unanswered question is
 * shown as unanswered, never filled in.
 */

export const DATASHEET_DOI = '10.1145/3458723';

const answer = z.string().trim().min(1).max(20_000);
const items = z.array(z.string().trim().min(1).max(2_000)).min(1).max(100);
const isoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be an ISO-8601 date: YYYY, YYYY-MM or YYYY-MM-DD');
const count = z.number().int().nonnegative();

export const motivationSection = z
  .object({
    summary: answer,
    purpose: answer.describe('For what purpose was the dataset created? Was there a specific task in mind, a gap to fill?'),
    creators: answer.describe('Who created the dataset, and on behalf of which entity?'),
    funding: answer.describe('Who funded the creation of the dataset?'),
  })
  .partial()
  .strict();

export const splitSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    instances: count.optional(),
    description: z.string().trim().min(1).max(2_000).optional(),
  })
  .strict();

export const compositionSection = z
  .object({
    summary: answer,
    instances: answer.describe('What do the instances that comprise the dataset represent?'),
    instanceCount: count.describe('How many instances are there in total?'),
    sampling: answer.describe('Does the dataset contain all possible instances, or is it a sample of a larger set?'),
    instanceContents: answer.describe('What data does each instance consist of?'),
    labels: answer.describe('Is there a label or target associated with each instance?'),
    missingInformation: answer.describe('Is any information missing from individual instances?'),
    relationships: answer.describe('Are relationships between individual instances made explicit?'),
    splits: z.array(splitSchema).min(1).max(50).describe('Are there recommended data splits (training, validation, testing)?'),
    errorsAndNoise: answer.describe('Are there any errors, sources of noise, or redundancies in the dataset?'),
    externalResources: answer.describe('Is the dataset self-contained, or does it rely on external resources?'),
    confidentialData: z.boolean().describe('Does the dataset contain data that might be considered confidential?'),
    offensiveContent: z.boolean().describe('Does the dataset contain data that might be offensive, insulting or threatening?'),
    identifiesPeople: z.boolean().describe('Is it possible to identify individuals, directly or indirectly?'),
    sensitiveData: z.boolean().describe('Does the dataset contain sensitive personal data (health, beliefs, location, ...)?'),
    sensitiveDataDetails: answer.describe('What confidential, sensitive or personal data, and how is it protected?'),
  })
  .partial()
  .strict();

export const collectionSection = z
  .object({
    summary: answer,
    acquisition: answer.describe('How was the data associated with each instance acquired (observed, simulated, reported, inferred)?'),
    mechanisms: answer.describe('What mechanisms or procedures were used to collect the data (apparatus, sensors, software), and how were they validated?'),
    samplingStrategy: answer.describe('If the dataset is a sample, what was the sampling strategy?'),
    collectors: answer.describe('Who was involved in the data collection process?'),
    timeframe: z
      .object({ start: isoDate, end: isoDate, description: z.string().trim().min(1).max(2_000) })
      .partial()
      .strict()
      .refine((v) => Object.keys(v).length > 0, 'must state a start, an end or a description')
      .describe('Over what timeframe was the data collected?'),
    ethicalReview: answer.describe('Were any ethical review processes conducted?'),
    consent: answer.describe('If the data relates to people: were they notified, did they consent, can they revoke it?'),
  })
  .partial()
  .strict();

export const preprocessingSection = z
  .object({
    summary: answer,
    preprocessing: answer.describe('Was any preprocessing, cleaning or labelling of the data done?'),
    steps: items.describe('The preprocessing steps, in order'),
    labelling: answer.describe('How were labels or annotations produced?'),
    rawDataSaved: answer.describe('Was the raw data saved in addition to the preprocessed data?'),
    rawDataUrl: allowedUrl.describe('Where the raw data is'),
    software: answer.describe('Is the software used to preprocess, clean or label the data available?'),
    softwareUrl: allowedUrl.describe('Where that software is'),
  })
  .partial()
  .strict();

export const usesSection = z
  .object({
    summary: answer,
    priorUses: answer.describe('Has the dataset been used for any tasks already?'),
    usesRepository: allowedUrl.describe('A repository that links to papers or systems that use the dataset'),
    recommendedUses: items.describe('What (other) tasks could the dataset be used for?'),
    impactOnFutureUses: answer.describe('Is there anything about the composition, collection or preprocessing that might impact future uses?'),
    knownBiases: items.describe('Known biases of the data'),
    knownLimitations: items.describe('Known limitations of the data (generalisation limits, quality issues)'),
    outOfScopeUses: items.describe('Are there tasks for which the dataset should not be used?'),
    socialImpact: answer.describe('What social impact could the uses of the dataset have?'),
  })
  .partial()
  .strict();

export const distributionSection = z
  .object({
    summary: answer,
    thirdParties: answer.describe('Will the dataset be distributed to third parties outside the entity that created it?'),
    method: answer.describe('How will the dataset be distributed (download, API, DOI)?'),
    when: answer.describe('When will the dataset be distributed?'),
    licenseTerms: answer.describe('Under which copyright or IP licence and terms of use?'),
    thirdPartyRestrictions: answer.describe('Have third parties imposed IP-based or other restrictions on the data?'),
    exportControls: answer.describe('Do export controls or other regulatory restrictions apply?'),
  })
  .partial()
  .strict();

export const maintenanceSection = z
  .object({
    summary: answer,
    maintainer: answer.describe('Who will be supporting, hosting and maintaining the dataset?'),
    contact: z
      .object({ name: z.string().trim().min(1).max(500), email: z.email().max(320), url: allowedUrl })
      .partial()
      .strict()
      .refine((v) => Object.keys(v).length > 0, 'must state a name, an email address or a URL')
      .describe('How can the owner, curator or manager of the dataset be contacted?'),
    erratum: answer.describe('Is there an erratum?'),
    updatePolicy: answer.describe('Will the dataset be updated: how often, by whom, and how will updates be communicated?'),
    retention: answer.describe('If the data relates to people, are there limits on its retention?'),
    olderVersions: answer.describe('Will older versions continue to be supported, hosted and maintained?'),
    contributions: answer.describe('Is there a mechanism for others to extend, augment or contribute to the dataset?'),
  })
  .partial()
  .strict();

export const datasheetSections = {
  motivation: motivationSection,
  composition: compositionSection,
  collection: collectionSection,
  preprocessing: preprocessingSection,
  uses: usesSection,
  distribution: distributionSection,
  maintenance: maintenanceSection,
} as const;

export type SectionName = keyof typeof datasheetSections;
export const SECTION_NAMES = Object.keys(datasheetSections) as SectionName[];

/** Section titles as the paper names them. */
export const SECTION_TITLES: Record<SectionName, string> = {
  motivation: 'Motivation',
  composition: 'Composition',
  collection: 'Collection process',
  preprocessing: 'Preprocessing, cleaning and labelling',
  uses: 'Uses',
  distribution: 'Distribution',
  maintenance: 'Maintenance',
};

export const datasheetSchema = z
  .object({
    ...datasheetSections,
    notes: z
      .record(z.string().max(200), z.unknown())
      .refine((v) => Object.keys(v).length <= 100, 'holds at most 100 entries')
      .describe('Anything else, kept as given (answers stored before datasheets had sections land here)'),
  })
  .partial()
  .strict()
  .describe(`A datasheet for datasets (Gebru et al., doi:${DATASHEET_DOI}): seven sections of answers, every one optional`);

export type Datasheet = z.infer<typeof datasheetSchema>;
export type DatasheetSection<S extends SectionName> = z.infer<(typeof datasheetSections)[S]>;

const ratio = z.object({ answered: z.number().int(), total: z.number().int() });

export const datasheetCompletenessSchema = z.object({
  sections: ratio.describe('sections with at least one answer, of the seven'),
  questions: ratio,
  complete: z.boolean().describe('every section is answered (the "datasheet complete" rule of a publication policy)'),
  bySection: z.array(
    z.object({
      section: z.enum(Object.keys(datasheetSections) as [SectionName, ...SectionName[]]),
      title: z.string(),
      answered: z.boolean(),
      questions: ratio,
      missing: z.array(z.string()).describe('questions left unanswered'),
    }),
  ),
});

/** What GET and PUT /datasets/{id}/datasheet answer. */
export const datasheetAnswer = z.object({
  dataset: z.string(),
  version: z.number().int().nullable().describe('null for the draft'),
  state: z.enum(['draft', 'published']),
  datasheet: datasheetSchema,
  completeness: datasheetCompletenessSchema,
  links: z.object({ record: z.string(), self: z.string() }),
});
