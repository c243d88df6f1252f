import { describe, expect, it } from 'vitest';
import {
  defaultSettings,
  isIpv4Text,
  isIpv6Text,
  isValidListenInterface,
  parseHostPort,
  randomListenPort,
  randomPortRange,
} from './index';

describe('parseHostPort with [v6]:port (issue 18)', () => {
  it.each([
    ['[::1]:6881', { host: '::1', port: 6881 }],
    [' [2001:DB8::1]:1 ', { host: '2001:db8::1', port: 1 }],
    ['[::ffff:1.2.3.4]:65535', { host: '::ffff:1.2.3.4', port: 65535 }],
    ['[1:2:3:4:5:6:7:8]:80', { host: '1:2:3:4:5:6:7:8', port: 80 }],
    ['router.bittorrent.com:6881', { host: 'router.bittorrent.com', port: 6881 }],
  ])('reads %s', (text, want) => expect(parseHostPort(text)).toEqual(want));

  it.each([
    '[::1]',
    '[::1]:',
    '[::1]:0',
    '[::1]:65536',
    '[::1:6881',
    '::1]:6881',
    '[[::1]]:6881',
    '[]:6881',
    '[::1] :6881',
    '[1.2.3.4]:6881',
    '[host.org]:6881',
    '[1::2::3]:6881',
    '[fe80::1%eth0]:6881',
    '[1:2:3:4:5:6:7:8:9]:1',
    '2001:db8::1:6881',
  ])('refuses %j', (text) => expect(parseHostPort(text)).toBeNull());
});

describe('IP address text', () => {
  it.each(['0.0.0.0', '127.0.0.1', '255.255.255.255'])('%s is IPv4', (t) =>
    expect(isIpv4Text(t)).toBe(true),
  );
  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', ''])('%j is not IPv4', (t) =>
    expect(isIpv4Text(t)).toBe(false),
  );
  it.each(['::', '::1', 'fe80::1', '1:2:3:4:5:6:7:8', '1::', '::ffff:10.0.0.1', 'ABCD::ef'])(
    '%s is IPv6',
    (t) => expect(isIpv6Text(t)).toBe(true),
  );
  it.each(['', ':', ':::', '1:2:3:4:5:6:7', '12345::', 'g::1', '1::2::3', '::1.2.3', '[::1]'])(
    '%j is not IPv6',
    (t) => expect(isIpv6Text(t)).toBe(false),
  );
});

describe('the listen interface setting (issue 21)', () => {
  it('is every interface by default, with the random port off', () => {
    const s = defaultSettings('/d');
    expect(s.listenInterface).toBe('');
    expect(s.randomPortOnStart).toBe(false);
  });
  it.each(['', ' ', '0.0.0.0', '::', '127.0.0.1', '::1', '192.168.1.20', 'fe80::1'])(
    'accepts %j',
    (t) => expect(isValidListenInterface(t)).toBe(true),
  );
  it.each(['localhost', 'eth0', '1.2.3', '[::1]', '::1%lo', '0.0.0.0:6881'])('refuses %j', (t) =>
    expect(isValidListenInterface(t)).toBe(false),
  );
});

describe('randomListenPort', () => {
  it('stays in the dynamic range at both ends', () => {
    expect(randomListenPort(0)).toBe(randomPortRange.min);
    expect(randomListenPort(0.999999999)).toBe(randomPortRange.max);
    expect(randomListenPort(0.5)).toBe(57344);
  });
});
