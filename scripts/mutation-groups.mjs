// The modules that guard data and access, each with the test files that exercise it (stryker.config.mjs reads one).
export const groups = {
  access: {
    // The policy (visibility.ts), its SQL twin for listings (the holder and read-version fragments) and the caller's
    // resolution; src/modules/policies/ holds publication rules, not access decisions.
    mutate: ['src/modules/datasets/visibility.ts', 'src/plugins/auth.ts', 'src/db/fragments.ts:23-27'],
    tests: ['test/unit/visibility.test.ts', 'test/access/owners-groups.test.ts', 'test/integration/auth.test.ts', 'test/security/http-errors.test.ts'],
  },
  search: {
    mutate: ['src/modules/search/search.repository.ts', 'src/modules/search/search.service.ts', 'src/modules/search/search.schema.ts'],
    tests: [
      'test/integration/search.test.ts',
      'test/property/physics-filters.test.ts',
      'test/lattice/physics-search.test.ts',
      'test/property/search-paging.test.ts',
      'test/integration/read-cache.test.ts',
      'test/integration/auth.test.ts',
    ],
  },
  outbox: {
    mutate: ['src/modules/identifiers/outbox.ts'],
    tests: ['test/identifiers/outbox.test.ts'],
  },
  lineage: {
    // The walk, and what decides what an answer returns, hides, how deep it goes and whether it says truncated (line
    // ranges of the service: the hiding policy, the filters, the walk options, the placeholders, a hidden step as a
    // root, hidden versions of path/impact, the depth check, lineage(), path()'s walk and its truncation, impact(),
    // the breadth-first merge; of the snapshot: the access flags, the step-end test, the known-version test).
    // Not mutated, see test/README.md: the snapshot's storage and freshness, id and edge assembly, failedGate.
    mutate: [
      'src/modules/lineage/lineage.walk.ts',
      'src/modules/lineage/lineage.service.ts:61-105',
      'src/modules/lineage/lineage.service.ts:121-145',
      'src/modules/lineage/lineage.service.ts:247-249',
      'src/modules/lineage/lineage.service.ts:256-257',
      'src/modules/lineage/lineage.service.ts:265-271',
      'src/modules/lineage/lineage.service.ts:284-321',
      'src/modules/lineage/lineage.service.ts:333-358',
      'src/modules/lineage/lineage.service.ts:365-367',
      'src/modules/lineage/lineage.service.ts:372-384',
      'src/modules/lineage/lineage.service.ts:395-401',
      'src/modules/lineage/lineage.snapshot.ts:165-166',
      'src/modules/lineage/lineage.snapshot.ts:202-213',
    ],
    // incremental.test.ts reaches the overflow chains of appended edges, graphql-limits.test.ts the walk's deadline.
    tests: ['test/lineage/lineage.property.test.ts', 'test/lineage/lineage.test.ts', 'test/lineage/incremental.test.ts', 'test/lineage/graphql-limits.test.ts'],
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
    tests: ['test/security/http-errors.test.ts', 'test/integration/datasets.test.ts', 'test/integration/search.test.ts'],
  },
};
