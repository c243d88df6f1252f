/**
 * Throughput of two PeerConnections over loopback TCP (the dialling side reads into the shared
 * read buffer, as the torrent's dials do). A 256 MiB run: swarm tier, not unit. Printed for
 * comparison across commits; asserted only for completeness.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../time/clock';
import type { BlockRef } from '../wire/message';
import { nextEvent, tcpPair, until } from './test-peers';

const BLOCK = 16 * 1024;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('PeerConnection throughput', () => {
  it('moves 256 MiB of blocks over loopback (printed, not asserted)', async () => {
    const totalBytes = 256 * 1024 * 1024;
    const clock = systemClock;
    const server = await tcpPair(clock, { reqq: 4000 }, { reqq: 4000 });
    cleanups.push(server.cleanup);
    const { a, b } = server;
    await until(() => a.isOpen && b.isOpen && a.peerExtendedHandshake !== null);
    const payload = new Uint8Array(BLOCK).fill(0x5a);
    // The seeder serves from memory, pulling more whenever the socket drains.
    const queue: BlockRef[] = [];
    const pump = (): void => {
      while (queue.length > 0 && !b.needsDrain) {
        const r = queue.shift() as BlockRef;
        b.sendPiece(r.index, r.begin, payload.subarray(0, r.length));
      }
    };
    b.on('request', (r) => {
      queue.push(r);
      pump();
    });
    b.on('drain', pump);
    b.unchoke();
    await nextEvent(a, 'unchoke');
    const blocksPerPiece = 64;
    const totalBlocks = totalBytes / BLOCK;
    let next = 0;
    let received = 0;
    const fill = (): void => {
      const want = a.desiredQueueDepth() - a.inFlight;
      for (let i = 0; i < want && next < totalBlocks; i++, next++) {
        a.request(Math.floor(next / blocksPerPiece) % 64, (next % blocksPerPiece) * BLOCK, BLOCK);
      }
    };
    const done = new Promise<void>((resolve) => {
      a.on('block', () => {
        received++;
        if (received === totalBlocks) resolve();
        else fill();
      });
    });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    fill();
    await Promise.race([
      done,
      new Promise((_, reject) =>
        systemClock.setTimeout(() => reject(new Error('throughput run timed out')), 60_000),
      ),
    ]);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // CPU time of both ends per GiB: steadier than wall time on a shared machine.
    const cpuSecondsPerGiB = ((cpu.user + cpu.system) / 1e6) * (2 ** 30 / totalBytes);
    console.log(
      `peer throughput: ${(totalBytes / 1e6 / seconds).toFixed(0)} MB/s over loopback ` +
        `(256 MiB in ${seconds.toFixed(2)} s, CPU ${cpuSecondsPerGiB.toFixed(2)} s/GiB, ` +
        `final queue depth ${a.desiredQueueDepth()})`,
    );
    expect(received).toBe(totalBlocks);
    expect(a.downloadedBytes).toBe(totalBytes);
  }, 90_000);
});
