/**
 * qBittorrent-nox 4.5 (libtorrent 2.0 underneath) on loopback, driven through its Web API, for
 * the bench's download rows (issue 20) and interop tests.
 *
 * What it needs here:
 * - A profile folder of its own (`--profile`) holding `qBittorrent/config/qBittorrent.conf`,
 *   written before start: the legal notice accepted (else it waits on stdin), the Web UI on
 *   127.0.0.1 with no login from localhost, no host-header or CSRF checks (a script talks to
 *   it), and DHT, PEX, LSD, UPnP/NAT-PMP and queueing off so that nothing but the peers we add
 *   takes part and the torrent starts at once. TCP only unless told (`Session\BTProtocol`), as
 *   the bench's TCP rows compare TCP.
 * - The torrent is added with `POST /api/v2/torrents/add`, the seeder with
 *   `POST /api/v2/torrents/addPeers`; progress is polled from `/api/v2/torrents/info`.
 * - It never exits on its own: `stop` ends it by PID, and its profile is removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RefClientError, freePort, spawnTracked } from './ref-clients';
import type { RefProcess } from './ref-clients';

const START_TIMEOUT_MS = 20_000;
const POLL_MS = 25;
/** Its states for a complete torrent that serves peers (Web API `torrents/info`). */
const SEEDING_STATES = new Set(['uploading', 'stalledUP', 'forcedUP', 'queuedUP']);

export interface Qbittorrent extends RefProcess {
  /** Its BitTorrent listen port. */
  port: number;
  /** Adds the torrent (started at once) and, when given, peers for it to dial. */
  add(torrentFile: string, peers?: { address: string; port: number }[]): Promise<void>;
  /**
   * Resolves when the torrent is complete (every piece verified, progress 1), with
   * `performance.now()` in seconds at the poll that saw it (at most POLL_MS late).
   */
  waitDone(timeoutMs: number): Promise<{ doneMonoSec: number }>;
}

export interface QbittorrentOptions {
  saveDir: string;
  transports?: 'tcp' | 'both';
}

interface TorrentInfo {
  hash: string;
  progress: number;
  state: string;
}

export async function startQbittorrent(opts: QbittorrentOptions): Promise<Qbittorrent> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-qbt-'));
  const saveDir = path.resolve(opts.saveDir);
  fs.mkdirSync(saveDir, { recursive: true });
  const port = await freePort();
  const webPort = await freePort();
  const configDir = path.join(profile, 'qBittorrent', 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const conf = [
    '[LegalNotice]',
    'Accepted=true',
    '',
    '[BitTorrent]',
    `Session\\Port=${port}`,
    'Session\\InterfaceAddress=127.0.0.1',
    `Session\\DefaultSavePath=${saveDir}`,
    'Session\\DHTEnabled=false',
    'Session\\PeXEnabled=false',
    'Session\\LSDEnabled=false',
    'Session\\QueueingSystemEnabled=false',
    `Session\\BTProtocol=${opts.transports === 'both' ? 'Both' : 'TCP'}`,
    '',
    '[Preferences]',
    `WebUI\\Port=${webPort}`,
    'WebUI\\Address=127.0.0.1',
    'WebUI\\LocalHostAuth=false',
    'WebUI\\HostHeaderValidation=false',
    'WebUI\\CSRFProtection=false',
    'Connection\\UPnP=false',
    'General\\Locale=en',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(configDir, 'qBittorrent.conf'), conf);
  const t = spawnTracked('qbittorrent-nox', [`--profile=${profile}`, `--webui-port=${webPort}`], {
    env: { ...process.env, HOME: profile },
    cleanup: () => fs.rmSync(profile, { recursive: true, force: true }),
  });
  const api = `http://127.0.0.1:${webPort}/api/v2`;
  const call = async (route: string, body?: FormData | URLSearchParams): Promise<string> => {
    const res = await fetch(`${api}/${route}`, body ? { method: 'POST', body } : {});
    const text = await res.text();
    if (!res.ok)
      throw new RefClientError('exited', `qbittorrent ${route}`, `${res.status} ${text}`);
    return text;
  };
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    if (t.exit) {
      throw new RefClientError('exited', 'qbittorrent-nox', `exited before its Web API answered`);
    }
    try {
      await call('app/version');
      break;
    } catch {
      if (performance.now() > deadline) {
        await t.stop();
        throw new RefClientError('timeout', 'qbittorrent-nox', 'its Web API did not answer');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let hash: string | null = null;
  const info = async (): Promise<TorrentInfo | null> => {
    const list = JSON.parse(await call('torrents/info')) as TorrentInfo[];
    return list[0] ?? null;
  };
  return {
    pid: t.pid,
    port,
    // Its own log says more than its output (which is almost nothing).
    outputTail: () => {
      const log = path.join(profile, 'qBittorrent', 'data', 'logs', 'qbittorrent.log');
      const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      return [...t.tail, ...text.split('\n').slice(-30)].join('\n');
    },
    stop: () => t.stop(),
    async add(torrentFile, peers = []) {
      const form = new FormData();
      form.append('torrents', new Blob([fs.readFileSync(torrentFile)]), path.basename(torrentFile));
      form.append('savepath', saveDir);
      await call('torrents/add', form);
      const until = performance.now() + START_TIMEOUT_MS;
      while (hash === null && performance.now() < until) {
        hash = (await info())?.hash ?? null;
        if (hash === null) await new Promise((r) => setTimeout(r, POLL_MS));
      }
      if (hash === null) throw new RefClientError('timeout', 'qbittorrent add', 'no torrent');
      if (peers.length > 0) {
        const body = new URLSearchParams({
          hashes: hash,
          peers: peers.map((p) => `${p.address}:${p.port}`).join('|'),
        });
        await call('torrents/addPeers', body);
      }
    },
    async waitDone(timeoutMs) {
      let last = '';
      const until = performance.now() + timeoutMs;
      while (performance.now() < until) {
        if (t.exit) throw new RefClientError('exited', 'qbittorrent waitDone', 'it exited');
        const now = await info();
        // Complete and running: a paused or checking torrent answers no peer.
        if (now && now.progress >= 1 && SEEDING_STATES.has(now.state)) {
          // The bench's monotonic clock (bench/suites/util.ts monoSec).
          return { doneMonoSec: Number(process.hrtime.bigint()) / 1e9 };
        }
        last = now?.state ?? 'no torrent';
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      throw new RefClientError(
        'timeout',
        'qbittorrent waitDone',
        `not done in ${timeoutMs} ms (${last})`,
      );
    },
  };
}
