import { describe, expect, it } from 'vitest';
import { AddressPolicy, isLoopback, sameHost } from './address-policy';
import { BanPolicy } from './ban-policy';
import { MAX_CONNECTIONS_PER_IP } from '../limits';

describe('AddressPolicy', () => {
  it('knows loopback addresses, v4, v6 and v4-mapped', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('caps connections per IP at MAX_CONNECTIONS_PER_IP by default', () => {
    const policy = new AddressPolicy();
    expect(policy.mayConnect('10.0.0.1', () => MAX_CONNECTIONS_PER_IP - 1)).toBe(true);
    expect(policy.mayConnect('10.0.0.1', () => MAX_CONNECTIONS_PER_IP)).toBe(false);
  });

  it('the cap is an option', () => {
    const policy = new AddressPolicy({ maxConnectionsPerIp: 3 });
    expect(policy.mayConnect('10.0.0.1', () => 2)).toBe(true);
    expect(policy.mayConnect('10.0.0.1', () => 3)).toBe(false);
  });

  it('loopback peers are this machine: not capped, unless asked', () => {
    expect(new AddressPolicy().mayConnect('127.0.0.1', () => 50)).toBe(true);
    expect(new AddressPolicy({ limitLoopback: true }).mayConnect('127.0.0.1', () => 1)).toBe(false);
  });

  // --- IPv6 (issue 18) ---
  it('counts an IPv6 /64 as one host and a v4-mapped address as its IPv4 address', () => {
    expect(sameHost('2001:db8:1:2::a', '2001:db8:1:2:8000::b')).toBe(true);
    expect(sameHost('2001:db8:1:2::a', '2001:db8:1:3::a')).toBe(false);
    expect(sameHost('::ffff:10.0.0.1', '10.0.0.1')).toBe(true);
    expect(new AddressPolicy().isOneHost('::ffff:127.0.0.1')).toBe(false);
  });

  it('a ban of one IPv6 address keeps out its whole /64, under any port', () => {
    const addresses = new AddressPolicy();
    const bans = new BanPolicy({
      strikesToBan: 1,
      banByAddress: (a) => addresses.isOneHost(a),
    });
    bans.ban({
      key: '[2001:db8::1]:6881',
      address: '2001:db8::1',
      candidateKey: null,
      peerIdHex: null,
    });
    expect(bans.isAddressBanned('2001:db8::99', 7000)).toBe(true);
    expect(bans.isAddressBanned('2001:db8:0:1::1', 6881)).toBe(false);
  });

  it('a ban of a v4 peer seen through a dual-stack socket holds for its plain address', () => {
    const bans = new BanPolicy({ strikesToBan: 1, banByAddress: () => true });
    bans.ban({ key: 'k', address: '::ffff:10.0.0.7', candidateKey: null, peerIdHex: null });
    expect(bans.isAddressBanned('10.0.0.7', 1)).toBe(true);
  });
});
