/**
 * `swarmscope lab` as a user runs it (issue 19): the built CLI, which forks the built lab peers.
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out', 'cli', 'cli.js');

function run(args: string[], timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGINT first: the CLI then closes its lab (and its children) itself.
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  // `cli` builds out/lab/lab-peer.js too.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'cli'], {
    stdio: 'pipe',
  });
});

describe('swarmscope lab', () => {
  it('runs 3 leechers and 1 seeder on 4 MiB to verified copies and sums it up in JSON', async () => {
    const r = await run(
      ['lab', '--leechers', '3', '--seeders', '1', '--size-mib', '4', '--json', '--timeout', '60'],
      90_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(summary.ok).toBe(true);
    expect(summary.reason).toBeNull();
    expect(summary.sizeBytes).toBe(4 * 1024 * 1024);
    expect(summary.timeToFullDistributionMs).toBeGreaterThan(0);
    const leechers = summary.peers.filter((p: { role: string }) => p.role === 'leecher');
    expect(leechers).toHaveLength(3);
    expect(leechers.every((p: { verified: boolean }) => p.verified)).toBe(true);
    expect(Object.keys(summary.seederUploadedBytes)).toEqual(['seeder 1']);
    expect(summary.seederUploadedBytes['seeder 1']).toBeGreaterThan(0);
    expect(summary.bans).toEqual([]);
    // Progress went to stderr, one line a second at most.
    expect(r.stderr).toMatch(/leechers done \d\/3 {2}swarm rate .* pieces out \d+\/\d+/);
  });

  it('refuses bad input with one line and exit code 2', async () => {
    const r = await run(['lab', '--leechers', '99'], 10_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('swarmscope lab: leechers must be a whole number from 1 to 50\n');
  });
});
