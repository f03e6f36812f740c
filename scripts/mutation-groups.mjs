// The modules that guard data and access, each with the test files that exercise it (stryker.config.mjs reads one).
export const groups = {
  access: {
    // The policy (visibility.ts), its SQL twin for listings (the holder and read-version fragments) and the caller's
    // resolution; src/modules/policies/ holds publication rules, not access decisions.
    mutate: ['src/modules/datasets/visibility.ts', 'src/plugins/auth.ts', 'src/db/fragments.ts:23-27'],
    // lfn-visibility.test.ts asserts what each caller gets of a record's files (embargo, restriction, logical file names).
    tests: ['test/unit/visibility.test.ts', 'test/access/owners-groups.test.ts', 'test/integration/auth.test.ts', 'test/security/http-errors.test.ts', 'test/lattice/lfn-visibility.test.ts'],
  },
  search: {
    mutate: ['src/modules/search/search.repository.ts', 'src/modules/search/search.service.ts', 'src/modules/search/search.schema.ts'],
    tests: ['test/integration/search.test.ts', 'test/integration/auth.test.ts'],
  },
  outbox: {
    mutate: ['src/modules/identifiers/outbox.ts'],
    tests: ['test/identifiers/outbox.test.ts'],
  },
  lineage: {
    mutate: ['src/modules/lineage/lineage.walk.ts'],
    tests: ['test/lineage/lineage.test.ts', 'test/lineage/lineage.property.test.ts'],
  },
  gates: {
    mutate: ['src/modules/gates/evaluate.ts'],
    tests: ['test/gates/evaluate.test.ts'],
  },
  'oai-tokens': {
    mutate: ['src/modules/harvest/oai.tokens.ts'],
    tests: ['test/harvest/oai-tokens.test.ts'],
  },
  etag: {
    // The If-Match check of PATCH and the ETag / If-None-Match of the read pipeline.
    // (line ranges: the If-Match check in patch(), draftEtag, the If-None-Match comparison, the representation's tag,
    // the 304 answer, and the ETag header of a read)
    mutate: [
      'src/modules/datasets/datasets.service.ts:328-336',
      'src/modules/datasets/read.ts:101-101',
      'src/lib/conditional.ts',
      'src/modules/datasets/read.ts:229-229',
      'src/modules/datasets/read.ts:282-282',
      'src/modules/datasets/datasets.routes.ts:35-35',
    ],
    tests: ['test/integration/etag.test.ts', 'test/integration/datasets.test.ts'],
  },
  problems: {
    mutate: ['src/errors.ts:93-140', 'src/plugins/problem-details.ts'],
    tests: [
      'test/security/problem-fallbacks.test.ts',
      'test/security/http-errors.test.ts',
      'test/integration/openapi.test.ts',
      'test/integration/datasets.test.ts',
      'test/integration/search.test.ts',
    ],
  },
};
