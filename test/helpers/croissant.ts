import jsonld from 'jsonld';

/**
 * A checker of Croissant documents written from the specification (mlcommons/croissant, docs/croissant-spec-1.1.md)
 * and the rules its reference validator enforces (python/mlcroissant, structure_graph/). It reads the document as
 * RDF (JSON-LD expansion of its own inline context, nothing fetched), so it judges what a document says, however
 * it is written; http and https schema.org IRIs are the same to it, as to mlcroissant.
 *
 * Errors (what mlcroissant refuses, or the spec says "must"):
 *  - dataset: one node typed sc:Dataset with name, description and url, and dct:conformsTo the expected version
 *    (spec "schema.org/Dataset > Required"; "Namespaces": "Croissant datasets must declare that they conform");
 *  - cr:FileObject: @id and encodingFormat; contentUrl and a sha256 or md5 checksum unless it is containedIn another
 *    resource or the dataset is live (spec "FileObject", "Checksums"; mlcroissant nodes/file_object.py);
 *  - cr:FileSet: @id, includes and encodingFormat (mlcroissant nodes/file_set.py);
 *  - cr:RecordSet: @id; embedded `data` is a non-empty list of records keyed by exactly its fields' @ids (spec
 *    "Embedding data"; mlcroissant nodes/record_set.py);
 *  - cr:Field: @id; a dataType on the field, on each of its subFields, or on the field its source names (spec
 *    "Field": "Each field has a name ... and a dataType"; mlcroissant nodes/field.py data_type); a source or a value,
 *    not both, unless its record set embeds its data (mlcroissant graph.py _get_entry_nodes, field.py);
 *  - references: every containedIn, source (fileObject, fileSet, recordSet, field or a direct reference) and
 *    references target resolves to a node of the document, of the class the property names (spec "ID and Reference
 *    Mechanism", "DataSource"; mlcroissant graph.py _add_edge);
 *  - @ids of resources, record sets and fields are unique (spec "ID and Reference Mechanism": "IDs must be unique";
 *    mlcroissant graph.py _check_no_duplicate).
 * Warnings (the spec lists them as required, mlcroissant only warns or does not check): license, datePublished,
 * creator. Not checked, as by mlcroissant: that a record set's `key` resolves (the 1.1 zenodo-head-mri example
 * names a key it does not define).
 */

const SC = 'http://schema.org/';
const CR = 'http://mlcommons.org/croissant/';
const DCT = 'http://purl.org/dc/terms/';

type Node = Record<string, unknown[]> & { '@id'?: string; '@type'?: string[] };

export interface CroissantReport {
  errors: string[];
  warnings: string[];
}

/** https://schema.org/x and http://schema.org/x name the same term. */
function normalise(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^https:\/\/schema\.org\//, SC);
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === '@value' ? k : (normalise(k) as string), k === '@value' ? v : normalise(v)]));
  return value;
}

const refuseRemote = async (url: string) => {
  throw new Error(`the checker loads no remote context (${url})`);
};

const all = (n: Node | undefined, iri: string) => (n?.[iri] ?? []) as unknown[];
const nodes = (n: Node | undefined, iri: string) => all(n, iri).filter((v): v is Node => !!v && typeof v === 'object' && !('@value' in v) && !('@list' in v));
const has = (n: Node | undefined, iri: string) => all(n, iri).length > 0;
const typed = (n: Node, iri: string) => (n['@type'] ?? []).includes(iri);
/** A node object holding nothing but its @id refers to a node defined elsewhere. */
const isRef = (n: Node) => Object.keys(n).length === 1 && typeof n['@id'] === 'string';

