import { FemtoError } from '../../errors.js';
import { sha256 } from '../../lib/digest.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import type { VersionContent } from '../datasets/datasets.schema.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import { flavourContentOf, quarkSummary } from '../datasets/physics.schema.js';
import type { FileInput, Importer, ImportInput, ParsedUnit } from '../imports/imports.schema.js';
import { importedId } from '../prov/imported.js';
import type { LatticeService } from './lattice.service.js';
import { qcdmlNamespaceOf, readQcdml, type QcdmlDocument, type QcdmlEnsemble } from './qcdml.js';

/** Creative Commons licence URLs (what QCDml 2.0's licenseURI gives) as SPDX ids. */
function spdxOfLicenseUri(uri: string): string | undefined {
  const cc = /creativecommons\.org\/licenses\/(by(?:-nc)?(?:-sa|-nd)?)\/(\d\.\d)\/?$/.exec(uri);
  if (cc) return `CC-${cc[1].toUpperCase()}-${cc[2]}`;
  return /creativecommons\.org\/publicdomain\/zero\/1\.0\/?$/.test(uri) ? 'CC0-1.0' : undefined;
}

/** An ensemble as a femto record: the typed block, with a title and description said in words from it. */
export function ensembleContent(doc: QcdmlEnsemble): VersionContent {
  const e = doc.ensemble;
  const nf = e.nf ?? flavourContentOf(e.quarks ?? []);
  const { x, y, z, t } = e.size;
  const size = x === y && y === z ? `${x}³×${t}` : `${x}×${y}×${z}×${t}`;
  const who = [e.collaboration, e.projectName].filter(Boolean).join(' ');
  const license = doc.licenseUri ? spdxOfLicenseUri(doc.licenseUri) : undefined;
  return {
    title: `${who ? `${who}: ` : ''}lattice QCD ensemble${nf ? ` with N_f = ${nf}` : ''}, ${size}${e.beta !== undefined ? `, β = ${e.beta}` : ''}`,
    description: [
      `ILDG Markov chain ${e.markovChainUri} (QCDml ${doc.qcdmlVersion}).`,
      e.gaugeAction ? `Gauge action: ${e.gaugeAction}${e.beta !== undefined ? ` at β = ${e.beta}` : ''}.` : '',
      e.quarks?.length ? `Quark actions: ${e.quarks.map(quarkSummary).join('; ')}.` : 'No dynamical quarks.',
      e.algorithm ? `Algorithm: ${e.algorithm}.` : '',
      doc.licenseUri && !license ? `Licence: ${doc.licenseUri}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    resourceType: 'Dataset',
    tier: 8,
    domain: 'Lattice Gauge',
    dataType: 'Raw-Simulation',
    license: license ?? null,
    formats: ['ILDG'],
    keywords: [
      ...new Set([
        'lattice QCD',
        'gauge configurations',
        'ILDG',
        ...(e.gaugeAction ? [e.gaugeAction] : []),
        ...(e.quarks ?? []).map((q) => q.action),
        ...(nf ? [`N_f = ${nf}`] : []),
      ]),
    ],
    // The collaboration made the ensemble; the people of its archive history put it in the archive.
    creators: e.collaboration
      ? [{ name: e.collaboration, type: 'Organization' }]
      : doc.participants.map((p) => ({ name: p.name, type: 'Person', ...(p.institution ? { affiliation: p.institution } : {}) })),
    contributors: e.collaboration
      ? doc.participants.map((p) => ({ name: p.name, type: 'Person', ...(p.institution ? { affiliation: p.institution } : {}) }))
      : [],
    relatedIdentifiers: [{ type: 'ILDG', value: e.markovChainUri, relation: 'IsIdenticalTo' }],
    ensemble: { ...e, ...(nf ? { nf } : {}) },
    annotations: {
      qcdml: {
        version: doc.qcdmlVersion,
        ...(doc.archivedAt ? { archivedAt: doc.archivedAt } : {}),
        ...(doc.licenseUri ? { licenseUri: doc.licenseUri } : {}),
        ...(doc.gaugeGlossary ? { gaugeActionGlossary: doc.gaugeGlossary } : {}),
        ...(doc.algorithmGlossary ? { algorithmGlossary: doc.algorithmGlossary } : {}),
      },
    },
  };
}

const keyOf = (d: QcdmlDocument) => (d.kind === 'ensemble' ? `ensemble:${d.ensemble.markovChainUri}` : `configuration:${d.lfn}`);

/**
 * `femto import qcdml <file|dir>`: ILDG QCDml ensembles (markovChain) become published records
 * with their ensemble block, gauge configurations (gaugeConfiguration) attach to their ensemble by
 * Markov chain URI. A directory is read whole, ensembles before configurations, so one archive
 * export imports in one go.
 */
export function qcdmlImporter(deps: { datasets: DatasetsService; lattice: LatticeService; urls: SiteUrls }): Importer<QcdmlDocument> {
  const { datasets, lattice, urls } = deps;

  const unitOf = (name: string, bytes: Buffer): ParsedUnit<QcdmlDocument> => {
    const doc = readQcdml(name, bytes);
    return { key: keyOf(doc), source: name, digest: sha256(JSON.stringify(doc)), data: doc };
  };

  function* files(input: ImportInput): Iterable<ParsedUnit<QcdmlDocument>> {
    if (input.kind === 'file') {
      yield unitOf(input.name, input.bytes);
      return;
    }
    const read = input.files
      .filter((f) => f.path.toLowerCase().endsWith('.xml'))
      .map((f) => {
        const name = `${input.name}/${f.path}`;
        try {
          return unitOf(name, f.read());
        } catch (err) {
          if (!(err instanceof FemtoError)) throw err;
          return { key: name, source: name, refused: err };
        }
      });
    const rank = (u: ParsedUnit<QcdmlDocument>) => ('data' in u && u.data.kind === 'configuration' ? 1 : 0);
    yield* read.sort((a, b) => rank(a) - rank(b));
  }

  return {
    format: 'qcdml',
    title:
      'ILDG QCDml (ensemble markovChain 1.4 / 2.0, gaugeConfiguration 1.3 / 2.0): ensembles as records with their lattice parameters, configurations attached by Markov chain URI',
    mediaTypes: ['application/xml', 'text/xml'],
    extensions: ['.xml'],
    directories: true,
    detect: (input: FileInput) => qcdmlNamespaceOf(input.bytes.subarray(0, 4096).toString('utf8')) !== undefined,
    parse: files,

    async apply({ data }, actor, { dryRun }) {
      const would = dryRun ? 'would ' : '';
      if (data.kind === 'configuration') {
        const { kind: _k, qcdmlVersion: _v, ...fields } = data;
        const r = await lattice.attachConfiguration(actor, fields);
        const what = { created: 'attach', updated: 'update', unchanged: 'leave' }[r.status];
        return {
          status: r.status,
          message: `${would}${what} configuration ${data.lfn} (${r.dataset})`,
          subject: { id: r.dataset, location: urls.dataset(r.dataset) },
        };
      }
      const uri = data.ensemble.markovChainUri;
      const content = ensembleContent(data);
      // The record that holds the chain already, else one named after it (publishContent refuses a chain another record holds).
      const [held] = await datasets.editableRecords(actor, await datasets.recordsOfMarkovChain(uri));
      const id = held ?? importedId('ildg', data.ensemble.projectName ?? uri.split('/').filter(Boolean).pop() ?? 'ensemble', uri);
      const r = await datasets.publishContent(actor, id, content);
      const what = { created: `create dataset ${id}`, updated: `publish version ${r.version} of dataset ${id}`, unchanged: `leave dataset ${id} as it is` }[
        r.status
      ];
      return { status: r.status, message: `${would}${what} (ensemble ${uri})`, subject: { id, location: urls.dataset(id) } };
    },
  };
}
