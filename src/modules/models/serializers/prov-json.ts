import type { SiteUrls } from '../../../lib/site-urls.js';
import type { Manifest } from '../models.schema.js';

/** The PROV-JSON submission's own media type is application/json; the profile says which JSON this is. */
export const PROV_JSON_PROFILE = 'http://www.w3.org/Submission/prov-json/';

type Attributes = Record<string, unknown>;
const typed = (value: string, type: string) => ({ $: value, type });

/**
 * The training-set manifest as a PROV-JSON document (W3C Member Submission, 2013): one bundle,
 * named after the manifest, holding the model version, every upstream dataset version and step,
 * and their usage, generation and derivation records, with the manifest's facts (DOI, licence,
 * checksums, gate status, withdrawal) as femto: attributes of each entity. The bundle itself is
 * an entity of the document, attributed to the manifest URL.
 */
export function provJsonOf(m: Manifest, urls: SiteUrls, manifestUrl: string): Record<string, unknown> {
  const prefix = {
    femto: 'https://w3id.org/femto/ns#',
    dataset: `${urls.base}/datasets/`,
    step: `${urls.base}/activities/`,
    manifest: `${manifestUrl}#`,
  };
  const dsId = (id: string) => {
    const at = id.lastIndexOf('@');
    return at < 0 ? `manifest:${encodeURIComponent(id)}` : `dataset:${encodeURIComponent(id.slice(0, at))}/versions/${id.slice(at + 1)}`;
  };
  const model = `dataset:${encodeURIComponent(m.model.dataset)}/versions/${m.model.version}`;
  const training = new Map(m.trainingData.map((d) => [d.id, d]));

  const entity: Record<string, Attributes> = {
    [model]: {
      'prov:type': typed('femto:Model', 'prov:QUALIFIED_NAME'),
      'prov:label': m.model.title,
      ...(m.model.doi ? { 'femto:doi': m.model.doi } : {}),
      ...(m.model.license ? { 'femto:license': m.model.license } : {}),
    },
  };
  for (const d of m.lineage.datasets) {
    const attributes: Attributes = d.dataset === null ? { 'femto:restricted': true } : { 'prov:label': d.title! };
    if (d.resourceType) attributes['femto:resourceType'] = d.resourceType;
    if (d.doi) attributes['femto:doi'] = d.doi.doi;
    if (d.license) attributes['femto:license'] = d.license;
    const checksums = d.distributions.flatMap((x) => (x.checksum ? [`${x.checksum.algorithm}:${x.checksum.value.toLowerCase()}`] : []));
    if (checksums.length) attributes['femto:checksum'] = checksums;
    if (d.gateStatus) attributes['femto:gateStatus'] = d.gateStatus.status;
    if (d.withdrawn) attributes['femto:withdrawnAt'] = typed(d.withdrawn.at, 'xsd:dateTime');
    if (d.rawSource) attributes['femto:rawSource'] = true;
    if (training.has(d.id)) attributes['femto:trainingData'] = true;
    entity[dsId(d.id)] = attributes;
  }

  const activity: Record<string, Attributes> = {};
  for (const s of m.lineage.steps) {
    activity[`step:${encodeURIComponent(s.id)}`] = {
      'prov:type': typed(`femto:${s.kind}`, 'prov:QUALIFIED_NAME'),
      ...(s.name ? { 'prov:label': s.name } : {}),
      ...(s.software ? { 'femto:software': [s.software.name, s.software.version, s.software.commit].filter(Boolean).join(' ') } : {}),
    };
  }

  const used: Record<string, Attributes> = {};
  const wasGeneratedBy: Record<string, Attributes> = {};
  const wasDerivedFrom: Record<string, Attributes> = {};
  const versionId = (id: string) => (id === `${m.model.dataset}@${m.model.version}` ? model : dsId(id));
  m.lineage.edges.forEach((e, i) => {
    if (e.relation === 'USED') {
      const role = training.get(e.to)?.role;
      used[`manifest:u${i}`] = {
        'prov:activity': `step:${encodeURIComponent(e.from)}`,
        'prov:entity': versionId(e.to),
        ...(role ? { 'prov:role': role } : {}),
      };
    } else wasGeneratedBy[`manifest:g${i}`] = { 'prov:entity': versionId(e.from), 'prov:activity': `step:${encodeURIComponent(e.to)}` };
  });
  m.trainingData.forEach((d, i) => {
    wasDerivedFrom[`manifest:d${i}`] = {
      'prov:generatedEntity': model,
      'prov:usedEntity': dsId(d.id),
      'prov:type': typed('femto:trainingData', 'prov:QUALIFIED_NAME'),
    };
  });

  const bundle = 'manifest:bundle';
  const records = { entity, activity, used, wasGeneratedBy, wasDerivedFrom };
  return {
    prefix,
    entity: {
      [bundle]: {
        'prov:type': typed('prov:Bundle', 'prov:QUALIFIED_NAME'),
        'prov:label': `Training-set manifest of ${m.model.title} v${m.model.version}`,
        'femto:complete': m.summary.complete,
      },
    },
    bundle: { [bundle]: { prefix, ...Object.fromEntries(Object.entries(records).filter(([, r]) => Object.keys(r).length)) } },
  };
}
