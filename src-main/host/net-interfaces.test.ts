import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { machineAddresses } from './net-interfaces';

function info(address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo {
  return { address, family, internal, netmask: '', mac: '', cidr: null } as os.NetworkInterfaceInfo;
}

describe('machineAddresses (net.interfaces)', () => {
  it('lists external before loopback, v4 before v6, without link-local v6 or repeats', () => {
    const got = machineAddresses({
      lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
      eth0: [info('2001:db8::5', 'IPv6'), info('fe80::1', 'IPv6'), info('192.168.1.20', 'IPv4')],
      wlan0: [info('10.0.0.7', 'IPv4'), info('192.168.1.20', 'IPv4')],
    });
    expect(got).toEqual([
      { name: 'eth0', address: '192.168.1.20', family: 4, internal: false },
      { name: 'wlan0', address: '10.0.0.7', family: 4, internal: false },
      { name: 'eth0', address: '2001:db8::5', family: 6, internal: false },
      { name: 'lo', address: '127.0.0.1', family: 4, internal: true },
      { name: 'lo', address: '::1', family: 6, internal: true },
    ]);
  });

  it('reads this machine: loopback is there', () => {
    expect(machineAddresses().some((a) => a.address === '127.0.0.1' && a.internal)).toBe(true);
  });
});
