// Proves the layering rules of eslint.config.js bite: each forbidden import, placed in the layer
// that forbids it, is an error, and the same import where it is allowed is not.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

const layeringRules = new Set([
  'no-restricted-imports',
  'no-restricted-syntax',
  'no-restricted-globals',
  'no-restricted-properties',
]);

async function restrictedImportErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId !== null && layeringRules.has(m.ruleId))
    .map((m) => m.message);
}

describe('layering lint', () => {
  const cases: [string, string, RegExp][] = [
    [
      'src-main/engine/peer/x.ts',
      "import { app } from 'electron';\nvoid app;\n",
      /Only src-main\/host\/electron/,
    ],
    [
      'src-main/engine/x.ts',
      "import { x } from '../host/api';\nvoid x;\n",
      /never imports its hosts/,
    ],
    [
      'src-main/engine/x.ts',
      "import type { Commands } from '../../src-shared/contract';\nexport type C = Commands;\n",
      /src-shared\/model only/,
    ],
    ['src-shared/x.ts', "import fs from 'node:fs';\nvoid fs;\n", /must not import Node built-ins/],
    ['src-shared/x.ts', "import fs from 'fs';\nvoid fs;\n", /must not import Node built-ins/],
    [
      'src-shared/x.ts',
      "import { y } from '../src-main/engine/session';\nvoid y;\n",
      /imports neither side/,
    ],
    [
      'src-shared/x.ts',
      "import { y } from '../src-renderer/store';\nvoid y;\n",
      /imports neither side/,
    ],
    [
      'src-renderer/features/x.ts',
      "import path from 'node:path';\nvoid path;\n",
      /must not import Node built-ins/,
    ],
    [
      'src-renderer/features/x.ts',
      "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;\n",
      /Only src-main\/host\/electron/,
    ],
    [
      'src-renderer/features/x.ts',
      "import { Session } from '../../src-main/engine/session';\nvoid Session;\n",
      /only through src-renderer\/api/,
    ],
    [
      'src-main/host/web/x.ts',
      "import { app } from 'electron';\nvoid app;\n",
      /Only src-main\/host\/electron/,
    ],
    // Issue 14: the engine's one door, its import allow-list, and time only in engine/time/.
    [
      'src-main/host/web/x.ts',
      "import { Session } from '../../engine/session';\nvoid Session;\n",
      /from its index/,
    ],
    [
      'src-main/cli/x.ts',
      "import { HashWritePool } from '../engine/hash';\nvoid HashWritePool;\n",
      /from its index/,
    ],
    ['src-main/engine/x.ts', "import ws from 'ws';\nvoid ws;\n", /only node: built-ins/],
    [
      'src-main/engine/x.ts',
      "import { commandNames } from '../../src-shared/contract';\nvoid commandNames;\n",
      /only node: built-ins/,
    ],
    [
      'src-main/engine/x.ts',
      "import { tempDir } from '../testing/fixtures';\nvoid tempDir;\n",
      /never imports them/,
    ],
    ['src-main/engine/peer/x.ts', 'export const t = Date.now();\n', /injected Clock/],
    ['src-main/engine/peer/x.ts', 'export const r = Math.random();\n', /injected Random/],
    ['src-main/engine/peer/x.ts', 'setTimeout(() => undefined, 1);\n', /injected Clock/],
  ];
  for (const [file, code, message] of cases) {
    it(`refuses ${code.split('\n')[0]} in ${file}`, async () => {
      const errors = await restrictedImportErrors(file, code);
      expect(errors.length, `no layering error for ${file}`).toBeGreaterThan(0);
      expect(errors.join('\n')).toMatch(message);
    });
  }

  it('allows the same imports where they belong', async () => {
    expect(
      await restrictedImportErrors(
        'src-main/host/electron/x.ts',
        "import { app } from 'electron';\nvoid app;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportErrors('src-main/engine/x.ts', "import fs from 'node:fs';\nvoid fs;\n"),
    ).toEqual([]);
    expect(
      await restrictedImportErrors(
        'src-main/engine/x.ts',
        "import type { Settings } from '../../src-shared/model';\nexport type S = Settings;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportErrors(
        'src-renderer/x.ts',
        "import type { Commands } from '../src-shared/contract';\nexport type C = Commands;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportErrors(
        'src-main/host/web/x.ts',
        "import { Session } from '../../engine';\nvoid Session;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportErrors('src-main/engine/time/x.ts', 'export const t = Date.now();\n'),
    ).toEqual([]);
  });
});
