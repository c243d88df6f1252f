/**
 * The CLI with magnet links (issue 17): `info <magnet>` prints what the link says, and
 * `download <magnet> --dir D` with only an `x.pe` peer (no tracker, no DHT) fetches the metadata
 * from a `swarmscope seed` process and completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256File, tempDir, writeFile } from '../testing/fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out', 'cli', 'cli.js');
let dir: string;

function run(args: string[], timeoutMs = 30_000) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'cli'], {
    stdio: 'pipe',
  });
  dir = tempDir('cli-magnet');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('swarmscope CLI with magnet links', () => {
  it('info prints what a magnet says; a bad one gets one clear line', () => {
    const hash = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
    const uri = `magnet:?xt=urn:btih:${hash}&dn=My+File&tr=udp%3A%2F%2Ft%3A1&x.pe=127.0.0.1:6881&so=0,2-3`;
    const text = run(['info', uri]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`info-hash:    ${hash}`);
    expect(text.stdout).toContain('name:         My File');
    expect(text.stdout).toContain('  udp://t:1');
    expect(text.stdout).toContain('  127.0.0.1:6881');
    expect(text.stdout).toContain('select only:  files 0, 2, 3');
    expect(JSON.parse(run(['info', uri, '--json']).stdout)).toMatchObject({
      infoHash: hash,
      peers: ['127.0.0.1:6881'],
      selectOnly: [0, 2, 3],
    });
    const bad = run(['info', `magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'swarmscope: magnet.xt: v2-only (urn:btmh) magnet links are not supported yet\n',
    );
  });

  it('download <magnet> with only an x.pe peer fetches the metadata from `seed` and completes', async () => {
    const content = path.join(dir, 'src', 'hello.bin');
    writeFile(content, 400_000, 11);
    const torrent = path.join(dir, 'hello.torrent');
    expect(run(['create', content, '-o', torrent, '--piece-length', '16384']).code).toBe(0);
    const infoHash = JSON.parse(run(['info', torrent, '--json']).stdout).infoHash as string;
    const port = await freePort();
    const seeder = spawn(
      process.execPath,
      [
        cli,
        'seed',
        torrent,
        '--dir',
        path.dirname(content),
        '--port',
        String(port),
        '--progress',
        'none',
      ],
      { stdio: 'pipe' },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        const t = setTimeout(() => reject(new Error(`seeder did not start: ${err}`)), 20_000);
        seeder.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('seeding hello.bin on port')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const out = path.join(dir, 'dl');
      const magnet = `magnet:?xt=urn:btih:${infoHash}&x.pe=127.0.0.1:${port}`;
      const dl = spawnSync(
        process.execPath,
        [cli, 'download', magnet, '--dir', out, '--port', '0', '--progress', 'lines'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(dl.status, `stderr: ${dl.stderr}`).toBe(0);
      expect(dl.stderr).toContain('done: hello.bin verified');
      expect(sha256File(path.join(out, 'hello.bin'))).toBe(sha256File(content));
    } finally {
      seeder.kill('SIGTERM');
      await new Promise((r) => seeder.once('exit', r));
    }
  }, 90_000);
});
