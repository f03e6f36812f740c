import type { SiteUrls } from '../../../lib/site-urls.js';
import { doiUrl, slugOf } from '../../harvest/harvest.urls.js';
import type { ProvGraph } from '../../prov/prov.graph.js';
import type { ActivityRecord } from '../../provenance/provenance.schema.js';
import {
  agentEntity,
  COMPLETED,
  CrateGraph,
  crateTime,
  FORMAL_PARAMETER,
  licenseOf,
  PROFILES,
  ref,
  ROOT,
  SOFTWARE_NOT_RECORDED,
  type CrateVersion,
  type Entity,
} from '../rocrate.terms.js';

export const MIXED_LICENSES = 'Each dataset version in this crate states its own licence (its license property).';

type Ref = { '@id': string };

/**
 * The tool a step ran (Process Run Crate: the action's instrument), or a statement that femto has
 * none on record; named under the step's own URL, as the PROV exports name it.
 */
function instrumentOf(crate: CrateGraph, a: ActivityRecord, urls: SiteUrls, inputs: Ref[]): Ref[] {
  const tools: Ref[] = [];
  const id = softwareId(urls, a.id);
  const input = inputs.length ? { input: inputs } : {};
  if (a.software) {
    const s = a.software;
    tools.push(
      crate.add({
        '@id': id,
        '@type': 'SoftwareApplication',
        name: s.name,
        ...(s.version ? { softwareVersion: s.version } : {}),
        ...(s.repository ? { url: s.repository } : {}),
        ...(s.commit ? { identifier: s.commit } : {}),
        ...input,
      }),
    );
  }
  for (const ag of a.agents.filter((x) => x.type === 'Software')) tools.push(agentEntity(crate, ag));
  if (tools.length && (a.software || !inputs.length)) return tools;
  return [
    crate.add({
      '@id': id,
      '@type': 'SoftwareApplication',
      name: SOFTWARE_NOT_RECORDED,
      description: 'femto holds no record of the software this step ran.',
      ...input,
    }),
    ...tools,
  ];
}

const softwareId = (urls: SiteUrls, activityId: string) => `${urls.activity(activityId)}#software`;

/**
 * The role a step gave an input, as the Workflow Run Crate profile writes it: a FormalParameter
 * of the step's tool (its `input`) that the input's entity is an `exampleOfWork` of. Named under
 * the step, since femto records roles per step, not per tool.
 */
const roleId = (urls: SiteUrls, activityId: string, role: string) => `${softwareId(urls, activityId)}-input-${slugOf(role) || 'role'}`;

/** A step's parameters as PropertyValues among the action's objects, as the Process Run Crate profile writes command-line values. */
function parameters(crate: CrateGraph, a: ActivityRecord): Ref[] {
  return Object.entries(a.parameters ?? {}).map(([name, value]) =>
    crate.add({
      '@id': `#${slugOf(a.id)}-parameter-${slugOf(name) || 'value'}`,
      '@type': 'PropertyValue',
      name,
      value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value),
    }),
  );
}

/**
 * A provenance graph as a Workflow Run Crate following the Provenance Run Crate profile (a lineage
 * subgraph), or as a Process Run Crate (one step). Every step is a CreateAction with its tool
 * (instrument), the versions it used (object) and generated (result), its agents and times. For a
 * lineage, the walk itself is the workflow (the crate's main entity, a HowTo whose steps are the
 * femto steps, served as the lineage JSON): one CreateAction runs it from the graph's sources to
 * its results, and a ControlAction ties each step's HowToStep to its CreateAction.
 */
