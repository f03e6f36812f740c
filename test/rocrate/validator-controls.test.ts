import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires, shared } from '../helpers/external.js';
import { processRunCrateRecommended, processRunCrateRequired, roCrateRequired } from '../helpers/rocrate-validator.js';

/**
 * The SHACL runner that checks femto's crates is itself checked on the RO-Crate validator's own test
 * crates: the valid ones pass, each invalid one fails for the reason its name gives.
 */
const crates = shared('fixtures', 'real', 'rocrate', 'validator-crates');
const read = (kind: string, name: string) => JSON.parse(readFileSync(join(crates.path, kind, `${name}.ro-crate-metadata.json`), 'utf8')) as object;

t.test('valid crates pass', requires(t, crates), async (t) => {
  for (const name of ['rocrate-with-data-entities', 'rocrate-with-value-objects']) t.same((await roCrateRequired.errors([read('valid', name)]))[0], [], name);
  for (const name of ['process-run-crate', 'workflow-run-crate', 'provenance-run-crate'])
    t.same((await processRunCrateRequired.errors([read('valid', name)]))[0], [], name);
});

t.test('invalid crates fail for their reason', requires(t, crates), async (t) => {
  const cases: [string, typeof roCrateRequired, RegExp][] = [
    ['0_jsonld_missing_context', roCrateRequired, /no @context/],
    ['0_jsonld_missing_id', roCrateRequired, /has no @id/],
    ['0_jsonld_not_flattened', roCrateRequired, /not flattened/],
    ['1_file_descriptor_metadata_missing_conforms_to', roCrateRequired, /conformsTo. property with the RO-Crate specification/],
    ['2_root_data_entity_metadata_invalid_root_date', roCrateRequired, /datePublished/],
    ['2_root_data_entity_metadata_missing_root_entity', roCrateRequired, /MUST have an entity with @id .ro-crate-metadata.json/],
    ['2_root_data_entity_metadata_missing_root_license', roCrateRequired, /MUST have a .license. property/],
    ['3_process_run_crate_action_bad_endtime', processRunCrateRecommended, /endTime in ISO 8601/],
    ['3_process_run_crate_action_no_agent', processRunCrateRecommended, /agent that is a Person or Organization/],
  ];
  for (const [name, validator, reason] of cases) {
    const errors = (await validator.errors([read('invalid', name)]))[0];
    t.ok(
      errors.some((e) => reason.test(e)),
      `${name}: ${errors.slice(0, 3).join(' | ')}`,
    );
  }
});
