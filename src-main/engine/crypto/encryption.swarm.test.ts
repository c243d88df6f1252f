/**
 * Encryption policies between two of our sessions on loopback (issue 18): the leecher dials the
 * seeder, the seeder's listener tells MSE from plaintext, and both Peers tabs' E flags show what
 * was negotiated. Content is checked by sha256.
 */
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_SESSION_OPTIONS, createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import {
  multiFileLayout,
  sha256File,
  sha256Tree,
  tempDir,
  waitFor,
  writeContent,
  writeFile,
} from '../../testing/fixtures';
import type { EncryptionMode, PeerTransports } from '../../../src-shared/model';
import { Session } from '../session';
import { systemRandom } from '../time/clock';
import { MSE_KEY_BYTES, createMseKeyPair, mseCiphers } from './mse-keys';

let swarm: TestSwarm | null = null;
let content: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  if (content) fs.rmSync(path.dirname(content), { recursive: true, force: true });
  content = null;
});

const lines = (x: Session): string[] => (x.logger as unknown as { lines: string[] }).lines;

function peerFlags(s: Session): { encrypted: boolean; incoming: boolean }[] {
  const id = s.list()[0]!.id;
  return s.peers(id).map((p) => ({ encrypted: p.flags.encrypted, incoming: p.flags.incoming }));
}

async function transfer(
  seeder: EncryptionMode,
  leecher: EncryptionMode,
  transports: PeerTransports = 'tcp',
): Promise<TestSwarm> {
  content = writeContent(tempDir('content'), 'multi', multiFileLayout, 7);
  swarm = await createTestSwarm({
    contentPath: content,
    seeders: 1,
    leechers: 1,
    pieceLength: 16 * 1024,
    // The seeder's limit keeps the two connected for a second or two, long enough to look.
    configure: (role) => ({
      settings:
        role === 'seeder'
          ? { encryption: seeder, logLevel: 'debug', uploadLimitBps: 100_000, transports }
          : { encryption: leecher, logLevel: 'debug', transports },
    }),
  });
  return swarm;
}

describe('a bulk encrypted download', () => {
  // 24 MiB crosses RC4_OFFLOAD_AFTER_BYTES, so the leecher's decryption moves to the RC4 worker
  // mid-transfer (crypto/rc4-offload.ts): the keystream must carry on there byte for byte.
  it('decrypts on the RC4 worker after the first MiBs, content intact', async () => {
    const root = tempDir('bulk-rc4');
    content = path.join(root, 'bulk', 'bulk.bin');
    writeFile(content, 24 * 1024 * 1024, 11);
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 1,
      leechers: 1,
      pieceLength: 256 * 1024,
      configure: () => ({ settings: { encryption: 'require', transports: 'tcp' } }),
    });
    await waitFor(
      () => peerFlags(swarm!.leechers[0]!).length === 1,
      'the peers to connect',
      10_000,
    );
    expect(peerFlags(swarm.leechers[0]!)).toEqual([{ encrypted: true, incoming: false }]);
    await swarm.untilComplete(60_000);
    expect(sha256File(path.join(swarm.leecherDirs[0]!, 'bulk.bin'))).toBe(sha256File(content));
  });
});

