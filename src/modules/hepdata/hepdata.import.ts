import { basename } from 'node:path';
import { FemtoError } from '../../errors.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { isAllowedUrl } from '../../lib/urls.js';
import { RELATED_ID_TYPES, type VersionContent } from '../datasets/datasets.schema.js';
import type { Importer } from '../imports/imports.schema.js';
import type { OntologyService } from '../ontology/ontology.service.js';
import { importedId } from '../prov/imported.js';
import { MAPPED_OBSERVABLES } from './hepdata.keywords.js';
import type { HepdataTable } from './hepdata.schema.js';
import type { HepdataService } from './hepdata.service.js';
import { readSubmission, YAML_MAX_BYTES, YAML_MAX_NODES, type ReadSubmission } from './hepdata.submission.js';

/**
 * `femto import hepdata <dir>`: a HEPData submission (a directory with submission.yaml and its
 * data files, or the single-file form) becomes one dataset record whose version carries one
 * typed entry per table. The record is named after the publication it supplements (INSPIRE id),
 * else its HEPData record, else the submission's directory.
 */

export interface HepdataUnit {
  id: string;
  content: VersionContent;
  tables: HepdataTable[];
}

type Related = NonNullable<VersionContent['relatedIdentifiers']>[number];

const KEYWORD_LIMIT = 200;
const HEPDATA_RECORD = 'https://www.hepdata.net/record/';
const TITLE_LIMIT = 300;

/** The directories (relative, '' for the top) holding a submission.yaml: the top alone when it has one, else every one below. */
function submissionDirs(files: readonly { path: string }[]): string[] {
  if (files.some((f) => f.path === 'submission.yaml')) return [''];
  return files.filter((f) => f.path.endsWith('/submission.yaml')).map((f) => f.path.slice(0, -'/submission.yaml'.length));
}

/**
 * The dataset a submission is: the publication it supplements, the HEPData record it is, else
 * (a new submission) its directory, or for one file (a request body has no name) its title.
 */
function datasetIdOf(input: { name: string; single: boolean }, title: string, s: ReadSubmission): string {
  const inspire = s.info.recordIds.find((r) => r.type.toLowerCase() === 'inspire' && /^\d+$/.test(r.id));
  if (inspire) return `hepdata-ins${inspire.id}`;
  const recid = s.info.hepdataDoi && /^10\.17182\/hepdata\.(\d+)/.exec(s.info.hepdataDoi)?.[1];
  if (recid) return `hepdata-${recid}`;
  const identity = input.single ? title : basename(input.name);
  return importedId('hepdata', identity, identity);
}

/**
 * A title from the submission's comment: its first sentence long enough to say something (HEPData
 * comments open with the accelerator, "CERN-LHC."); the publication's own title lives at INSPIRE,
 * which the related identifier names.
 */
function titleOf(name: string, s: ReadSubmission): string {
  const sentence = s.info.comment
    ?.split(/(?<=[.!?])\s+/)
    .map((x) => x.trim().replace(/\s+/g, ' '))
    .find((x) => x.length >= 20);
  if (!sentence) return `HEPData submission ${basename(name)}: ${s.tables.map((t) => t.name).join(', ')}`.slice(0, TITLE_LIMIT);
  const plain = sentence.replace(/\.$/, '');
  return plain.length <= TITLE_LIMIT ? plain : `${plain.slice(0, plain.lastIndexOf(' ', TITLE_LIMIT - 1))}…`;
}

