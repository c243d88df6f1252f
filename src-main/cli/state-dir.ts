/**
 * Where the CLI keeps state between runs (resume data): `$XDG_STATE_HOME/swarmscope` when that
 * is set to an absolute path (the XDG Base Directory spec ignores relative ones), else the
 * platform's place: `~/.local/state/swarmscope` (Linux and other Unixes),
 * `%LOCALAPPDATA%\swarmscope\state` (Windows), `~/Library/Application Support/swarmscope/state`
 * (macOS). A pure function of its inputs, so every platform is tested on any.
 */
import os from 'node:os';
import path from 'node:path';

export function cliStateDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const xdg = env.XDG_STATE_HOME;
  if (xdg && p.isAbsolute(xdg)) return p.join(xdg, 'swarmscope');
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA && p.isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : null;
    return p.join(local ?? p.join(home, 'AppData', 'Local'), 'swarmscope', 'state');
  }
  if (platform === 'darwin')
    return p.join(home, 'Library', 'Application Support', 'swarmscope', 'state');
  return p.join(home, '.local', 'state', 'swarmscope');
}

/** The resume files' folder inside the state folder. */
export function cliResumeDir(stateDir: string): string {
  return path.join(stateDir, 'resume');
}
