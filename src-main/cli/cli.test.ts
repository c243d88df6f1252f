import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeFile, sha256File } from '../testing/fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out', 'cli', 'cli.js');
let dir: string;

function run(args: string[], timeoutMs = 30_000) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'cli'], {
    stdio: 'pipe',
  });
  dir = tempDir('cli');
  // Resume data (issue 15) goes to the state folder: a temp one, never the user's. Children inherit it.
  process.env.XDG_STATE_HOME = path.join(dir, 'state');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('swarmscope CLI', () => {
  it('creates a torrent, prints its info, and seeds it to a downloader', async () => {
    const content = path.join(dir, 'src', 'hello.bin');
    writeFile(content, 300_000, 3);
    const torrent = path.join(dir, 'hello.torrent');
    const created = run([
      'create',
      content,
      '-o',
      torrent,
      '--piece-length',
      '16384',
      '--comment',
      'hi',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/info-hash [0-9a-f]{40}/);

    const info = run(['info', torrent, '--json']);
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout);
    expect(parsed).toMatchObject({
      name: 'hello.bin',
      sizeBytes: 300_000,
      pieceLength: 16384,
      pieceCount: 19,
      comment: 'hi',
    });

    const text = run(['info', torrent]);
    expect(text.stdout).toContain('info-hash:');

    // seed + download as two processes on loopback.
    const { spawn } = await import('node:child_process');
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
        '--no-dht', // the public DHT routers are never dialled from tests
        // Issue 18: encrypted only, so the downloader's E flag must show.
        '--encryption',
        'require',
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
      // A plaintext-only downloader gets nowhere with that seeder (the flag is applied).
      const refused = spawnSync(
        process.execPath,
        [cli, 'download', torrent, '--dir', path.join(dir, 'dl-plain'), '--port', '0'].concat([
          '--peer',
          `127.0.0.1:${port}`,
          '--progress',
          'json',
          '--encryption',
          'disable',
        ]),
        { encoding: 'utf8', timeout: 3_500 },
      );
      const refusedLines = refused.stdout.trim().split('\n').filter(Boolean);
      expect(refusedLines.length).toBeGreaterThan(0);
      expect(refusedLines.map((l) => JSON.parse(l).verifiedPieces as number)).not.toContain(19);
      expect(refusedLines.map((l) => JSON.parse(l).peers as number).every((n) => n === 0)).toBe(
        true,
      );
      const out = path.join(dir, 'dl');
      const dl = spawnSync(
        process.execPath,
        [
          cli,
          'download',
          torrent,
          '--dir',
          out,
          '--port',
          '0',
          '--peer',
          `127.0.0.1:${port}`,
          '--progress',
          'json',
          '--no-dht',
          '--encryption',
          'require',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(dl.status, `stderr: ${dl.stderr} stdout: ${dl.stdout}`).toBe(0);
      const lines = dl.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.length).toBeGreaterThan(0);
      expect(Object.keys(lines.at(-1))).toEqual(
        expect.arrayContaining([
          'downloadedBytes',
          'uploadedBytes',
          'verifiedPieces',
          'peers',
          'rateBps',
        ]),
      );
      expect(lines.at(-1).verifiedPieces).toBe(19);
      expect(sha256File(path.join(out, 'hello.bin'))).toBe(sha256File(content));
    } finally {
      seeder.kill('SIGTERM');
      await new Promise((r) => seeder.once('exit', r));
    }
  }, 90_000);

  it('seed and download find each other through the DHT alone (--bootstrap, issue 17)', async () => {
    const content = path.join(dir, 'dht-src', 'dht.bin');
    writeFile(content, 200_000, 9);
    const torrent = path.join(dir, 'dht.torrent');
    expect(run(['create', content, '-o', torrent, '--piece-length', '16384']).code).toBe(0);
    const bad = run(['download', torrent, '--dir', dir, '--bootstrap', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad --bootstrap nope (expected host:port)');

    // No tracker, no --peer: each one's only DHT node is the other's.
    const { spawn } = await import('node:child_process');
    const seedPort = await freePort();
    const dlPort = await freePort();
    const seeder = spawn(
      process.execPath,
      [
        cli,
        'seed',
        torrent,
        '--dir',
        path.dirname(content),
        '--port',
        String(seedPort),
        '--bootstrap',
        `127.0.0.1:${dlPort}`,
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
          if (err.includes('seeding dht.bin on port')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const out = path.join(dir, 'dht-dl');
      const dl = spawnSync(
        process.execPath,
        [
          cli,
          'download',
          torrent,
          '--dir',
          out,
          '--port',
          String(dlPort),
          '--bootstrap',
          `127.0.0.1:${seedPort}`,
          '--progress',
          'json',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(dl.status, `stderr: ${dl.stderr} stdout: ${dl.stdout}`).toBe(0);
      const last = JSON.parse(dl.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
      expect(last.dhtNodes).toBe(1);
      expect(sha256File(path.join(out, 'dht.bin'))).toBe(sha256File(content));
    } finally {
      seeder.kill('SIGTERM');
      await new Promise((r) => seeder.once('exit', r));
    }
  }, 90_000);

  it('check verifies local data: complete, a damaged piece, a missing file (issue 16 item 7)', () => {
    const folder = path.join(dir, 'check-src', 'set');
    writeFile(path.join(folder, 'a.bin'), 100_000, 5);
    writeFile(path.join(folder, 'b.bin'), 50_000, 6);
    const torrent = path.join(dir, 'check.torrent');
    expect(run(['create', folder, '-o', torrent, '--piece-length', '16384']).code).toBe(0);
    const parent = path.dirname(folder);

    const ok = run(['check', torrent, '--dir', parent, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report).toMatchObject({ complete: true, verifiedPieces: 10, pieceCount: 10 });

    // One byte changed in a.bin spoils exactly the piece that holds it.
    const fd = fs.openSync(path.join(folder, 'a.bin'), 'r+');
    fs.writeSync(
      fd,
      Buffer.from([0xff ^ fs.readFileSync(path.join(folder, 'a.bin'))[40_000]!]),
      0,
      1,
      40_000,
    );
    fs.closeSync(fd);
    const damaged = run(['check', torrent, '--dir', parent]);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain('9/10 pieces verified');
    expect(damaged.stdout).toMatch(/partial {2}set\/a\.bin/);

    fs.rmSync(path.join(folder, 'b.bin'));
    const missing = run(['check', torrent, '--dir', parent, '--json']);
    expect(missing.code).toBe(1);
    const files = JSON.parse(missing.stdout).files as { path: string; present: boolean }[];
    expect(files.find((f) => f.path === 'set/b.bin')?.present).toBe(false);
    expect(files.find((f) => f.path === 'set/a.bin')?.present).toBe(true);

    const noDir = run(['check', torrent, '--dir', path.join(dir, 'nowhere')]);
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toContain('does not exist');
  });

  it('create has a small entry of its own and --version loads nothing (issue 20)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    const bin = path.join(root, 'bin', 'swarmscope.js');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.stdout).toBe(`swarmscope ${pkg.version}\n`);
    expect(run(['--version']).stdout).toBe(`swarmscope ${pkg.version}\n`);
    // The same content through bin's create entry and through the whole CLI: the same torrent.
    const content = path.join(dir, 'entry', 'data.bin');
    fs.mkdirSync(path.dirname(content), { recursive: true });
    fs.writeFileSync(content, Buffer.alloc(300_000, 7));
    const viaBin = spawnSync(
      process.execPath,
      [bin, 'create', content, '-o', path.join(dir, 'entry', 'a.torrent')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(viaBin.status, viaBin.stderr).toBe(0);
    const viaCli = run(['create', content, '-o', path.join(dir, 'entry', 'b.torrent')]);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    const hash = (s: string): string | undefined => /info-hash ([0-9a-f]{40})/.exec(s)?.[1];
    expect(hash(viaBin.stdout)).toMatch(/^[0-9a-f]{40}$/);
    expect(hash(viaBin.stdout)).toBe(hash(viaCli.stdout));
    // Bad input from the small entry is one clear line too.
    const bad = spawnSync(process.execPath, [bin, 'create', content], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('swarmscope: missing -o <file.torrent>\n');
  });

  // Issue 20: the hash threads read into WebAssembly memories (page-aligned), for which V8
  // reserves GiBs of address space; under a `ulimit -v` that refuses it, they fall back to plain
  // buffers rather than fail the create.
  it.runIf(process.platform === 'linux')(
    'create works under a ulimit -v too small for WebAssembly memories',
    () => {
      const bin = path.join(root, 'bin', 'swarmscope.js');
      const content = path.join(dir, 'ulimit', 'data.bin');
      writeFile(content, 3_000_000, 11);
      const args = [bin, 'create', content, '--piece-length', '262144', '-o'];
      const limited = spawnSync(
        'sh',
        ['-c', 'ulimit -v 4000000 && exec "$@"', 'sh', process.execPath, ...args, `${content}.a`],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(limited.status, limited.stderr).toBe(0);
      const free = spawnSync(process.execPath, [...args, `${content}.b`], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(free.status, free.stderr).toBe(0);
      const hash = (s: string): string | undefined => /info-hash ([0-9a-f]{40})/.exec(s)?.[1];
      expect(hash(limited.stdout)).toMatch(/^[0-9a-f]{40}$/);
      expect(hash(limited.stdout)).toBe(hash(free.stdout));
    },
  );

  it('answers bad input with one clear line and a non-zero exit', async () => {
    const missing = run(['info', path.join(dir, 'nope.torrent')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('cannot read');

    const junk = path.join(dir, 'junk.torrent');
    fs.writeFileSync(junk, 'd4:infoi03ee');
    const bad = run(['info', junk]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/not a valid torrent/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const badEncryption = run(['seed', junk, '--dir', dir, '--encryption', 'maybe']);
    expect(badEncryption.code).toBe(1);
    expect(badEncryption.stderr.trim().split('\n')).toHaveLength(1);

    const unknown = run(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command');

    // A port in use.
    const content = path.join(dir, 'src2', 'x.bin');
    writeFile(content, 20_000, 4);
    const torrent = path.join(dir, 'x.torrent');
    expect(run(['create', content, '-o', torrent]).code).toBe(0);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = run([
        'seed',
        torrent,
        '--dir',
        path.dirname(content),
        '--port',
        String(port),
        '--no-dht',
      ]);
      expect(busy.code).toBe(1);
      expect(busy.stderr.trim().split('\n')).toHaveLength(1);
      expect(busy.stderr).toMatch(/cannot listen on port/);
    } finally {
      blocker.close();
    }
  });
});

// --- resume data (issue 15) ---
describe('swarmscope download and seed keep resume data', () => {
  const resumeFiles = (): string[] =>
    fs.existsSync(path.join(dir, 'state-resume', 'swarmscope', 'resume'))
      ? fs
          .readdirSync(path.join(dir, 'state-resume', 'swarmscope', 'resume'))
          .filter((n) => n.endsWith('.resume'))
      : [];

  it('by info-hash and folder in $XDG_STATE_HOME, so the same command again starts where it stopped', () => {
    // A state folder of its own: the other tests' runs keep theirs in 'state'.
    process.env.XDG_STATE_HOME = path.join(dir, 'state-resume');
    const folder = path.join(dir, 'resume-a', 'r.bin');
    writeFile(folder, 200_000, 9);
    const torrent = path.join(dir, 'resume.torrent');
    expect(run(['create', folder, '-o', torrent, '--piece-length', '16384']).code).toBe(0);
    const args = (d: string, ...more: string[]) => [
      'download',
      torrent,
      '--dir',
      d,
      '--progress',
      'none',
      '--log-level',
      'info',
      '--no-trackers',
      ...more,
    ];
    const first = run(args(path.dirname(folder)));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/13\/13 pieces on disk \(every piece hashed\)/);
    expect(resumeFiles()).toHaveLength(1);
    expect(resumeFiles()[0]).toMatch(/^[0-9a-f]{40}-[0-9a-f]{16}\.resume$/);

    const again = run(args(path.dirname(folder)));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /resume data: 13 pieces trusted, 0 pieces \(0 bytes\) hashed again/,
    );

    // The same torrent in another folder has resume data of its own.
    const other = path.join(dir, 'resume-b', 'r.bin');
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.copyFileSync(folder, other);
    expect(run(args(path.dirname(other))).stderr).toMatch(/every piece hashed/);
    expect(resumeFiles()).toHaveLength(2);

    // --no-resume reads none and writes none.
    const before = resumeFiles().map(
      (n) => fs.statSync(path.join(dir, 'state-resume', 'swarmscope', 'resume', n)).mtimeMs,
    );
    const off = run(args(path.dirname(folder), '--no-resume'));
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).toMatch(/every piece hashed/);
    expect(
      resumeFiles().map(
        (n) => fs.statSync(path.join(dir, 'state-resume', 'swarmscope', 'resume', n)).mtimeMs,
      ),
    ).toEqual(before);
  }, 60_000);
});

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

// --- per-torrent actions (issue 21) ---
describe('swarmscope download and seed with per-torrent options (issue 21)', () => {
  it('a seeder with --ratio-limit exits once it has uploaded that much; the downloader takes --sequential, --max-peers and a host name', async () => {
    const content = path.join(dir, 'ratio-src', 'ratio.bin');
    writeFile(content, 256_000, 21);
    const torrent = path.join(dir, 'ratio.torrent');
    expect(run(['create', content, '-o', torrent, '--piece-length', '16384']).code).toBe(0);
    const bad = run(['seed', torrent, '--dir', path.dirname(content), '--ratio-limit', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad --ratio-limit 0');
    expect(run(['download', torrent, '--dir', dir, '--max-peers', '0']).stderr).toContain(
      'bad --max-peers 0',
    );

    const { spawn } = await import('node:child_process');
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
        '--no-dht',
        '--ratio-limit',
        '1',
        '--upload-limit',
        '4000000',
      ],
      { stdio: 'pipe' },
    );
    let seederErr = '';
    const exited = new Promise<number | null>((resolve) => seeder.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`seeder did not start: ${seederErr}`)), 20_000);
        seeder.stderr.on('data', (d: Buffer) => {
          seederErr += d.toString();
          if (seederErr.includes('seeding ratio.bin on port')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const out = path.join(dir, 'dl-ratio');
      const dl = spawnSync(
        process.execPath,
        [
          cli,
          'download',
          torrent,
          '--dir',
          out,
          '--port',
          '0',
          '--peer',
          `localhost:${port}`,
          '--progress',
          'none',
          '--no-dht',
          '--sequential',
          '--first-last',
          '--max-peers',
          '4',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(dl.status, `stderr: ${dl.stderr}`).toBe(0);
      expect(sha256File(path.join(out, 'ratio.bin'))).toBe(sha256File(content));
      // Everything uploaded once: ratio 1 reached, the seeder stops by itself.
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
      ]);
      expect(code, seederErr).toBe(0);
      expect(seederErr).toContain('seeded to ratio');
    } finally {
      if (seeder.exitCode === null) seeder.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
