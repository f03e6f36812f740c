import jsonld from 'jsonld';
import { DataFactory, Writer, type Quad, type Quad_Object, type Quad_Subject } from 'n3';
import {
  asArray,
  ELEMENT_KINDS,
  expandQName,
  NAMESPACES,
  RELATIONS,
  type ProvAttributes,
  type ProvDocument,
  type ProvScalar,
  type RelationKind,
} from '../prov.model.js';

const { namedNode, blankNode, literal, quad } = DataFactory;
const prov = (local: string) => namedNode(NAMESPACES.prov + local);
const RDF_TYPE = namedNode(`${NAMESPACES.rdf}type`);

/** PROV-O's names for a relation: the unqualified property, the qualified one, its class, and the property of its second argument. */
const QUALIFIED: Record<RelationKind, { direct: string; qualified?: string; cls?: string; object?: string }> = {
  wasGeneratedBy: { direct: 'wasGeneratedBy', qualified: 'qualifiedGeneration', cls: 'Generation', object: 'activity' },
  used: { direct: 'used', qualified: 'qualifiedUsage', cls: 'Usage', object: 'entity' },
  wasInformedBy: { direct: 'wasInformedBy', qualified: 'qualifiedCommunication', cls: 'Communication', object: 'activity' },
  wasStartedBy: { direct: 'wasStartedBy', qualified: 'qualifiedStart', cls: 'Start', object: 'entity' },
  wasEndedBy: { direct: 'wasEndedBy', qualified: 'qualifiedEnd', cls: 'End', object: 'entity' },
  wasInvalidatedBy: { direct: 'wasInvalidatedBy', qualified: 'qualifiedInvalidation', cls: 'Invalidation', object: 'activity' },
  wasDerivedFrom: { direct: 'wasDerivedFrom', qualified: 'qualifiedDerivation', cls: 'Derivation', object: 'entity' },
  wasAttributedTo: { direct: 'wasAttributedTo', qualified: 'qualifiedAttribution', cls: 'Attribution', object: 'agent' },
  wasAssociatedWith: { direct: 'wasAssociatedWith', qualified: 'qualifiedAssociation', cls: 'Association', object: 'agent' },
  actedOnBehalfOf: { direct: 'actedOnBehalfOf', qualified: 'qualifiedDelegation', cls: 'Delegation', object: 'agent' },
  wasInfluencedBy: { direct: 'wasInfluencedBy', qualified: 'qualifiedInfluence', cls: 'Influence', object: 'influencer' },
  specializationOf: { direct: 'specializationOf' },
  alternateOf: { direct: 'alternateOf' },
  hadMember: { direct: 'hadMember' },
};

/** PROV-DM attribute and optional argument names as PROV-O properties. */
const PROPERTY_OF: Record<string, string> = {
  'prov:label': `${NAMESPACES.rdfs}label`,
  'prov:location': `${NAMESPACES.prov}atLocation`,
  'prov:role': `${NAMESPACES.prov}hadRole`,
  'prov:time': `${NAMESPACES.prov}atTime`,
  'prov:startTime': `${NAMESPACES.prov}startedAtTime`,
  'prov:endTime': `${NAMESPACES.prov}endedAtTime`,
  'prov:plan': `${NAMESPACES.prov}hadPlan`,
  'prov:activity': `${NAMESPACES.prov}hadActivity`,
  'prov:generation': `${NAMESPACES.prov}hadGeneration`,
  'prov:usage': `${NAMESPACES.prov}hadUsage`,
  'prov:trigger': `${NAMESPACES.prov}entity`,
  'prov:starter': `${NAMESPACES.prov}hadActivity`,
  'prov:ender': `${NAMESPACES.prov}hadActivity`,
};

export class ProvToRdf {
  readonly quads: Quad[] = [];
  constructor(private readonly doc: ProvDocument) {}

  iri(qname: string) {
    const full = expandQName(this.doc, qname);
    if (full === undefined) throw new Error(`unbound prefix in ${qname}`);
    return namedNode(full);
  }

  private object(v: ProvScalar): Quad_Object {
    if (typeof v === 'string') return literal(v);
    if (typeof v === 'number') return literal(String(v), namedNode(NAMESPACES.xsd + (Number.isInteger(v) ? 'long' : 'double')));
    if (typeof v === 'boolean') return literal(String(v), namedNode(`${NAMESPACES.xsd}boolean`));
    if (v.type === 'prov:QUALIFIED_NAME' || v.type === 'xsd:QName') return this.iri(v.$);
    if (v.lang) return literal(v.$, v.lang);
    return literal(v.$, v.type ? this.iri(v.type) : undefined);
  }

