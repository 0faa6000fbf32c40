import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['cdk.out/**', '.data/**', 'node_modules/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // One zod: shared/validation/zod.ts (zod/mini with English messages; classic zod would
    // put ~445 KB back into every Lambda bundle).
    ignores: ['shared/validation/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: "Use `import * as z from '@shared/validation/zod'`." }],
          patterns: [
            { group: ['zod/*'], message: "Use `import * as z from '@shared/validation/zod'`." },
          ],
        },
      ],
    },
  },
  {
    // The local runtime and its command-line tools talk to a person on a terminal.
    files: ['infra/local/**', 'test/bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests assert presence first; `!` afterwards keeps them short.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
);
