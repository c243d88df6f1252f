/**
 * Lab peers in the desktop app (issue 19): Electron's utilityProcess, since the packaged app's
 * RunAsNode fuse is off and `child_process.fork` of the Electron binary would not run as Node.
 * The child (out/lab/lab-peer.js) talks over `process.parentPort`; messages are structured
 * clones, as with fork's advanced serialization. Messages sent before the process has spawned
 * wait for it.
 */
import { utilityProcess } from 'electron';
import { defaultLabPeerScript } from '../../lab';
import type { FromLabPeer, SpawnLabChild, ToLabPeer } from '../../lab';

export function utilityLabChild(script: string = defaultLabPeerScript()): SpawnLabChild {
  return () => {
    const child = utilityProcess.fork(script, [], {
      serviceName: 'Swarmscope lab peer',
      stdio: 'ignore',
    });
    let spawned = false;
    let exited = false;
    const queue: ToLabPeer[] = [];
    const exitFns: ((reason: string | null) => void)[] = [];
    child.once('spawn', () => {
      spawned = true;
      for (const m of queue.splice(0)) child.postMessage(m);
    });
    child.once('exit', (code) => {
      exited = true;
      for (const fn of exitFns) fn(code === 0 ? null : `exited (code ${code})`);
    });
    return {
      get pid() {
        return exited ? null : (child.pid ?? null);
      },
      send(msg) {
        if (exited) return;
        if (spawned) child.postMessage(msg);
        else queue.push(msg);
      },
      onMessage(fn) {
        child.on('message', (m: unknown) => fn(m as FromLabPeer));
      },
      onExit(fn) {
        exitFns.push(fn);
      },
      kill() {
        if (!exited) child.kill();
      },
    };
  };
}
