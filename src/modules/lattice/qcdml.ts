import { readFileSync } from 'node:fs';
import { XmlDocument, XmlElement, XmlValidateError, XsdValidator, type XmlNode } from 'libxml2-wasm';
import { FemtoError, type FieldError } from '../../errors.js';
import { projectPath } from '../../paths.js';
import { ensembleInput, normalMarkovChainUri, type EnsembleInput } from '../datasets/physics.schema.js';

/**
 * ILDG QCDml documents (the International Lattice Data Grid's metadata): an ensemble
 * (`markovChain`, QCDml 1.4 or 2.0) or a gauge configuration (`gaugeConfiguration`, config 1.3 or
 * 2.0). Each is validated against the schema of its namespace (schema/ildg/, the ILDG Metadata
 * Working Group's XSDs) by libxml2, synchronously, before anything is read from it.
 */

const SCHEMAS = {
  'http://www.lqcd.org/ildg/QCDml/ensemble1.4': { kind: 'ensemble', version: '1.4', file: 'QCDmlEnsemble1.4.7.xsd' },
  'http://www.lqcd.org/ildg/QCDml/ensemble2.0': { kind: 'ensemble', version: '2.0', file: 'QCDmlEnsemble2.0.0.xsd' },
  'http://www.lqcd.org/ildg/QCDml/config1.3': { kind: 'configuration', version: '1.3', file: 'QCDmlConfig1.3.1.xsd' },
  'http://www.lqcd.org/ildg/QCDml/config2.0': { kind: 'configuration', version: '2.0', file: 'QCDmlConfig2.0.0.xsd' },
} as const;
type Namespace = keyof typeof SCHEMAS;
const ROOTS = { ensemble: 'markovChain', configuration: 'gaugeConfiguration' } as const;

/** Larger than any QCDml document ILDG archives hold (a few kB), small enough to parse without thought. */
export const QCDML_MAX_BYTES = 1024 * 1024;

const validators = new Map<Namespace, XsdValidator>();
/** Schemas are compiled on first use and kept for the process (a compiled XSD is immutable). */
function validatorOf(ns: Namespace): XsdValidator {
  let v = validators.get(ns);
  if (!v) {
    const schema = XmlDocument.fromString(readFileSync(projectPath('schema', 'ildg', SCHEMAS[ns].file), 'utf8'));
    v = XsdValidator.fromDoc(schema);
    schema.dispose();
    validators.set(ns, v);
  }
  return v;
}

export interface ArchiveParticipant {
  name: string;
  institution?: string;
}

export interface QcdmlEnsemble {
  kind: 'ensemble';
  qcdmlVersion: string;
  ensemble: EnsembleInput;
  participants: ArchiveParticipant[];
  licenseUri?: string;
  /** When the ensemble entered the archive (its first archive event). */
  archivedAt?: string;
  algorithmGlossary?: string;
  gaugeGlossary?: string;
}

export interface QcdmlConfiguration {
  kind: 'configuration';
  qcdmlVersion: string;
  markovChainUri: string;
  lfn: string;
  series?: string;
  /** The Markov step (QCDml `update`). */
  markovStep?: number;
  avePlaquette?: number;
  crcChecksum?: string;
  precision?: string;
  codeName?: string;
  codeVersion?: string;
  machine?: string;
  generatedAt?: string;
}

export type QcdmlDocument = QcdmlEnsemble | QcdmlConfiguration;

/** The namespace of a document's root element, read from its first bytes (detection needs no parse). */
export function qcdmlNamespaceOf(head: string): Namespace | undefined {
  const root = /<(markovChain|gaugeConfiguration)\b[^>]*\bxmlns\s*=\s*["']([^"']+)["']/.exec(head);
  return root && root[2] in SCHEMAS && ROOTS[SCHEMAS[root[2] as Namespace].kind] === root[1] ? (root[2] as Namespace) : undefined;
}

