import { answerText, DATASHEET_QUESTIONS, isAnswered, sectionText } from '../../datasets/datasheet.js';
import { DATASHEET_DOI, SECTION_NAMES, SECTION_TITLES, type Datasheet } from '../../datasets/datasheet.schema.js';
import { doiUrl } from '../harvest.urls.js';

type Json = Record<string, unknown>;

export const RAI = 'http://mlcommons.org/croissant/RAI/';

/** One value or many, as JSON-LD writes a property of cardinality MANY; undefined when there is nothing. */
const many = (values: (string | undefined)[]) => {
  const present = values.filter((v): v is string => !!v);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : present;
};

/**
 * The Croissant RAI vocabulary (mlcommons/croissant, docs/croissant-rai-spec.md, "RAI property information") filled
 * from the datasheet, each property from the answers that say what it asks; nothing where the datasheet is silent.
 * Keys are prefixed `rai:`, so the nodes mean the same in schema.org and Croissant documents.
 */
export function raiProperties(d: Datasheet | null | undefined): Json {
  if (!d) return {};
  const { composition: c = {}, collection: col = {}, preprocessing: p = {}, uses: u = {} } = d;
  const sensitive = (['confidentialData', 'identifiesPeople', 'sensitiveData', 'sensitiveDataDetails'] as const).filter((k) => isAnswered(c[k]));
  const props: Record<string, unknown> = {
    'rai:dataCollection': sectionText(d, 'collection') || undefined,
    'rai:dataCollectionTimeframe': many([col.timeframe?.start, col.timeframe?.end]),
    'rai:dataCollectionMissingData': c.missingInformation,
    'rai:dataPreprocessingProtocol': many([p.preprocessing, ...(p.steps ?? [])]),
    'rai:dataAnnotationProtocol': p.labelling,
    'rai:personalSensitiveInformation': sensitive.length
      ? sensitive.map((k) => `${DATASHEET_QUESTIONS.composition.find((q) => q.key === k)!.question} ${answerText(c[k])}`).join(' ')
      : undefined,
    'rai:dataUseCases': many(u.recommendedUses ?? []),
    'rai:dataBiases': many(u.knownBiases ?? []),
    'rai:dataLimitations': many([...(u.knownLimitations ?? []), ...(u.outOfScopeUses ?? []).map((x) => `Not for: ${x}`), u.impactOnFutureUses]),
    'rai:dataSocialImpact': u.socialImpact,
    'rai:dataReleaseMaintenancePlan': sectionText(d, 'maintenance') || undefined,
  };
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

/** IRI of one datasheet question: femto:datasheet.<section>.<question> (documented in ontologies/femto.ttl). */
export const questionIri = (section: string, key: string) => `https://w3id.org/femto/ns#datasheet.${section}.${key}`;

const scalar = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : answerText(v);

/**
 * The whole datasheet as a femto:Datasheet node (schema.org document): one femto:DatasheetSection per answered
 * section, each answer a schema:PropertyValue naming its question (propertyID, the question's femto IRI).
 */
export function datasheetNode(d: Datasheet | null | undefined): Json | undefined {
  if (!d) return undefined;
  const sections = SECTION_NAMES.flatMap((section) => {
    const answers = (d[section] ?? {}) as Record<string, unknown>;
    const answered = DATASHEET_QUESTIONS[section].filter((q) => isAnswered(answers[q.key]));
    if (!answered.length) return [];
    const node = {
      '@type': 'femto:DatasheetSection',
      name: SECTION_TITLES[section],
      additionalProperty: answered.map((q) => ({
        '@type': 'PropertyValue',
        propertyID: questionIri(section, q.key),
        name: q.label,
        description: q.question,
        value: scalar(answers[q.key]),
      })),
    };
    return [[`femto:${section}`, node] as const];
  });
  if (!sections.length) return undefined;
  return { '@type': 'femto:Datasheet', 'dct:conformsTo': { '@id': doiUrl(DATASHEET_DOI) }, ...Object.fromEntries(sections) };
}
