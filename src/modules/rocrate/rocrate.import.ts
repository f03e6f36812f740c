import { createRequire } from 'node:module';
import { FemtoError } from '../../errors.js';
import { sha256 } from '../../lib/digest.js';
import { parseBoundedJson } from '../../lib/json.js';
import type { FileInput, Importer, ImportInput, ParsedUnit } from '../imports/imports.schema.js';
import { ACTIVITY_KINDS } from '../provenance/provenance.schema.js';
import {
  doiOf,
  femtoActivityOf,
  femtoVersionOf,
  importedId,
  writeDataset,
  writeStep,
  type DatasetPlan,
  type ImportWriters,
  type StepRef,
} from '../prov/imported.js';
import { SOFTWARE_NOT_RECORDED } from './rocrate.terms.js';
import {
  agentOf,
  contentOf,
  identityOf,
  isRunCrate,
  readCrate,
  recordsSteps,
  refsOf,
  text,
  textsOf,
  timeOf,
  typesOf,
  type Crate,
  type CrateEntity,
} from './rocrate.read.js';

const spdx = new Set<string>(createRequire(import.meta.url)('spdx-license-ids') as string[]);

type Step = Record<string, unknown> & { id: string; inputs: StepRef[]; outputs: StepRef[] };
type CrateUnit = { kind: 'dataset'; plan: DatasetPlan } | { kind: 'step'; step: Step; pointer: string };

const DESCRIPTORS = ['ro-crate-metadata.json', 'ro-crate-metadata.jsonld'];
const STEP_TYPES = ['CreateAction', 'ActivateAction'];
const SOFTWARE_TYPES = ['SoftwareApplication', 'SoftwareSourceCode', 'ComputationalWorkflow'];

/** A crate is recognised by its metadata descriptor: an entity named ro-crate-metadata.json about a root. */
function detect(input: FileInput): boolean {
  const head = input.bytes.subarray(0, 256 * 1024).toString('utf8');
  return head.trimStart().startsWith('{') && /"@graph"/.test(head) && /"@id"\s*:\s*"(?:[^"]*\/)?ro-crate-metadata\.jsonld?"/.test(head);
}

/** The metadata document of an input: the file itself, or ro-crate-metadata.json at the top of a crate directory. */
function metadataOf(input: ImportInput): { name: string; text: string } {
  if (input.kind === 'file') return { name: input.name, text: input.bytes.toString('utf8') };
  const file = DESCRIPTORS.map((d) => input.files.find((f) => f.path === d)).find(Boolean);
  if (!file) throw new FemtoError('UNPROCESSABLE', `${input.name} is not an RO-Crate: it has no ro-crate-metadata.json at its top`);
  return { name: `${input.name}/${file.path}`, text: file.read().toString('utf8') };
}

