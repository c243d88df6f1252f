// The Electronegativity gate: policy validation, CSV parsing, judging, and one real run over
// fixtures proving the tool sees what the gate relies on (HIGH for unsafe windows, none for a
// hardened literal, exclusions honoured). The run over the real Electron code is
// `npm run test:security` (scripts/electronegativity.mjs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  findingsFromCsv,
  globToRegExp,
  judge,
  loadPolicy,
  parseCsv,
  scan,
  validatePolicy,
} from './electronegativity.mjs';

type Finding = {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
  description: string;
};

const basePolicy = {
  electronVersion: '45.4.1',
  inputs: ['app'],
  exclude: ['**/*.test.ts'],
  disabledChecks: [
    { check: 'AvailableSecurityFixesGlobalCheck', reason: 'needs the network to run' },
  ],
  acceptedMedium: [
    {
      check: 'AUXCLICK_JS_CHECK',
      file: 'app/windows.ts',
      reason: 'window.open is denied elsewhere',
    },
  ],
};

function finding(check: string, severity: string, file: string): Finding {
  return {
    check,
    severity,
    confidence: 'FIRM',
    file,
    location: '1:1',
    sample: '',
    description: '',
  };
}

describe('policy', () => {
  it('the committed policy is valid and gives a reason for every exception', async () => {
    const policy = await loadPolicy();
    expect(policy.inputs).toContain('src-main/host/electron');
    for (const a of policy.acceptedMedium) expect(a.reason.length).toBeGreaterThan(20);
  });

  it('rejects an acceptance or a disabled check without a reason', () => {
    expect(() =>
      validatePolicy({ ...basePolicy, acceptedMedium: [{ check: 'X', file: 'a.ts', reason: '' }] }),
    ).toThrow(/reason/);
    expect(() => validatePolicy({ ...basePolicy, disabledChecks: [{ check: 'X' }] })).toThrow(
      /reason/,
    );
    expect(() => validatePolicy({ ...basePolicy, electronVersion: 'latest' })).toThrow(/x\.y\.z/);
    expect(() => validatePolicy({ ...basePolicy, inputs: [] })).toThrow(/no inputs/);
  });
});

describe('judge', () => {
  const policy = validatePolicy(structuredClone(basePolicy));

  it('fails on HIGH and CRITICAL even when the check is on the accepted list', () => {
    const v = judge(
      [
        finding('AUXCLICK_JS_CHECK', 'HIGH', 'app/windows.ts'),
        finding('X', 'CRITICAL', 'app/a.ts'),
      ],
      policy,
    );
    expect(v.ok).toBe(false);
    expect(v.failures).toHaveLength(2);
  });

  it('accepts a MEDIUM only for its check and file, with the reason attached', () => {
    const v = judge(
      [
        finding('AUXCLICK_JS_CHECK', 'MEDIUM', 'app/windows.ts'),
        finding('AUXCLICK_JS_CHECK', 'MEDIUM', 'app/other.ts'),
      ],
      policy,
    );
    expect(v.accepted.map((f: { reason: string }) => f.reason)).toEqual([
      'window.open is denied elsewhere',
    ]);
    expect(v.failures.map((f: Finding) => f.file)).toEqual(['app/other.ts']);
    expect(v.ok).toBe(false);
  });

  it('prints LOW findings without failing, and flags acceptances that match nothing', () => {
    const low = judge([finding('CSP_GLOBAL_CHECK', 'LOW', 'app/index.html')], policy);
    expect(low.info).toHaveLength(1);
    expect(low.stale.map((a: { check: string }) => a.check)).toEqual(['AUXCLICK_JS_CHECK']);
    expect(low.ok).toBe(false);
    expect(judge([finding('AUXCLICK_JS_CHECK', 'MEDIUM', 'app/windows.ts')], policy).ok).toBe(true);
  });
});

describe('report parsing', () => {
  it('parses quoted CSV fields with commas, quotes and newlines', () => {
    expect(parseCsv('a, b\n"x, y","say ""hi""\nthere"\r\n')).toEqual([
      ['a', ' b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });

  it('maps Electronegativity columns to findings', () => {
    const csv =
      'issue, severity, confidence, filename, location, sample, description, url\n' +
      'SANDBOX_JS_CHECK,"MEDIUM","FIRM","app/w.ts","16:14","new BrowserWindow({","Use sandbox, please",https://x\n';
    expect(findingsFromCsv(csv)).toEqual([
      {
        check: 'SANDBOX_JS_CHECK',
        severity: 'MEDIUM',
        confidence: 'FIRM',
        file: 'app/w.ts',
        location: '16:14',
        sample: 'new BrowserWindow({',
        description: 'Use sandbox, please',
      },
    ]);
    expect(() => findingsFromCsv('issue, severity\nX,HIGH\n')).toThrow(/column/);
  });

  it('matches exclusion globs on relative paths', () => {
    expect(globToRegExp('**/*.test.ts').test('a/b/c.test.ts')).toBe(true);
    expect(globToRegExp('**/testing/**').test('a/testing/x.ts')).toBe(true);
    expect(globToRegExp('**/testing/**').test('a/testingx/y.ts')).toBe(false);
  });
});

describe('a real Electronegativity run over fixtures', () => {
  let fixtures = '';
  let findings: Finding[] = [];

  beforeAll(async () => {
    fixtures = await mkdtemp(path.join(tmpdir(), 'swarmscope-eng-fixture-'));
    await mkdir(path.join(fixtures, 'app'), { recursive: true });
    await writeFile(
      path.join(fixtures, 'app', 'unsafe.ts'),
      "import { BrowserWindow } from 'electron';\n" +
        'export const w = new BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true } });\n',
    );
    await writeFile(
      path.join(fixtures, 'app', 'hardened.ts'),
      "import { BrowserWindow } from 'electron';\n" +
        'export const w = new BrowserWindow({\n' +
        '  webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, preload: "p.cjs" },\n' +
        '});\n',
    );
    // Excluded by the policy: its findings must not appear.
    await writeFile(
      path.join(fixtures, 'app', 'unsafe.test.ts'),
      "import { BrowserWindow } from 'electron';\nnew BrowserWindow({ webPreferences: { nodeIntegration: true } });\n",
    );
    findings = await scan(validatePolicy(structuredClone(basePolicy)), fixtures);
  }, 150_000);

  afterAll(async () => {
    if (fixtures) await rm(fixtures, { recursive: true, force: true });
  });

  it('reports HIGH for an unsafe window, with a repository-relative path', () => {
    const high = findings
      .filter((f) => f.severity === 'HIGH' && f.file === 'app/unsafe.ts')
      .map((f) => f.check);
    expect(high).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(judge(findings, validatePolicy(structuredClone(basePolicy))).ok).toBe(false);
  });

  it('reports no HIGH for a window whose hardened preferences are written out', () => {
    expect(findings.filter((f) => f.severity === 'HIGH' && f.file === 'app/hardened.ts')).toEqual(
      [],
    );
  });

  it('leaves excluded files out of the scan', () => {
    expect(findings.filter((f) => f.file.endsWith('.test.ts'))).toEqual([]);
  });
});
