/**
 * The announce URLs to share for the embedded tracker, computed from the machine's interfaces:
 * LAN addresses first (what other machines can reach), then loopback. A tracker bound to one
 * address has exactly that address.
 */
import { networkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import type { TrackerServerSettings } from '../../../../src-shared/model';

type UrlSettings = Pick<TrackerServerSettings, 'host' | 'http' | 'udp' | 'httpPort' | 'udpPort'>;

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Addresses a client could use to reach a tracker bound to `host`, LAN first. */
export function reachableAddresses(host: string, interfaces = networkInterfaces()): string[] {
  const wildcard4 = host === '0.0.0.0' || host === '';
  const wildcard6 = host === '::';
  if (!wildcard4 && !wildcard6) return [host];
  const lan: string[] = [];
  const loop: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const i of (infos ?? []) as NetworkInterfaceInfo[]) {
      const v6 = i.family === 'IPv6';
      if (v6 && !wildcard6) continue;
      // Link-local IPv6 needs a zone id that differs per machine: useless in a shared URL.
      if (v6 && i.address.toLowerCase().startsWith('fe80')) continue;
      (i.internal ? loop : lan).push(i.address);
    }
  }
  const byFamily = (a: string, b: string): number =>
    Number(a.includes(':')) - Number(b.includes(':'));
  return [...lan.sort(byFamily), ...loop.sort(byFamily)].filter(
    (a, i, all) => all.indexOf(a) === i,
  );
}

export function announceUrls(settings: UrlSettings, interfaces = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const address of reachableAddresses(settings.host, interfaces)) {
    if (settings.http) out.push(`http://${hostPart(address)}:${settings.httpPort}/announce`);
    if (settings.udp) out.push(`udp://${hostPart(address)}:${settings.udpPort}/announce`);
  }
  return out;
}
