// The modules that guard data and access, each with the test files that exercise it (stryker.config.mjs reads one).
export const groups = {
  access: {
    mutate: ['src/modules/datasets/visibility.ts', 'src/plugins/auth.ts'],
    tests: ['test/unit/visibility.test.ts', 'test/integration/auth.test.ts', 'test/security/http-errors.test.ts'],
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
    mutate: ['src/modules/datasets/datasets.service.ts:214-227', 'src/modules/datasets/read.ts:94-94', 'src/modules/datasets/read.ts:120-121', 'src/modules/datasets/read.ts:205-210'],
    tests: ['test/integration/etag.test.ts', 'test/integration/datasets.test.ts'],
  },
  problems: {
    mutate: ['src/errors.ts:94-136', 'src/plugins/problem-details.ts'],
    tests: ['test/security/http-errors.test.ts', 'test/integration/datasets.test.ts', 'test/integration/search.test.ts'],
  },
};
