// The modules that guard data and access, each with the test files that exercise it (stryker.config.mjs reads one).
export const groups = {
  access: {
    // The policy (visibility.ts), its SQL twin for listings (the holder and read-version fragments) and the caller's
    // resolution; src/modules/policies/ holds publication rules, not access decisions.
    mutate: ['src/modules/datasets/visibility.ts', 'src/plugins/auth.ts', 'src/db/fragments.ts:23-28'],
    // lfn-visibility.test.ts asserts what each caller gets of a record's files (embargo, restriction, logical file names);
    // visibility-policy.test.ts each decision of the policy for every kind of caller, and an ended embargo over REST.
    tests: ['test/unit/visibility-policy.test.ts', 'test/unit/visibility.test.ts', 'test/access/owners-groups.test.ts', 'test/integration/auth.test.ts', 'test/security/http-errors.test.ts', 'test/lattice/lfn-visibility.test.ts'],
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
    // The walk, and the lines of the service and snapshot that decide what an answer hides, which versions a filter
    // keeps, how deep it may go and whether it says truncated (test/README.md lists what is left out and why).
    mutate: [
      'src/modules/lineage/lineage.walk.ts',
      'src/modules/lineage/lineage.service.ts:61-78', // what is hidden: private versions not held, steps with every end hidden
      'src/modules/lineage/lineage.service.ts:89-97', // the tier and data-type filters, never applied to a hidden record
      'src/modules/lineage/lineage.service.ts:110-110', // the activity-kind filter
      'src/modules/lineage/lineage.service.ts:142-145', // a hidden version becomes a placeholder
      'src/modules/lineage/lineage.service.ts:277-279', // a hidden step is no root
      'src/modules/lineage/lineage.service.ts:286-286', // path/impact start only from versions the caller may see
      'src/modules/lineage/lineage.service.ts:295-301', // the depth bound
      'src/modules/lineage/lineage.service.ts:338-338', // truncated and its reason: lineage()
      'src/modules/lineage/lineage.service.ts:349-350',
      'src/modules/lineage/lineage.service.ts:375-375', // path()
      'src/modules/lineage/lineage.service.ts:385-385',
      'src/modules/lineage/lineage.service.ts:392-392',
      'src/modules/lineage/lineage.service.ts:399-399',
      'src/modules/lineage/lineage.service.ts:401-401',
      'src/modules/lineage/lineage.service.ts:416-417', // impact()
      'src/modules/lineage/lineage.snapshot.ts:166-167', // a version's restricted and private flags
      'src/modules/lineage/lineage.snapshot.ts:205-216', // a step's ends; which versions the snapshot knows
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
      'src/modules/datasets/datasets.service.ts:368-387',
      'src/modules/datasets/read.ts:102-103',
      'src/lib/conditional.ts',
      'src/modules/datasets/read.ts:242-243',
      'src/modules/datasets/read.ts:296-296',
      'src/modules/datasets/datasets.routes.ts:41-41',
    ],
    tests: ['test/integration/etag.test.ts', 'test/integration/datasets.test.ts'],
  },
  problems: {
    mutate: ['src/errors.ts:93-139', 'src/plugins/problem-details.ts'],
    tests: [
      'test/security/problem-fallbacks.test.ts',
      'test/security/http-errors.test.ts',
      'test/integration/openapi.test.ts',
      'test/integration/datasets.test.ts',
      'test/integration/search.test.ts',
    ],
  },
};
