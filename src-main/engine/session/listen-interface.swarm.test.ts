/**
 * The listen interface and port settings (issues 18 and 21) on a running session: a new
 * interface and port rebind the TCP listener and the UDP endpoints without a restart (the old
 * address refuses, the new one accepts, and a leecher downloads through it); the host's own
 * listen address wins over the setting; a random port at start comes from the dynamic range.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomPortRange } from '../../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { TEST_SESSION_OPTIONS, createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { Session } from '../session';

let swarm: TestSwarm | null = null;
const extra: Session[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of extra.splice(0)) await s.close();
  await swarm?.close();
  swarm = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Whether a TCP connection to host:port is accepted (bounded: refused or 2 s). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2_000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port nobody listens on right now (bound and released on 127.0.0.1 and ::1). */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const v6Free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '::1', () => s.close(() => resolve(true)));
    });
    if (v6Free) return port;
  }
  throw new Error('no free port on both loopbacks');
}

describe('listen interface and port (issues 18, 21)', () => {
  it('rebinds to a new interface and port without restarting, and peers get in there', async () => {
    const content = tempDir('listen-content');
    dirs.push(content);
    const file = path.join(content, 'data.bin');
    writeFile(file, 1024 * 1024, 5);
    // The seeder listens where its setting says (no host listen address): ::1 only at first.
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 0,
      configure: () => ({
        listenHost: undefined,
        settings: { dhtBootstrap: [], portMapping: false, listenInterface: '::1' },
      }),
    });
    const seeder = swarm.seeders[0]!;
    const oldPort = seeder.listenPort!;
    expect(await accepts('::1', oldPort)).toBe(true);
    expect(await accepts('127.0.0.1', oldPort)).toBe(false);

    const newPort = await freePort();
    await seeder.updateSettings({ listenInterface: '127.0.0.1', listenPort: newPort });
    expect(seeder.listenPort).toBe(newPort);
    expect(seeder.udpPort).toBe(newPort);
    expect(await accepts('::1', oldPort)).toBe(false);
    expect(await accepts('127.0.0.1', oldPort)).toBe(false);
    expect(await accepts('::1', newPort)).toBe(false);
    expect(await accepts('127.0.0.1', newPort)).toBe(true);
    expect(seeder.getSettings()).toMatchObject({ listenInterface: '127.0.0.1' });

    // A leecher reaches it on the new address and completes.
    const leecherDir = tempDir('listen-leecher');
    dirs.push(leecherDir);
    const leecher = await Session.open(TEST_SESSION_OPTIONS);
    extra.push(leecher);
    const id = await leecher.addTorrent(
      { torrentFile: swarm.torrentFile },
      { savePath: leecherDir },
    );
    leecher.addPeer(id, '127.0.0.1', newPort);
    await waitFor(() => leecher.list()[0]?.state === 'seeding', 'the leecher to complete', 30_000);
    expect(await sha256File(path.join(leecherDir, 'data.bin'))).toBe(await sha256File(file));

    // The interface alone moves too, keeping the port it holds.
    await seeder.updateSettings({ listenInterface: '::1' });
    expect(seeder.listenPort).toBe(newPort);
    expect(await accepts('127.0.0.1', newPort)).toBe(false);
    expect(await accepts('::1', newPort)).toBe(true);
  });

  it('refuses an address this machine does not have, and keeps listening where it was', async () => {
    const s = await Session.open({
      ...TEST_SESSION_OPTIONS,
      listenHost: undefined,
      settings: { ...TEST_SESSION_OPTIONS.settings, listenInterface: '127.0.0.1' },
    });
    extra.push(s);
    const port = s.listenPort!;
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address; binding it dials nothing.
    await expect(s.updateSettings({ listenInterface: '192.0.2.1' })).rejects.toMatchObject({
      code: 'bind',
    });
    expect(s.listenPort).toBe(port);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(s.getSettings().listenInterface).toBe('127.0.0.1');
  });

  it("keeps the host's listen address over the setting", async () => {
    const s = await Session.open({
      ...TEST_SESSION_OPTIONS,
      settings: { ...TEST_SESSION_OPTIONS.settings, listenInterface: '::1' },
    });
    extra.push(s);
    const port = s.listenPort!;
    expect(await accepts('127.0.0.1', port)).toBe(true);
    await s.updateSettings({ listenInterface: '::1' });
    expect(s.listenPort).toBe(port);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(s.getSettings().listenInterface).toBe('::1');
  });

  it('picks a port from the dynamic range at start when asked', async () => {
    const s = await Session.open({
      ...TEST_SESSION_OPTIONS,
      listenPort: undefined,
      settings: { ...TEST_SESSION_OPTIONS.settings, randomPortOnStart: true, listenPort: 6881 },
    });
    extra.push(s);
    const port = s.listenPort!;
    expect(port).toBeGreaterThanOrEqual(randomPortRange.min);
    expect(port).toBeLessThanOrEqual(randomPortRange.max);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    // The setting itself is untouched: the random port is this run's only.
    expect(s.getSettings().listenPort).toBe(6881);
  });
});
