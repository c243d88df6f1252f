/**
 * The magnet: handler opt-in. Swarmscope becomes the system's default magnet handler only when
 * the user turns `handleMagnetLinks` on in Settings, never on its own (issue 7).
 *
 * Invariants: with the setting off at startup, nothing is registered or unregistered (a choice the
 * user made in the OS stays theirs); turning it off after it was on in this run unregisters.
 * Registration is idempotent: a call that would change nothing does not touch the OS.
 */
import path from 'node:path';
import type { DesktopApp } from './electron-surface';

export const magnetScheme = 'magnet';

/** How this process was launched, to register the right command. */
export interface LaunchCommand {
  /** Electron's `process.defaultApp`: true when run as `electron <app-folder>` in development. */
  defaultApp: boolean;
  execPath: string;
  argv: readonly string[];
}

/**
 * The (path, args) for setAsDefaultProtocolClient. In development the OS must start
 * `electron <app-folder>`, so both are passed; a packaged app is registered by its own executable.
 */
export function protocolClientArgs(launch: LaunchCommand): { path: string; args: string[] } | null {
  if (!launch.defaultApp) return null;
  const appArg = launch.argv[1];
  return { path: launch.execPath, args: appArg === undefined ? [] : [path.resolve(appArg)] };
}

type ProtocolCall = (protocol: string, path?: string, args?: string[]) => boolean;

export type MagnetHandlerOutcome =
  'registered' | 'unregistered' | 'unchanged' | 'register-refused' | 'unregister-refused';

export class MagnetProtocolOptIn {
  private appliedWanted: boolean | null = null;

  constructor(
    private readonly app: DesktopApp,
    private readonly launch: LaunchCommand,
  ) {}

  /** Whether the OS currently sends magnet links to this app. */
  isDefault(): boolean {
    return this.call((...a) => this.app.isDefaultProtocolClient(...a));
  }

  private call(fn: ProtocolCall): boolean {
    const client = protocolClientArgs(this.launch);
    return client ? fn(magnetScheme, client.path, client.args) : fn(magnetScheme);
  }

  /**
   * Brings the OS in line with the setting. Electron reports refusal (for example
   * removeAsDefaultProtocolClient on Linux) as `false`; that comes back as a `*-refused` outcome
   * for the caller to show, not as an exception.
   */
  apply(wanted: boolean): MagnetHandlerOutcome {
    const previous = this.appliedWanted;
    this.appliedWanted = wanted;
    if (wanted) {
      if (this.isDefault()) return 'unchanged';
      return this.call((...a) => this.app.setAsDefaultProtocolClient(...a))
        ? 'registered'
        : 'register-refused';
    }
    // Off: only undo what this run did, never a choice made before or outside the app.
    if (previous !== true || !this.isDefault()) return 'unchanged';
    return this.call((...a) => this.app.removeAsDefaultProtocolClient(...a))
      ? 'unregistered'
      : 'unregister-refused';
  }
}
