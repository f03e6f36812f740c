/**
 * DataCite's resourceTypeGeneral in the other vocabularies femto writes, after DataCite's own crosswalk (its
 * bolognese / commonmeta libraries: DC_TO_SO_TRANSLATIONS, DC_TO_RIS_TRANSLATIONS), so that every format of a
 * record states the type its DataCite metadata does.
 */
const SCHEMA_ORG: Record<string, string> = {
  Audiovisual: 'MediaObject',
  Book: 'Book',
  BookChapter: 'Chapter',
  Collection: 'Collection',
  ComputationalNotebook: 'SoftwareSourceCode',
  ConferencePaper: 'Article',
  ConferenceProceeding: 'Periodical',
  DataPaper: 'Article',
  Dataset: 'Dataset',
  Dissertation: 'Thesis',
  Event: 'Event',
  Image: 'ImageObject',
  Journal: 'Periodical',
  JournalArticle: 'ScholarlyArticle',
  PeerReview: 'Review',
  Report: 'Report',
  Service: 'Service',
  Software: 'SoftwareSourceCode',
  Sound: 'AudioObject',
  Text: 'ScholarlyArticle',
  Other: 'CreativeWork',
};

const RIS: Record<string, string> = {
  Audiovisual: 'MPCT',
  Book: 'BOOK',
  BookChapter: 'CHAP',
  ComputationalNotebook: 'COMP',
  ConferencePaper: 'CPAPER',
  ConferenceProceeding: 'CONF',
  Dataset: 'DATA',
  Dissertation: 'THES',
  Image: 'FIGURE',
  JournalArticle: 'JOUR',
  Preprint: 'RPRT',
  Report: 'RPRT',
  Software: 'COMP',
  Sound: 'SOUND',
  Text: 'RPRT',
};

/**
 * schema.org types of a catalog entry: always Dataset (what a dataset catalog and Google Dataset Search read),
 * plus the type DataCite's crosswalk gives when it is another one.
 */
export function schemaOrgTypes(resourceTypeGeneral: string): string | string[] {
  const mapped = SCHEMA_ORG[resourceTypeGeneral];
  return !mapped || mapped === 'Dataset' ? 'Dataset' : ['Dataset', mapped];
}

/** RIS reference type (TY); GEN where DataCite's crosswalk names none. */
export const risType = (resourceTypeGeneral: string | undefined) => RIS[resourceTypeGeneral ?? ''] ?? 'GEN';
