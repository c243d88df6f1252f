// Lint enforces the layers of ARCHITECTURE.md section 1: the folders are the architecture.
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
    // ARCHITECTURE.md section 3: policies run on an injected clock, so tests can drive time.
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
