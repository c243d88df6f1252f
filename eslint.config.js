// Lint enforces the layers of docs/ARCHITECTURE.md section 1: the folders are the architecture.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const noElectron = {
  name: 'electron',
  message: 'Only src-main/host/electron may import electron.',
};
const nodeForbidden = (where) =>
  nodeBuiltins.map((name) => ({ name, message: `${where} must not import Node built-ins.` }));

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'bench/results/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/host/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/src-renderer/**'], message: 'src-main never imports the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            {
              group: ['**/host/**', '**/cli/**'],
              message: 'The engine is a library: it never imports its hosts.',
            },
            { group: ['**/src-renderer/**'], message: 'The engine never imports the renderer.' },
            {
              group: ['**/src-shared/contract*', '**/src-shared/validate*'],
              message:
                'The engine imports src-shared/model only; the contract belongs to the hosts.',
            },
          ],
        },
      ],
    },
  },
  {
    // docs/ARCHITECTURE.md section 3: the engine's imports are an allow-list: Node built-ins (as
    // `node:`), its own files and src-shared/model. No package: the engine must run anywhere Node
    // runs, and its dependencies are reviewed here, not pulled in by an import.
    files: ['src-main/engine/**/*.ts'],
    ignores: ['src-main/engine/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/^(?!node:|\\.)/]',
          message: 'The engine imports only node: built-ins, its own files and src-shared/model.',
        },
        {
          selector: 'ImportDeclaration[source.value=/src-shared\\/(?!model)/]',
          message: 'The engine imports only node: built-ins, its own files and src-shared/model.',
        },
        {
          selector: 'ImportDeclaration[source.value=/(^|\\/)(testing|bench)\\//]',
          message: 'Test helpers are for tests; the engine never imports them.',
        },
      ],
    },
  },
  {
    // docs/ARCHITECTURE.md section 3: engine/index.ts is the engine's one public door.
    files: ['src-main/host/**/*.ts', 'src-main/cli/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/\\/engine\\/(?!index$)/]',
          message: "Import the engine from its index ('…/engine') only.",
        },
      ],
    },
  },
  {
    // docs/ARCHITECTURE.md section 3: policies run on an injected clock, so tests can drive time.
    files: ['src-main/engine/**/*.ts'],
    ignores: ['src-main/engine/time/**', 'src-main/engine/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval'].map((name) => ({
          name,
          message: 'Use the injected Clock (engine/time/clock.ts).',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock: clock.now().' },
        {
          object: 'Math',
          property: 'random',
          message: 'Use the injected Random (engine/time/clock.ts), so tests can seed it.',
        },
      ],
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectron,
            ...nodeForbidden('src-shared'),
            { name: 'react', message: 'src-shared is pure TypeScript.' },
          ],
          patterns: [
            {
              group: ['**/src-main/**', '**/src-renderer/**'],
              message: 'src-shared imports neither side.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-renderer/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeForbidden('The renderer')],
          patterns: [
            {
              group: ['**/src-main/**'],
              message: 'The renderer talks to the host only through src-renderer/api.',
            },
          ],
        },
      ],
    },
  },
);
