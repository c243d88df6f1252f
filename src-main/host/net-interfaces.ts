/**
 * The machine's IP addresses for `net.interfaces` (issues 18 and 21): what the Settings dialog
 * offers as listen interfaces, on the desktop and the web host alike.
 *
 * Link-local IPv6 addresses (fe80::/10) are left out: binding one needs a zone (`%eth0`), which
 * the listen-interface setting does not take, and no peer outside the link could reach it.
 * The list is sorted: external before loopback, IPv4 before IPv6, then by interface name, so
 * the choice reads the same on every open.
 */
import os from 'node:os';
import type { NetAddress } from '../../src-shared/model';

export function machineAddresses(
  table: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): NetAddress[] {
  const out: NetAddress[] = [];
  for (const [name, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      const family = info.family === 'IPv6' ? 6 : 4;
      if (family === 6 && /^fe[89ab]/i.test(info.address)) continue;
      if (out.some((a) => a.address === info.address)) continue;
      out.push({ name, address: info.address, family, internal: info.internal });
    }
  }
  return out.sort(
    (a, b) =>
      Number(a.internal) - Number(b.internal) ||
      a.family - b.family ||
      a.name.localeCompare(b.name) ||
      a.address.localeCompare(b.address),
  );
}
