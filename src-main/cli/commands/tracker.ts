/**
 * `swarmscope tracker`: the embedded tracker on its own. Runs until SIGINT or SIGTERM, then
 * stops cleanly (sockets closed, timers cancelled) and returns 0. Bad flags, a missing
 * allow-list file or a port in use: one line on stderr and a non-zero exit.
 */
import { parseArgs } from 'node:util';
import type { LogLevel, TrackerServerSettings } from '../../../src-shared/model';
import { defaultTrackerServerSettings } from '../../../src-shared/model';
import { systemClock, systemRandom, TrackerServer } from '../../engine';

const usage =
  'usage: swarmscope tracker [--http-port N] [--udp-port N] [--host H] [--open | --allow FILE]\n' +
  '                          [--no-http | --no-udp] [--interval SEC] [--stats-every SEC] [--log-level debug|info|warn|error]\n';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535)
    throw new Error(`${flag} must be a port number (0-65535)`);
  return Number(value);
}

function positiveInt(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,7}$/.test(value) || Number(value) < 1)
    throw new Error(`${flag} must be a positive integer`);
  return Number(value);
}

export async function runTrackerCommand(
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
): Promise<number> {
  let settings: TrackerServerSettings;
  let logLevel: LogLevel;
  let statsEveryMs: number;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'http-port': { type: 'string' },
        'udp-port': { type: 'string' },
        host: { type: 'string' },
        open: { type: 'boolean' },
        allow: { type: 'string' },
        'no-http': { type: 'boolean' },
        'no-udp': { type: 'boolean' },
        interval: { type: 'string' },
        'stats-every': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(usage);
      return 0;
    }
    if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
    if (values.open && values.allow !== undefined)
      throw new Error('--open and --allow exclude each other');
    if (!values.open && values.allow === undefined) {
      throw new Error(
        'choose --open (any torrent) or --allow FILE (info-hashes, 40 hex characters a line)',
      );
    }
    if (values['no-http'] && values['no-udp'])
      throw new Error('--no-http and --no-udp leave nothing to serve');
    const level = values['log-level'] ?? 'info';
    if (!LOG_LEVELS.includes(level as LogLevel))
      throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    logLevel = level as LogLevel;
    const intervalSec = positiveInt(
      values.interval,
      defaultTrackerServerSettings.intervalSec,
      '--interval',
    );
    statsEveryMs = positiveInt(values['stats-every'], 10, '--stats-every') * 1000;
    settings = {
      ...defaultTrackerServerSettings,
      enabled: true,
      http: !values['no-http'],
      udp: !values['no-udp'],
      host: values.host ?? defaultTrackerServerSettings.host,
      httpPort: port(values['http-port'], defaultTrackerServerSettings.httpPort, '--http-port'),
      udpPort: port(values['udp-port'], defaultTrackerServerSettings.udpPort, '--udp-port'),
      mode: values.open ? 'open' : 'allow-list',
      allowListFile: values.allow ?? null,
      intervalSec,
      minIntervalSec: Math.min(defaultTrackerServerSettings.minIntervalSec, intervalSec),
    };
  } catch (err) {
    io.stderr(`swarmscope tracker: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    return 2;
  }

  const server = new TrackerServer({
    clock: systemClock,
    random: systemRandom,
    logLevel,
    log: (level, msg) => io.stderr(`${new Date().toISOString()} ${level} ${msg}\n`),
  });
  const stats = await server.start(settings);
  if (!stats.running) {
    io.stderr(`swarmscope tracker: cannot start: ${stats.error ?? 'unknown error'}\n`);
    await server.stop();
    return 1;
  }
  if (stats.httpPort !== null) io.stdout(`listening http ${settings.host}:${stats.httpPort}\n`);
  if (stats.udpPort !== null) io.stdout(`listening udp ${settings.host}:${stats.udpPort}\n`);
  for (const url of stats.announceUrls) io.stdout(`announce ${url}\n`);

  const statsTimer = systemClock.setInterval(() => {
    const s = server.stats();
    const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    io.stdout(
      `swarms ${server.swarmCount} peers ${s.peers} announces/s ${s.announcesPerSec.toFixed(1)} ` +
        `scrapes/s ${s.scrapesPerSec.toFixed(1)} rejected ${rejected}\n`,
    );
  }, statsEveryMs);

  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  statsTimer.cancel();
  await server.stop();
  io.stdout('tracker stopped\n');
  return 0;
}
