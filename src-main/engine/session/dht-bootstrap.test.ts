import { describe, expect, it } from 'vitest';
import { defaultDhtBootstrap, defaultSettings, parseHostPort } from '../../../src-shared/model';
import { isLoopbackHost, planDhtBootstrap } from './dht-bootstrap';

describe('parseHostPort', () => {
  it.each([
    ['router.bittorrent.com:6881', { host: 'router.bittorrent.com', port: 6881 }],
    ['127.0.0.1:1', { host: '127.0.0.1', port: 1 }],
    [' localhost:65535 ', { host: 'localhost', port: 65535 }],
  ])('reads %s', (text, want) => expect(parseHostPort(text)).toEqual(want));

  it.each([
    '',
    'host',
    'host:',
    ':80',
    'host:0',
    'host:65536',
    'a b:1',
    'host:80:1',
    '-x.org:1',
    'x.org:123456',
  ])('refuses %j', (text) => expect(parseHostPort(text)).toBeNull());
});

describe('planDhtBootstrap', () => {
  it('uses the public routers on a public listen address, one node per IP', () => {
    const plan = planDhtBootstrap(defaultDhtBootstrap, '0.0.0.0');
    expect(plan.nodes.map((n) => n.host)).toEqual([
      'router.bittorrent.com',
      'dht.transmissionbt.com',
      'router.utorrent.com',
    ]);
    expect(plan.skipped).toEqual([]);
    expect(plan.allowSameIp).toBe(false);
  });

  it('never keeps a public router on a loopback session (tests never dial them)', () => {
    const plan = planDhtBootstrap([...defaultDhtBootstrap, '127.0.0.1:7000'], '127.0.0.1');
    expect(plan.nodes).toEqual([{ host: '127.0.0.1', port: 7000 }]);
    expect(plan.skipped).toHaveLength(3);
    expect(plan.allowSameIp).toBe(true);
  });

  it('allows same-IP nodes only when every bootstrap node is loopback', () => {
    expect(planDhtBootstrap(['127.0.0.1:7000', 'localhost:7001'], '0.0.0.0').allowSameIp).toBe(
      true,
    );
    expect(planDhtBootstrap(['127.0.0.1:7000', 'example.org:1'], '0.0.0.0').allowSameIp).toBe(
      false,
    );
    expect(planDhtBootstrap([], '0.0.0.0').allowSameIp).toBe(false);
  });

  it('skips malformed entries from a hand-edited settings.json and repeats', () => {
    const plan = planDhtBootstrap([42, null, 'nope', '10.0.0.1:5', '10.0.0.1:5'], '::');
    expect(plan.nodes).toEqual([{ host: '10.0.0.1', port: 5 }]);
    expect(plan.skipped).toEqual(['42', 'null', 'nope']);
  });

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.9.8.7', 'localhost', 'LOCALHOST', '::1'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '128.0.0.1', 'router.bittorrent.com', '::'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('the DHT settings', () => {
  it('default to on, with the well-known routers', () => {
    const s = defaultSettings('/d');
    expect(s.dhtEnabled).toBe(true);
    expect(s.dhtBootstrap).toEqual([
      'router.bittorrent.com:6881',
      'dht.transmissionbt.com:6881',
      'router.utorrent.com:6881',
    ]);
  });

  // --- IPv6 (issue 18) ---
  it('reads [v6]:port entries, for the IPv6 DHT; on ::1 only loopback ones', () => {
    expect(planDhtBootstrap(['[::1]:6881', '[2001:db8::1]:6881'], '::1')).toEqual({
      nodes: [{ host: '::1', port: 6881 }],
      skipped: ['[2001:db8::1]:6881'],
      allowSameIp: true,
    });
    expect(planDhtBootstrap(['[2001:db8::1]:6881', '[::1]'], '0.0.0.0').nodes).toEqual([
      { host: '2001:db8::1', port: 6881 },
    ]);
  });
});