describe('encryption between our sessions', () => {
  const cases: [EncryptionMode, EncryptionMode, boolean][] = [
    ['prefer', 'prefer', true],
    ['require', 'prefer', true],
    ['prefer', 'require', true],
    ['disable', 'prefer', false], // the encrypted dial is refused; prefer redials in plaintext
    ['prefer', 'disable', false],
  ];
  for (const [seeder, leecher, encrypted] of cases) {
    it(`seeder ${seeder}, leecher ${leecher}: ${encrypted ? 'RC4' : 'plaintext'}, content intact`, async () => {
      const s = await transfer(seeder, leecher);
      // Checked while connected: the leecher closes its seed once complete.
      await waitFor(
        () => peerFlags(s.leechers[0]!).length === 1 && peerFlags(s.seeders[0]!).length === 1,
        'the peers to connect',
        10_000,
      );
      expect(peerFlags(s.leechers[0]!)).toEqual([{ encrypted, incoming: false }]);
      expect(peerFlags(s.seeders[0]!)).toEqual([{ encrypted, incoming: true }]);
      await s.untilComplete(30_000);
      expect(sha256Tree(path.join(s.leecherDirs[0]!, 'multi'))).toEqual(sha256Tree(content!));
    });
  }

  for (const [seeder, leecher] of [
    ['require', 'disable'],
    ['disable', 'require'],
  ] as const) {
    it(`seeder ${seeder}, leecher ${leecher}: no connection, the refusal logged`, async () => {
      const s = await transfer(seeder, leecher);
      const reason = seeder === 'require' ? 'plaintext-refused' : 'encryption-disabled';
      await waitFor(
        () => lines(s.seeders[0]!).some((l) => l.includes(reason)),
        `the seeder to log ${reason}`,
        10_000,
      );
      expect(peerFlags(s.seeders[0]!)).toEqual([]);
      expect(peerFlags(s.leechers[0]!)).toEqual([]);
      expect(s.leechers[0]!.list()[0]!.progress).toBe(0);
    });
  }

  it('a saved change applies to the next connection; the open one keeps its own', async () => {
    const s = await transfer('prefer', 'prefer');
    const seeder = s.seeders[0]!;
    await waitFor(() => peerFlags(seeder).length === 1, 'the first connection', 10_000);
    expect(peerFlags(seeder)).toEqual([{ encrypted: true, incoming: true }]);
    await seeder.updateSettings({ encryption: 'disable' });
    expect(peerFlags(seeder)).toEqual([{ encrypted: true, incoming: true }]);
    // A second leecher under prefer: its MSE dial is refused now, its plaintext redial is taken.
    const dir = tempDir('second');
    const second = await Session.open({ ...TEST_SESSION_OPTIONS, settings: { logLevel: 'debug' } });
    try {
      await second.addTorrent({ torrentFile: s.torrentFile }, { savePath: dir });
      second.addPeer(s.meta.infoHashHex, '127.0.0.1', seeder.listenPort as number);
      await waitFor(() => peerFlags(second).length === 1, 'the second connection', 10_000);
      expect(peerFlags(second)).toEqual([{ encrypted: false, incoming: false }]);
      expect(lines(second).some((l) => l.includes('redialling in plaintext'))).toBe(true);
    } finally {
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * A scripted responder: answers Ya with Yb, then step 4 with `select` as crypto_select, and
   * counts plaintext BitTorrent handshakes that arrive on later connections.
   */
  async function badResponder(
    select: number,
    infoHash: Uint8Array,
  ): Promise<{ port: number; plainDials: () => number; close: () => Promise<void> }> {
    let plain = 0;
    const conns: net.Socket[] = [];
    const server = net.createServer((socket) => {
      conns.push(socket);
      socket.on('error', () => undefined);
      const keys = createMseKeyPair(systemRandom);
      let got = Buffer.alloc(0);
      let answered = false;
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got[0] === 0x13) {
          plain++;
          socket.destroy();
          return;
        }
        if (answered || got.length < MSE_KEY_BYTES) return;
        answered = true;
        const { keyB } = mseCiphers(keys.secret(got.subarray(0, MSE_KEY_BYTES)), infoHash);
        socket.write(
          Buffer.concat([
            keys.publicKey,
            keyB.process(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, select, 0, 0)),
          ]),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return {
      port: (server.address() as net.AddressInfo).port,
      plainDials: () => plain,
      close: async () => {
        for (const c of conns) c.destroy();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  }

  for (const policy of ['require', 'prefer'] as const) {
    it(`a dial answered with an unsupported crypto_select is closed and logged (${policy})`, async () => {
      const s = await transfer('prefer', policy);
      const leecher = s.leechers[0]!;
      const bad = await badResponder(0x04, s.meta.infoHash);
      try {
        leecher.addPeer(s.meta.infoHashHex, '127.0.0.1', bad.port);
        await waitFor(
          () => lines(leecher).some((l) => l.includes('protocol-error (MSE bad-crypto-select')),
          'bad-crypto-select logged',
          10_000,
        );
        // prefer: redialled in plaintext; require: nothing more.
        if (policy === 'prefer')
          await waitFor(() => bad.plainDials() === 1, 'the plaintext redial', 10_000);
        else expect(bad.plainDials()).toBe(0);
        // The engine goes on: the real seeder's transfer completes.
        await s.untilComplete(30_000);
        expect(sha256Tree(path.join(s.leecherDirs[0]!, 'multi'))).toEqual(sha256Tree(content!));
      } finally {
        await bad.close();
      }
    });
  }

  it('pausing ends a dial still in its MSE handshake at once: socket closed, no plaintext redial', async () => {
    const s = await transfer('prefer', 'prefer');
    const leecher = s.leechers[0]!;
    // A peer that accepts and never answers: our dial waits in the MSE handshake.
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.resume(); // reads (and drops) Ya, so it sees the end
      accepted.push(socket);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const id = leecher.list()[0]!.id;
      leecher.addPeer(id, '127.0.0.1', (silent.address() as net.AddressInfo).port);
      await waitFor(() => accepted.length === 1, 'the dial to connect', 10_000);
      let closed = false;
      accepted[0]!.on('close', () => (closed = true));
      await leecher.pause(id);
      // Well before MSE_HANDSHAKE_TIMEOUT_MS (10 s): the stop ended it.
      await waitFor(() => closed, 'the handshaking socket to close', 3_000);
      expect(accepted).toHaveLength(1);
      expect(lines(leecher).some((l) => l.includes('redialling in plaintext'))).toBe(false);
    } finally {
      for (const c of accepted) c.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

// The merge of MSE and uTP first let a plaintext uTP peer past a `require` seeder: its listener
// read uTP handshakes as plaintext only. These fail on that code.
describe('encryption over uTP', () => {
  const cases: [EncryptionMode, EncryptionMode, boolean][] = [
    ['require', 'prefer', true],
    ['prefer', 'prefer', true],
    ['disable', 'prefer', false],
  ];
  for (const [seeder, leecher, encrypted] of cases) {
    it(`seeder ${seeder}, leecher ${leecher}, uTP only: ${encrypted ? 'RC4' : 'plaintext'}, content intact`, async () => {
      const s = await transfer(seeder, leecher, 'utp');
      await waitFor(
        () => peerFlags(s.leechers[0]!).length === 1 && peerFlags(s.seeders[0]!).length === 1,
        'the peers to connect',
        10_000,
      );
      expect(peerFlags(s.seeders[0]!)).toEqual([{ encrypted, incoming: true }]);
      const id = s.seeders[0]!.list()[0]!.id;
      expect(s.seeders[0]!.peers(id).map((p) => p.transport)).toEqual(['utp']);
      await s.untilComplete(30_000);
      expect(sha256Tree(path.join(s.leecherDirs[0]!, 'multi'))).toEqual(sha256Tree(content!));
    });
  }

  it('a require seeder refuses a plaintext-only leecher over uTP', async () => {
    const s = await transfer('require', 'disable', 'utp');
    const id = s.seeders[0]!.list()[0]!.id;
    await waitFor(
      () => lines(s.seeders[0]!).some((l) => l.includes('plaintext-refused')),
      'the seeder to refuse the plaintext handshake',
      10_000,
    );
    expect(s.seeders[0]!.peers(id)).toEqual([]);
    expect(s.leechers[0]!.list()[0]!.progress).toBe(0);
  });
});
