import { LICENSE_UNKNOWN, type DatasetRecord } from '../datasets/datasets.schema.js';
import { abstractOf, agentOfDatacite, primaryTitle, spdxOfRights } from './serializers/datacite-parse.js';
import type { DataciteAttributes, DataciteName } from './serializers/datacite.js';

/**
 * What every format says about one dataset version: its record, with the metadata a curator set on the version's
 * public (findable) DOI taking precedence property by property. A DOI is the registered, citable statement about
 * the version — what doi.org, DataCite and every citation show — so the landing page, schema.org, DCAT, OAI-PMH
 * and the citation formats say the same. The dataset record fills whatever the DOI leaves unsaid. A draft or
 * registered DOI is not public yet and changes nothing here. Nothing is filled in that neither says: no publisher
 * (femto hosts records and publishes none of them), no issue date.
 */
export type DescribedRecord = DatasetRecord & {
  /**
   * DataCite's publicationYear (four digits, mandatory there): the year the version was issued when that is
   * known, else the year femto made the record available. Citations give `issued`, not this.
   */
  publicationYear: string;
};

const agent = (n: DataciteName): DatasetRecord['creators'][number] => {
  const a = agentOfDatacite(n);
  return { agentId: '', name: a.name, type: a.type, orcid: a.orcid ?? null, ror: a.ror ?? null, affiliation: a.affiliation ?? null };
};

/**
 * When a version was issued: the source's own date; else, for a version with a findable DOI femto registered,
 * the year the DOI states when it differs from the version's publication here, or that publication (the DOI
 * issued it). A record without either has no known issue date.
 */
function issuedOf(record: DatasetRecord, doi: DataciteAttributes | undefined): string | null {
  if (record.issued) return record.issued;
  if (!doi) return null;
  const published = record.publishedAt ?? record.createdAt;
  const year = doi.publicationYear != null ? String(doi.publicationYear) : published.slice(0, 4);
  return year === published.slice(0, 4) ? published : year;
}

/** The description of a version; `doi` is what the client set on its findable DOI (undefined when it has none). */
export function describeRecord(record: DatasetRecord, doi?: DataciteAttributes): DescribedRecord {
  const a = doi ?? {};
  const title = primaryTitle(a);
  const abstract = abstractOf(a);
  const issued = issuedOf(record, doi);
  const license = a.rightsList ? spdxOfRights(a.rightsList) : undefined;
  return {
    ...record,
    ...(title ? { title } : {}),
    ...(abstract ? { description: abstract } : {}),
    ...(a.creators?.length ? { creators: a.creators.map(agent) } : {}),
    ...(a.contributors ? { contributors: a.contributors.map(agent) } : {}),
    ...(a.types?.resourceTypeGeneral ? { resourceType: a.types.resourceTypeGeneral } : {}),
    ...(a.rightsList ? { license: license ?? LICENSE_UNKNOWN } : {}),
    ...(a.version ? { versionLabel: String(a.version) } : {}),
    publisher: a.publisher?.name ?? record.publisher,
    issued,
    publicationYear: (issued ?? record.publishedAt ?? record.createdAt).slice(0, 4),
  };
}
