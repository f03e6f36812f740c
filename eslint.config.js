// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';

/** Module boundaries (DESIGN.md "Layout"): modules talk through services, never through container.ts or each other's repositories. */
const boundaries = {
  patterns: [
    { group: ['**/container.js'], message: 'Modules receive what they need as parameters; container.ts only wires them.' },
    {
      group: ['../*/*.repository.js', '../../*/*.repository.js'],
      message: "Another module's repository: use its service (or a narrow interface the wiring passes in).",
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tap/', 'coverage/', 'schema/static/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    files: ['**/*.ts'],
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      // Dependencies point down (routes -> services -> repositories -> db): no module imports back up, even for types.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Loaders and test doubles are typed by the libraries they plug into.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // A missing await on a database call (every repository call is async) lets a test pass while the promise rejects
    // later, or a write land after its transaction: these rules need types, so they read tests and benches too.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // tap queues subtests itself and waits for them before its parent ends.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // require-await is left off: Fastify handlers and hooks are async by contract, whether or not they await.
    },
  },
  {
    // Property tests start accumulators at sentinels the loop overwrites; format tests match fixed-width syntax (RIS "TY  - ") literally.
    files: ['test/**/*.ts'],
    rules: { 'no-useless-assignment': 'off', 'no-regex-spaces': 'off' },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', boundaries] },
  },
  // Formatting is prettier's (npm run format); eslint keeps to correctness and boundaries.
  prettier,
);
