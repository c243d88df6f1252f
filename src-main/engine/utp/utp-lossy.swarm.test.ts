/**
 * uTP over real UDP sockets on loopback through a lossy relay (issue 18): 1% of datagrams
 * dropped, 1% reordered, 1% duplicated, from a seeded generator. 64 MiB must arrive intact.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LossyUdpRelay } from '../../testing/lossy-udp-relay';
import { UdpEndpoint } from '../net/udp-endpoint';
import { seededRandom, systemClock } from '../time/clock';
import { UtpSocket } from './utp-socket';
import type { UtpTransport } from './utp-transport';

const MIB = 1024 * 1024;

describe('uTP through a lossy relay', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function endpointWithUtp(seed: number, onAccept: (t: UtpTransport) => void) {
    const ep = await UdpEndpoint.open('127.0.0.1', 0);
    const utp = new UtpSocket({
      send: (b, port, address) => ep.send(b, port, address),
      clock: systemClock,
      random: seededRandom(seed),
      onAccept,
    });
    ep.on('utp', (packet, from) => utp.receive(packet, from));
    cleanup.push(
      () => ep.close(),
      () => utp.close(),
    );
    return { ep, utp };
  }

  it('moves 64 MiB intact over 1% loss, reordering and duplication', async () => {
    const total = 64 * MIB;
    let accepted: UtpTransport | null = null;
    const b = await endpointWithUtp(2, (t) => (accepted = t));
    const a = await endpointWithUtp(1, () => undefined);
    const relay = await LossyUdpRelay.open(
      b.ep.port,
      { drop: 0.01, reorder: 0.01, duplicate: 0.01 },
      seededRandom(42),
    );
    cleanup.push(() => relay.close());

    const dialled = a.utp.dial('127.0.0.1', relay.portForA);
    await dialled.connected();

    // The sender writes a deterministic stream in 256 KiB chunks, pulled by 'drain'.
    const source = seededRandom(99);
    const chunk = source.bytes(256 * 1024);
    const sentHash = createHash('sha256');
    const gotHash = createHash('sha256');
    let sent = 0;
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (sent < total && !dialled.awaitingDrain) {
          // Each chunk differs (its first 4 bytes count), so a misplaced one would show.
          const c = new Uint8Array(chunk);
          new DataView(c.buffer).setUint32(0, sent / chunk.length);
          sentHash.update(c);
          dialled.write(c);
          sent += c.length;
        }
      };
      dialled.attach({
        onBytes: () => undefined,
        onDrain: pump,
        onEnd: () => undefined,
        onError: reject,
      });
      dialled.startReading();
      const waitAccept = (tries: number): void => {
        const t = accepted as UtpTransport | null;
        if (!t) {
          if (tries > 200) return reject(new Error('nothing accepted'));
          setTimeout(() => waitAccept(tries + 1), 10);
          return;
        }
        // Taken: it no longer counts against the pending (SYN flood) cap and deadline.
        t.accepted();
        t.attach({
          onBytes: (bytes) => {
            gotHash.update(bytes);
            received += bytes.length;
            if (received === total) resolve();
          },
          onDrain: () => undefined,
          onEnd: () => reject(new Error(`ended after ${received} bytes`)),
          onError: reject,
        });
        t.startReading();
      };
      waitAccept(0);
      pump();
    });
    const started = performance.now();
    await done;
    console.log(
      `64 MiB in ${((performance.now() - started) / 1000).toFixed(1)} s, ${dialled.conn.retransmits} resent, ${dialled.conn.timeoutCount} timeouts, cwnd ${dialled.conn.cc.cwnd}`,
      relay.stats,
    );
    expect(received).toBe(total);
    expect(gotHash.digest('hex')).toBe(sentHash.digest('hex'));
    // The relay really did its damage, and uTP repaired it.
    expect(relay.stats.dropped).toBeGreaterThan(100);
    expect(relay.stats.reordered).toBeGreaterThan(100);
    expect(relay.stats.duplicated).toBeGreaterThan(100);
    expect(dialled.conn.retransmits).toBeGreaterThan(0);
    dialled.destroy();
  });
});