const invalid = (name: string, message: string, errors: FieldError[]) => new FemtoError('VALIDATION_FAILED', `${name} is not valid QCDml: ${message}`, errors);

/** Reads one QCDml document; throws VALIDATION_FAILED naming the file, line and element at fault. */
export function readQcdml(name: string, bytes: Buffer): QcdmlDocument {
  if (bytes.length > QCDML_MAX_BYTES) throw invalid(name, `larger than ${QCDML_MAX_BYTES} bytes`, [{ pointer: '', message: 'too large' }]);
  // QCDml has no DTD; refusing a declaration anywhere (not only before the root: a comment can push it
  // past any prefix) leaves no entity to expand and nothing external to load.
  if (/<!(DOCTYPE|ENTITY)/i.test(bytes.toString('latin1')))
    throw invalid(name, 'a document type declaration is not allowed', [{ pointer: '', message: 'has a DOCTYPE' }]);
  const ns = qcdmlNamespaceOf(bytes.subarray(0, 4096).toString('utf8'));
  if (!ns) {
    throw invalid(name, `its root is not a QCDml markovChain or gaugeConfiguration in one of the namespaces ${Object.keys(SCHEMAS).join(', ')}`, [
      { pointer: '/', message: 'not a QCDml root element' },
    ]);
  }
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(bytes);
  } catch (err) {
    const details = (err as { details?: { message: string; line: number }[] }).details ?? [];
    throw invalid(
      name,
      `not well-formed XML: ${(err as Error).message.trim()}`,
      details.map((d) => ({ pointer: `${name}:${d.line}`, message: d.message.trim() })),
    );
  }
  try {
    try {
      validatorOf(ns).validate(doc);
    } catch (err) {
      if (!(err instanceof XmlValidateError)) throw err;
      const errors = err.details.slice(0, 20).map((d) => ({ pointer: `${name}:${d.line}${d.xpath ? ` ${d.xpath}` : ''}`, message: d.message.trim() }));
      throw invalid(name, `${SCHEMAS[ns].file} refuses it: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`, errors);
    }
    const root = doc.root;
    const at = new Reader(root, ns);
    return SCHEMAS[ns].kind === 'ensemble' ? ensembleOf(name, at, SCHEMAS[ns].version) : configurationOf(at, SCHEMAS[ns].version);
  } finally {
    doc.dispose();
  }
}

/** Paths of child element names in the document's namespace, for XPath. */
class Reader {
  constructor(
    readonly node: XmlElement,
    private readonly ns: string,
  ) {}

  private xpath = (path: string) =>
    path
      .split('/')
      .map((step) => (step === '*' ? step : `q:${step}`))
      .join('/');

  at(path: string): Reader | undefined {
    const n = this.node.get(this.xpath(path), { q: this.ns });
    return n instanceof XmlElement ? new Reader(n, this.ns) : undefined;
  }

  all(path: string): Reader[] {
    return this.node
      .find(this.xpath(path), { q: this.ns })
      .filter((n: XmlNode): n is XmlElement => n instanceof XmlElement)
      .map((n) => new Reader(n, this.ns));
  }

  text(path: string): string | undefined {
    const t = this.at(path)?.node.content.trim();
    return t ? t : undefined;
  }

  number(path: string): number | undefined {
    const t = this.text(path);
    const n = t === undefined ? NaN : Number(t);
    return Number.isFinite(n) ? n : undefined;
  }

  get name(): string {
    return this.node.name;
  }
}

function participantsOf(r: Reader): ArchiveParticipant[] {
  const events = [...r.all('management/archiveHistory/elem'), ...r.all('management/archiveHistory/archiveEvent')];
  const seen = new Set<string>();
  return events.flatMap((e) => {
    const name = e.text('participant/name');
    if (!name || seen.has(name)) return [];
    seen.add(name);
    const institution = e.text('participant/institution');
    return [{ name, ...(institution ? { institution } : {}) }];
  });
}

const firstDate = (r: Reader) => r.text('management/archiveHistory/elem/date') ?? r.text('management/archiveHistory/archiveEvent/date');