  /** Attributes of a record (or of a qualified relation node): prov:type with a qualified name is its rdf:type. */
  private attributes(subject: Quad_Subject, attrs: ProvAttributes, skip: ReadonlySet<string>) {
    for (const [key, value] of Object.entries(attrs)) {
      if (skip.has(key)) continue;
      for (const v of asArray(value)) {
        const isClass = key === 'prov:type' && typeof v === 'object' && (v.type === 'prov:QUALIFIED_NAME' || v.type === 'xsd:QName');
        const predicate = isClass ? RDF_TYPE : namedNode(PROPERTY_OF[key] ?? expandQName(this.doc, key) ?? key);
        const time = key === 'prov:time' || key === 'prov:startTime' || key === 'prov:endTime';
        this.quads.push(
          quad(subject, predicate, time ? literal(typeof v === 'object' ? v.$ : String(v), namedNode(`${NAMESPACES.xsd}dateTime`)) : this.object(v)),
        );
      }
    }
  }

  private relation(kind: RelationKind, id: string, attrs: ProvAttributes) {
    const [first, second, ...optional] = RELATIONS[kind] as readonly string[];
    const names = QUALIFIED[kind];
    const subject = this.iri(String(attrs[first]));
    const object = attrs[second] !== undefined ? this.iri(String(attrs[second])) : undefined;
    if (object) this.quads.push(quad(subject, prov(names.direct), object));
    const extra = Object.keys(attrs).filter((k) => k !== first && k !== second);
    // The qualified form only when the relation says more than its two ends (or has a name of its own).
    if (!names.qualified || (!extra.length && id.startsWith('_:'))) return;
    const node = id.startsWith('_:') ? blankNode(id.slice(2)) : this.iri(id);
    this.quads.push(quad(subject, prov(names.qualified), node), quad(node, RDF_TYPE, prov(names.cls!)));
    if (object) this.quads.push(quad(node, prov(names.object!), object));
    for (const arg of optional) {
      const v = attrs[arg];
      if (v === undefined || arg === 'prov:time') continue;
      this.quads.push(quad(node, namedNode(PROPERTY_OF[arg]), this.iri(String(v))));
    }
    this.attributes(node, attrs, new Set([first, second, ...optional.filter((a) => a !== 'prov:time')]));
  }

  /** The triples of the whole document. */
  build(): Quad[] {
    const classes = { entity: 'Entity', activity: 'Activity', agent: 'Agent' } as const;
    for (const kind of ELEMENT_KINDS) {
      for (const [id, attrs] of Object.entries(this.doc[kind] ?? {})) {
        const s = this.iri(id);
        this.quads.push(quad(s, RDF_TYPE, prov(classes[kind])));
        this.attributes(s, attrs, new Set());
      }
    }
    for (const kind of Object.keys(RELATIONS) as RelationKind[]) {
      for (const [id, attrs] of Object.entries(this.doc[kind] ?? {})) this.relation(kind, id, attrs);
    }
    return this.quads;
  }
}

export const provQuads = (doc: ProvDocument): Quad[] => new ProvToRdf(doc).build();

const prefixesOf = (doc: ProvDocument): Record<string, string> => ({
  prov: NAMESPACES.prov,
  xsd: NAMESPACES.xsd,
  rdfs: NAMESPACES.rdfs,
  ...Object.fromEntries(Object.entries(doc.prefix).filter(([p]) => p !== 'default')),
});

/** PROV-O in Turtle. */
export function provTurtle(doc: ProvDocument): Promise<string> {
  const writer = new Writer({ prefixes: prefixesOf(doc) });
  writer.addQuads(provQuads(doc));
  return new Promise((resolve, reject) => writer.end((err, result) => (err ? reject(err) : resolve(result))));
}

/** PROV-O in JSON-LD, compacted against an inline context of the document's prefixes (nothing to fetch). */
export async function provJsonLd(doc: ProvDocument): Promise<string> {
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString(provQuads(doc));
  const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' });
  const compacted = await jsonld.compact(expanded, prefixesOf(doc) as jsonld.ContextDefinition, { compactArrays: true });
  return JSON.stringify(compacted);
}
