/**
 * Where launch targets come from: this process's argv, a second instance (Windows and Linux hand
 * their argv over through Electron's single-instance lock), and macOS `open-file` / `open-url`,
 * which can fire before the app is ready. Everything funnels into one `onTargets` callback.
 *
 * Invariants: the lock is requested once, before any listener is added; a process that does not
 * get it adds no listeners and must quit; every listener added here is removed by `dispose`.
 */
import type { DesktopApp, PreventableEvent } from './electron-surface';
import {
  handoffData,
  launchTargetsFromArgv,
  parseLaunchArg,
  targetsFromHandoff,
  type LaunchTarget,
} from './launch-targets';

export interface LaunchEventHandlers {
  /** Targets to open, in arrival order; never called with an empty list. */
  onTargets(targets: LaunchTarget[]): void;
  /** A second launch happened: bring the window forward even if it named nothing. */
  onSecondInstance(): void;
}

export interface LaunchContext {
  argv: readonly string[];
  cwd: string;
}

export type LaunchEvents =
  { primary: false } | { primary: true; initialTargets: LaunchTarget[]; dispose(): void };

export function listenForLaunches(
  app: DesktopApp,
  launch: LaunchContext,
  handlers: LaunchEventHandlers,
): LaunchEvents {
  const initialTargets = launchTargetsFromArgv(launch.argv, launch.cwd);
  // The data rides along to the first instance, which prefers it to re-parsing our argv.
  if (!app.requestSingleInstanceLock({ ...handoffData(initialTargets) })) return { primary: false };

  const deliver = (targets: LaunchTarget[]): void => {
    if (targets.length > 0) handlers.onTargets(targets);
  };
  const onSecondInstance = (
    _event: unknown,
    argv: string[],
    workingDirectory: string,
    additionalData: unknown,
  ): void => {
    deliver(
      targetsFromHandoff(additionalData, workingDirectory) ??
        launchTargetsFromArgv(argv, workingDirectory),
    );
    handlers.onSecondInstance();
  };
  // macOS: Finder and `open` send absolute paths; preventDefault tells Electron it was handled.
  const onOpenFile = (event: PreventableEvent, filePath: string): void => {
    event.preventDefault();
    const target = parseLaunchArg(filePath, launch.cwd);
    if (target?.kind === 'torrent-file') deliver([target]);
  };
  const onOpenUrl = (event: PreventableEvent, url: string): void => {
    event.preventDefault();
    const target = parseLaunchArg(url, launch.cwd);
    if (target?.kind === 'magnet') deliver([target]);
  };
  const listeners: Array<[string, (...args: never[]) => void]> = [
    ['second-instance', onSecondInstance],
    ['open-file', onOpenFile],
    ['open-url', onOpenUrl],
  ];
  for (const [event, listener] of listeners) app.on(event, listener);
  return {
    primary: true,
    initialTargets,
    dispose() {
      for (const [event, listener] of listeners) app.removeListener(event, listener);
    },
  };
}
