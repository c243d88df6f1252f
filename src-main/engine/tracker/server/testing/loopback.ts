/**
 * Test helpers for the tracker on 127.0.0.1: start a server on port 0, send raw HTTP bytes,
 * exchange one UDP datagram. Every wait is bounded and every socket is closed before the
 * helper resolves.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { TrackerServerSettings } from '../../../../../src-shared/model';
import { defaultTrackerServerSettings } from '../../../../../src-shared/model';
import { systemClock, systemRandom } from '../../../time/clock';
import { TrackerServer } from '../tracker-server';
import type { TrackerServerOptions } from '../tracker-server';

/** An open tracker on 127.0.0.1, HTTP and UDP on ports the system picks: what tests start. */
export const loopbackTrackerSettings: TrackerServerSettings = {
  ...defaultTrackerServerSettings,
  enabled: true,
  host: '127.0.0.1',
  httpPort: 0,
  udpPort: 0,
  mode: 'open',
};

export interface TestTracker {
  server: TrackerServer;
  httpPort: number;
  udpPort: number;
  httpUrl: string;
  udpUrl: string;
  stop: () => Promise<void>;
}

export async function startTestTracker(
  settings: Partial<TrackerServerSettings> = {},
  opts: Partial<TrackerServerOptions> = {},
): Promise<TestTracker> {
  const server = new TrackerServer({ clock: systemClock, random: systemRandom, ...opts });
  const stats = await server.start({
    ...loopbackTrackerSettings,
    ...settings,
  });
  if (!stats.running) throw new Error(`test tracker did not start: ${stats.error}`);
  const httpPort = stats.httpPort ?? 0;
  const udpPort = stats.udpPort ?? 0;
  return {
    server,
    httpPort,
    udpPort,
    httpUrl: `http://127.0.0.1:${httpPort}/announce`,
    udpUrl: `udp://127.0.0.1:${udpPort}/announce`,
    stop: () => server.stop(),
  };
}

/** Writes raw bytes to the HTTP port and returns all that comes back until close or timeout. */
export function rawHttp(
  port: number,
  data: string | Uint8Array,
  timeoutMs = 3000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = systemClock.setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A server that resets a hostile connection is an answer too.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => {
      timer.cancel();
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(data);
    // Half-close so a server waiting for more of a truncated request sees the end.
    socket.end();
  });
}

/** Sends one datagram and waits for one answer (null after `timeoutMs`). */
export function udpExchange(
  port: number,
  packet: Uint8Array,
  timeoutMs = 1000,
): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = systemClock.setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('message', (msg: Buffer) => {
      timer.cancel();
      socket.close();
      resolve(msg);
    });
    socket.on('error', (err) => {
      timer.cancel();
      socket.close();
      reject(err);
    });
    socket.send(packet, port, '127.0.0.1');
  });
}

/** Active handles by type (sockets, timers), to check that a test leaves nothing open. */
export function openResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}
