/**
 * Reference BitTorrent clients on loopback, for interop tests and benchmarks: opentracker,
 * libtorrent (python3-libtorrent), transmission-cli and aria2c. The loopback quirks each one needs
 * are in /work/shared/REFERENCE-CLIENTS.md.
 *
 * Invariants:
 * - Every process is started by us, bound to 127.0.0.1, and stopped by its own PID: SIGTERM,
 *   then SIGKILL after a bound. `stop()` is idempotent and never throws on an already-dead child.
 * - Every wait is bounded by a deadline and reports what it waited for when it gives up.
 * - Temporary folders a client needs (configs, chroots) are created here and removed by `stop()`.
 *   Download folders belong to the caller.
 * - If the test process dies first, an exit hook SIGKILLs whatever is still running.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/** Grace between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 3_000;
/** How long a client may take to open its listening socket. */
const START_TIMEOUT_MS = 15_000;
/** Lines of a client's output kept for error messages. */
const OUTPUT_TAIL_LINES = 40;
/** Attempts to find a port free for both TCP and UDP. */
const FREE_PORT_TRIES = 50;

/** Debian's python3 carries the libtorrent module; another python3 on the PATH may not. */
export const PYTHON3 = '/usr/bin/python3';

export interface RefProcess {
  pid: number;
  port?: number;
  /** The last lines the client wrote, for error messages. */
  outputTail(): string;
  stop(): Promise<void>;
}

export class RefClientError extends Error {
  constructor(
    readonly code: 'start-failed' | 'timeout' | 'exited',
    readonly operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
    this.name = 'RefClientError';
  }
}

// ---------------------------------------------------------------- process bookkeeping

const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (err) {
        // ESRCH: it is gone already, which is what we want. Nothing else can be done at exit.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') console.error(err);
      }
    }
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process we started, with its exit, its output tail and a PID-bounded stop. */
export interface Tracked {
  child: ChildProcess;
  pid: number;
  exited: Promise<Exit>;
  exit: Exit | null;
  tail: string[];
  onLine(fn: (line: string) => void): void;
  stop(): Promise<void>;
}

/** Resolve after `ms`, with the timer cleared if `signal` settles first. */
function delay<T>(ms: number, value: T): { promise: Promise<T>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  const d = delay(ms, 'timeout' as const);
  try {
    return await Promise.race([p, d.promise]);
  } finally {
    d.cancel();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function spawnTracked(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; cleanup?: () => void } = {},
): Tracked {
  installExitHook();
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    throw new RefClientError('start-failed', `spawn ${command}`, 'no pid (is it installed?)');
  }
  const pid = child.pid;
  live.add(pid);
  const tail: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  const pushLine = (line: string): void => {
    tail.push(line);
    if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    for (const fn of listeners) fn(line);
  };
  // Transmission redraws its status line with \r; split on both so the tail stays readable.
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (l) => {
      for (const part of l.split('\r')) if (part.trim()) pushLine(part);
    });
  }
  const tracked: Tracked = {
    child,
    pid,
    exit: null,
    tail,
    exited: new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(pid);
        tracked.exit = { code, signal };
        resolve(tracked.exit);
      });
      child.once('error', (err) => {
        live.delete(pid);
        pushLine(`spawn error: ${err.message}`);
        tracked.exit = { code: -1, signal: null };
        resolve(tracked.exit);
      });
    }),
    onLine: (fn) => listeners.push(fn),
    async stop() {
      try {
        if (tracked.exit === null) {
          signal(pid, 'SIGTERM');
          if ((await raceTimeout(tracked.exited, STOP_GRACE_MS)) === 'timeout') {
            signal(pid, 'SIGKILL');
            if ((await raceTimeout(tracked.exited, STOP_GRACE_MS)) === 'timeout') {
              throw new RefClientError('timeout', `stop ${command}`, `pid ${pid} survived SIGKILL`);
            }
          }
        }
      } finally {
        opts.cleanup?.();
      }
    },
  };
  return tracked;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    // ESRCH: it exited between our check and the signal.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function tailText(t: Tracked): string {
  return t.tail.join('\n');
}

