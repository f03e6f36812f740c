import type { DatasetRecord } from '../datasets/datasets.schema.js';
import { abstractOf, agentOfDatacite, primaryTitle, spdxOfRights } from './serializers/datacite-parse.js';
import type { DataciteAttributes, DataciteName } from './serializers/datacite.js';

/**
 * What every format says about one dataset version: its record, with the metadata a curator set on the version's
 * public (findable) DOI taking precedence property by property. A DOI is the registered, citable statement about
 * the version — what doi.org, DataCite and every citation show — so the landing page, schema.org, DCAT, OAI-PMH
 * and the citation formats say the same. The dataset record fills whatever the DOI leaves unsaid. A draft or
 * registered DOI is not public yet and changes nothing here.
 */
export type DescribedRecord = DatasetRecord & {
  publisher: string;
  /** Four digits: DataCite's publicationYear. */
  publicationYear: string;
  /** When the version was issued: its publication time, or only the year when the DOI states another year. */
  issued: string;
};

const agent = (n: DataciteName): DatasetRecord['creators'][number] => {
  const a = agentOfDatacite(n);
  return { agentId: '', name: a.name, type: a.type, orcid: a.orcid ?? null, ror: a.ror ?? null, affiliation: a.affiliation ?? null };
};

/** The description of a version; `doi` is what the client set on its findable DOI (empty when it has none). */
export function describeRecord(record: DatasetRecord, doi: DataciteAttributes, defaultPublisher: string): DescribedRecord {
  const published = record.publishedAt ?? record.createdAt;
  const year = doi.publicationYear != null ? String(doi.publicationYear) : published.slice(0, 4);
  const title = primaryTitle(doi);
  const abstract = abstractOf(doi);
  return {
    ...record,
    ...(title ? { title } : {}),
    ...(abstract ? { description: abstract } : {}),
    ...(doi.creators?.length ? { creators: doi.creators.map(agent) } : {}),
    ...(doi.contributors ? { contributors: doi.contributors.map(agent) } : {}),
    ...(doi.types?.resourceTypeGeneral ? { resourceType: doi.types.resourceTypeGeneral } : {}),
    ...(doi.rightsList ? { license: spdxOfRights(doi.rightsList) ?? null } : {}),
    ...(doi.version ? { versionLabel: String(doi.version) } : {}),
    publisher: doi.publisher?.name ?? record.publisher ?? defaultPublisher,
    publicationYear: year,
    issued: year === published.slice(0, 4) ? published : year,
  };
}
