// typescript-eslint's recommended rules over the whole tree, with React's hooks rules in the renderer.
// Style is prettier's job (`npm run format`); this catches bugs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'out/', 'release/', '.cache/', 'test-results/', '**/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_` marks a value kept on purpose (destructuring to drop a key, an unused callback argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Empty catch blocks are used where a failure is expected and harmless (each says why).
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Control characters in our regexes are deliberate (file-name sanitizing, FTS5 snippet markers).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.mjs', 'electron/core/engine/tensor/worker.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
