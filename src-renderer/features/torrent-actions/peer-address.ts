/**
 * "Add peer…" input (issue 21): `1.2.3.4:6881`, `[2001:db8::1]:6881` or `host.example:6881`,
 * to the contract's `{ address, port }`. Host names are resolved once by the engine.
 */
export type PeerAddressResult =
  { ok: true; address: string; port: number } | { ok: false; problem: string };

const hostName =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parsePeerAddress(text: string): PeerAddressResult {
  const s = text.trim();
  if (s === '') return { ok: false, problem: 'Enter an address and a port, e.g. 192.0.2.7:6881.' };
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:(\d*)$/.exec(s);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
    if (!host.includes(':')) return { ok: false, problem: 'Between [ and ] goes an IPv6 address.' };
  } else {
    const colon = s.lastIndexOf(':');
    if (colon < 0) return { ok: false, problem: 'Add the port after a colon, e.g. :6881.' };
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
    if (host.includes(':'))
      return { ok: false, problem: 'Write an IPv6 address in brackets: [2001:db8::1]:6881.' };
    const m = ipv4.exec(host);
    if (m) {
      if (m.slice(1).some((n) => Number(n) > 255))
        return { ok: false, problem: `${host} is not an IPv4 address.` };
    } else if (!hostName.test(host)) {
      return {
        ok: false,
        problem: `${host || 'The address'} is not an IP address or a host name.`,
      };
    }
  }
  if (!/^\d{1,5}$/.test(portText))
    return { ok: false, problem: 'The port is a number from 1 to 65535.' };
  const port = Number(portText);
  if (port < 1 || port > 65535)
    return { ok: false, problem: 'The port is a number from 1 to 65535.' };
  return { ok: true, address: host, port };
}
