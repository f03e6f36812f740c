import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

export const DATACITE_FIXTURES = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'real', 'datacite');
const XSD = join(DATACITE_FIXTURES, 'kernel-4.7', 'metadata.xsd');

/** Validates with libxml2 (Debian xmllint, as CI installs it) against the official kernel-4.7 XSD; returns the errors. */
export function xsdErrors(xml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'femto-xsd-'));
  try {
    const file = join(dir, 'record.xml');
    writeFileSync(file, xml);
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { stdio: 'pipe' });
    return [];
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err).split('\n').filter((l) => l && !/validates$/.test(l));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The DataCite schema names date formats of its own (ISO 8601 profiles); these are their definitions.
const y = '\\d{4}';
const ym = `${y}-\\d{2}`;
const d = `${ym}-\\d{2}`;
const dt = `${d}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?`;
const whole = (p: string) => new RegExp(`^${p}$`);
const range = (p: string) => whole(`(${p})?/(${p})?`);

const ajv = new (Ajv2019 as unknown as typeof Ajv2019.default)({ allErrors: true, strict: false });
(addFormats as unknown as typeof addFormats.default)(ajv);
ajv.addFormat('year', whole(y));
ajv.addFormat('yearmonth', whole(ym));
ajv.addFormat('datetime', whole(dt));
ajv.addFormat('year-range', range(y));
ajv.addFormat('yearmonth-range', range(ym));
ajv.addFormat('date-range', range(d));
ajv.addFormat('datetime-range', range(dt));
// The file still carries a draft-04 style `id`, which draft 2019-09 names `$id`; it is only a label.
const { id: _label, ...schema } = JSON.parse(readFileSync(join(DATACITE_FIXTURES, 'jsonschema', 'datacite-v4.5.json'), 'utf8'));
const validate = ajv.compile(schema);

/** Validates DataCite attributes against the official v4.5 JSON Schema; returns the errors. */
export function jsonSchemaErrors(attributes: unknown): string[] {
  return validate(attributes) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
