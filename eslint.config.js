import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read untyped JSON responses and assert on them with expect; typing every body adds nothing.
    files: ['**/*.test.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The two classic hook rules; the plugin's React Compiler rules are not adopted (no compiler here).
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      // useAsync(load, deps) takes its dependencies as useEffect does: check them at every call.
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^use(Live)?Async$' }],
    },
  },
  {
    // The dashboard reaches src/ only through src/wire.ts (STYLE.md: wire types in one small module).
    files: ['web/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!wire\\.js$)',
              message: 'The dashboard imports from src/ only through src/wire.js.',
            },
          ],
        },
      ],
    },
  },
  {
    // The door itself lets types through, never server, repository, service or Node-only code.
    files: ['src/wire.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^node:|/(server|db|http|cli)/|\\.(repository|service|routes|tables|plugin)\\.js$)',
              allowTypeImports: true,
              message: 'src/wire.ts is bundled into the dashboard: only types may come from here.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
