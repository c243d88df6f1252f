/**
 * PEX floods against a running session over real sockets on 127.0.0.1 (issue 17): a raw peer
 * speaks BEP 10 and ut_pex by hand. Each flood closes that peer with a reason in the Log tab,
 * and the torrent goes on serving others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { encodeHandshake, encodeMessage, reservedFlags } from '../wire';
import type { Message } from '../wire';
import { encodeExtendedHandshake } from '../wire/extension-handshake';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
import { encodePex } from '../wire/pex';
import { PEX_MAX_MESSAGES_PER_WINDOW, PEX_MAX_RECEIVED_PER_MESSAGE } from '../limits';

let swarm: TestSwarm | null = null;
let contentDir: string | null = null;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await swarm?.close();
  swarm = null;
  if (contentDir) fs.rmSync(contentDir, { recursive: true, force: true });
  contentDir = null;
});

/** Connects, handshakes with BEP 10, and offers ut_pex; `closed` turns true when we are dropped. */
async function rawPexPeer(port: number, infoHash: Uint8Array, n: number) {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const state = { closed: false, received: 0 };
  socket.on('data', (d: Buffer) => (state.received += d.length));
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => undefined);
  const peerId = new TextEncoder().encode(`-XX0001-hostile${String(n).padStart(5, '0')}`);
  const send = (...m: Message[]): void =>
    void socket.write(Buffer.concat(m.map((x) => encodeMessage(x))));
  socket.write(
    encodeHandshake({ infoHash, peerId, reserved: reservedFlags({ fast: true, extended: true }) }),
  );
  send({
    type: 'extended',
    extId: 0,
    payload: encodeExtendedHandshake({ m: { ut_pex: 7 } }),
  });
  await waitFor(() => state.received > 68, 'the session to answer the handshake');
  const pex = (peers: number, base: number): Message => ({
    type: 'extended',
    extId: LOCAL_EXTENSION_IDS.ut_pex,
    payload: encodePex({
      // Closed ports on loopback: the session may dial them; nothing answers.
      added: Array.from({ length: peers }, (_, i) => ({
        address: '127.0.0.1',
        port: base + i,
        flags: 0,
      })),
      dropped: [],
    }),
  });
  return { state, send, pex };
}

describe('PEX floods', () => {
  it('too many messages, or too many peers in one, close the sender; the torrent goes on', async () => {
    contentDir = tempDir('pex-hostile');
    const file = path.join(contentDir, 'h.bin');
    writeFile(file, 256 * 1024);
    swarm = await createTestSwarm({ contentPath: file, seeders: 1, leechers: 0 });
    const [seeder] = swarm.seeders;
    if (!seeder) throw new Error('no seeder');
    const port = seeder.listenPort as number;
    const { infoHash, infoHashHex: id } = swarm.meta;

    // Too frequent: one message more than a minute allows.
    const a = await rawPexPeer(port, infoHash, 1);
    for (let i = 0; i <= PEX_MAX_MESSAGES_PER_WINDOW; i++) a.send(a.pex(1, 1 + i));
    await waitFor(() => a.state.closed, 'the frequent sender to be closed');

    // Too big: one message with more added peers than accepted.
    const b = await rawPexPeer(port, infoHash, 2);
    b.send(b.pex(PEX_MAX_RECEIVED_PER_MESSAGE + 1, 100));
    await waitFor(() => b.state.closed, 'the big sender to be closed');

    // Garbage in a ut_pex message.
    const c = await rawPexPeer(port, infoHash, 3);
    c.send({ type: 'extended', extId: LOCAL_EXTENSION_IDS.ut_pex, payload: Uint8Array.of(1, 2) });
    await waitFor(() => c.state.closed, 'the garbage sender to be closed');

    const closes = seeder
      .recentLog(id)
      .filter((e) => e.type === 'close')
      .map((e) => e.detail);
    expect(closes).toContainEqual(
      expect.stringMatching(/protocol-error: PEX flood: 5 PEX messages/),
    );
    expect(closes).toContainEqual(expect.stringMatching(/protocol-error: PEX message adds 101/));
    expect(closes).toContainEqual(
      expect.stringMatching(/protocol-error: PEX message is not valid/),
    );
    // The first four messages were within the limits: their peers were learnt, nothing more.
    expect(seeder.torrent(id)?.peerSourceCounts()).toEqual({ pex: PEX_MAX_MESSAGES_PER_WINDOW });

    // A well-behaved PEX peer stays.
    const d = await rawPexPeer(port, infoHash, 4);
    d.send(d.pex(2, 200));
    await new Promise((r) => setTimeout(r, 500));
    expect(d.state.closed).toBe(false);
    expect(seeder.summary(id)?.state).toBe('seeding');
    expect(seeder.torrent(id)?.peerSourceCounts()).toEqual({
      pex: PEX_MAX_MESSAGES_PER_WINDOW + 2,
    });
  });
});