function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `swarmscope-${prefix}-`));
}

function removeDir(dir: string): () => void {
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- ports

function probeTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function probeUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ address: '127.0.0.1', port, exclusive: true }, () =>
      sock.close(() => resolve(true)),
    );
  });
}

/** A port on 127.0.0.1 that is free for TCP, and for UDP too when `udp` is set. */
export async function freePort(opts: { udp?: boolean } = {}): Promise<number> {
  for (let i = 0; i < FREE_PORT_TRIES; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen({ host: '127.0.0.1', port: 0 }, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!(await probeTcp(port))) continue;
    if (opts.udp && !(await probeUdp(port))) continue;
    return port;
  }
  throw new RefClientError('start-failed', 'freePort', `no free port in ${FREE_PORT_TRIES} tries`);
}

/** Wait until something accepts TCP connections on 127.0.0.1:port, or the process exits. */
async function waitListening(
  t: Tracked,
  port: number,
  what: string,
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (t.exit) {
      throw new RefClientError(
        'exited',
        what,
        `exited (${t.exit.code ?? t.exit.signal}) before listening:\n${tailText(t)}`,
      );
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new RefClientError(
    'timeout',
    what,
    `not listening on ${port} after ${timeoutMs} ms:\n${tailText(t)}`,
  );
}

/** Wait until `cond` holds, polling; fail early if the process exits. */
async function waitUntil(
  t: Tracked,
  cond: () => boolean,
  what: string,
  timeoutMs: number,
  opts: { exitIsFailure?: boolean } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (cond()) return;
    if (t.exit && (opts.exitIsFailure ?? true)) {
      if (cond()) return;
      throw new RefClientError(
        'exited',
        what,
        `exited (${t.exit.code ?? t.exit.signal}):\n${tailText(t)}`,
      );
    }
    await sleep(50);
  }
  throw new RefClientError('timeout', what, `gave up after ${timeoutMs} ms:\n${tailText(t)}`);
}

// ---------------------------------------------------------------- opentracker

export interface Opentracker extends RefProcess {
  port: number;
  announceUrlHttp: string;
  announceUrlUdp: string;
}

/**
 * Debian's opentracker serves only allow-listed info-hashes; it chroots into its `-d` folder (and
 * drops to nobody as root), so the list lives inside a 0755 folder, named by its chroot path.
 */
export async function startOpentracker(opts: {
  infoHashes: string[];
  /** A port picked beforehand (e.g. to write it into a torrent); by default a free one. */
  port?: number;
}): Promise<Opentracker> {
  for (const h of opts.infoHashes) {
    if (!/^[0-9a-fA-F]{40}$/.test(h)) throw new Error(`startOpentracker: bad info-hash ${h}`);
  }
  const dir = makeTempDir('opentracker');
  fs.chmodSync(dir, 0o755);
  const list = path.join(dir, 'whitelist.txt');
  fs.writeFileSync(list, opts.infoHashes.map((h) => h.toLowerCase() + '\n').join(''));
  fs.chmodSync(list, 0o644);
  // Another process can take the port between our probe and opentracker's bind: retry a few times.
  let lastError: unknown;
  const attempts = opts.port ? 1 : 3;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port || (await freePort({ udp: true }));
    const t = spawnTracked('opentracker', [
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-P',
      String(port),
      '-d',
      dir,
      '-w',
      '/whitelist.txt',
    ]);
    try {
      await waitListening(t, port, 'opentracker');
    } catch (err) {
      lastError = err;
      await t.stop();
      continue;
    }
    return {
      pid: t.pid,
      port,
      announceUrlHttp: `http://127.0.0.1:${port}/announce`,
      announceUrlUdp: `udp://127.0.0.1:${port}/announce`,
      outputTail: () => tailText(t),
      stop: async () => {
        try {
          await t.stop();
        } finally {
          removeDir(dir)();
        }
      },
    };
  }
  removeDir(dir)();
  throw new RefClientError(
    'start-failed',
    'opentracker',
    `could not start in ${attempts} attempt(s)`,
    {
      cause: lastError,
    },
  );
}

