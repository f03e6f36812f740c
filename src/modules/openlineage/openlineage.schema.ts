import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FemtoError } from '../../errors.js';
import { schemaFieldErrors } from '../../lib/json-schema.js';
import { projectPath } from '../../paths.js';

/** What femto reads of an OpenLineage event; the JSON Schema (schema/openlineage/) says the rest. */
export type Facets = Record<string, Record<string, unknown> | undefined>;

export interface OlDataset {
  namespace: string;
  name: string;
  facets?: Facets;
  inputFacets?: Facets;
  outputFacets?: Facets;
}

export const RUN_STATES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunEvent {
  eventType?: RunState;
  eventTime: string;
  producer: string;
  run: { runId: string; facets?: Facets };
  job: { namespace: string; name: string; facets?: Facets };
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export interface DatasetEvent {
  eventTime: string;
  producer: string;
  dataset: OlDataset;
}

export interface JobEvent {
  eventTime: string;
  producer: string;
  job: { namespace: string; name: string; facets?: Facets };
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export type OlEvent = { kind: 'run'; event: RunEvent } | { kind: 'dataset'; event: DatasetEvent } | { kind: 'job'; event: JobEvent };

const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';
/** Where a facet of each base type sits in an event (JSON pointers with '*' for every dataset). */
const FACET_PLACES: Record<string, (e: Record<string, unknown>) => [string, unknown][]> = {
  RunFacet: (e) => [['/run/facets', (e.run as { facets?: unknown } | undefined)?.facets]],
  JobFacet: (e) => [['/job/facets', (e.job as { facets?: unknown } | undefined)?.facets]],
  DatasetFacet: (e) => [
    ...datasetsOf(e, 'inputs').map(([p, d]): [string, unknown] => [`${p}/facets`, d.facets]),
    ...datasetsOf(e, 'outputs').map(([p, d]): [string, unknown] => [`${p}/facets`, d.facets]),
    ['/dataset/facets', (e.dataset as { facets?: unknown } | undefined)?.facets],
  ],
  InputDatasetFacet: (e) => datasetsOf(e, 'inputs').map(([p, d]): [string, unknown] => [`${p}/inputFacets`, d.inputFacets]),
  OutputDatasetFacet: (e) => datasetsOf(e, 'outputs').map(([p, d]): [string, unknown] => [`${p}/outputFacets`, d.outputFacets]),
};

function datasetsOf(e: Record<string, unknown>, side: 'inputs' | 'outputs'): [string, Record<string, unknown>][] {
  const list = e[side];
  return Array.isArray(list) ? list.map((d, i): [string, Record<string, unknown>] => [`/${side}/${i}`, (d ?? {}) as Record<string, unknown>]) : [];
}

/**
 * Validates events against the OpenLineage JSON Schema (the core spec: RunEvent, DatasetEvent or
 * JobEvent) and every standard facet against its own schema, read from schema/openlineage/ at
 * start (the spec files as published, never fetched). Custom facets are checked only against the
 * base facet shape, as the spec allows them.
 */
export function createEventValidator(dir = projectPath('schema', 'openlineage')) {
  // Compiled on the first event: most processes (tests, CLI commands) never receive one.
  let compiled: ReturnType<typeof compile> | undefined;
  return {
    /** The event, typed, or a 400 naming the JSON pointer of the first field at fault. */
    validate: (value: unknown): OlEvent => (compiled ??= compile(dir)).validate(value),
  };
}

function compile(dir: string) {
  // In draft 2020-12 `format` annotates, it does not assert (as the spec's own test suite reads it): an event time without
  // an offset is valid OpenLineage (Marquez reads it as UTC, so does femto); what femto itself needs is checked by the service.
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  ajv.addSchema(JSON.parse(readFileSync(join(dir, 'OpenLineage.json'), 'utf8')) as object);
  const kinds = {
    run: ajv.compile({ $ref: `${SPEC}#/$defs/RunEvent` }),
    dataset: ajv.compile({ $ref: `${SPEC}#/$defs/DatasetEvent` }),
    job: ajv.compile({ $ref: `${SPEC}#/$defs/JobEvent` }),
  };
  // Each standard facet file names its facet (the key under `facets`) and the base type(s) saying where it may appear.
  const facets: { base: string; key: string; validate: ValidateFunction }[] = [];
  for (const file of readdirSync(join(dir, 'facets'))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const text = readFileSync(join(dir, 'facets', file), 'utf8');
    const schema = JSON.parse(text) as { $id: string; properties?: Record<string, unknown> };
    ajv.addSchema(schema);
    const bases = new Set([...text.matchAll(/OpenLineage\.json#\/\$defs\/(\w+Facet)"/g)].map((m) => m[1]).filter((b) => FACET_PLACES[b]));
    for (const key of Object.keys(schema.properties ?? {})) {
      const validate = ajv.compile({ $ref: `${schema.$id}#/properties/${key}` });
      for (const base of bases) facets.push({ base, key, validate });
    }
  }

  // The same validators by where they apply: an event carries a few facets, so they are looked up by its keys
  // rather than every standard facet looked for in every place of it.
  const byPlace = new Map<string, Map<string, ValidateFunction[]>>();
  for (const { base, key, validate } of facets) {
    const keys = byPlace.get(base) ?? byPlace.set(base, new Map()).get(base)!;
    keys.set(key, [...(keys.get(key) ?? []), validate]);
  }
  const facetsValid = (e: Record<string, unknown>) => {
    for (const [base, keys] of byPlace)
      for (const [, place] of FACET_PLACES[base](e)) {
        if (!place || typeof place !== 'object') continue;
        for (const key of Object.keys(place)) {
          const facet = (place as Record<string, unknown>)[key];
          if (facet !== undefined && keys.get(key)?.some((validate) => !validate(facet))) return false;
        }
      }
    return true;
  };

  return {
    validate(value: unknown): OlEvent {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new FemtoError('VALIDATION_FAILED', 'An OpenLineage event is a JSON object', [{ pointer: '/', message: 'must be an object' }]);
      const e = value as Record<string, unknown>;
      const kind = 'run' in e ? 'run' : 'dataset' in e ? 'dataset' : 'job';
      if (!kinds[kind](e)) {
        const errors = schemaFieldErrors(kinds[kind].errors, '');
        throw new FemtoError(
          'VALIDATION_FAILED',
          `Not a valid OpenLineage ${kind} event: ${errors.map((x) => `${x.pointer}: ${x.message}`).join('; ')}`,
          errors,
        );
      }
      // A facet is invalid: the first at fault in the order of the facet files is the one named, whichever of several it is.
      if (!facetsValid(e))
        for (const { base, key, validate } of facets) {
          for (const [pointer, place] of FACET_PLACES[base](e)) {
            const facet = (place as Record<string, unknown> | undefined)?.[key];
            if (facet === undefined || validate(facet)) continue;
            const errors = schemaFieldErrors(validate.errors, `${pointer}/${key}`);
            throw new FemtoError('VALIDATION_FAILED', `Not a valid OpenLineage ${base}: ${errors.map((x) => `${x.pointer}: ${x.message}`).join('; ')}`, errors);
          }
        }
      return { kind, event: e } as unknown as OlEvent;
    },
  };
}

export type EventValidator = ReturnType<typeof createEventValidator>;