export async function checkCroissant(document: object, opts: { conformsTo?: string } = {}): Promise<CroissantReport> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const expanded = normalise(
    await jsonld.expand(document as jsonld.JsonLdDocument, { base: 'https://checker.invalid/document', documentLoader: refuseRemote } as jsonld.Options.Expand),
  ) as Node[];

  const datasets = expanded.filter((n) => typed(n, `${SC}Dataset`));
  if (datasets.length !== 1) return { errors: [`expected one sc:Dataset node, found ${datasets.length}`], warnings };
  const ds = datasets[0];
  for (const p of ['name', 'description', 'url']) if (!has(ds, SC + p)) errors.push(`dataset: ${p} is required`);
  const conforms = all(ds, `${DCT}conformsTo`).map((v) => (v as { '@id'?: string; '@value'?: string })['@id'] ?? (v as { '@value'?: string })['@value']);
  if (opts.conformsTo && !conforms.includes(opts.conformsTo))
    errors.push(`dataset: dct:conformsTo ${opts.conformsTo} is required (found ${conforms.join(', ') || 'none'})`);
  for (const p of ['license', 'datePublished', 'creator']) if (!has(ds, SC + p)) warnings.push(`dataset: ${p} is recommended (the spec lists it as required)`);
  const live = all(ds, `${CR}isLiveDataset`).some((v) => (v as { '@value'?: unknown })['@value'] === true);

  // Every definition by @id, to resolve references and find duplicates.
  const defined = new Map<string, Node>();
  const define = (n: Node, what: string) => {
    const id = n['@id'];
    if (typeof id !== 'string' || id.startsWith('_:')) return void errors.push(`${what}: @id is required`);
    if (defined.has(id)) errors.push(`${what}: @id ${id} is not unique`);
    defined.set(id, n);
  };

  const resources = nodes(ds, `${SC}distribution`);
  for (const r of resources) {
    const what = `${typed(r, `${CR}FileSet`) ? 'FileSet' : 'FileObject'} ${r['@id'] ?? '(no @id)'}`;
    define(r, what);
    if (typed(r, `${CR}FileObject`)) {
      if (!has(r, `${SC}encodingFormat`)) errors.push(`${what}: encodingFormat is required`);
      if (!has(r, `${CR}containedIn`)) {
        if (!has(r, `${SC}contentUrl`)) errors.push(`${what}: contentUrl is required`);
        if (!live && !has(r, `${SC}sha256`) && !has(r, `${CR}md5`)) errors.push(`${what}: a sha256 or md5 checksum is required`);
      }
    } else if (typed(r, `${CR}FileSet`)) {
      if (!has(r, `${CR}includes`)) errors.push(`${what}: includes is required`);
      if (!has(r, `${SC}encodingFormat`)) errors.push(`${what}: encodingFormat is required`);
    } else {
      errors.push(`${what}: a distribution must be a cr:FileObject or cr:FileSet`);
    }
  }

  const fieldsOf = (n: Node) => nodes(n, `${CR}field`);
  const recordSets = nodes(ds, `${CR}recordSet`);
  const fields: { field: Node; recordSet: Node }[] = [];
  const walk = (field: Node, recordSet: Node) => {
    fields.push({ field, recordSet });
    define(field, `Field ${field['@id'] ?? '(no @id)'}`);
    for (const sub of nodes(field, `${CR}subField`)) walk(sub, recordSet);
  };
  for (const rs of recordSets) {
    define(rs, `RecordSet ${rs['@id'] ?? '(no @id)'}`);
    for (const f of fieldsOf(rs)) walk(f, rs);
  }

  const expectRef = (what: string, ref: Node, cls?: string) => {
    const id = ref['@id'];
    const target = typeof id === 'string' ? defined.get(id) : undefined;
    if (!target) return void errors.push(`${what}: refers to ${id ?? 'nothing'}, which the document does not define`);
    if (cls && !typed(target, cls)) errors.push(`${what}: refers to ${id}, which is not a ${cls.replace(CR, 'cr:')}`);
  };
  for (const r of resources) for (const c of nodes(r, `${CR}containedIn`)) if (isRef(c)) expectRef(`${r['@id']} containedIn`, c);

  /** The fields a source names (a field, or any field of a record set it names). */
  const sourceRefs = (what: string, source: Node): void => {
    if (isRef(source)) return expectRef(`${what} source`, source);
    for (const [prop, cls] of [
      ['fileObject', `${CR}FileObject`],
      ['fileSet', `${CR}FileSet`],
      ['recordSet', `${CR}RecordSet`],
      ['field', `${CR}Field`],
    ] as const) {
      for (const ref of nodes(source, CR + prop)) expectRef(`${what} source ${prop}`, ref, prop === 'field' ? undefined : cls);
    }
  };

  const dataTyped = (field: Node, seen = new Set<Node>()): boolean => {
    if (seen.has(field)) return false;
    seen.add(field);
    if (has(field, `${CR}dataType`)) return true;
    const subs = nodes(field, `${CR}subField`);
    if (subs.length) return subs.every((s) => dataTyped(s, seen));
    const source = nodes(field, `${CR}source`)[0];
    const upstreamId = source && (isRef(source) ? source['@id'] : nodes(source, `${CR}field`)[0]?.['@id']);
    const upstream = upstreamId ? defined.get(upstreamId) : undefined;
    return !!upstream && dataTyped(upstream, seen);
  };

  for (const { field, recordSet } of fields) {
    const what = `Field ${field['@id']}`;
    if (!dataTyped(field)) errors.push(`${what}: a dataType is required (on the field, its subFields or the field its source names)`);
    const source = nodes(field, `${CR}source`);
    const value = has(field, `${CR}value`);
    if (source.length && value) errors.push(`${what}: defines both source and value`);
    if (!source.length && !value && !has(recordSet, `${CR}data`) && !nodes(field, `${CR}subField`).length) errors.push(`${what}: needs a source or a value`);
    for (const s of source) sourceRefs(what, s);
    for (const ref of nodes(field, `${CR}references`)) {
      if (isRef(ref)) expectRef(`${what} references`, ref);
      else for (const f of nodes(ref, `${CR}field`)) expectRef(`${what} references field`, f, `${CR}Field`);
    }
  }

  for (const rs of recordSets) {
    const data = all(rs, `${CR}data`);
    if (!data.length) continue;
    const what = `RecordSet ${rs['@id']}`;
    const records = data.flatMap((d) => {
      const v = (d as { '@value'?: unknown })['@value'];
      return Array.isArray(v) ? v : [v];
    });
    const keys = new Set(fieldsOf(rs).map((f) => f['@id']));
    if (!records.length) errors.push(`${what}: data must be a non-empty list`);
    records.forEach((rec, i) => {
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return void errors.push(`${what}: data record ${i} is not an object`);
      // Records name fields by @id as written, relative to the document like any @id.
      const got = Object.keys(rec).map((k) => [...keys].find((id) => id === k || id?.endsWith(`/${k}`)) ?? k);
      if (got.length !== keys.size || got.some((k) => !keys.has(k)))
        errors.push(`${what}: data record ${i} has keys ${Object.keys(rec).join(', ')}, not its fields`);
    });
  }

  return { errors, warnings };
}
