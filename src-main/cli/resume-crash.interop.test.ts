/**
 * Crash tests for resume data (issue 15), with real processes: `swarmscope download` (bundled
 * fresh into a temp folder) from a libtorrent seeder, killed with SIGKILL and run again. Content
 * is checked by sha256; the seeder's own upload counter says how much was fetched twice.
 * Every process is stopped by its PID.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HashWritePool, createTorrent, seededRandom } from '../engine';
import { sha256File, tempDir, waitFor, writeFile } from '../testing/fixtures';
import { startLibtorrent } from '../testing/ref-clients';
import type { Libtorrent } from '../testing/ref-clients';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIB = 1024 * 1024;
const PIECE_LENGTH_BYTES = 256 * 1024;

let dir: string;
let cli: string;
let pool: HashWritePool;
const children = new Set<ChildProcess>();
const seeders: Libtorrent[] = [];

beforeAll(async () => {
  dir = tempDir('resume-crash');
  cli = path.join(dir, 'cli.mjs');
  // A bundle of our own: never one another test file is rebuilding under us.
  await build({
    entryPoints: [path.join(root, 'src-main/cli/main.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);",
    },
  });
  pool = new HashWritePool({ threads: 1 });
}, 60_000);

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  await Promise.all(seeders.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Progress {
  state: string;
  verifiedPieces: number;
  pieceCount: number;
  downloadedBytes: number;
}

interface Run {
  child: ChildProcess;
  lines: Progress[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `swarmscope download`, progress as JSON lines, resume data in `stateDir`. */
function download(torrent: string, saveDir: string, stateDir: string, more: string[]): Run {
  const child = spawn(
    process.execPath,
    [
      cli,
      'download',
      torrent,
      '--dir',
      saveDir,
      '--progress',
      'json',
      '--no-trackers',
      '--port',
      '0',
      '--log-level',
      'info',
      ...more,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_STATE_HOME: stateDir } },
  );
  children.add(child);
  const lines: Progress[] = [];
  let err = '';
  let pending = '';
  child.stdout?.on('data', (b: Buffer) => {
    pending += b.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Progress);
    }
  });
  child.stderr?.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, stderr: () => err, exited };
}

async function kill(run: Run): Promise<void> {
  run.child.kill('SIGKILL');
  expect((await run.exited).signal).toBe('SIGKILL');
}

/** Content of `bytes` in one file, its torrent, and a libtorrent seeder holding it. */
async function setup(name: string, bytes: number) {
  const src = path.join(dir, `${name}-src`);
  const file = path.join(src, `${name}.bin`);
  writeFile(file, bytes, bytes % 251);
  const { torrentFile } = await createTorrent(file, { pieceLength: PIECE_LENGTH_BYTES, pool });
  const torrent = path.join(dir, `${name}.torrent`);
  fs.writeFileSync(torrent, torrentFile);
  const seeder = await startLibtorrent({ role: 'seed', torrentFile: torrent, saveDir: src });
  seeders.push(seeder);
  await seeder.waitReady(60_000);
  return {
    file,
    torrent,
    seeder,
    sha: sha256File(file),
    peer: ['--peer', `127.0.0.1:${seeder.port}`],
    saveDir: path.join(dir, `${name}-dl`),
    stateDir: path.join(dir, `${name}-state`),
  };
}

/** The seeder's payload upload so far, once its status has caught up (it reports every 250 ms). */
async function seederUploaded(seeder: Libtorrent): Promise<number> {
  await new Promise((r) => setTimeout(r, 600));
  return seeder.progress()?.uploadedBytes ?? 0;
}

