/**
 * `swarmscope`: the engine from a terminal. Bad input gets one clear line on stderr and a
 * non-zero exit, never a stack trace.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseTorrent, HashWritePool, Session, MemoryLogger } from '../engine';
import { isMagnetArg, magnetInfo } from './commands/magnet';
import type { LogLevel } from '../../src-shared/model';
import { parseHostPort } from '../../src-shared/model'; // --- DHT (issue 17)
import { defaultTorrentLimits, maxRatioLimit } from '../../src-shared/model'; // --- issue 21
import { encryptionModes } from '../../src-shared/model';
import type { EncryptionMode } from '../../src-shared/model';
import { formatBytes, formatEta, formatRate, progressBar } from './format';
import { runTrackerCommand } from './commands/tracker';
import { runCheckCommand } from './commands/check';
import { CLI_VERSION, runCreate } from './commands/create';
import { CliError, ProgressLine, io, parse, runCli } from './cli-io';
// --- resume data (issue 15) ---
import { cliResumeDir, cliStateDir } from './state-dir';
// --- port mapping (issue 18) ---
import { portMappingAllowedByEnv, portMappingReporter } from './port-mapping-report';
// --- swarm lab (issue 19) ---
import { runLabCommand } from './commands/lab';

const usage = `usage: swarmscope <command> [options]

  info <file.torrent | magnet> [--json]
  --version
  create <path> -o <file.torrent> [--tracker URL]... [--piece-length N] [--private] [--comment T] [--web-seed URL]...
  download <file.torrent | magnet> --dir <dir> [--port N] [--peer host:port]... [--seed] [--progress bar|json|none] [--bootstrap host:port]... [--no-dht] [--encryption prefer|require|disable] [--no-port-mapping]
  check <file.torrent> --dir <dir> [--json]     verify local data: hash every piece, list missing files
  seed <file.torrent> --dir <dir-holding-the-content> [--port N] [--peer host:port]... [--progress bar|json|none] [--bootstrap host:port]... [--no-dht] [--encryption prefer|require|disable] [--no-port-mapping]
      --bootstrap replaces the default DHT routers; --no-dht turns the DHT off
      --no-port-mapping: do not ask the router (UPnP, NAT-PMP/PCP) to forward the port
  tracker [--http-port N] [--udp-port N] [--host H] [--open | --allow FILE]
  lab [--leechers N] [--seeders N] [--size-mib N | --file PATH] [--corrupt N] [--freeloaders N] [--json] ...
      a swarm of real peers on loopback, watched until every copy is verified (lab --help)

  download and seed keep resume data in $XDG_STATE_HOME/swarmscope (else ~/.local/state/swarmscope),
  by info-hash and folder, so the same command again starts where it stopped:
    --no-resume                 keep none (check every piece, save nothing)
    --download-limit BYTES/S    cap the download rate
  download and seed also take (issue 21):
    --upload-limit BYTES/S      cap the upload rate
    --max-peers N               connect to at most N peers
    --sequential                download pieces in order (to play a file while it arrives)
    --first-last                download the first and last pieces of each file first
    --ratio-limit R             with --seed (or seed): stop, and exit, at upload ratio R
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      return info(rest);
    case 'create':
      return runCreate(rest, io, new HashWritePool({ mainThreadHelps: true }));
    case '-v':
    case '--version':
    case 'version':
      io.stdout(`swarmscope ${CLI_VERSION}\n`);
      return 0;
    case 'download':
      return transfer(rest, 'download');
    case 'seed':
      return transfer(rest, 'seed');
    case 'check':
      return check(rest);
    case 'tracker':
      return runTrackerCommand(rest, io);
    // --- swarm lab (issue 19) ---
    case 'lab':
      return runLabCommand(rest, io);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new CliError(`unknown command "${command}" (try swarmscope --help)`);
  }
}

async function readTorrentFile(file: string | undefined) {
  if (!file) throw new CliError('missing <file.torrent>');
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(file);
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return parseTorrent(bytes);
  } catch (err) {
    throw new CliError(
      `${file} is not a valid torrent: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

async function info(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  // --- magnets (issue 17) ---
  if (isMagnetArg(positionals[0])) {
    io.stdout(magnetInfo(positionals[0] as string, !!values.json));
    return 0;
  }
  const meta = await readTorrentFile(positionals[0]);
  const data = {
    name: meta.name,
    infoHash: meta.infoHashHex,
    sizeBytes: meta.totalLength,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    private: meta.private,
    comment: meta.comment,
    createdBy: meta.createdBy,
    creationDate: meta.creationDate,
    files: meta.files.map((f) => ({ path: f.path.join('/'), sizeBytes: f.length })),
    trackers: meta.announceList,
    webSeeds: meta.urlList,
  };
  if (values.json) {
    io.stdout(JSON.stringify(data, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `name:         ${data.name}`,
    `info-hash:    ${data.infoHash}`,
    `size:         ${formatBytes(data.sizeBytes)} (${data.sizeBytes} bytes)`,
    `pieces:       ${data.pieceCount} x ${formatBytes(data.pieceLength)}`,
    `private:      ${data.private ? 'yes' : 'no'}`,
  ];
  if (data.comment) lines.push(`comment:      ${data.comment}`);
  if (data.createdBy) lines.push(`created by:   ${data.createdBy}`);
  lines.push(`trackers:     ${data.trackers.length === 0 ? '(none)' : ''}`);
  data.trackers.forEach((tier, i) => tier.forEach((url) => lines.push(`  tier ${i}: ${url}`)));
  lines.push(`files:        ${data.files.length}`);
  for (const f of data.files.slice(0, 200))
    lines.push(`  ${formatBytes(f.sizeBytes).padStart(10)}  ${f.path}`);
  if (data.files.length > 200) lines.push(`  ... and ${data.files.length - 200} more`);
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    dir: { type: 'string', short: 'd' },
    json: { type: 'boolean' },
  });
  const meta = await readTorrentFile(positionals[0]);
  if (!values.dir) throw new CliError('missing --dir <dir>');
  if (!fs.existsSync(values.dir)) throw new CliError(`--dir ${values.dir} does not exist`);
  const bar = new ProgressLine(io);
  try {
    return await runCheckCommand(meta, values.dir, !!values.json, {
      ...io,
      progress: (line) => bar.update(line),
    });
  } finally {
    bar.done();
  }
}

async function transfer(args: string[], mode: 'download' | 'seed'): Promise<number> {
  const { values, positionals } = parse(args, {
    dir: { type: 'string', short: 'd' },
    port: { type: 'string', short: 'p' },
    peer: { type: 'string', multiple: true },
    seed: { type: 'boolean' },
    progress: { type: 'string' },
    'log-level': { type: 'string' },
    'no-trackers': { type: 'boolean' },
    'unchoke-slots': { type: 'string' },
    // --- resume data (issue 15) ---
    'no-resume': { type: 'boolean' },
    'download-limit': { type: 'string' },
    /** For tests: how often resume data is saved (the crash tests kill during writes). */
    'resume-interval-ms': { type: 'string' },
    // --- DHT (issue 17) ---
    bootstrap: { type: 'string', multiple: true },
    'no-dht': { type: 'boolean' },
    // --- encryption, MSE/PE (issue 18) ---
    encryption: { type: 'string' },
    // --- port mapping (issue 18) ---
    'no-port-mapping': { type: 'boolean' },
    // --- per-torrent actions (issue 21) ---
    'upload-limit': { type: 'string' },
    'max-peers': { type: 'string' },
    sequential: { type: 'boolean' },
    'first-last': { type: 'boolean' },
    'ratio-limit': { type: 'string' },
  });
  // --- magnets (issue 17): `download <magnet>` fetches the metadata first ---
  const magnet = mode === 'download' && isMagnetArg(positionals[0]) ? positionals[0] : null;
  const meta = magnet === null ? await readTorrentFile(positionals[0]) : null;
  const dhtSettings = dhtFlags(values.bootstrap, values['no-dht']); // --- DHT (issue 17)
  // --- encryption, MSE/PE (issue 18) ---
  const encryption = values.encryption as EncryptionMode | undefined;
  if (encryption !== undefined && !encryptionModes.includes(encryption))
    throw new CliError(`bad --encryption ${encryption} (prefer, require or disable)`);
  if (!values.dir) throw new CliError('missing --dir <dir>');
  const progressMode = values.progress ?? (io.isTTY ? 'bar' : 'lines');
  if (!['bar', 'json', 'none', 'lines'].includes(progressMode)) {
    throw new CliError('--progress must be bar, json or none');
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError(`bad --port ${values.port}`);
  }
  const peers = (values.peer ?? []).map(parsePeer);
  const level = (values['log-level'] ?? 'warn') as LogLevel;
  if (!['error', 'warn', 'info', 'debug'].includes(level))
    throw new CliError(`bad --log-level ${level}`);
  if (mode === 'download') await fsp.mkdir(values.dir, { recursive: true });
  else if (!fs.existsSync(values.dir)) throw new CliError(`--dir ${values.dir} does not exist`);
  // --- resume data (issue 15) ---
  const resumeDir = values['no-resume'] ? null : cliResumeDir(cliStateDir());
  const downloadLimit = optionalCount(values['download-limit'], '--download-limit');
  const resumeIntervalMs = optionalCount(values['resume-interval-ms'], '--resume-interval-ms');
  // --- per-torrent actions (issue 21) ---
  const uploadLimit = optionalCount(values['upload-limit'], '--upload-limit');
  const maxPeers = optionalCount(values['max-peers'], '--max-peers');
  if (maxPeers !== undefined && (maxPeers < 1 || maxPeers > 65535))
    throw new CliError(`bad --max-peers ${values['max-peers']} (1 to 65535)`);
  const ratioLimit = ratioOption(values['ratio-limit']);
  let session: Session;
  try {
    session = await Session.open({
      resumeDir,
      resumeKeyBySavePath: true,
      resumeSaveIntervalMs: resumeIntervalMs || undefined,
      dataDir: null,
      downloadDir: path.resolve(values.dir),
      listenPort: port,
      strictPort: port !== undefined,
      logger: new MemoryLogger(level, (line) => io.stderr(line)),
      unchokeSlots:
        values['unchoke-slots'] !== undefined ? Number(values['unchoke-slots']) : undefined,
      useTrackers: !values['no-trackers'],
      settings: {
        ...(downloadLimit ? { downloadLimitBps: downloadLimit } : {}),
        ...dhtSettings, // --- DHT (issue 17)
        ...(encryption ? { encryption } : {}), // --- encryption (issue 18)
        // --- port mapping (issue 18) ---
        portMapping: !values['no-port-mapping'] && portMappingAllowedByEnv(),
        ...(uploadLimit ? { uploadLimitBps: uploadLimit } : {}), // --- issue 21
      },
      portMapping: true, // --- port mapping (issue 18): the real router, when the setting is on
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const keepSeeding = mode === 'seed' || !!values.seed;
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = new ProgressLine(io);
  // --- port mapping (issue 18): one line when the router forwards the port, or will not ---
  const offPortMapping = session.on(
    'port-mapping-changed',
    portMappingReporter((line) => {
      bar.done();
      io.stderr(`${line}\n`);
    }),
  );
  // Event-loop lag is part of the JSON progress, so benchmarks can check the loop stays free.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  try {
    const savePath = path.resolve(values.dir);
    const id = meta
      ? await session.addMeta(meta, { savePath }, false)
      : await session
          .addTorrent({ magnet: magnet as string }, { savePath })
          .catch((err: unknown) => {
            throw new CliError(err instanceof Error ? err.message : String(err));
          });
    const nameOf = (): string => session.summary(id)?.name ?? id;
    // --- issue 21: host names are resolved once; limits and pick order for this torrent.
    for (const p of peers)
      await session.addPeerHost(id, p.address, p.port).catch((err: unknown) => {
        throw new CliError(err instanceof Error ? err.message : String(err));
      });
    if (maxPeers !== undefined || ratioLimit !== undefined)
      session.setLimits(id, {
        ...defaultTorrentLimits,
        maxPeers: maxPeers ?? 0,
        ratioLimit: ratioLimit ?? null,
      });
    if (values.sequential || values['first-last'])
      session.setSequential(id, !!values.sequential, !!values['first-last']);
    if (progressMode !== 'json')
      io.stderr(
        `${mode === 'seed' ? 'seeding' : 'downloading'} ${nameOf()} on port ${session.listenPort}\n`,
      );
    let lastLineAt = 0;
    for (let tick = 0; ; tick++) {
      await sleep(1000);
      const s = session.summary(id);
      if (!s) throw new CliError('the torrent vanished');
      if (s.state === 'error') {
        bar.done();
        throw new CliError(`${nameOf()}: ${s.error ?? 'error'}`);
      }
      if (progressMode === 'json') {
        io.stdout(
          JSON.stringify({
            state: s.state,
            name: s.name,
            downloadedBytes: s.downloadedBytes,
            uploadedBytes: s.uploadedBytes,
            verifiedPieces: s.verifiedPieces,
            pieceCount: s.pieceCount,
            peers: s.peers,
            rateBps: Math.round(s.downRateBps),
            upRateBps: Math.round(s.upRateBps),
            progress: s.progress,
            loopLagP99Ms: Math.round(lag.percentile(99) / 1e4) / 100,
            loopLagMaxMs: Math.round(lag.max / 1e4) / 100,
            dhtNodes: session.sessionStats().dht?.nodes ?? 0, // --- DHT (issue 17)
            // --- encryption, MSE/PE (issue 18): peers whose link is RC4 (the E flag)
            encryptedPeers: session.peers(id).filter((p) => p.flags.encrypted).length,
          }) + '\n',
        );
      } else if (progressMode !== 'none') {
        const pct = (s.state === 'checking' ? s.checkProgress : s.progress) * 100;
        const line =
          s.state === 'fetching-metadata'
            ? `fetching metadata · ${s.peers} ${s.peers === 1 ? 'peer' : 'peers'}`
            : `${s.state.padEnd(11)} ${progressBar(s.state === 'checking' ? s.checkProgress : s.progress)} ${pct.toFixed(1).padStart(5)}%  down ${formatRate(s.downRateBps)}  up ${formatRate(s.upRateBps)}  peers ${s.peers}  pieces ${s.verifiedPieces}/${s.pieceCount}  ETA ${formatEta(s.etaSec)}`;
        if (progressMode === 'bar') bar.update(line);
        else if (tick - lastLineAt >= 5 || s.progress >= 1) {
          lastLineAt = tick;
          io.stderr(line + '\n');
        }
      }
      if (s.progress >= 1 && s.state === 'seeding' && !keepSeeding) {
        bar.done();
        if (progressMode !== 'json')
          io.stderr(`done: ${nameOf()} verified (${formatBytes(s.sizeBytes)})\n`);
        return 0;
      }
      // --- issue 21: the ratio limit paused it: seeding is done.
      if (ratioLimit !== undefined && s.progress >= 1 && s.state === 'paused') {
        bar.done();
        if (progressMode !== 'json')
          io.stderr(`done: ${nameOf()} seeded to ratio ${s.ratio.toFixed(2)}\n`);
        return 0;
      }
      if (stopping) {
        bar.done();
        return 0;
      }
    }
  } finally {
    lag.disable();
    offPortMapping(); // --- port mapping (issue 18)
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await session.close();
  }
}

// --- per-torrent actions (issue 21) ---
/** `--ratio-limit R`: a positive number, or undefined when absent. */
function ratioOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const r = Number(v);
  if (!Number.isFinite(r) || r <= 0 || r > maxRatioLimit)
    throw new CliError(`bad --ratio-limit ${v} (a number above 0, at most ${maxRatioLimit})`);
  return r;
}

/** A non-negative integer option, or undefined when absent. */
function optionalCount(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`bad ${name} ${v}`);
  return n;
}
// --- DHT (issue 17) ---
/** `--bootstrap host:port` (repeatable) replaces the default routers; `--no-dht` turns it off. */
function dhtFlags(
  bootstrap: string[] | undefined,
  noDht: boolean | undefined,
): { dhtEnabled: boolean; dhtBootstrap?: string[] } {
  if (noDht && bootstrap) throw new CliError('--bootstrap and --no-dht cannot go together');
  for (const b of bootstrap ?? []) {
    if (!parseHostPort(b)) throw new CliError(`bad --bootstrap ${b} (expected host:port)`);
  }
  return { dhtEnabled: !noDht, ...(bootstrap ? { dhtBootstrap: bootstrap } : {}) };
}
// --- end DHT ---

function parsePeer(s: string): { address: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new CliError(`bad --peer ${s} (expected host:port)`);
  return { address: m[1] as string, port };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

runCli(() => main(process.argv.slice(2)));