function ensembleOf(file: string, r: Reader, qcdmlVersion: string): QcdmlEnsemble {
  // QCDml 1.4 names each extent (<elem><name>X</name><length>16</length></elem>); 2.0 has <x>16</x>...
  const named = Object.fromEntries(r.all('physics/size/elem').map((e) => [e.text('name')?.toLowerCase(), e.number('length')]));
  const extent = (axis: 'x' | 'y' | 'z' | 't') => r.number(`physics/size/${axis}`) ?? named[axis];
  const gluon = r.at('physics/action/gluon/*');
  const quarks = r.all('physics/action/quark/*').map((q) => ({
    action: q.name,
    ...(q.number('numberOfFlavours') !== undefined ? { flavours: q.number('numberOfFlavours') } : {}),
    ...(q.number('mass') !== undefined ? { mass: q.number('mass') } : {}),
    ...(q.number('kappa') !== undefined ? { kappa: q.number('kappa') } : {}),
  }));
  const given = {
    markovChainUri: r.text('markovChainURI'),
    collaboration: r.text('management/collaboration'),
    projectName: r.text('management/projectName'),
    gaugeAction: gluon?.name,
    beta: gluon?.number('beta'),
    size: { x: extent('x'), y: extent('y'), z: extent('z'), t: extent('t') },
    quarks,
    algorithm: r.text('algorithm/name'),
  };
  // The schema guarantees the elements; the typed block bounds their values (an extent of 0, a 3 kB name).
  const parsed = ensembleInput.safeParse(JSON.parse(JSON.stringify(given)));
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ pointer: `${file}#/markovChain/${i.path.join('/')}`, message: i.message }));
    throw invalid(file, errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
  }
  const licenseUri = r.text('license/licenseURI');
  const archivedAt = firstDate(r);
  const algorithmGlossary = r.text('algorithm/glossary');
  const gaugeGlossary = gluon?.text('glossary');
  return {
    kind: 'ensemble',
    qcdmlVersion,
    ensemble: parsed.data,
    participants: participantsOf(r),
    ...(licenseUri ? { licenseUri } : {}),
    ...(archivedAt ? { archivedAt } : {}),
    ...(algorithmGlossary ? { algorithmGlossary } : {}),
    ...(gaugeGlossary ? { gaugeGlossary } : {}),
  };
}

function configurationOf(r: Reader, qcdmlVersion: string): QcdmlConfiguration {
  // Config 1.3 keeps the chain, step and file under <markovStep>; 2.0 names the file at the top and the step in <markovSequence>.
  const step = r.at('markovStep');
  const sequence = r.at('markovSequence');
  const generated = [...r.all('management/archiveHistory/elem'), ...r.all('management/archiveHistory/archiveEvent')].find(
    (e) => e.text('revisionAction') === 'generate',
  );
  const fields: Omit<QcdmlConfiguration, 'kind' | 'qcdmlVersion'> = {
    markovChainUri: normalMarkovChainUri((step?.text('markovChainURI') ?? sequence?.text('markovChainURI'))!),
    lfn: (step?.text('dataLFN') ?? r.text('dataLFN'))!,
    series: step?.text('series') ?? sequence?.text('series'),
    markovStep: step?.number('update') ?? sequence?.number('markovStep/update'),
    avePlaquette: step?.number('avePlaquette') ?? sequence?.number('markovStep/record/avePlaquette') ?? sequence?.number('markovStep/avePlaquette'),
    crcChecksum: r.text('management/crcCheckSum') ?? sequence?.text('markovStep/record/crcCheckSum') ?? sequence?.text('markovStep/crcCheckSum'),
    precision: r.text('precision'),
    codeName: r.text('implementation/code/name'),
    codeVersion: r.text('implementation/code/version'),
    machine: r.text('implementation/machine/name'),
    generatedAt: generated?.text('date'),
  };
  return { kind: 'configuration', qcdmlVersion, ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as typeof fields) };
}
