/**
 * Issue 21: while seeding, we dialled another seed every REDIAL_AFTER_LOCAL_CLOSE_MS, swapped
 * handshakes and have-alls, and closed it "not-wanted", for as long as both ran. Two real seeding
 * sessions on loopback share a ManualClock, so 60 s of the torrents' life pass in about two seconds
 * of real time; a counting proxy in front of the second seed counts every dial.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { TEST_SESSION_OPTIONS, createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { ManualClock } from '../time/clock';
import { REDIAL_AFTER_LOCAL_CLOSE_MS } from '../limits';

interface CountingProxy {
  port: number;
  /** Connections accepted so far: one per dial through the proxy. */
  accepted: () => number;
  close: () => Promise<void>;
}

/** A TCP relay on 127.0.0.1 to `targetPort` that counts the connections it accepts. */
async function countingProxy(targetPort: number): Promise<CountingProxy> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = net.createServer((inbound) => {
    accepted++;
    const outbound = net.connect(targetPort, '127.0.0.1');
    track(inbound);
    track(outbound);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    for (const s of [inbound, outbound]) {
      s.on('error', end);
      s.on('close', end);
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let swarm: TestSwarm | null = null;
let proxy: CountingProxy | null = null;
let contentDir: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  await proxy?.close();
  proxy = null;
  if (contentDir) fs.rmSync(contentDir, { recursive: true, force: true });
  contentDir = null;
});

describe('seed to seed', () => {
  it('a seed dials another seed once, not every REDIAL_AFTER_LOCAL_CLOSE_MS, over 60 s', async () => {
    contentDir = tempDir('seed-redial');
    const content = path.join(contentDir, 'data.bin');
    writeFile(content, 256 * 1024);
    const clock = new ManualClock(Date.now());
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 2,
      leechers: 0,
      pieceLength: 32 * 1024,
      connectByAddress: false,
      configure: () => ({
        clock,
        settings: { ...TEST_SESSION_OPTIONS.settings, transports: 'tcp' },
      }), // the proxy counts TCP dials
    });
    const [a, b] = swarm.seeders as [(typeof swarm.seeders)[0], (typeof swarm.seeders)[0]];
    const id = swarm.meta.infoHashHex;
    proxy = await countingProxy(b.listenPort as number);
    const p = proxy;

    a.addPeer(id, '127.0.0.1', p.port);
    await waitFor(() => p.accepted() === 1, 'the first dial', 5_000);
    // Both have every piece: the connection closes as soon as the have-alls cross.
    await waitFor(() => a.list()[0]?.peers === 0, 'the seed-to-seed connection to close', 5_000);

    // 60 s of the torrent's life, a second at a time, with real time for the sockets in between.
    const lifeMs = 60_000;
    expect(lifeMs).toBeGreaterThan(3 * REDIAL_AFTER_LOCAL_CLOSE_MS);
    for (let t = 0; t < lifeMs; t += 1_000) {
      clock.advance(1_000);
      await sleep(25);
    }
    await sleep(200);
    expect(a.list()[0]?.state).toBe('seeding');
    expect(p.accepted()).toBe(1);
  });
});
