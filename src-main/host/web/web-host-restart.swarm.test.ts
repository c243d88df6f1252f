/**
 * The web host killed with SIGKILL and started again (issue 15): the real server process (bundled
 * fresh into a temp folder), its real data folder. The torrent list, states and progress come
 * back from session.json and the resume files, without hashing the data again.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../src-shared/wire-frame';
import { seededRandom } from '../../engine';
import { buildTorrent } from '../../engine/metainfo/test-fixtures';
import { tempDir, waitFor } from '../../testing/fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PIECE = 64 * 1024;
const SIZE = 16 * PIECE;

let dir: string;
let server: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = tempDir('web-restart');
  server = path.join(dir, 'web', 'server.mjs');
  await build({
    entryPoints: [path.join(root, 'src-main/host/web/main.ts')],
    outfile: server,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);",
    },
  });
}, 60_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Host {
  child: ChildProcess;
  ws: WebSocket;
  call(name: string, payload: unknown): Promise<unknown>;
  exited: Promise<unknown>;
}

async function startHost(dataDir: string, downloads: string): Promise<Host> {
  const child = spawn(
    process.execPath,
    [
      server,
      '--port',
      '0',
      '--listen-port',
      '0',
      '--data-dir',
      dataDir,
      '--download-dir',
      downloads,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const exited = new Promise((r) => child.once('exit', r));
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-10_000)));
  await waitFor(() => /Swarmscope web UI: \S+/.test(out), `the web host to serve: ${err}`, 30_000);
  const url = new URL((/Swarmscope web UI: (\S+)/.exec(out) as RegExpExecArray)[1] as string);
  const ws = new WebSocket(`ws://${url.host}/ws${url.search}`, {
    headers: { origin: `http://${url.host}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const replies = new Map<number, (m: Record<string, unknown>) => void>();
  ws.on('message', (data: Buffer) => {
    const m = decodeFrame(new Uint8Array(data)) as Record<string, unknown>;
    if (typeof m.id === 'number') replies.get(m.id)?.(m);
  });
  let next = 1;
  const call = (name: string, payload: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => reject(new Error(`${name}: no reply`)), 10_000);
      replies.set(id, (m) => {
        clearTimeout(timer);
        replies.delete(id);
        if (m.ok) resolve(m.result);
        else reject(new Error(`${name}: ${JSON.stringify(m.error)}`));
      });
      ws.send(encodeFrame({ id, name, payload }));
    });
  return { child, ws, call, exited };
}

interface Row {
  id: string;
  name: string;
  state: string;
  progress: number;
}

async function rows(host: Host): Promise<Row[]> {
  const snap = (await host.call('sync.snapshot', {})) as { torrents: Row[] };
  return snap.torrents
    .map((t) => ({ id: t.id, name: t.name, state: t.state, progress: t.progress }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A one-file torrent of SIZE bytes whose first `goodPieces` pieces are right on disk. */
function onDisk(downloads: string, name: string, goodPieces: number): Uint8Array {
  const data = seededRandom(name.length).bytes(SIZE);
  const { torrentFile } = buildTorrent({
    name,
    pieceLength: PIECE,
    single: true,
    files: [{ path: [], data }],
  });
  const disk = data.slice();
  disk.fill(0, goodPieces * PIECE);
  fs.writeFileSync(path.join(downloads, name), disk);
  return torrentFile;
}

describe('the web host killed with SIGKILL', () => {
  it('comes back with its list, states and progress, and hashes no data again', async () => {
    const dataDir = path.join(dir, 'data');
    const downloads = path.join(dir, 'downloads');
    fs.mkdirSync(downloads, { recursive: true });
    const files = {
      'a-done.bin': onDisk(downloads, 'a-done.bin', 16),
      'b-half.bin': onDisk(downloads, 'b-half.bin', 8),
      'c-paused.bin': onDisk(downloads, 'c-paused.bin', 4),
    };
    let host = await startHost(dataDir, downloads);
    for (const torrentFile of Object.values(files)) await host.call('torrent.add', { torrentFile });
    const want = [
      { name: 'a-done.bin', state: 'seeding', progress: 1 },
      { name: 'b-half.bin', state: 'downloading', progress: 0.5 },
      { name: 'c-paused.bin', state: 'paused', progress: 0.25 },
    ];
    await waitFor(
      async () => (await rows(host)).filter((r) => r.state === 'downloading').length === 2,
      'the checks',
      20_000,
    );
    const c = (await rows(host)).find((r) => r.name === 'c-paused.bin') as Row;
    await host.call('torrent.pause', { ids: [c.id] });
    const before = await rows(host);
    expect(before).toMatchObject(want);
    // The checks that read data saved their resume files at once; the pause saved its own.
    const resumeDir = path.join(dataDir, 'resume');
    await waitFor(
      () => fs.existsSync(resumeDir) && fs.readdirSync(resumeDir).length >= 3,
      'three resume files',
      10_000,
    );

    host.child.kill('SIGKILL');
    await host.exited;
    host.ws.terminate();

    host = await startHost(dataDir, downloads);
    await waitFor(
      async () => {
        const r = await rows(host);
        return r.length === 3 && r.every((t) => t.state !== 'checking' && t.progress > 0);
      },
      'the list after the restart',
      20_000,
    );
    expect(await rows(host)).toEqual(before);
    const log = fs.readFileSync(path.join(dataDir, 'logs', 'swarmscope.log'), 'utf8');
    const second = log.slice(log.lastIndexOf('every piece hashed'));
    expect(
      second.match(/resume data: \d+ pieces trusted, 0 pieces \(0 bytes\) hashed again/g),
    ).toHaveLength(3);
    host.child.kill('SIGTERM');
    await host.exited;
    host.ws.terminate();
  }, 90_000);
});
