import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetainfoError } from './errors';
import { resolveInside, sanitizePath, sanitizePathComponent } from './sanitize-path';

describe('sanitizePathComponent', () => {
  const rejected: [input: string, problem: string][] = [
    ['', 'empty path component is not allowed'],
    ['.', 'component "." is not allowed'],
    ['..', 'component ".." is not allowed'],
    ['a\0b', 'component "a\\u0000b" contains NUL'],
    ['a/b', 'component "a/b" contains a path separator'],
    ['/etc', 'component "/etc" contains a path separator'],
    ['a\\b', 'component "a\\\\b" contains a path separator'],
    ['\\\\server', 'component "\\\\\\\\server" contains a path separator'],
    ['C:', 'component "C:" is a drive letter'],
    ['c:evil', 'component "c:evil" is a drive letter'],
    ['a:b', 'component "a:b" is a drive letter'],
  ];
  for (const [input, problem] of rejected) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const field = 'info.files[3].path';
      let caught: unknown;
      try {
        sanitizePathComponent(input, field);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MetainfoError);
      expect((caught as MetainfoError).field).toBe(field);
      expect((caught as MetainfoError).code).toBe('invalid-torrent');
      expect((caught as MetainfoError).message).toBe(`${field}: ${problem}`);
    });
  }

  const neutralised: [input: string, output: string][] = [
    ['CON', 'CON_'],
    ['con', 'con_'],
    ['aux.txt', 'aux_.txt'],
    ['AUX.tar.gz', 'AUX_.tar.gz'],
    ['nul', 'nul_'],
    ['PRN', 'PRN_'],
    ['com1', 'com1_'],
    ['LPT9.log', 'LPT9_.log'],
    ['aux .txt', 'aux _.txt'],
    ['com0', 'com0'],
    ['console', 'console'],
    ['auxiliary.txt', 'auxiliary.txt'],
    ['name.', 'name'],
    ['name. . ', 'name'],
    ['trailing space ', 'trailing space'],
    ['...', '_'],
    [' ', '_'],
    ['CON.', 'CON_'],
    ['tab\there', 'tab_here'],
    ['bell\x07\x7f', 'bell__'],
    ['.hidden', '.hidden'],
    ['ünïcødé ✓', 'ünïcødé ✓'],
    ['ab:c', 'ab_c'],
  ];
  for (const [input, output] of neutralised) {
    it(`turns ${JSON.stringify(input)} into ${JSON.stringify(output)}`, () => {
      expect(sanitizePathComponent(input, 'f')).toBe(output);
    });
  }
});

describe('sanitizePath', () => {
  it('sanitises every component and rejects an empty path', () => {
    expect(sanitizePath(['dir.', 'aux.txt'], 'f')).toEqual(['dir', 'aux_.txt']);
    expect(() => sanitizePath([], 'info.files[0].path')).toThrow(
      'info.files[0].path: path is empty',
    );
    expect(() => sanitizePath(['ok', '..', 'x'], 'info.files[3].path')).toThrow(
      'info.files[3].path: component ".." is not allowed',
    );
  });
});

describe('resolveInside', () => {
  const base = path.resolve('/tmp/downloads');
  it('resolves paths inside the base folder', () => {
    expect(resolveInside(base, ['a', 'b.txt'])).toBe(path.join(base, 'a', 'b.txt'));
    expect(resolveInside(base + path.sep, ['x'])).toBe(path.join(base, 'x'));
  });
  const escapes: string[][] = [
    ['..', 'etc', 'passwd'],
    ['a', '..', '..', 'x'],
    ['/etc/passwd'],
    ['a/../../x'],
    ['.'],
    ['a', '..'],
    ['..', 'downloads-evil', 'x'],
  ];
  for (const components of escapes) {
    it(`refuses ${JSON.stringify(components)}`, () => {
      expect(() => resolveInside(base, components)).toThrow(MetainfoError);
    });
  }
});
