/**
 * The default IPv4 gateway, where NAT-PMP and PCP requests go (RFC 6886 section 3: "the
 * client sends to its default gateway"). Linux reads /proc/net/route; macOS and the BSDs ask
 * `route -n get default`; Windows asks `route print -4 0.0.0.0`. Anything else, or any failure,
 * is "no gateway": mapping then reports it instead of guessing.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface GatewayAddress {
  address: string;
  port: number;
}

export type GatewayResolver = () => Promise<GatewayAddress | null>;

/** How long `route` may take before we give up on it. */
const ROUTE_COMMAND_TIMEOUT_MS = 3_000;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function systemGatewayResolver(port: number): GatewayResolver {
  return async () => {
    const address = await defaultGatewayAddress().catch(() => null);
    return address ? { address, port } : null;
  };
}

async function defaultGatewayAddress(): Promise<string | null> {
  if (process.platform === 'linux') {
    return parseProcNetRoute(await readFile('/proc/net/route', 'utf8'));
  }
  if (process.platform === 'win32') {
    return parseWindowsRoute(await run('route', ['print', '-4', '0.0.0.0']));
  }
  return parseBsdRoute(await run('route', ['-n', 'get', 'default']));
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: ROUTE_COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
  });
}

/** /proc/net/route: the up (1) gateway (2) route to 00000000, its address little-endian hex. */
export function parseProcNetRoute(text: string): string | null {
  let best: { address: string; metric: number } | null = null;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [, destination, gateway, flags, , , metric, mask] = f;
    if (destination !== '00000000' || mask !== '00000000') continue;
    if ((parseInt(flags!, 16) & 0x3) !== 0x3 || !/^[0-9A-Fa-f]{8}$/.test(gateway!)) continue;
    const n = parseInt(gateway!, 16);
    const address = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
    const m = Number(metric);
    if (address !== '0.0.0.0' && (!best || m < best.metric)) best = { address, metric: m };
  }
  return best?.address ?? null;
}

/** `route -n get default`: the `gateway:` line. */
export function parseBsdRoute(text: string): string | null {
  const m = /^\s*gateway:\s*(\S+)\s*$/m.exec(text);
  return m && isIpv4(m[1]!) ? m[1]! : null;
}

/** `route print -4 0.0.0.0`: the first `0.0.0.0 0.0.0.0 <gateway> ...` row. */
export function parseWindowsRoute(text: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f[0] === '0.0.0.0' && f[1] === '0.0.0.0' && f[2] && isIpv4(f[2])) return f[2];
  }
  return null;
}

function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return !!m && m.slice(1).every((x) => Number(x) <= 255);
}
