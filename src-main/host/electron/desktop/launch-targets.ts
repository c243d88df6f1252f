/**
 * What a launch asks Swarmscope to open: `.torrent` files and magnet links, from argv (Windows,
 * Linux, a second instance), from `file://` URLs (Linux desktop entries pass %U), and from macOS
 * `open-file` / `open-url`. Pure: no Electron, no file system.
 *
 * Invariants: a target is either a magnet URI (kept verbatim, the engine validates it) or an
 * absolute path ending in `.torrent`; command-line switches are never targets; at most
 * DESKTOP_MAX_LAUNCH_TARGETS targets per launch, each at most DESKTOP_MAX_LAUNCH_ARG_CHARS long.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESKTOP_MAX_LAUNCH_ARG_CHARS, DESKTOP_MAX_LAUNCH_TARGETS } from './desktop-limits';

export type LaunchTarget = { kind: 'magnet'; uri: string } | { kind: 'torrent-file'; path: string };

/** BEP 9: magnet links are `magnet:?xt=urn:btih:...`; the scheme is case-insensitive (RFC 3986). */
const magnetPrefix = /^magnet:\?/i;
const torrentSuffix = /\.torrent$/i;

export function isMagnetUri(text: string): boolean {
  return magnetPrefix.test(text);
}

/**
 * One argument or URL to a target, or null when it is neither a magnet link nor a `.torrent`.
 * Relative paths resolve against `cwd`: the working directory of the launch that passed them.
 */
export function parseLaunchArg(raw: string, cwd: string): LaunchTarget | null {
  if (raw.length === 0 || raw.length > DESKTOP_MAX_LAUNCH_ARG_CHARS) return null;
  // Shells and Windows shortcuts sometimes leave the quotes on.
  const arg = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (isMagnetUri(arg)) return { kind: 'magnet', uri: arg };
  if (/^file:\/\//i.test(arg)) {
    let filePath: string;
    try {
      filePath = fileURLToPath(arg);
    } catch (err) {
      // A malformed file URL from another program is not ours to open; nothing to report.
      if (err instanceof TypeError) return null;
      throw err;
    }
    return torrentSuffix.test(filePath) ? { kind: 'torrent-file', path: filePath } : null;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return null; // other URL schemes
  if (!torrentSuffix.test(arg)) return null;
  return { kind: 'torrent-file', path: path.resolve(cwd, arg) };
}

/**
 * Targets in a process's argv. argv[0] is the executable; under `electron .` argv[1] is the app
 * folder, which never parses as a target. Switches (`-x`, `--flag=value`, Chromium's own) are
 * skipped until a bare `--`, after which everything is positional.
 */
export function launchTargetsFromArgv(argv: readonly string[], cwd: string): LaunchTarget[] {
  const out: LaunchTarget[] = [];
  let positionalOnly = false;
  for (const arg of argv.slice(1)) {
    if (out.length >= DESKTOP_MAX_LAUNCH_TARGETS) break;
    if (!positionalOnly) {
      if (arg === '--') {
        positionalOnly = true;
        continue;
      }
      if (arg.startsWith('-')) continue;
    }
    const target = parseLaunchArg(arg, cwd);
    if (target) out.push(target);
  }
  return dedupeTargets(out);
}

/** The string handed to `openTorrentOrMagnet`: the magnet URI or the absolute file path. */
export function targetArg(target: LaunchTarget): string {
  return target.kind === 'magnet' ? target.uri : target.path;
}

export function dedupeTargets(targets: readonly LaunchTarget[]): LaunchTarget[] {
  const seen = new Set<string>();
  const out: LaunchTarget[] = [];
  for (const t of targets) {
    const key = targetArg(t);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

/** What the first instance receives from a second one, beside argv (Electron's additionalData). */
export interface HandoffData {
  swarmscopeTargets: string[];
}

export function handoffData(targets: readonly LaunchTarget[]): HandoffData {
  return { swarmscopeTargets: targets.map(targetArg) };
}

/**
 * Targets from a second instance's additionalData, which crosses a process boundary and is
 * re-parsed as untrusted input; null when it does not have our shape (then argv is used).
 */
export function targetsFromHandoff(data: unknown, cwd: string): LaunchTarget[] | null {
  if (typeof data !== 'object' || data === null) return null;
  const list = (data as Partial<HandoffData>).swarmscopeTargets;
  if (!Array.isArray(list)) return null;
  const out: LaunchTarget[] = [];
  for (const item of list.slice(0, DESKTOP_MAX_LAUNCH_TARGETS)) {
    if (typeof item !== 'string') continue;
    const target = parseLaunchArg(item, cwd);
    if (target) out.push(target);
  }
  return dedupeTargets(out);
}