// ---------------------------------------------------------------- libtorrent

/**
 * Drives python3-libtorrent 2.0. Reads a JSON config from argv[1], prints one JSON object per
 * line: {"event":"listening"}, {"event":"status"} every intervalMs, {"event":"ready"} once a seeder
 * has checked its data, {"event":"done"} once a leecher has every piece (with its own CPU time and
 * peak RSS from getrusage), then exits 0 if exitWhenDone.
 */
export const LIBTORRENT_SCRIPT = String.raw`
import json, os, resource, signal, sys, time
import libtorrent as lt

cfg = json.loads(sys.argv[1])
seed = cfg['role'] == 'seed'
t0 = time.monotonic()

def emit(obj):
    obj['t'] = round(time.monotonic() - t0, 4)
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()

pack = lt.high_performance_seed() if seed else lt.default_settings()
pack.update({
    'listen_interfaces': '%s:%d' % (cfg.get('listenHost') or '127.0.0.1', cfg['port']),
    'allow_multiple_connections_per_ip': True,
    'enable_outgoing_utp': False,
    'enable_incoming_utp': False,
    'enable_dht': False,
    'enable_lsd': False,
    'enable_upnp': False,
    'enable_natpmp': False,
    'dht_bootstrap_nodes': '',
    'alert_mask': lt.alert.category_t.error_notification,
})
if seed:
    pack.update({'unchoke_slots_limit': -1, 'max_allowed_in_request_queue': 4000})
if cfg.get('plaintext'):
    # settings_pack::pe_disabled: dial with a plain BitTorrent handshake instead of MSE first.
    pack['out_enc_policy'] = 2
if cfg.get('utpOnly'):
    # uTP (issue 18): every connection over uTP (BEP 29), none over TCP.
    pack.update({'enable_outgoing_tcp': False, 'enable_incoming_tcp': False,
                 'enable_outgoing_utp': True, 'enable_incoming_utp': True})
if cfg.get('encryption') == 'forced':
    # MSE/PE only, both ways, RC4 the only level (issue 18).
    pack.update({'in_enc_policy': int(lt.enc_policy.forced),
                 'out_enc_policy': int(lt.enc_policy.forced),
                 'allowed_enc_level': int(lt.enc_level.rc4)})
ses = lt.session(pack)

deadline = time.monotonic() + 10
while ses.listen_port() == 0 and time.monotonic() < deadline:
    time.sleep(0.02)
emit({'event': 'listening', 'port': ses.listen_port()})

if cfg.get('magnet'):
    atp = lt.parse_magnet_uri(cfg['magnet'])
else:
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(cfg['torrentFile'])
atp.save_path = cfg['saveDir']
h = ses.add_torrent(atp)

peers = [(p['address'], p['port']) for p in cfg.get('peers', [])]
def dial():
    for p in peers:
        h.connect_peer(p)
dial()
last_dial = time.monotonic()

interval = cfg.get('intervalMs', 250) / 1000.0
# Status lines go out at most every 250 ms, however often the loop polls for done.
status_every = max(interval, 0.25)
last_status = None
ready = False
done = False
first_byte = None
while True:
    s = h.status()
    now = time.monotonic()
    if first_byte is None and s.total_payload_download > 0:
        first_byte = now - t0
    err = s.errc.message() if s.errc.value() != 0 else ''
    if last_status is None or now - last_status >= status_every or s.is_seeding or err:
      last_status = now
      emit({'event': 'status', 'state': str(s.state), 'progress': s.progress,
          'downBps': s.download_payload_rate, 'upBps': s.upload_payload_rate,
          'numPeers': s.num_peers, 'totalDone': s.total_done,
          'downloadedBytes': s.total_payload_download, 'uploadedBytes': s.total_payload_upload,
          'seeding': s.is_seeding, 'error': err})
    if seed and not ready and s.is_seeding:
        ready = True
        emit({'event': 'ready'})
    if not seed and not done and s.is_seeding:
        done = True
        ru = resource.getrusage(resource.RUSAGE_SELF)
        if cfg.get('exitWhenDone'):
            # A parent stops it by PID as soon as it reads "done": that SIGTERM waits for the
            # shutdown below (the stop's SIGKILL still ends it if that hangs).
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        emit({'event': 'done', 'elapsedSec': now - t0, 'doneMonoSec': now, 'firstByteSec': first_byte,
              'cpuSec': ru.ru_utime + ru.ru_stime, 'maxRssKb': ru.ru_maxrss})
        if cfg.get('exitWhenDone'):
            # libtorrent 2.0 hashes blocks still in its store buffer, so every piece can be
            # verified before the last writes reach the files: end the session (it finishes its
            # disk jobs) before exiting, or a copy checked afterwards may lack its last blocks.
            del h
            del ses
            os._exit(0)
    if peers and s.num_peers == 0 and now - last_dial > 2:
        dial()
        last_dial = now
    time.sleep(interval)
`;

