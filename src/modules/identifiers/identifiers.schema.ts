import { z } from 'zod';

/** DataCite's state-changing events on a DOI (draft -> registered -> findable, findable -> registered by hiding). */
export const doiEvent = z.enum(['register', 'publish', 'hide']);
export type DoiEvent = z.infer<typeof doiEvent>;
import { FemtoError } from '../../errors.js';
import { DATACITE_VOCABULARY as V } from '../../lib/datacite-vocabulary.js';
import { allowedUrl } from '../../lib/urls.js';
import { parseDataciteXml } from './serializers/datacite-parse.js';

/**
 * What a /dois write may carry, checked against the kernel-4 vocabularies (the enumerations of the XSD femto
 * validates its XML with), so that no value DataCite would refuse is stored, published or harvested. Unknown
 * properties pass through untouched, as DataCite keeps them; every list and string is bounded.
 */
const text = (max = 10_000) => z.string().max(max);
const list = <T extends z.ZodType>(item: T, max = 1_000) => z.array(item).max(max);
const vocabulary = <K extends keyof typeof V>(name: K) => z.enum(V[name] as unknown as [string, ...string[]], { error: `is not a DataCite ${name}` });
/** xs:language (RFC 3066 shape), as the schema types xml:lang and <language>. */
const lang = z.string().regex(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/, 'is not a language tag (xs:language)');
const year = z
  .union([z.number().int(), z.string()])
  .transform(String)
  .pipe(z.string().regex(/^\d{4}$/, 'must be a four-digit year'));

const nameIdentifier = z.object({ nameIdentifier: text(2_000), nameIdentifierScheme: text(200).optional(), schemeUri: text(2_000).optional() }).loose();
const affiliation = z.union([text(2_000), z.object({ name: text(2_000).optional(), affiliationIdentifier: text(2_000).optional() }).loose()]);
const name = {
  name: text(2_000).optional(),
  nameType: vocabulary('nameType').optional(),
  givenName: text(2_000).optional(),
  familyName: text(2_000).optional(),
  lang: lang.optional(),
  nameIdentifiers: list(nameIdentifier, 100).optional(),
  affiliation: list(affiliation, 100).optional(),
};
const creator = z.object(name).loose();
const contributor = z.object({ ...name, contributorType: vocabulary('contributorType').optional() }).loose();
const title = z.object({ title: text(), titleType: vocabulary('titleType').optional(), lang: lang.optional() }).loose();

const relatedItem = z
  .object({
    relatedItemType: vocabulary('resourceType').optional(),
    relationType: vocabulary('relationType').optional(),
    relatedItemIdentifier: z
      .object({ relatedItemIdentifier: text(2_000).optional(), relatedItemIdentifierType: vocabulary('relatedIdentifierType').optional() })
      .loose()
      .optional(),
    creators: list(creator).optional(),
    contributors: list(contributor).optional(),
    titles: list(title, 100).optional(),
    publicationYear: year.optional(),
    numberType: vocabulary('numberType').optional(),
  })
  .loose();

const doiAttributesObject = z
  .object({
    doi: text(300).nullish(),
    prefix: text(100).nullish(),
    event: doiEvent.nullish(),
    url: allowedUrl.nullish(),
    types: z
      .object({ resourceTypeGeneral: vocabulary('resourceType').optional(), resourceType: text(500).optional() })
      .loose()
      .nullish(),
    creators: list(creator).nullish(),
    titles: list(title, 100).nullish(),
    // DataCite's own examples send the publisher as a plain string; kernel-4.5 JSON makes it an object.
    publisher: z.union([text(2_000).transform((n) => ({ name: n })), z.object({ name: text(2_000), lang: lang.optional() }).loose()]).nullish(),
    publicationYear: year.nullish(),
    subjects: list(z.object({ subject: text(2_000), lang: lang.optional() }).loose()).nullish(),
    contributors: list(contributor).nullish(),
    dates: list(z.object({ date: text(100), dateType: vocabulary('dateType') }).loose(), 100).nullish(),
    language: lang.nullish(),
    relatedIdentifiers: list(
      z
        .object({
          relatedIdentifier: text(2_000),
          relatedIdentifierType: vocabulary('relatedIdentifierType'),
          relationType: vocabulary('relationType'),
          resourceTypeGeneral: vocabulary('resourceType').optional(),
        })
        .loose(),
    ).nullish(),
    relatedItems: list(relatedItem, 100).nullish(),
    sizes: list(text(500), 100).nullish(),
    formats: list(text(500), 100).nullish(),
    version: z
      .union([z.number(), text(200)])
      .transform(String)
      .nullish(),
    rightsList: list(z.object({ lang: lang.optional() }).loose(), 100).nullish(),
    descriptions: list(z.object({ description: text(100_000), descriptionType: vocabulary('descriptionType'), lang: lang.optional() }).loose(), 100).nullish(),
    fundingReferences: list(z.object({ funderName: text(2_000), funderIdentifierType: vocabulary('funderIdentifierType').optional() }).loose(), 100).nullish(),
    geoLocations: list(z.record(z.string(), z.unknown()), 100).nullish(),
    /** DataCite XML (kernel-4), base64: read as the metadata, the other attributes taking precedence. */
    xml: z.string().max(2_000_000).nullish(),
  })
  .loose();

/**
 * DataCite payloads carry `null` for what is absent (`"language": null`, `"lang": null` inside a title). A
 * top-level null removes the property (kept for the service); a nested one is simply absent.
 */
function withoutNestedNulls(raw: unknown): unknown {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== null)
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  return raw && typeof raw === 'object' && !Array.isArray(raw)
    ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null ? null : strip(v)]))
    : raw;
}

export const doiAttributesInput = z.preprocess(withoutNestedNulls, doiAttributesObject);

export type DoiAttributesInput = z.infer<typeof doiAttributesInput>;

const ATTRIBUTES = '/data/attributes';

/** The metadata of the base64 `xml` attribute, or a 422 pointing at it. */
function fromXml(xml: string): Record<string, unknown> {
  try {
    const { doi: _doi, url: _url, ...metadata } = parseDataciteXml(Buffer.from(xml, 'base64').toString('utf8'));
    return metadata;
  } catch (err) {
    const message = `is not base64 DataCite XML: ${(err as Error).message}`;
    throw new FemtoError('DOI_INVALID_METADATA', `xml ${message}`, [{ pointer: `${ATTRIBUTES}/xml`, message }]);
  }
}

/**
 * A /dois write's attributes, normalized (publisher object, publicationYear string, `xml` read) and checked; a
 * value outside the DataCite vocabularies is a 422 naming the attribute, as DataCite answers.
 */
export function parseDoiAttributes(raw: Record<string, unknown>): DoiAttributesInput {
  const checked = doiAttributesInput.safeParse(raw);
  if (!checked.success) {
    const errors = checked.error.issues.map((i) => ({ pointer: `${ATTRIBUTES}/${i.path.join('/')}`, message: i.message }));
    throw new FemtoError('DOI_INVALID_METADATA', errors.map((e) => `${e.pointer.slice(ATTRIBUTES.length + 1)} ${e.message}`).join('; '), errors);
  }
  const { xml, ...attributes } = checked.data;
  return xml == null ? attributes : parseDoiAttributes({ ...fromXml(xml), ...attributes });
}
