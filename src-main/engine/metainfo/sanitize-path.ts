/**
 * Turning path components from a torrent into safe file names.
 *
 * Invariants:
 * - A sanitised component is never empty, `.` or `..`, holds no NUL, control character, `/` or
 *   `\`, none of Windows' forbidden `<>:"|?*` (a `:` would open an NTFS alternate data stream:
 *   `evil.exe:Zone.Identifier`), is not a drive (`C:`), ends in neither a dot nor a space, and is
 *   not a Windows reserved device name (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM1-9, COM¹-³,
 *   LPT1-9, LPT¹-³, with or without an extension).
 * - It is at most METAINFO_MAX_COMPONENT_BYTES of UTF-8 (ext4, APFS and NTFS all stop at 255).
 * - The result is the same on every platform, so a torrent lands at the same relative paths on
 *   Linux, macOS and Windows.
 * - Hostile structure (traversal, separators, absolute paths, over-long names) is rejected with a
 *   MetainfoError; merely awkward names (reserved names, forbidden characters, trailing dots) are
 *   neutralised, and each change is reported in `warnings` with its reason.
 */
import path from 'node:path';
import { METAINFO_MAX_COMPONENT_BYTES } from '../limits';
import { MetainfoError } from './errors';

// Device names Windows resolves in every folder, whatever the extension. The superscript digits
// (U+00B9, U+00B2, U+00B3) are devices too, as are the console's CONIN$ and CONOUT$.
const WINDOWS_RESERVED =
  /^(con|prn|aux|nul|conin\$|conout\$|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])$/i;
const DRIVE = /^[a-zA-Z]:/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x01-\x1f\x7f]/g;
/** Forbidden in Windows file names; `:` also names an NTFS alternate data stream. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;

const utf8 = new TextEncoder();

function show(c: string): string {
  return JSON.stringify(c);
}

/** UTF-8 length of `s`, as file systems count a name. */
export function utf8Bytes(s: string): number {
  return utf8.encode(s).length;
}

/**
 * The safe form of one path component from a torrent, or a MetainfoError naming `field`.
 * When the name had to change, a line saying how and why is pushed onto `warnings`.
 */
export function sanitizePathComponent(c: string, field: string, warnings?: string[]): string {
  if (c.length === 0) throw new MetainfoError(field, 'empty path component is not allowed');
  if (c === '.' || c === '..') {
    throw new MetainfoError(field, `component ${show(c)} is not allowed`);
  }
  if (c.includes('\0')) throw new MetainfoError(field, `component ${show(c)} contains NUL`);
  if (c.includes('/') || c.includes('\\')) {
    throw new MetainfoError(field, `component ${show(c)} contains a path separator`);
  }
  if (DRIVE.test(c)) throw new MetainfoError(field, `component ${show(c)} is a drive letter`);
  const bytes = utf8Bytes(c);
  if (bytes > METAINFO_MAX_COMPONENT_BYTES) {
    throw new MetainfoError(
      field,
      `component of ${bytes} bytes is longer than ${METAINFO_MAX_COMPONENT_BYTES}`,
    );
  }
  const reasons: string[] = [];
  let out = c;
  const noControl = out.replace(CONTROL, '_');
  if (noControl !== out) reasons.push('control characters');
  out = noControl;
  const noForbidden = out.replace(WINDOWS_FORBIDDEN, '_');
  if (noForbidden !== out) {
    reasons.push(
      out.includes(':') ? 'an NTFS alternate data stream' : 'characters Windows forbids',
    );
  }
  out = noForbidden;
  // Windows silently drops trailing dots and spaces, which would merge distinct names.
  const trimmed = out.replace(/[. ]+$/, '');
  if (trimmed !== out) {
    reasons.push('trailing dots or spaces');
    out = trimmed.length === 0 ? '_' : trimmed;
  }
  const dot = out.indexOf('.');
  const stem = dot === -1 ? out : out.slice(0, dot);
  // Windows also ignores spaces before the extension: "aux .txt" is the device too.
  if (WINDOWS_RESERVED.test(stem.trimEnd())) {
    reasons.push('a Windows device name');
    out = `${stem}_${dot === -1 ? '' : out.slice(dot)}`;
  }
  if (reasons.length > 0)
    warnings?.push(`${field}: ${show(c)} became ${show(out)} (${reasons.join(', ')})`);
  return out;
}

export function sanitizePath(
  components: readonly string[],
  field: string,
  warnings?: string[],
): string[] {
  if (components.length === 0) throw new MetainfoError(field, 'path is empty');
  return components.map((c) => sanitizePathComponent(c, field, warnings));
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
