import type { SiteUrls } from '../../lib/site-urls.js';
import { orcidUrl, rorUrl } from '../../lib/identifiers.js';
import { doiUrl, spdxUrl } from '../harvest/harvest.urls.js';
import type { ActivityRecord } from '../provenance/provenance.schema.js';
import type { GraphVersion, ProvGraph } from './prov.graph.js';
import { NAMESPACES, type ProvAttributes, type ProvDocument, type TypedLiteral } from './prov.model.js';

/**
 * femto's PROV identifiers. Each record is named by a hash IRI under the page that serves it
 * (`…/datasets/x/versions/1#version`, `…/activities/a#activity`, `…/agents/g#agent`): the hash
 * names the thing the page describes, and gives every record a qualified name whose local part is
 * an XML NCName (PROV-XML identifiers are xsd:QName, which a path ending in a number or an ORCID
 * iD cannot be). The prefix is made from femto's own id, so it reads as the record it stands for.
 */
export function provIds(urls: SiteUrls) {
  return {
    version: (dataset: string, n: number) => ({ prefix: `d-${dataset}-v${n}`, ns: `${urls.version(dataset, n)}#`, local: 'version' }),
    activity: (id: string) => ({ prefix: `a-${id}`, ns: `${urls.activity(id)}#`, local: 'activity' }),
    software: (activityId: string) => ({ prefix: `a-${activityId}`, ns: `${urls.activity(activityId)}#`, local: 'software' }),
    agent: (id: string) => ({ prefix: `g-${id}`, ns: `${urls.agent(id)}#`, local: 'agent' }),
  };
}

const uri = (value: string): TypedLiteral => ({ $: value, type: 'xsd:anyURI' });
const qualified = (qname: string): TypedLiteral => ({ $: qname, type: 'prov:QUALIFIED_NAME' });
const dateTime = (value: string): TypedLiteral => ({ $: value, type: 'xsd:dateTime' });

const agentType = { Person: 'prov:Person', Organization: 'prov:Organization', Software: 'prov:SoftwareAgent' } as const;

type Person = Pick<ActivityRecord['agents'][number], 'name' | 'type' | 'orcid' | 'ror' | 'affiliation'>;

function agentAttributes(a: Person): ProvAttributes {
  const id = a.orcid ? orcidUrl(a.orcid) : a.ror ? rorUrl(a.ror) : undefined;
  return {
    'prov:type': qualified(agentType[a.type]),
    'prov:label': a.name,
    ...(id ? { 'schema:identifier': uri(id) } : {}),
    ...(a.affiliation ? { 'schema:affiliation': a.affiliation } : {}),
  };
}

function entityAttributes(v: GraphVersion, urls: SiteUrls): ProvAttributes {
  const r = v.described.record;
  return {
    'prov:type': qualified('schema:Dataset'),
    'prov:label': r.title,
    'schema:description': r.description,
    'schema:version': r.versionLabel ?? String(r.version),
    'schema:url': uri(urls.version(r.id, r.version)),
    ...(v.described.doi ? { 'schema:identifier': uri(doiUrl(v.described.doi)) } : {}),
    ...(r.license ? { 'schema:license': uri(spdxUrl(r.license)) } : {}),
    ...(r.publishedAt ? { 'schema:datePublished': dateTime(r.publishedAt) } : {}),
  };
}

function activityAttributes(a: ActivityRecord): ProvAttributes {
  return {
    ...(a.startedAt ? { 'prov:startTime': a.startedAt } : {}),
    ...(a.endedAt ? { 'prov:endTime': a.endedAt } : {}),
    'prov:type': qualified(`femto:${a.kind}`),
    ...(a.name ? { 'prov:label': a.name } : {}),
    ...(a.description ? { 'schema:description': a.description } : {}),
    ...(a.parameters && Object.keys(a.parameters).length ? { 'femto:parameters': JSON.stringify(a.parameters) } : {}),
    ...(a.basis ? { 'femto:basis': a.basis } : {}),
  };
}

function softwareAttributes(s: NonNullable<ActivityRecord['software']>): ProvAttributes {
  return {
    // The software a step ran, told apart from the step's agents of type Software (a PROV-JSON import reads it back as such).
    'prov:type': [qualified('prov:SoftwareAgent'), qualified('schema:SoftwareApplication')],
    'prov:label': s.name,
    ...(s.version ? { 'schema:softwareVersion': s.version } : {}),
    ...(s.repository ? { 'schema:codeRepository': uri(s.repository) } : {}),
    ...(s.commit ? { 'femto:commit': s.commit } : {}),
  };
}

/** The PROV document of an exported graph: entities, activities, agents and the relations between them. */
export function provDocument(g: ProvGraph, urls: SiteUrls): ProvDocument {
  const ids = provIds(urls);
  const doc: Required<Pick<ProvDocument, 'entity' | 'activity' | 'agent' | 'used' | 'wasGeneratedBy' | 'wasAssociatedWith' | 'wasAttributedTo'>> &
    ProvDocument = {
    prefix: { schema: NAMESPACES.schema, femto: NAMESPACES.femto },
    entity: {},
    activity: {},
    agent: {},
    wasGeneratedBy: {},
    used: {},
    wasAssociatedWith: {},
    wasAttributedTo: {},
  };
  const name = (id: { prefix: string; ns: string; local: string }) => {
    doc.prefix[id.prefix] = id.ns;
    return `${id.prefix}:${id.local}`;
  };
  let n = 0;
  const relation = (kind: 'used' | 'wasGeneratedBy' | 'wasAssociatedWith' | 'wasAttributedTo', attrs: ProvAttributes) => {
    doc[kind][`_:${kind}${++n}`] = attrs;
  };

  const versionIds = new Map<number, string>();
  for (const v of g.versions) {
    const r = v.item.record;
    const id = name(ids.version(r.id, r.version!));
    versionIds.set(v.item.pk, id);
    doc.entity[id] = entityAttributes(v, urls);
    for (const c of r.creators) {
      const agent = name(ids.agent(c.agentId));
      doc.agent[agent] ??= agentAttributes(c);
      relation('wasAttributedTo', { 'prov:entity': id, 'prov:agent': agent });
    }
  }
  for (const a of g.activities) {
    const id = name(ids.activity(a.id));
    doc.activity[id] = activityAttributes(a);
    for (const ag of a.agents) {
      const agent = name(ids.agent(ag.id));
      doc.agent[agent] ??= agentAttributes(ag);
      relation('wasAssociatedWith', { 'prov:activity': id, 'prov:agent': agent, ...(ag.role ? { 'prov:role': ag.role } : {}) });
    }
    if (a.software) {
      const software = name(ids.software(a.id));
      doc.agent[software] = softwareAttributes(a.software);
      relation('wasAssociatedWith', { 'prov:activity': id, 'prov:agent': software });
    }
  }
  const activityIds = new Map(g.activities.map((a) => [a.id, `a-${a.id}:activity`]));
  for (const u of g.used)
    relation('used', {
      'prov:activity': activityIds.get(u.activityId)!,
      'prov:entity': versionIds.get(u.versionPk)!,
      ...(u.role ? { 'prov:role': u.role } : {}),
    });
  for (const o of g.generated) relation('wasGeneratedBy', { 'prov:entity': versionIds.get(o.versionPk)!, 'prov:activity': activityIds.get(o.activityId)! });
  return doc;
}