describe('resume data survives crashes (issue 15)', () => {
  it('a download of 256 MiB killed at about half completes on the next run, fetching at most 5% twice', async () => {
    const size = 256 * MIB;
    const s = await setup('half', size);
    // The limit only spreads the first run over seconds, so the kill lands near the middle.
    const first = download(s.torrent, s.saveDir, s.stateDir, [
      ...s.peer,
      '--download-limit',
      String(48 * MIB),
    ]);
    await waitFor(
      () => {
        const last = first.lines.at(-1);
        return !!last && last.verifiedPieces >= last.pieceCount * 0.45;
      },
      'the first run to reach about half',
      90_000,
      20,
    );
    await kill(first);
    const atKill = first.lines.at(-1) as Progress;
    expect(atKill.verifiedPieces).toBeLessThan(atKill.pieceCount);

    const second = download(s.torrent, s.saveDir, s.stateDir, s.peer);
    const end = await second.exited;
    expect(end.code, second.stderr()).toBe(0);
    expect(sha256File(path.join(s.saveDir, 'half.bin'))).toBe(s.sha);
    // The second run found the first one's pieces on disk instead of fetching them again.
    expect(second.stderr()).toMatch(/checked half\.bin: \d+\/1024 pieces on disk/);
    const uploaded = await seederUploaded(s.seeder);
    expect(uploaded).toBeGreaterThanOrEqual(size);
    expect(uploaded).toBeLessThanOrEqual(size * 1.05);
  }, 240_000);

  it('kills at random moments while resume data is written all the time never lose or corrupt data', async () => {
    const size = 48 * MIB;
    const s = await setup('kills', size);
    const seed = 15;
    const rnd = seededRandom(seed);
    const runs: Run[] = [];
    // Resume data every 20 ms: most moments are inside a write (temp, fsync, rename, .bak).
    const args = [...s.peer, '--resume-interval-ms', '20', '--download-limit', String(24 * MIB)];
    const KILLS = 6;
    for (let k = 0; k < KILLS; k++) {
      const run = download(s.torrent, s.saveDir, s.stateDir, args);
      runs.push(run);
      await waitFor(() => run.lines.length > 0, `run ${k} to start (seed ${seed})`, 30_000, 20);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(rnd.next() * 400)));
      if (run.child.exitCode !== null) break;
      await kill(run);
    }
    const last = download(s.torrent, s.saveDir, s.stateDir, s.peer);
    const end = await last.exited;
    expect(end.code, last.stderr()).toBe(0);
    expect(sha256File(path.join(s.saveDir, 'kills.bin'))).toBe(s.sha);
    // Runs after the first found resume data (or said why not) and never crashed on it.
    for (const run of [...runs.slice(1), last])
      expect(run.stderr()).toMatch(/resume data: \d+ pieces trusted|every piece is checked/);
    expect(runs.map((r) => r.stderr()).join('\n')).not.toMatch(/TypeError|RangeError|SyntaxError/);
    const resumeDir = path.join(s.stateDir, 'swarmscope', 'resume');
    expect(fs.readdirSync(resumeDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // Killed runs lose at most what was in memory; nothing is fetched many times over.
    expect(await seederUploaded(s.seeder)).toBeLessThanOrEqual(size * 1.5);
  }, 120_000);

  it('1 MiB of a finished file overwritten: the restart notices, fetches those pieces again, right sha256', async () => {
    const size = 32 * MIB;
    const s = await setup('overwrite', size);
    const first = download(s.torrent, s.saveDir, s.stateDir, s.peer);
    expect((await first.exited).code, first.stderr()).toBe(0);
    const got = path.join(s.saveDir, 'overwrite.bin');
    expect(sha256File(got)).toBe(s.sha);
    const before = (first.lines.at(-1) as Progress).downloadedBytes;

    const fd = fs.openSync(got, 'r+');
    fs.writeSync(fd, seededRandom(99).bytes(MIB), 0, MIB, 8 * MIB);
    fs.closeSync(fd);
    const later = new Date(Date.now() + 2_000);
    fs.utimesSync(got, later, later);

    const second = download(s.torrent, s.saveDir, s.stateDir, s.peer);
    expect((await second.exited).code, second.stderr()).toBe(0);
    expect(second.stderr()).toMatch(/files changed: 0/);
    expect(sha256File(got)).toBe(s.sha);
    // The totals carry over from the resume data: this run fetched the 4 spoiled pieces only.
    const fetched = (second.lines.at(-1) as Progress).downloadedBytes - before;
    expect(fetched).toBeGreaterThanOrEqual(MIB);
    expect(fetched).toBeLessThanOrEqual(MIB + PIECE_LENGTH_BYTES);
  }, 120_000);
});
