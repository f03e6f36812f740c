import { normalizeDoi } from '../identifiers/doi.js';
import { LICENSE_UNKNOWN, type DatasetRecord, type RecordStatus } from './datasets.schema.js';

/**
 * What a record says about itself that every output format must say the same way: whether the
 * thing exists, whose it is, and which identifier it already has.
 */

const STATUS_SENTENCES: Record<RecordStatus, string> = {
  planned: 'Planned: this record describes data that is announced but does not exist yet.',
  'in-preparation': 'In preparation: the data is being produced and is not released yet.',
  available: 'Available: the data described exists.',
  deprecated: 'Deprecated: the data exists but should no longer be used.',
  retracted: 'Retracted: the data was withdrawn by its producers.',
};

export const statusSentence = (status: RecordStatus) => STATUS_SENTENCES[status];

/** The licence as a person should read it: the SPDX id, or a plain statement that none is recorded. */
export const licenseText = (r: Pick<DatasetRecord, 'license'>) =>
  r.license === LICENSE_UNKNOWN ? 'Licence unknown: none is recorded for this data.' : r.license;

/**
 * The record's own DOI, minted elsewhere (e.g. Zenodo's for a dataset femto catalogues): a DOI
 * related identifier the record is identical to. The record is cited by it and femto mints no second one.
 */
export function ownDoiOf(r: Pick<DatasetRecord, 'relatedIdentifiers'>): string | undefined {
  for (const x of r.relatedIdentifiers) {
    if (x.type === 'DOI' && x.relation === 'IsIdenticalTo') {
      const doi = normalizeDoi(x.value);
      if (doi) return doi;
    }
  }
  return undefined;
}
