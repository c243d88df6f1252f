/**
 * Turning path components from a torrent into safe file names.
 *
 * Invariants:
 * - A sanitised component is never empty, `.` or `..`, holds no NUL, control character, `/` or
 *   `\`, is not a drive (`C:`), ends in neither a dot nor a space, and is not a Windows reserved
 *   device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension).
 * - The result is the same on every platform, so a torrent lands at the same relative paths on
 *   Linux, macOS and Windows.
 * - Hostile structure (traversal, separators, absolute paths) is rejected with a MetainfoError;
 *   merely awkward names (reserved names, trailing dots) are neutralised.
 */
import path from 'node:path';
import { MetainfoError } from './errors';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
const DRIVE = /^[a-zA-Z]:/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x01-\x1f\x7f]/g;

function show(c: string): string {
  return JSON.stringify(c);
}

export function sanitizePathComponent(c: string, field: string): string {
  if (c.length === 0) throw new MetainfoError(field, 'empty path component is not allowed');
  if (c === '.' || c === '..') {
    throw new MetainfoError(field, `component ${show(c)} is not allowed`);
  }
  if (c.includes('\0')) throw new MetainfoError(field, `component ${show(c)} contains NUL`);
  if (c.includes('/') || c.includes('\\')) {
    throw new MetainfoError(field, `component ${show(c)} contains a path separator`);
  }
  if (DRIVE.test(c)) throw new MetainfoError(field, `component ${show(c)} is a drive letter`);
  // Windows silently drops trailing dots and spaces, which would merge distinct names.
  let out = c.replace(CONTROL, '_').replace(/[. ]+$/, '');
  if (out.length === 0) out = '_';
  const dot = out.indexOf('.');
  const stem = dot === -1 ? out : out.slice(0, dot);
  // Windows also ignores spaces before the extension: "aux .txt" is the device too.
  if (WINDOWS_RESERVED.test(stem.trimEnd())) {
    out = `${stem}_${dot === -1 ? '' : out.slice(dot)}`;
  }
  return out;
}

export function sanitizePath(components: readonly string[], field: string): string[] {
  if (components.length === 0) throw new MetainfoError(field, 'path is empty');
  return components.map((c) => sanitizePathComponent(c, field));
}

/**
 * The absolute path of `components` under `baseDir`; throws if it would land outside it (or on
 * it). A last line of defence: sanitised components cannot escape, raw ones are checked here.
 */
export function resolveInside(baseDir: string, components: readonly string[]): string {
  const base = path.resolve(baseDir);
  const full = path.resolve(base, ...components);
  const rel = path.relative(base, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new MetainfoError('path', `${show(components.join('/'))} escapes ${show(base)}`);
  }
  return full;
}