export interface LibtorrentStatus {
  state: string;
  progress: number;
  downBps: number;
  upBps: number;
  numPeers: number;
  totalDone: number;
  downloadedBytes: number;
  uploadedBytes: number;
  seeding: boolean;
  error: string;
  /** Seconds since the script started. */
  t: number;
}

export interface LibtorrentDone {
  /** Seconds from the script's start (after `import libtorrent`) to every piece verified. */
  elapsedSec: number;
  /**
   * When it saw every piece verified, in seconds of CLOCK_MONOTONIC (Python's time.monotonic),
   * the clock of Node's process.hrtime too: a parent times the child by it, without its polling.
   */
  doneMonoSec: number;
  firstByteSec: number | null;
  /** The process's own user + system CPU seconds at that moment. */
  cpuSec: number;
  maxRssKb: number;
}

export interface Libtorrent extends RefProcess {
  port: number;
  /** The latest status line, or null before the first. */
  progress(): LibtorrentStatus | null;
  /** Seeders: wait until the data is checked and it is seeding. */
  waitReady(timeoutMs: number): Promise<void>;
  /** Leechers: wait until every piece is verified. */
  waitDone(timeoutMs: number): Promise<LibtorrentDone>;
}

export interface LibtorrentOptions {
  role: 'seed' | 'leech';
  torrentFile: string;
  /** A leecher given a magnet link instead (issue 17): `torrentFile` is then ignored. */
  magnet?: string;
  saveDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  peers?: { address: string; port: number }[];
  /** A leecher exits 0 as soon as it is done (for benchmarks). */
  exitWhenDone?: boolean;
  /**
   * Dial with a plain handshake. By default libtorrent tries an encrypted (MSE) handshake first
   * and, when the other side closes it, retries in plain about a second later.
   */
  plaintext?: boolean;
  intervalMs?: number;
  /** uTP (issue 18): TCP off, uTP on, both ways. */
  utpOnly?: boolean;
  /** 'forced': MSE/PE in and out, RC4 only (in_enc_policy, out_enc_policy, allowed_enc_level). */
  encryption?: 'forced';
  /** IPv6 (issue 18): `listen_interfaces`' address, e.g. '[::1]'; 127.0.0.1 by default. */
  listenHost?: string;
}