/** What the submission says of other records: the publication (INSPIRE, arXiv, DOI), HEPData records and tables, web pages. */
function relatedOf(s: ReadSubmission): Related[] {
  const scheme = (type: string) => RELATED_ID_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
  const related: Related[] = [];
  for (const r of s.info.recordIds) {
    const type = scheme(r.type);
    // HEPData's own record id ("ins1226111") names this same record at hepdata.net, by a URL every format can carry; the publication's ids are what the data supplement.
    if (type === 'HEPData') related.push({ type: 'URL', value: `${HEPDATA_RECORD}${encodeURIComponent(r.id)}`, relation: 'IsIdenticalTo' });
    else if (type) related.push({ type, value: r.id, relation: 'IsSupplementTo' });
  }
  if (s.info.hepdataDoi) related.push({ type: 'DOI', value: s.info.hepdataDoi, relation: 'IsIdenticalTo' });
  for (const recid of s.info.relatedRecords) related.push({ type: 'URL', value: `${HEPDATA_RECORD}${recid}`, relation: 'References' });
  for (const r of s.info.resources) if (isAllowedUrl(r.location)) related.push({ type: 'URL', value: r.location, relation: 'IsSupplementedBy' });
  for (const t of s.tables) {
    if (t.doi) related.push({ type: 'DOI', value: t.doi, relation: 'HasPart' });
    for (const doi of t.relatedDois) related.push({ type: 'DOI', value: doi, relation: 'References' });
  }
  const seen = new Set<string>();
  return related.filter((r) => {
    const key = `${r.type}\n${r.value}\n${r.relation}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

export function hepdataImporter(deps: {
  hepdata: HepdataService;
  ontology: Pick<OntologyService, 'observable'>;
  urls: SiteUrls;
  jsonMaxDepth: number;
}): Importer<HepdataUnit> {
  const { hepdata, ontology, urls, jsonMaxDepth } = deps;
  const terms = new Map(
    MAPPED_OBSERVABLES.map((notation) => {
      const term = ontology.observable(notation);
      if (!term) throw new Error(`HEPData keywords map to the observable '${notation}', which the ontology lacks`);
      return [notation, term] as const;
    }),
  );

  function unitOf(input: { name: string; single: boolean }, s: ReadSubmission): HepdataUnit {
    const { name } = input;
    const tables = s.tables.map(({ relatedDois: _d, resources: _r, ...t }) => ({
      ...t,
      keywords: t.keywords.map((k) => ({ ...k, observable: k.observable && terms.get(k.observable)!.iri })),
    }));
    const keywords = tables.flatMap((t) => t.keywords);
    const matched = [...new Set(keywords.flatMap((k) => (k.observable ? [k.observable] : [])))];
    const observed = [...terms.values()].filter((o) => matched.includes(o.iri));
    // Tier and domain where the observables agree on one (HEPData's all sit in tier 8, nuclear and HEP scattering).
    const one = <T>(values: T[]) => (new Set(values).size === 1 ? values[0] : undefined);
    const tier = one(observed.flatMap((o) => o.tiers));
    const domain = one(observed.flatMap((o) => o.domains));
    const plain = [
      ...new Set(
        keywords
          .filter((k) => !k.observable)
          .map((k) => k.value.trim())
          .filter(Boolean),
      ),
    ];
    const related = relatedOf(s);
    const title = titleOf(name, s);
    const content: VersionContent = {
      title,
      description: (s.info.comment ?? `HEPData tables: ${tables.map((t) => `${t.name} (${t.description})`).join('; ')}`).slice(0, 100_000),
      creators: [],
      resourceType: 'Dataset',
      ...(tier !== undefined ? { tier } : {}),
      ...(domain ? { domain } : {}),
      ...(s.info.publicationYear && /^\d{4}$/.test(s.info.publicationYear) ? { issued: s.info.publicationYear } : {}),
      ...(plain.length ? { keywords: plain.slice(0, KEYWORD_LIMIT) } : {}),
      ...(matched.length ? { observables: matched } : {}),
      ...(related.length ? { relatedIdentifiers: related } : {}),
      // The submission a version was made from: a changed submission is a new version, the same one is the same.
      annotations: { hepdata: { submission: `sha256:${s.digest}` } },
    };
    return { id: datasetIdOf(input, title, s), content, tables };
  }

  return {
    format: 'hepdata',
    title: `HEPData submission (a directory with submission.yaml and its data files, as it is or as a .zip / .tar.gz archive, or the single-file form): one dataset with its tables, keywords mapped to ontology observables, INSPIRE/arXiv ids as related identifiers; each YAML file at most ${YAML_MAX_BYTES} bytes and ${YAML_MAX_NODES} nodes (413 PAYLOAD_TOO_LARGE)`,
    mediaTypes: ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/zip', 'application/gzip'],
    extensions: ['submission.yaml'],
    directories: true,

    *parse(input) {
      if (input.kind === 'file') {
        const read = readSubmission({ name: input.name, single: true, files: [{ path: input.name, read: () => input.bytes }] }, { maxDepth: jsonMaxDepth });
        const unit = unitOf({ name: input.name, single: true }, read);
        yield { key: `hepdata:${unit.id}`, source: input.name, digest: read.digest, data: unit };
        return;
      }
      const submissions = submissionDirs(input.files);
      if (!submissions.length) throw new FemtoError('UNPROCESSABLE', `${input.name} is not a HEPData submission: it has no submission.yaml`);
      // A directory of submissions (a download of many records) is one unit each: a refused one leaves the others going.
      for (const dir of submissions) {
        const name = dir ? `${input.name}/${dir}` : input.name;
        const source = `${name}/submission.yaml`;
        const files = input.files
          .filter((f) => f.path.startsWith(dir ? `${dir}/` : ''))
          .map((f) => ({ path: dir ? f.path.slice(dir.length + 1) : f.path, read: f.read }));
        let read: ReadSubmission;
        try {
          read = readSubmission({ name, single: false, files }, { maxDepth: jsonMaxDepth });
        } catch (err) {
          if (!(err instanceof FemtoError)) throw err;
          yield { key: source, source, refused: err };
          continue;
        }
        const unit = unitOf({ name, single: false }, read);
        yield { key: `hepdata:${unit.id}`, source, digest: read.digest, data: unit };
      }
    },

    async apply({ data }, actor, { dryRun }) {
      const r = await hepdata.publish(actor, data.id, data.content, data.tables);
      const would = dryRun ? 'would ' : '';
      const what = {
        created: `${would}create dataset ${data.id}`,
        updated: `${would}publish version ${r.version} of dataset ${data.id}`,
        unchanged: `dataset ${data.id} v${r.version} already says this`,
      }[r.status];
      return {
        status: r.status,
        message: `${what} (${data.tables.length} tables: ${data.content.title})`,
        subject: { id: data.id, location: urls.version(data.id, r.version) },
      };
    },
  };
}
