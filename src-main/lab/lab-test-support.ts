/**
 * For lab tests only: bundles lab-peer.ts with esbuild into a temp folder, as scripts/build.mjs
 * does for out/lab, so swarm tests fork the current source without a full build first.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildLabPeerForTest(): Promise<{ script: string; dispose: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-lab-peer-'));
  await build({
    absWorkingDir: root,
    entryPoints: { 'lab-peer': 'src-main/lab/lab-peer.ts' },
    outdir: dir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __ssCreateRequire } from 'node:module'; const require = __ssCreateRequire(import.meta.url);",
    },
  });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
  return {
    script: path.join(dir, 'lab-peer.js'),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether a process id is still alive (signal 0 checks without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