export async function startLibtorrent(opts: LibtorrentOptions): Promise<Libtorrent> {
  const cfg = {
    role: opts.role,
    torrentFile: path.resolve(opts.torrentFile),
    magnet: opts.magnet ?? null,
    saveDir: path.resolve(opts.saveDir),
    port: opts.port ?? 0,
    peers: opts.peers ?? [],
    exitWhenDone: opts.exitWhenDone ?? false,
    plaintext: opts.plaintext ?? false,
    intervalMs: opts.intervalMs ?? 250,
    utpOnly: opts.utpOnly ?? false,
    encryption: opts.encryption ?? null,
    listenHost: opts.listenHost ?? null,
  };
  fs.mkdirSync(cfg.saveDir, { recursive: true });
  const t = spawnTracked(PYTHON3, ['-c', LIBTORRENT_SCRIPT, JSON.stringify(cfg)]);
  let status: LibtorrentStatus | null = null;
  let listening: number | null = null;
  let ready = false;
  let done: LibtorrentDone | null = null;
  t.onLine((line) => {
    if (!line.startsWith('{')) return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // A partial or foreign line on stdout: it stays in the output tail for diagnosis.
      return;
    }
    switch (msg.event) {
      case 'listening':
        listening = Number(msg.port);
        break;
      case 'status':
        status = msg as unknown as LibtorrentStatus;
        break;
      case 'ready':
        ready = true;
        break;
      case 'done':
        done = msg as unknown as LibtorrentDone;
        break;
    }
  });
  try {
    await waitUntil(t, () => listening !== null, 'libtorrent listen', START_TIMEOUT_MS);
  } catch (err) {
    await t.stop();
    throw err;
  }
  if (!listening) {
    await t.stop();
    throw new RefClientError(
      'start-failed',
      'libtorrent',
      `could not listen on port ${cfg.port}:\n${tailText(t)}`,
    );
  }
  const port: number = listening;
  return {
    pid: t.pid,
    port,
    outputTail: () => tailText(t),
    progress: () => status,
    waitReady: (timeoutMs) => waitUntil(t, () => ready, 'libtorrent seeder ready', timeoutMs),
    async waitDone(timeoutMs) {
      await waitUntil(t, () => done !== null, 'libtorrent leecher done', timeoutMs);
      return done as unknown as LibtorrentDone;
    },
    stop: () => t.stop(),
  };
}

// ---------------------------------------------------------------- transmission-cli

export interface Transmission extends RefProcess {
  port: number;
  /** Wait until the done script has run (the torrent is complete). */
  waitDone(timeoutMs: number): Promise<void>;
  /** Seeders: wait until it has checked its data and is seeding. */
  waitSeeding(timeoutMs: number): Promise<void>;
}

export interface TransmissionOptions {
  torrentFile: string;
  saveDir: string;
  /** 0 or absent: a free port is picked. */
  port?: number;
  /** 'required': encrypted peers only (`-er`, settings `encryption: 2`); else tolerated. */
  encryption?: 'required';
}

/**
 * transmission-cli 3.00. It never dials 127.x peers a tracker returns, but accepts incoming ones,
 * so whoever shares with it must dial its `port`. It never exits on its own: `-f` runs a script
 * that drops a marker file when the torrent is done.
 */
