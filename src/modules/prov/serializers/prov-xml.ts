import { attributes, escapeXml } from '../../harvest/xml.js';
import {
  asArray,
  ELEMENT_KINDS,
  NAMESPACES,
  RELATIONS,
  TIME_ARGUMENTS,
  type ProvAttributes,
  type ProvDocument,
  type ProvScalar,
  type RecordKind,
} from '../prov.model.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';

/** PROV's own attributes come first, in the order the PROV-XML schema's sequences fix; then any other namespace's. */
const PROV_ATTRIBUTE_ORDER = ['prov:label', 'prov:location', 'prov:role', 'prov:type', 'prov:value'];

/** xsi:type of a literal: PROV-XML types qualified names as xsd:QName. */
function literal(name: string, v: ProvScalar): string {
  if (typeof v === 'object') {
    const type = v.type === 'prov:QUALIFIED_NAME' ? 'xsd:QName' : v.type;
    return `<${name}${attributes({ 'xsi:type': type, 'xml:lang': v.lang })}>${escapeXml(v.$)}</${name}>`;
  }
  const type = typeof v === 'boolean' ? 'xsd:boolean' : typeof v === 'number' ? (Number.isInteger(v) ? 'xsd:long' : 'xsd:double') : undefined;
  return `<${name}${attributes({ 'xsi:type': type })}>${escapeXml(String(v))}</${name}>`;
}

function attributeElements(attrs: ProvAttributes, skip: ReadonlySet<string>): string {
  const keys = Object.keys(attrs).filter((k) => !skip.has(k));
  const rank = (k: string) => (PROV_ATTRIBUTE_ORDER.includes(k) ? PROV_ATTRIBUTE_ORDER.indexOf(k) : k.startsWith('prov:') ? -1 : PROV_ATTRIBUTE_ORDER.length);
  // prov: keys the schema does not list have no element: leaving them out beats an invalid document.
  return keys
    .filter((k) => rank(k) >= 0)
    .sort((a, b) => rank(a) - rank(b))
    .flatMap((k) => asArray(attrs[k]).map((v) => literal(k, v)))
    .join('');
}

function record(kind: RecordKind, id: string, attrs: ProvAttributes): string {
  const formal: readonly string[] =
    kind in RELATIONS ? RELATIONS[kind as keyof typeof RELATIONS] : kind === 'activity' ? ['prov:startTime', 'prov:endTime'] : [];
  const args = formal
    .filter((a) => attrs[a] !== undefined)
    .map((a) => {
      const local = a.slice('prov:'.length);
      const value = String(attrs[a]);
      return TIME_ARGUMENTS.has(a) ? `<prov:${local}>${escapeXml(value)}</prov:${local}>` : `<prov:${local}${attributes({ 'prov:ref': value })}/>`;
    })
    .join('');
  // Anonymous relations (PROV-JSON's `_:` keys) have no identifier in XML.
  const idAttr = id.startsWith('_:') ? {} : { 'prov:id': id };
  return `<prov:${kind}${attributes(idAttr)}>${args}${attributeElements(attrs, new Set(formal))}</prov:${kind}>`;
}

/** PROV-XML (W3C Note, 2013) of a PROV document: every prefix declared on the root, elements first, then relations. */
export function provXml(doc: ProvDocument): string {
  // XML Schema's own namespace has no "#": xsi:type names resolve against it.
  const ns: Record<string, string> = { 'xmlns:prov': NAMESPACES.prov, 'xmlns:xsd': XSD, 'xmlns:xsi': XSI };
  for (const [prefix, iri] of Object.entries(doc.prefix)) if (prefix !== 'prov' && prefix !== 'xsd' && prefix !== 'default') ns[`xmlns:${prefix}`] = iri;
  if (doc.prefix.default) ns.xmlns = doc.prefix.default;
  const body: string[] = [];
  for (const kind of [...ELEMENT_KINDS, ...(Object.keys(RELATIONS) as (keyof typeof RELATIONS)[])]) {
    for (const [id, attrs] of Object.entries(doc[kind] ?? {})) body.push(record(kind, id, attrs));
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<prov:document${attributes(ns)}>${body.join('')}</prov:document>\n`;
}
