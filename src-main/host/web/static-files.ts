/**
 * Serves the built renderer (out/renderer) read-only.
 *
 * Invariants: only files inside `root` are ever read (no traversal through `..`, encoded
 * slashes, NUL bytes or symlinks pointing out); unknown extensions are sent as
 * application/octet-stream with nosniff.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function mimeTypeOf(file: string): string {
  return mimeTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticResult =
  | { kind: 'file'; file: string; body: Buffer; type: string }
  | { kind: 'not-found' }
  | { kind: 'bad-path' };

/** Resolves a URL pathname to a file under `root` and reads it. */
export async function readStatic(root: string, pathname: string): Promise<StaticResult> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'bad-path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad-path' };
  const rel = path.posix.normalize(decoded === '/' ? '/index.html' : decoded);
  if (rel.split('/').includes('..')) return { kind: 'bad-path' };
  const rootReal = await fsp.realpath(root);
  const candidate = path.join(rootReal, rel);
  let real: string;
  try {
    real = await fsp.realpath(candidate);
  } catch {
    return { kind: 'not-found' };
  }
  if (!real.startsWith(rootReal + path.sep)) return { kind: 'bad-path' };
  const st = await fsp.stat(real);
  if (!st.isFile()) return { kind: 'not-found' };
  return { kind: 'file', file: real, body: await fsp.readFile(real), type: mimeTypeOf(real) };
}