export async function startTransmission(opts: TransmissionOptions): Promise<Transmission> {
  const home = makeTempDir('transmission');
  const configDir = path.join(home, 'config');
  fs.mkdirSync(configDir);
  const saveDir = path.resolve(opts.saveDir);
  fs.mkdirSync(saveDir, { recursive: true });
  const marker = path.join(home, 'done');
  const script = path.join(home, 'done.sh');
  fs.writeFileSync(script, `#!/bin/sh\ntouch '${marker.replace(/'/g, `'\\''`)}'\n`);
  fs.chmodSync(script, 0o755);
  const port = opts.port || (await freePort());
  const settings = {
    'bind-address-ipv4': '127.0.0.1',
    'bind-address-ipv6': '::1',
    'blocklist-enabled': false,
    'dht-enabled': false,
    'download-dir': saveDir,
    encryption: opts.encryption === 'required' ? 2 : 0,
    'incomplete-dir-enabled': false,
    'lpd-enabled': false,
    'message-level': 2,
    'peer-limit-global': 1000,
    'peer-limit-per-torrent': 500,
    'peer-port': port,
    'peer-port-random-on-start': false,
    'pex-enabled': false,
    'port-forwarding-enabled': false,
    'ratio-limit-enabled': false,
    'rpc-enabled': false,
    'speed-limit-down-enabled': false,
    'speed-limit-up-enabled': false,
    'start-added-torrents': true,
    'utp-enabled': false,
  };
  fs.writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(settings, null, 2));
  // stdbuf: line-buffered stdout, so its status lines arrive as they are printed.
  const t = spawnTracked(
    '/usr/bin/stdbuf',
    [
      '-oL',
      'transmission-cli',
      '-g',
      configDir,
      '-w',
      saveDir,
      '-p',
      String(port),
      '-f',
      script,
      opts.encryption === 'required' ? '-er' : '-et',
      '-D',
      '-U',
      '-M',
      path.resolve(opts.torrentFile),
    ],
    { env: { ...process.env, HOME: home }, cleanup: removeDir(home) },
  );
  // Its status line, once a second: "Progress: ..." while leeching, "Seeding, ..." once complete.
  let running = false;
  let seeding = false;
  t.onLine((line) => {
    if (line.startsWith('Progress') || line.startsWith('Seeding')) running = true;
    if (line.startsWith('Seeding')) seeding = true;
  });
  try {
    await waitListening(t, port, 'transmission-cli');
    // It accepts TCP before its torrent is loaded and resets those connections; a peer that dials
    // then may back off for long. The first status line means the torrent is running.
    await waitUntil(t, () => running, 'transmission-cli torrent running', START_TIMEOUT_MS);
  } catch (err) {
    await t.stop();
    throw err;
  }
  return {
    pid: t.pid,
    port,
    outputTail: () => tailText(t),
    waitDone: (timeoutMs) =>
      waitUntil(t, () => fs.existsSync(marker), 'transmission-cli done', timeoutMs),
    waitSeeding: (timeoutMs) => waitUntil(t, () => seeding, 'transmission-cli seeding', timeoutMs),
    stop: () => t.stop(),
  };
}

// ---------------------------------------------------------------- aria2c

export interface Aria2 extends RefProcess {
  port: number;
  /** Wait for it to exit on its own (it does about 1-2.5 s after completing); returns its code. */
  waitExit(timeoutMs: number): Promise<number | null>;
}

export interface Aria2Options {
  torrentFile: string;
  saveDir: string;
  /** 0 or absent: a free port is picked. */
  port?: number;
}

/** aria2c 1.36 as a leecher that exits when done (`--seed-time=0`). */
export async function startAria2(opts: Aria2Options): Promise<Aria2> {
  const port = opts.port || (await freePort());
  const saveDir = path.resolve(opts.saveDir);
  fs.mkdirSync(saveDir, { recursive: true });
  const t = spawnTracked('aria2c', [
    '--enable-dht=false',
    '--enable-dht6=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    '--disable-ipv6=true',
    // Without falloc it first writes the whole file with zeros.
    '--file-allocation=falloc',
    '--seed-time=0',
    `--listen-port=${port}`,
    `--dir=${saveDir}`,
    '--summary-interval=0',
    '--console-log-level=warn',
    '--check-certificate=false',
    '--allow-overwrite=true',
    path.resolve(opts.torrentFile),
  ]);
  try {
    await waitListening(t, port, 'aria2c');
  } catch (err) {
    await t.stop();
    throw err;
  }
  return {
    pid: t.pid,
    port,
    outputTail: () => tailText(t),
    async waitExit(timeoutMs) {
      const r = await raceTimeout(t.exited, timeoutMs);
      if (r === 'timeout')
        throw new RefClientError(
          'timeout',
          'aria2c exit',
          `still running after ${timeoutMs} ms:\n${tailText(t)}`,
        );
      return r.code;
    },
    stop: () => t.stop(),
  };
}
