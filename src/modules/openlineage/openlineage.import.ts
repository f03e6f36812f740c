import { FemtoError } from '../../errors.js';
import { canonicalJson, sha256 } from '../../lib/digest.js';
import { parseBoundedJson } from '../../lib/json.js';
import type { Importer, ParsedUnit } from '../imports/imports.schema.js';
import type { EventValidator, OlEvent } from './openlineage.schema.js';
import type { OpenLineageService } from './openlineage.service.js';

export interface EventUnit {
  event: OlEvent;
  raw: string;
}

/** Most datasets one event may name: each is looked up and possibly written, so the bound comes before the work. */
export const MAX_EVENT_DATASETS = 1000;

/** A parsed JSON value as an event unit (its digest is of its canonical JSON: the same event sent twice, however formatted, is one). */
export function eventUnit(validator: EventValidator, value: unknown, source: string): ParsedUnit<EventUnit> {
  const raw = JSON.stringify(value);
  const digest = sha256(canonicalJson(value));
  try {
    const event = validator.validate(value);
    const e = event.event as { inputs?: unknown[]; outputs?: unknown[] };
    if ((e.inputs?.length ?? 0) + (e.outputs?.length ?? 0) > MAX_EVENT_DATASETS) {
      throw new FemtoError('VALIDATION_FAILED', `An event names at most ${MAX_EVENT_DATASETS} datasets`, [
        { pointer: '/inputs', message: `more than ${MAX_EVENT_DATASETS} inputs and outputs` },
      ]);
    }
    return { key: `event:${digest}`, source, digest, data: { event, raw } };
  } catch (err) {
    if (!(err instanceof FemtoError)) throw err;
    return { key: `event:${digest}`, source, refused: err };
  }
}

/** Whether text looks like OpenLineage events: a JSON object (or the first JSON line) with an eventTime and a run, job or dataset. */
const looksLikeEvent = (text: string) =>
  /^\s*[[{]/.test(text) && /"eventTime"\s*:/.test(text) && /"(run|job|dataset)"\s*:/.test(text) && /"producer"\s*:/.test(text);

/**
 * OpenLineage events from a file: one event per line (what the OpenLineage file transport and
 * Marquez exports write), or one JSON document holding an event or an array of events.
 */
export function openLineageImporter(deps: { service: OpenLineageService; validator: EventValidator; jsonMaxDepth: number }): Importer<EventUnit> {
  const { service, validator, jsonMaxDepth } = deps;
  return {
    format: 'openlineage',
    title: 'OpenLineage run, job and dataset events, one per line (or a JSON event or array of events), as POST /api/v1/lineage takes them',
    mediaTypes: ['application/json', 'application/jsonl', 'application/x-ndjson'],
    extensions: ['.jsonl', '.ndjson', '.json'],
    detect: (input) => looksLikeEvent(input.bytes.subarray(0, 64 * 1024).toString('utf8')),

    *parse(input) {
      if (input.kind !== 'file') throw new FemtoError('UNPROCESSABLE', `${input.name}: OpenLineage events are read from one file`);
      const text = input.bytes.toString('utf8');
      const trimmed = text.trim();
      // One JSON document (an event, or an array of them) when the whole text parses; else one event per line.
      if (/^[[{]/.test(trimmed) && !/\}\s*\n\s*\{/.test(trimmed)) {
        const value = parseBoundedJson(trimmed, jsonMaxDepth, input.name);
        const events = Array.isArray(value) ? value : [value];
        for (let i = 0; i < events.length; i++) yield eventUnit(validator, events[i], Array.isArray(value) ? `${input.name}#/${i}` : input.name);
        return;
      }
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim();
        if (!line) continue;
        const source = `${input.name}:${i + 1}`;
        try {
          yield eventUnit(validator, parseBoundedJson(line, jsonMaxDepth, source), source);
        } catch (err) {
          if (!(err instanceof FemtoError)) throw err;
          yield { key: source, source, refused: err };
        }
      }
    },

    apply: ({ data, digest }, actor) => service.ingest(actor, data.event, data.raw, digest),
    applyBulk: (units, actor) =>
      service.ingestMany(
        actor,
        units.map(({ data, digest }) => ({ ...data, digest })),
      ),
  };
}