export function roCrateImporter(deps: ImportWriters & { jsonMaxDepth: number }): Importer<CrateUnit> {
  const { urls, jsonMaxDepth } = deps;

  /**
   * The dataset an entity stands for: a femto version it names, a dataset femto holds under its
   * DOI (matched when applied), or a new one named after the entity.
   */
  function planOf(c: Crate, e: CrateEntity): DatasetPlan {
    const content = contentOf(c, e, (id) => spdx.has(id));
    const ref = femtoVersionOf(urls, e['@id']);
    return ref ? { id: ref.dataset, version: ref.version, content } : { id: importedId('rc', content.title, identityOf(c, e)), content };
  }

  const refOf = (p: DatasetPlan): StepRef => {
    const doi = doiOf(p.content);
    return { dataset: p.id, ...(p.version !== undefined ? { version: p.version } : {}), ...(doi ? { doi } : {}) };
  };

  function stepOf(c: Crate, action: CrateEntity, plans: Map<string, DatasetPlan>): Step {
    const name = text(action.name);
    const id = femtoActivityOf(urls, action['@id']) ?? importedId('rc', name ?? 'step', identityOf(c, action));
    const kindIri = text(action.additionalType) ?? refsOf(action.additionalType)[0] ?? '';
    const kind = ACTIVITY_KINDS.find((k) => kindIri === `https://w3id.org/femto/ns#${k}`) ?? 'other';
    const tools = refsOf(action.instrument)
      .flatMap((r) => c.entities.get(r) ?? [])
      .filter((e) => typesOf(e).some((t) => SOFTWARE_TYPES.includes(t)));
    const tool = tools.find((e) => text(e.name) !== SOFTWARE_NOT_RECORDED);
    // An input's role: the name of the tool's FormalParameter its entity is an example of (Workflow Run Crate).
    const formal = new Set(tools.flatMap((e) => refsOf(e.input)));
    const roleOf = (r: string) =>
      refsOf(c.entities.get(r)?.exampleOfWork)
        .filter((p) => formal.has(p))
        .map((p) => text(c.entities.get(p)?.name))
        .find(Boolean);
    const repository =
      tool && [...textsOf(tool.url), ...refsOf(tool.url), ...textsOf(tool.codeRepository), ...refsOf(tool.codeRepository)].find((u) => /^https?:\/\//.test(u));
    const values = refsOf(action.object)
      .flatMap((r) => c.entities.get(r) ?? [])
      .filter((e) => typesOf(e).includes('PropertyValue'));
    const data = (prop: unknown, withRoles: boolean) =>
      refsOf(prop)
        .filter((r) => plans.has(r))
        .map((r) => ({ ...refOf(plans.get(r)!), ...(withRoles && roleOf(r) ? { role: roleOf(r)!.slice(0, 100) } : {}) }));
    return {
      id,
      kind,
      ...(name ? { name: name.slice(0, 500) } : {}),
      ...(text(action.description) ? { description: text(action.description) } : {}),
      ...(tool
        ? {
            software: {
              name: (text(tool.name) ?? tool['@id']).slice(0, 200),
              ...((text(tool.softwareVersion) ?? text(tool.version)) ? { version: (text(tool.softwareVersion) ?? text(tool.version))!.slice(0, 100) } : {}),
              ...(repository ? { repository } : {}),
            },
          }
        : {}),
      ...(values.length ? { parameters: Object.fromEntries(values.map((v) => [text(v.name) ?? v['@id'], v.value ?? null])) } : {}),
      ...(timeOf(action.startTime) ? { startedAt: timeOf(action.startTime) } : {}),
      ...(timeOf(action.endTime) ? { endedAt: timeOf(action.endTime) } : {}),
      agents: refsOf(action.agent).flatMap((r) => agentOf(c, r) ?? []),
      inputs: data(action.object, true),
      outputs: data(action.result, false),
    };
  }

  /**
   * The units of a crate, datasets before the steps that link them. A run crate's root is the
   * run's container, not a dataset; its actions' inputs and outputs are. A Provenance Run Crate's
   * run of the whole workflow is the sum of its steps, so only the steps are recorded.
   */
  function unitsOf(c: Crate): { key: string; pointer: string; unit: CrateUnit }[] {
    const mainEntity = refsOf(c.root.mainEntity)[0];
    const actions = [...c.entities.values()].filter(
      (e) => typesOf(e).some((t) => STEP_TYPES.includes(t)) && !(recordsSteps(c) && refsOf(e.instrument).includes(mainEntity)),
    );
    const plans = new Map<string, DatasetPlan>();
    if (!isRunCrate(c)) plans.set(c.root['@id'], planOf(c, c.root));
    for (const a of actions) {
      for (const r of [...refsOf(a.object), ...refsOf(a.result)]) {
        const e = c.entities.get(r);
        if (e && !plans.has(r) && typesOf(e).some((t) => t === 'File' || t === 'Dataset' || t === 'CreativeWork' || t === 'Collection'))
          plans.set(r, planOf(c, e));
      }
    }
    const seen = new Set<string>();
    const datasets = [...plans].flatMap(([id, plan]) => {
      const key = `dataset:${plan.id}${plan.version !== undefined ? `@${plan.version}` : ''}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ key, pointer: c.pointers.get(id)!, unit: { kind: 'dataset' as const, plan } }];
    });
    const steps = actions.map((a) => {
      const step = stepOf(c, a, plans);
      return { key: `step:${step.id}`, pointer: c.pointers.get(a['@id'])!, unit: { kind: 'step' as const, step, pointer: c.pointers.get(a['@id'])! } };
    });
    return [...datasets, ...steps];
  }

  return {
    format: 'rocrate',
    title:
      'RO-Crate 1.0–1.2 (ro-crate-metadata.json, or a crate directory): Dataset entities with their files as datasets, CreateActions as steps, people and organisations as agents',
    mediaTypes: ['application/ld+json', 'application/json'],
    extensions: ['ro-crate-metadata.json', 'ro-crate-metadata.jsonld'],
    directories: true,
    detect,

    *parse(input): Iterable<ParsedUnit<CrateUnit>> {
      const { name, text: raw } = metadataOf(input);
      const crate = readCrate(parseBoundedJson(raw, jsonMaxDepth, name));
      for (const { key, pointer, unit } of unitsOf(crate)) {
        yield { key: `${crate.identity}|${key}`, source: `${name}#${pointer}`, digest: sha256(JSON.stringify(unit)), data: unit };
      }
    },

    async apply({ data }, actor, { dryRun }) {
      return data.kind === 'step' ? await writeStep(deps, actor, data.step, data.pointer, dryRun) : await writeDataset(deps, actor, data.plan, dryRun);
    },
  };
}
