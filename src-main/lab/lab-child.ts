/**
 * How the lab controller starts a lab peer's process. `forkLabChild` forks the built
 * `lab-peer.js` with plain Node (the CLI and the web host; under Electron in development, the
 * Electron binary as Node). The packaged desktop app, whose RunAsNode fuse is off, passes a
 * spawner built on Electron's utilityProcess instead. Unit tests pass fake children.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FromLabPeer, ToLabPeer } from './lab-protocol';

export interface LabChild {
  /** The process id, for killing exactly this process; null once it is gone or never started. */
  readonly pid: number | null;
  send(msg: ToLabPeer): void;
  onMessage(fn: (msg: FromLabPeer) => void): void;
  /** Called once when the process ends (or could not start), with a reason when abnormal. */
  onExit(fn: (reason: string | null) => void): void;
  /** Ends the process at once (SIGKILL). */
  kill(): void;
}

export type SpawnLabChild = () => LabChild;

/** Where the build puts the child's bundle: out/lab/lab-peer.js, beside out/cli, out/web... */
export function defaultLabPeerScript(): string {
  return fileURLToPath(new URL('../lab/lab-peer.js', import.meta.url));
}

export function forkLabChild(script: string = defaultLabPeerScript()): SpawnLabChild {
  return () => {
    if (!fs.existsSync(script)) throw new Error(`the lab peer is not built (${script} is missing)`);
    const child = fork(script, [], {
      // Structured clone: bitfields travel as bytes, not JSON arrays.
      serialization: 'advanced',
      // Not the parent's flags (--inspect, --input-type...): the child is a plain Node script.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      // The last few lines say why a child died; keep no more.
      stderr = (stderr + d.toString()).slice(-2000);
    });
    let exited = false;
    const exitFns: ((reason: string | null) => void)[] = [];
    const exit = (reason: string | null) => {
      if (exited) return;
      exited = true;
      for (const fn of exitFns) fn(reason);
    };
    child.on('error', (err) => exit(err.message));
    child.on('exit', (code, signal) => {
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      exit(code === 0 ? null : `exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`);
    });
    return {
      get pid() {
        return exited ? null : (child.pid ?? null);
      },
      send(msg) {
        if (!exited && child.connected) child.send(msg);
      },
      onMessage(fn) {
        child.on('message', (m) => fn(m as FromLabPeer));
      },
      onExit(fn) {
        exitFns.push(fn);
      },
      kill() {
        if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      },
    };
  };
}