export function runCrate(g: ProvGraph, urls: SiteUrls, version: CrateVersion) {
  const crate = new CrateGraph();
  const lineage = g.kind === 'lineage';
  const profiles = lineage ? [PROFILES.process, PROFILES.workflow, PROFILES.provenance, PROFILES.workflowCrate] : [PROFILES.process];
  for (const p of profiles) crate.add({ ...p, '@type': 'CreativeWork' });

  const rolesOf = new Map<number, Ref[]>();
  const parametersOf = new Map<string, Ref[]>();
  for (const e of g.used.filter((u) => u.role)) {
    const param = crate.add({
      '@id': roleId(urls, e.activityId, e.role!),
      '@type': 'FormalParameter',
      additionalType: 'Dataset',
      name: e.role!,
      conformsTo: ref(FORMAL_PARAMETER),
    });
    rolesOf.set(e.versionPk, [...(rolesOf.get(e.versionPk) ?? []), param]);
    parametersOf.set(e.activityId, [...(parametersOf.get(e.activityId) ?? []), param]);
  }

  const versionRefs = new Map<number, Ref>();
  for (const v of g.versions) {
    const r = v.described.record;
    const roles = rolesOf.get(v.item.pk) ?? [];
    versionRefs.set(
      v.item.pk,
      crate.add({
        '@id': urls.version(r.id, r.version),
        '@type': 'Dataset',
        name: r.title,
        description: r.description,
        ...(r.version != null ? { version: r.versionLabel ?? String(r.version) } : {}),
        license: licenseOf(crate, r.license, 'No licence is stated for this dataset.'),
        ...(v.described.doi ? { identifier: doiUrl(v.described.doi) } : {}),
        ...(r.publishedAt ? { datePublished: r.publishedAt } : {}),
        ...(roles.length ? { exampleOfWork: roles } : {}),
      }),
    );
  }
  const ends = (list: ProvGraph['used'], id: string) => list.filter((e) => e.activityId === id).map((e) => versionRefs.get(e.versionPk)!);

  const actions: Ref[] = [];
  const steps: Ref[] = [];
  const controls: Ref[] = [];
  const tools = new Map<string, Ref>();
  const everyone = new Map<string, Ref>();
  g.activities.forEach((a, position) => {
    const instrument = instrumentOf(crate, a, urls, parametersOf.get(a.id) ?? []);
    for (const t of instrument) tools.set(t['@id'], t);
    const people = a.agents.filter((x) => x.type !== 'Software').map((x) => agentEntity(crate, x));
    for (const p of people) everyone.set(p['@id'], p);
    const action: Entity = {
      '@id': urls.activity(a.id),
      '@type': 'CreateAction',
      // A step recorded without a name or description has none here either (the profile recommends them; an import reads back what was recorded).
      ...(a.name ? { name: a.name } : {}),
      ...(a.description ? { description: a.description } : {}),
      additionalType: `https://w3id.org/femto/ns#${a.kind}`,
      instrument: instrument.length === 1 ? instrument[0] : instrument,
      object: [...ends(g.used, a.id), ...parameters(crate, a)],
      result: ends(g.generated, a.id),
      ...(people.length ? { agent: people.length === 1 ? people[0] : people } : {}),
      ...(a.startedAt ? { startTime: crateTime(a.startedAt) } : {}),
      ...(a.endedAt ? { endTime: crateTime(a.endedAt) } : {}),
      actionStatus: COMPLETED,
    };
    actions.push(crate.add(action));
    if (!lineage) return;
    const label = a.name ?? `${a.kind} step ${a.id}`;
    const step = crate.add({ '@id': `#step-${slugOf(a.id)}`, '@type': 'HowToStep', name: label, position: String(position), workExample: instrument[0] });
    steps.push(step);
    controls.push(
      crate.add({
        '@id': `#orchestrate-${slugOf(a.id)}`,
        '@type': 'ControlAction',
        name: `orchestrate ${label}`,
        instrument: step,
        object: ref(action['@id']),
        actionStatus: COMPLETED,
      }),
    );
  });

  const parts: Ref[] = [...versionRefs.values()];
  const mentions: Ref[] = [...actions, ...controls];
  let mainEntity: Ref | undefined;
  if (lineage) {
    mainEntity = crate.add({
      '@id': g.about,
      '@type': ['File', 'SoftwareSourceCode', 'ComputationalWorkflow', 'HowTo'],
      name: `Derivation graph: ${g.title}`,
      description: 'The femto lineage answer this crate records: its steps, in breadth-first order, are the workflow steps.',
      encodingFormat: 'application/json',
      url: g.about,
      programmingLanguage: crate.add({ '@id': '#femto-lineage', '@type': 'ComputerLanguage', name: 'femto lineage graph', alternateName: 'femto-lineage' }),
      hasPart: [...tools.values()],
      step: steps,
    });
    parts.unshift(mainEntity);
    const generated = new Set(g.generated.map((e) => e.versionPk));
    const usedPks = new Set(g.used.map((e) => e.versionPk));
    const times = (pick: (a: ActivityRecord) => string | null) =>
      g.activities
        .map(pick)
        .filter((t): t is string => !!t)
        .sort();
    const starts = times((a) => a.startedAt);
    const endings = times((a) => a.endedAt);
    mentions.unshift(
      crate.add({
        '@id': '#lineage-run',
        '@type': 'CreateAction',
        name: g.title,
        description: g.description,
        instrument: mainEntity,
        object: [...versionRefs].filter(([pk]) => usedPks.has(pk) && !generated.has(pk)).map(([, r]) => r),
        result: [...versionRefs].filter(([pk]) => generated.has(pk) && !usedPks.has(pk)).map(([, r]) => r),
        ...(everyone.size ? { agent: [...everyone.values()] } : {}),
        ...(starts.length ? { startTime: crateTime(starts[0]) } : {}),
        ...(endings.length ? { endTime: crateTime(endings[endings.length - 1]) } : {}),
        actionStatus: COMPLETED,
      }),
    );
  }
  const dates = [...g.versions.map((v) => v.item.record.publishedAt), ...g.activities.map((a) => a.createdAt)].filter((d): d is string => !!d).sort();
  crate.add({
    '@id': ROOT,
    '@type': 'Dataset',
    name: g.title,
    description: g.description,
    datePublished: dates[dates.length - 1] ?? new Date(0).toISOString(),
    license: MIXED_LICENSES,
    url: g.about,
    conformsTo: profiles.map((p) => ref(p['@id'])),
    ...(mainEntity ? { mainEntity } : {}),
    ...(parts.length ? { hasPart: parts } : {}),
    mentions,
  });
  return crate.document(version, lineage ? [PROFILES.workflowCrate['@id']] : []);
}
