// ESLint for the TypeScript and JavaScript of the repository: ESLint's and typescript-eslint's
// recommended rules (syntax-based, no type information: the whole tree lints in seconds), run
// by `npm run lint`. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'build-*/', 'prebuilds/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a binding left unused on purpose (a rest-destructuring that
      // drops a key, a callback's unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // `interface FooJob extends PoolingJob {}` names an operator's job even where it adds no field.
    rules: { '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }] },
  },
  {
    // The validation tests pass arrays with holes on purpose (a hole is not undefined to the API).
    files: ['test/api/validation*.test.ts'],
    rules: { 'no-sparse-arrays': 'off' },
  },
  {
    // CommonJS files (the worker script of the tests) may require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The CommonJS TypeScript consumer of the type tests imports as such consumers do: import x = require().
    files: ['test/types/fixtures/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
